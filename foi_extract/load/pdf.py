"""PDF via pypdf: one page of text per PDF page, 1-based in every Span."""

from __future__ import annotations

import io
import logging

from ..errors import CorruptDocument, EncryptedDocument, NeedsOCR
from ..models import Notice
from . import PDF, Loaded, register

logging.getLogger("pypdf").setLevel(logging.ERROR)

MIN_PAGE_CHARS = 3


@register(PDF, (".pdf",))
def load_pdf(data: bytes, path: str) -> Loaded:
    import pypdf
    from pypdf.errors import PdfReadError

    if b"%%EOF" not in data[-8192:]:
        raise CorruptDocument(path, "truncated PDF (no end-of-file marker)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # missing crypto backend, unknown algorithm
                raise EncryptedDocument(path, f"encrypted PDF that cannot be opened ({exc})") from None
            if not ok:
                raise EncryptedDocument(path, "encrypted PDF: a password is needed to read it")
        pages = [_page_text(page) for page in reader.pages]
    except (EncryptedDocument, CorruptDocument):
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise CorruptDocument(path, f"unreadable PDF ({type(exc).__name__}: {exc})") from None
    if not pages:
        raise CorruptDocument(path, "PDF has no pages")
    warnings = [
        Notice(code="image_only_page", message=f"page {i} has no text layer; OCR needed to read it", page=i)
        for i, text in enumerate(pages, 1)
        if len(text.strip()) < MIN_PAGE_CHARS
    ]
    if len(warnings) == len(pages):
        raise NeedsOCR(path, f"no text layer on any of its {len(pages)} page(s): scanned images need OCR")
    return Loaded(pages=pages, warnings=warnings)


def _page_text(page: object) -> str:
    text = page.extract_text() or ""  # type: ignore[attr-defined]
    return text.replace("\r\n", "\n").replace("\r", "\n")
