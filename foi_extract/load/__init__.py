"""Load any supported file into a `Document`: pages of text with stable offsets.

Loaders register here by media type; `load()` sniffs the bytes (not just the extension)
so a file that lies about its type gets a clear error instead of garbage.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..document import Document
from ..errors import CorruptDocument, EmptyDocument, FileMissing, TooLarge, UnsupportedType
from ..models import Notice, Section

MAX_BYTES = int(os.environ.get("FOI_EXTRACT_MAX_BYTES", str(100 * 1024 * 1024)))


@dataclass
class Loaded:
    """What a loader returns; `load()` wraps it into a Document."""

    pages: list[str]
    sections: list[Section] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    ocr_confidence: dict[int, float] = field(default_factory=dict)  # pages read by OCR -> confidence 0..1


LoaderFn = Callable[[bytes, str], Loaded]
_LOADERS: dict[str, LoaderFn] = {}
_EXTENSIONS: dict[str, str] = {}


def register(media_type: str, extensions: tuple[str, ...]) -> Callable[[LoaderFn], LoaderFn]:
    def deco(fn: LoaderFn) -> LoaderFn:
        _LOADERS[media_type] = fn
        for ext in extensions:
            _EXTENSIONS[ext] = media_type
        return fn

    return deco


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
EML = "message/rfc822"
HTML = "text/html"
MARKDOWN = "text/markdown"
TEXT = "text/plain"

# Each loader module is imported when its type is first met, so one PDF does not pay for the email,
# HTML and Word parsers. A module listed here registers the types it reads when imported; a loader
# not listed is found by importing them all (`_register_all`).
_MODULES = {PDF: "pdf", DOCX: "docx", DOC: "doc", EML: "eml", HTML: "html", MARKDOWN: "text", TEXT: "text"}
_EXTENSIONS.update({".pdf": PDF, ".docx": DOCX, ".doc": DOC, ".eml": EML, ".html": HTML, ".htm": HTML,
                    ".txt": TEXT, ".text": TEXT, ".md": MARKDOWN, ".markdown": MARKDOWN})


def _register_all() -> None:
    from . import doc, docx, eml, html, pdf, text  # noqa: F401  (registers loaders)


def _loader(media_type: str) -> LoaderFn | None:
    if media_type not in _LOADERS:
        import importlib

        if media_type in _MODULES:
            importlib.import_module(f"{__name__}.{_MODULES[media_type]}")
        if media_type not in _LOADERS:
            _register_all()
    return _LOADERS.get(media_type)


def sniff(data: bytes, path: str) -> str:
    """The media type from the content, with the extension as a tie-breaker for text."""
    ext = Path(path).suffix.lower()
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return PDF
    if ext == ".pdf":
        raise CorruptDocument(path, f"not a PDF (no %PDF header; {_describe(head)})")
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536] or ext == ".docx":
            return DOCX
        raise UnsupportedType(path, "a ZIP archive that is not a Word .docx file")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return DOC
    if ext in (".docx", ".doc"):
        raise CorruptDocument(path, f"not a Word file ({_describe(head)})")
    if _looks_binary(head):
        raise UnsupportedType(path, f"binary file of unknown type ({_describe(head)})")
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    low = head.lower().lstrip()
    if low.startswith((b"<!doctype html", b"<html")):
        return HTML
    return TEXT


def _looks_binary(head: bytes) -> bool:
    return b"\x00" in head or (bool(head) and sum(b < 9 for b in head) / len(head) > 0.05)


def _describe(head: bytes) -> str:
    if not head.strip():
        return "blank"
    low = head.lower().lstrip()
    if low.startswith((b"<!doctype html", b"<html")):
        return "looks like HTML"
    if head[:2] == b"\xff\xd8":
        return "looks like a JPEG image"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "looks like a PNG image"
    if _looks_binary(head):
        return "binary data"
    return "looks like text"


def load(path: str | os.PathLike[str], *, ocr: str = "auto") -> Document:
    """Read a file into pages; raises a FoiExtractError subclass with a one-line cause.

    `ocr`: "auto" reads pages with no text layer by OCR (when Tesseract is installed), "never"
    leaves them empty, "always" OCRs every PDF page.
    """
    from .ocr import ocr_mode

    p = str(path)
    if not os.path.exists(p):
        raise FileMissing(p, "no such file")
    if os.path.isdir(p):
        raise UnsupportedType(p, "is a directory")
    size = os.path.getsize(p)
    if size > MAX_BYTES:
        raise TooLarge(p, f"{size:,} bytes is over the {MAX_BYTES:,}-byte limit (FOI_EXTRACT_MAX_BYTES)")
    with open(p, "rb") as fh:
        data = fh.read()
    if not data.strip():
        raise EmptyDocument(p, "empty file")
    media_type = sniff(data, p)
    with ocr_mode(ocr):
        loaded = load_bytes(data, p, media_type)
    return Document(
        path=p,
        media_type=media_type,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=loaded.pages,
        sections=loaded.sections,
        warnings=loaded.warnings,
        ocr_confidence=loaded.ocr_confidence,
    )


def load_bytes(data: bytes, path: str, media_type: str) -> Loaded:
    """Dispatch to the registered loader; used by `load()` and for email attachments."""
    fn = _loader(media_type)
    if fn is None:
        raise UnsupportedType(path, f"no loader for {media_type}")
    loaded = fn(data, path)
    if not any(page.strip() for page in loaded.pages):
        raise EmptyDocument(path, "no text found")
    return loaded
