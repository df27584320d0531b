"""Load any supported file into a `Document`: pages of text with stable offsets.

Loaders register here by media type; `load()` sniffs the bytes (not just the extension)
so a file that lies about its type gets a clear error instead of garbage.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import limits
from ..document import Document
from ..errors import (
    CorruptDocument,
    EmptyDocument,
    FileMissing,
    TooLarge,
    Unreadable,
    UnsupportedType,
)
from ..models import Notice, Section, Table

MAX_BYTES = limits.current().max_bytes  # kept for callers; load() reads the limit at call time


@dataclass
class Loaded:
    """What a loader returns; `load()` wraps it into a Document."""

    pages: list[str]
    sections: list[Section] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)  # spans refer to these pages (1-based)
    ocr_confidence: dict[int, float] = field(
        default_factory=dict
    )  # pages read by OCR -> confidence 0..1


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
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS = "application/vnd.ms-excel"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
MSG = "application/vnd.ms-outlook"
_ODS_MIME = ODS.encode()

# Each loader module is imported when its type is first met, so one PDF does not pay for the email,
# HTML and Word parsers. A module listed here registers the types it reads when imported; a loader
# not listed is found by importing them all (`_register_all`).
_MODULES = {
    PDF: "pdf",
    DOCX: "docx",
    DOC: "doc",
    EML: "eml",
    HTML: "html",
    MARKDOWN: "text",
    TEXT: "text",
    CSV: "sheets",
    XLSX: "sheets",
    XLS: "sheets",
    ODS: "sheets",
    MSG: "msg",
}
_EXTENSIONS.update(
    {
        ".pdf": PDF,
        ".docx": DOCX,
        ".doc": DOC,
        ".eml": EML,
        ".html": HTML,
        ".htm": HTML,
        ".txt": TEXT,
        ".text": TEXT,
        ".md": MARKDOWN,
        ".markdown": MARKDOWN,
        ".csv": CSV,
        ".tsv": CSV,
        ".xlsx": XLSX,
        ".xlsm": XLSX,
        ".xls": XLS,
        ".ods": ODS,
        ".msg": MSG,
    }
)


def _register_all() -> None:
    from . import doc, docx, eml, html, msg, pdf, sheets, text  # noqa: F401  (registers loaders)


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
        return _sniff_zip(data, path, ext)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _sniff_ole(data, path, ext)
    if ext in (".docx", ".doc", ".xlsx", ".xls", ".ods", ".msg"):
        raise CorruptDocument(path, f"not a {ext} file ({_describe(head)})")
    from .text import bom_encoding

    enc = bom_encoding(head)
    if enc:  # UTF-16/32 text has NUL bytes but is text
        decoded = head.decode(enc, errors="replace").lower().lstrip("\ufeff \r\n\t")
        if ext in _EXTENSIONS and _EXTENSIONS[ext] in (TEXT, MARKDOWN, HTML, CSV):
            return _EXTENSIONS[ext]
        return HTML if decoded.startswith(("<!doctype html", "<html")) else TEXT
    if _looks_binary(head):
        raise UnsupportedType(path, f"binary file of unknown type ({_describe(head)})")
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    low = head.lower().lstrip()
    if low.startswith((b"<!doctype html", b"<html")):
        return HTML
    return TEXT


def _sniff_zip(data: bytes, path: str, ext: str) -> str:
    """Word, Excel or OpenDocument spreadsheet by the parts the archive holds, not by its name."""
    import io
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        if ext in (".docx", ".xlsx", ".ods"):
            raise CorruptDocument(path, f"unreadable {ext} (damaged ZIP: {exc})") from None
        raise UnsupportedType(path, f"a damaged ZIP archive ({exc})") from None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return XLSX
    if (
        "content.xml" in names and _ODS_MIME in data[30:200]
    ):  # 'mimetype' is the first, stored member
        return ODS
    if ext == ".docx":
        return DOCX  # the loader names what is missing
    if ext in (".xlsx", ".ods"):
        raise CorruptDocument(path, f"not a {ext} file (a ZIP archive without its workbook part)")
    raise UnsupportedType(
        path, "a ZIP archive that is not a Word, Excel or OpenDocument spreadsheet file"
    )


def _sniff_ole(data: bytes, path: str, ext: str) -> str:
    """Word 97-2003, Excel 97-2003 or an Outlook message: all OLE2 compound files."""
    import io

    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except Exception as exc:  # olefile on a damaged header: say so, whatever it raised
        raise CorruptDocument(
            path, f"unreadable OLE compound file ({type(exc).__name__}: {exc})"
        ) from None
    tops = {s.split("/")[0] for s in streams}
    if "__properties_version1.0" in tops or any(t.startswith("__substg1.0_") for t in tops):
        return MSG
    if tops & {"Workbook", "Book"}:
        return XLS
    if "WordDocument" in tops or ext == ".doc":
        return DOC
    if "EncryptedPackage" in tops:
        return (
            DOCX if ext == ".docx" else XLSX if ext == ".xlsx" else DOC
        )  # the loaders report encryption
    raise UnsupportedType(
        path,
        f"an OLE compound file that is not Word, Excel or Outlook ({', '.join(sorted(tops)[:4])})",
    )


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


def read_input(p: str) -> bytes:
    """The file's bytes: regular files only (never blocks on a FIFO or reads a device), size-capped."""
    cap = limits.current().max_bytes
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise FileMissing(p, "no such file") from None
    except OSError as exc:
        raise Unreadable(p, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    if stat.S_ISDIR(st.st_mode):
        raise UnsupportedType(p, "is a directory")
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a FIFO (named pipe)"
            if stat.S_ISFIFO(st.st_mode)
            else "a device"
            if (stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode))
            else "a socket"
            if stat.S_ISSOCK(st.st_mode)
            else "not a file"
        )
        raise UnsupportedType(p, f"is {kind}, not a regular file")
    if st.st_size > cap:
        raise TooLarge(
            p, f"{st.st_size:,} bytes is over the {cap:,}-byte limit (FOI_EXTRACT_MAX_BYTES)"
        )
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped for a pipe since the stat
                raise UnsupportedType(p, "is not a regular file")
            data = fh.read(cap + 1)
    except OSError as exc:
        raise Unreadable(p, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > cap:  # grew while being read
        raise TooLarge(p, f"over the {cap:,}-byte limit (FOI_EXTRACT_MAX_BYTES)")
    return data


def load(path: str | os.PathLike[str], *, ocr: str = "auto") -> Document:
    """Read a file into pages; raises a FoiExtractError subclass with a one-line cause.

    `ocr`: "auto" reads pages with no text layer by OCR (when Tesseract is installed), "never"
    leaves them empty, "always" OCRs every PDF page.
    """
    from .ocr import ocr_mode

    p = str(path)
    data = read_input(p)
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
        tables=loaded.tables,
        ocr_confidence=loaded.ocr_confidence,
    )


def load_bytes(data: bytes, path: str, media_type: str) -> Loaded:
    """Dispatch to the registered loader; used by `load()` and for email attachments."""
    fn = _loader(media_type)
    if fn is None:
        raise UnsupportedType(path, f"no loader for {media_type}")
    limits.check("loading")
    loaded = fn(data, path)
    check_size(loaded.pages, path)
    if not any(page.strip() for page in loaded.pages):
        raise EmptyDocument(path, "no text found")
    return loaded


def check_size(pages: list[str], path: str) -> None:
    """Page-count and text-size limits, applied to every loader's output (attachments included)."""
    lim = limits.current()
    if len(pages) > lim.max_pages:
        raise TooLarge(
            path,
            f"{len(pages):,} pages is over the {lim.max_pages:,}-page limit (FOI_EXTRACT_MAX_PAGES)",
        )
    chars = sum(map(len, pages))
    if chars > lim.max_text_chars:
        raise TooLarge(
            path,
            f"{chars:,} characters of text is over the {lim.max_text_chars:,} limit (FOI_EXTRACT_MAX_CHARS)",
        )
