"""Which files found by walking are not replies, and why (the "skipped" reasons of a run).

Decided by name alone, so a large corpus is sorted without opening a file; only a spreadsheet
asks which extensions the loaders read, and that lookup (which imports the loaders) is lazy.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

IMAGES = {
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".tif",
    ".tiff",
    ".bmp",
    ".webp",
    ".heic",
    ".svg",
    ".ico",
}
SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".numbers"}
PRESENTATIONS = {".pptx", ".ppt", ".odp", ".key"}
DATA_FILES = {
    ".json",
    ".jsonl",
    ".yaml",
    ".yml",
    ".toml",
    ".xml",
    ".ini",
    ".cfg",
    ".log",
    ".sqlite",
    ".db",
    ".parquet",
    ".py",
    ".js",
    ".css",
    ".sh",
}
MEDIA = {".mp3", ".mp4", ".wav", ".mov", ".avi", ".m4a", ".ogg", ".webm"}
OTHER_ARCHIVES = {".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz"}
SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini", ".gitignore", ".gitattributes"}
MANIFEST_STEMS = ("manifest", "readme", "checksums", "sha256sums", "md5sums", "index", "license")


def _loadable(loadable: Iterable[str] | LoaderExtensions) -> set[str]:
    return loadable.get() if isinstance(loadable, LoaderExtensions) else set(loadable)


class LoaderExtensions:
    """The loaders' extensions, looked up only when a spreadsheet turns up (importing loaders costs time)."""

    def __init__(self) -> None:
        self._value: set[str] | None = None

    def get(self) -> set[str]:
        if self._value is None:
            self._value = _loadable_extensions()
        return self._value


def skip_reason(name: str, *, loadable: Iterable[str] | LoaderExtensions = ()) -> str | None:
    """Why a file found by walking is not a reply (None: extract it). `loadable`: extensions with a loader."""
    base = PurePosixPath(name.replace("\\", "/")).name
    low = base.lower()
    ext = PurePosixPath(low).suffix
    if low in SYSTEM_FILES or low.startswith("._") or low.startswith("~$"):
        return "system file"
    if (
        low.endswith(".foi.sqlite")
        or low.endswith(".foi.sqlite-wal")
        or low.endswith(".foi.sqlite-shm")
    ):
        return "a foi-extract run store"
    if base.startswith("."):
        return "hidden file"
    if ext in IMAGES:
        return "image: no text layer to read (OCR is not supported)"
    if PurePosixPath(low).stem in MANIFEST_STEMS or low.startswith("manifest"):
        return "manifest or readme, not a reply"
    if ext in SPREADSHEETS and ext not in _loadable(loadable):
        return "spreadsheet: data without a letter"
    if ext in DATA_FILES:
        return "data or program file, not a reply"
    if ext in MEDIA:
        return "audio or video file"
    if ext in PRESENTATIONS:
        return "presentation, not a letter"
    if ext in OTHER_ARCHIVES:
        return "archive type not read (only .zip archives are opened)"
    return None


def _loadable_extensions() -> set[str]:
    """Extensions some loader reads as something other than plain text (a spreadsheet loader, say)."""
    from .. import load as loadmod
    from ..load import doc, docx, eml, html, pdf, text  # noqa: F401  (registers loaders)

    return {
        ext
        for ext, media in loadmod._EXTENSIONS.items()
        if media not in (loadmod.TEXT, loadmod.MARKDOWN)
    }
