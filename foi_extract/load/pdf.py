"""PDF via pypdf: one page of text per PDF page, 1-based in every Span."""

from __future__ import annotations

import io
import logging

from .. import limits
from ..errors import CorruptDocument, EncryptedDocument, FoiExtractError, NeedsOCR, TooLarge, UnsupportedType
from ..models import Notice
from . import PDF, Loaded, register

logging.getLogger("pypdf").setLevel(logging.ERROR)

MIN_PAGE_CHARS = 3
MAX_PAGE_CONTENT = 16 * 1024 * 1024  # decoded content stream of one page; a letter page is a few KB


@register(PDF, (".pdf",))
def load_pdf(data: bytes, path: str) -> Loaded:
    import pypdf
    from pypdf.errors import LimitReachedError, PdfReadError

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
        count = len(reader.pages)
        if count > limits.current().max_pages:
            raise TooLarge(path, f"{count:,} pages is over the {limits.current().max_pages:,}-page limit (FOI_EXTRACT_MAX_PAGES)")
        pages = []
        chars = 0
        for i, page in enumerate(reader.pages, 1):
            limits.check(f"reading page {i} of {count}")
            pages.append(_page_text(page, i, path))
            chars += len(pages[-1])
            if chars > limits.current().max_text_chars:
                raise TooLarge(path, f"over {limits.current().max_text_chars:,} characters of text by page {i} (FOI_EXTRACT_MAX_CHARS)")
    except FoiExtractError:
        raise
    except LimitReachedError as exc:  # pypdf's own bound on inflating a stream: a decompression bomb
        raise TooLarge(path, f"a PDF stream inflates past pypdf's limit (decompression bomb?): {exc}") from None
    except NotImplementedError as exc:  # an unknown filter or encryption handler
        raise UnsupportedType(path, f"PDF uses a feature pypdf does not implement ({_one_line(exc)})") from None
    except RecursionError:
        raise CorruptDocument(path, "unreadable PDF (objects nested too deeply)") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, ZeroDivisionError,
            AssertionError, UnicodeError, OverflowError) as exc:
        raise CorruptDocument(path, f"unreadable PDF ({type(exc).__name__}: {_one_line(exc)})") from None
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


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def _page_text(page: object, number: int, path: str) -> str:
    contents = page.get_contents()  # type: ignore[attr-defined]
    size = len(contents.get_data()) if contents is not None else 0
    if size > MAX_PAGE_CONTENT:  # text extraction is slow per operator: refuse before it starts
        raise TooLarge(path, f"page {number}'s content stream is {size:,} bytes decoded, over {MAX_PAGE_CONTENT:,}")
    text = page.extract_text() or ""  # type: ignore[attr-defined]
    return text.replace("\r\n", "\n").replace("\r", "\n")
