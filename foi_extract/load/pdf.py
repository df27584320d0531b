"""PDF: one page of text per PDF page, 1-based in every Span.

PDFium (pypdfium2) reads the text by default: about twelve times faster than pypdf on the
corpus, with the same words. pypdf stays as the fallback for a file PDFium cannot open. Both give
the same page contract: one string per PDF page, lines ended by "\\n", and a word hyphenated at a
line end kept as "-\\n" (PDFium reports that hyphen as U+FFFE and drops the line break; it is put
back so both readers give the same lines).

A page with no text layer is rendered by PDFium and read by Tesseract (`load.ocr`) unless OCR is
off (`--ocr never`) or Tesseract is missing; `--ocr always` reads every page that way. OCR'd pages
are listed with their confidence in `Loaded.ocr_confidence`. A document with no text on any page
after that is exit 15 (OCR needed), with the reason.

The parts live beside it: the stream guard run before either reader (`pdf_guard`), PDFium's line
geometry (`pdf_lines`) and the OCR of pages without a text layer (`pdf_ocr`).
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from typing import Any

from .. import limits
from ..errors import (
    CorruptDocument,
    EncryptedDocument,
    FoiExtractError,
    NeedsOCR,
    TooLarge,
    UnsupportedType,
)
from ..models import Notice
from . import PDF, Loaded, ocr, register
from .pdf_guard import check_streams
from .pdf_lines import line_breaks
from .pdf_ocr import MIN_PAGE_CHARS, needs_ocr_cause, ocr_pages

READER_ENV = (
    "FOI_EXTRACT_PDF_READER"  # "pypdf" forces the fallback reader (comparisons, a PDFium bug)
)
_PDFIUM_TEXT = str.maketrans({"\ufffe": "-\n", "\x02": "-\n", "\x00": None})


class _PdfiumCannotOpen(Exception):
    """PDFium refused the file: the pypdf fallback gets a try."""


@register(PDF, (".pdf",))
def load_pdf(data: bytes, path: str) -> Loaded:
    if b"%%EOF" not in data[-8192:]:
        raise CorruptDocument(path, "truncated PDF (no end-of-file marker)")
    check_streams(data, path)
    warnings: list[Notice] = []
    try:
        if os.environ.get(READER_ENV, "").lower() == "pypdf":
            raise _PdfiumCannotOpen(f"{READER_ENV}=pypdf")
        pages, render, close = pdfium_pages(data, path)
    except _PdfiumCannotOpen as exc:
        pages, render, close = pypdf_pages(data, path), None, lambda: None
        warnings.append(
            Notice(
                code="pdf_fallback", message=f"read with pypdf: PDFium could not open it ({exc})"
            )
        )
    try:
        if not pages:
            raise CorruptDocument(path, "PDF has no pages")
        confidence, unavailable = ocr_pages(pages, render, warnings, hashlib.sha256(data).digest())
    finally:
        close()
    if all(len(text.strip()) < MIN_PAGE_CHARS for text in pages):
        raise NeedsOCR(path, needs_ocr_cause(len(pages), unavailable))
    return Loaded(pages=pages, warnings=warnings, ocr_confidence=confidence)


# ---------------------------------------------------------------------------------- PDFium
def pdfium_pages(
    data: bytes, path: str
) -> tuple[list[str], Callable[[int], Any], Callable[[], None]]:
    """Every page's text through PDFium, a function rendering page i (1-based) for OCR, and a closer."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise EncryptedDocument(
                path, "encrypted PDF: a password is needed to read it"
            ) from None
        raise _PdfiumCannotOpen(_reason(exc)) from None
    try:
        _check_count(len(pdf), path)
        pages = _bounded(lambda i: _pdfium_page_text(pdf, i), len(pdf), path)
    except FoiExtractError:
        pdf.close()
        raise
    except pdfium.PdfiumError as exc:
        pdf.close()
        raise _PdfiumCannotOpen(_reason(exc)) from None

    def render(number: int) -> Any:
        page = pdf[number - 1]
        try:
            return page.render(scale=ocr.DPI / 72, grayscale=True).to_pil()
        finally:
            page.close()

    return pages, render, pdf.close


def _pdfium_page_text(pdf: Any, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            # get_text_range, not get_text_bounded: text outside the crop box is still text of the page
            text = line_breaks(textpage, textpage.get_text_range())
        finally:
            textpage.close()
    finally:
        page.close()
    return text.translate(_PDFIUM_TEXT)


def _reason(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# ---------------------------------------------------------------------------------- pypdf
def pypdf_pages(data: bytes, path: str) -> list[str]:
    """Every page's text through pypdf (the fallback; also what PDFium's text is compared with)."""
    import logging

    import pypdf
    from pypdf.errors import LimitReachedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # missing crypto backend, unknown algorithm
                raise EncryptedDocument(
                    path, f"encrypted PDF that cannot be opened ({exc})"
                ) from None
            if not ok:
                raise EncryptedDocument(path, "encrypted PDF: a password is needed to read it")
        _check_count(len(reader.pages), path)
        return _bounded(
            lambda i: _pypdf_page_text(reader.pages[i], i + 1, path), len(reader.pages), path
        )
    except FoiExtractError:
        raise
    except (
        LimitReachedError
    ) as exc:  # pypdf's own bound on inflating a stream: a decompression bomb
        raise TooLarge(
            path, f"a PDF stream inflates past pypdf's limit (decompression bomb?): {_reason(exc)}"
        ) from None
    except NotImplementedError as exc:  # an unknown filter or encryption handler
        raise UnsupportedType(
            path, f"PDF uses a feature pypdf does not implement ({_reason(exc)[:200]})"
        ) from None
    except RecursionError:
        raise CorruptDocument(path, "unreadable PDF (objects nested too deeply)") from None
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        ZeroDivisionError,
        AssertionError,
        UnicodeError,
        OverflowError,
    ) as exc:
        raise CorruptDocument(
            path, f"unreadable PDF ({type(exc).__name__}: {_reason(exc)[:200]})"
        ) from None


def _check_count(count: int, path: str) -> None:
    cap = limits.current().max_pages
    if count > cap:
        raise TooLarge(
            path, f"{count:,} pages is over the {cap:,}-page limit (FOI_EXTRACT_MAX_PAGES)"
        )


def _bounded(read: Callable[[int], str], count: int, path: str) -> list[str]:
    """Each page's text in turn, under the time budget and the text limit."""
    cap = limits.current().max_text_chars
    pages: list[str] = []
    chars = 0
    for i in range(count):
        limits.check(f"reading page {i + 1} of {count}")
        pages.append(read(i))
        chars += len(pages[-1])
        if chars > cap:
            raise TooLarge(
                path, f"over {cap:,} characters of text by page {i + 1} (FOI_EXTRACT_MAX_CHARS)"
            )
    return pages


def _pypdf_page_text(page: Any, number: int, path: str) -> str:
    contents = page.get_contents()
    size = len(contents.get_data()) if contents is not None else 0
    cap = limits.current().max_page_content
    if size > cap:  # pypdf's text extraction is slow per operator: refuse before it starts
        raise TooLarge(
            path,
            f"page {number}'s content stream is {size:,} bytes decoded, over {cap:,} "
            "(FOI_EXTRACT_MAX_PAGE_CONTENT)",
        )
    text = page.extract_text() or ""
    return text.replace("\r\n", "\n").replace("\r", "\n")
