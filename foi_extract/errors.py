"""Exceptions a user can act on, each with the CLI exit code documented in the README."""

from __future__ import annotations


def printable(text: str) -> str:
    """Text safe for one terminal line: control characters (newlines, ANSI escapes) shown escaped,
    so a file named "a\\n\\x1b[31mforged" cannot forge or colour a line of the tool's output."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class FoiExtractError(Exception):
    """Base class: `str(err)` is one line naming the file and the cause."""

    exit_code = 1
    code = "error"

    def __init__(self, path: object, cause: str) -> None:
        self.path = str(path)
        self.cause = cause
        super().__init__(f"{self.path}: {cause}")

    def __reduce__(self) -> tuple[type[FoiExtractError], tuple[str, str]]:
        """Picklable as built (path, cause): raised in a worker process, re-raised in the run."""
        return type(self), (self.path, self.cause)


class FileMissing(FoiExtractError):
    exit_code = 10
    code = "not_found"


class Unreadable(FoiExtractError):
    """Exists but cannot be read (permissions, an I/O error)."""

    exit_code = 10
    code = "unreadable"


class UnsupportedType(FoiExtractError):
    exit_code = 11
    code = "unsupported_type"


class CorruptDocument(FoiExtractError):
    exit_code = 12
    code = "corrupt"


class EncryptedDocument(FoiExtractError):
    exit_code = 13
    code = "encrypted"


class EmptyDocument(FoiExtractError):
    exit_code = 14
    code = "empty"


class NeedsOCR(FoiExtractError):
    exit_code = 15
    code = "needs_ocr"


class TooLarge(FoiExtractError):
    exit_code = 16
    code = "too_large"


class OverBudget(FoiExtractError):
    """The per-document time budget ran out (FOI_EXTRACT_TIME_BUDGET)."""

    exit_code = 17
    code = "over_budget"


class InternalError(FoiExtractError):
    """An unexpected exception while extracting one document: a bug, reported for that document only."""

    exit_code = 1
    code = "internal_error"


class ConfigError(Exception):
    """Bad configuration or arguments (exit code 2)."""

    exit_code = 2
