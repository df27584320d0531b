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
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections import OrderedDict
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

MIN_PAGE_CHARS = 3
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
        confidence, unavailable = _ocr_pages(pages, render, warnings, hashlib.sha256(data).digest())
    finally:
        close()
    if all(len(text.strip()) < MIN_PAGE_CHARS for text in pages):
        raise NeedsOCR(path, _needs_ocr_cause(len(pages), unavailable))
    return Loaded(pages=pages, warnings=warnings, ocr_confidence=confidence)


# ---------------------------------------------------------------------------------- guards
_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")


def check_streams(data: bytes, path: str) -> None:
    """Inflate every Flate stream that is not an image once, in chunks, keeping nothing: a page
    whose content inflates past FOI_EXTRACT_MAX_PAGE_CONTENT (a text flood PDFium would spend gigabytes and
    minutes on) or a file whose streams inflate past FOI_EXTRACT_MAX_UNPACKED (a bomb) is refused
    before any reader parses it. Linear in the file; bounded in memory and in total work."""
    total_cap, page_cap = limits.current().max_unpacked, limits.current().max_page_content
    total = 0
    for m in _STREAM_START.finditer(data):
        head = data[max(0, m.start() - 1024) : m.start()]
        head = head[head.rfind(b" obj") + 1 :] if b" obj" in head else head
        if b"/FlateDecode" not in head or b"/Image" in head or b"/DCTDecode" in head:
            continue
        size = _inflated_size(data, m.end(), min(page_cap, total_cap - total) + 1)
        total += size
        if size > page_cap:
            raise TooLarge(
                path,
                f"a content stream inflates past {page_cap:,} bytes (FOI_EXTRACT_MAX_PAGE_CONTENT; "
                "a text flood or a bomb)",
            )
        if total > total_cap:
            raise TooLarge(
                path,
                f"its streams inflate past {total_cap:,} bytes (FOI_EXTRACT_MAX_UNPACKED; a bomb?)",
            )
        limits.check("checking PDF streams")


def _inflated_size(data: bytes, start: int, cap: int) -> int:
    """Bytes the zlib stream at `start` inflates to, counting at most `cap` (damaged data: what was read)."""
    import zlib

    d = zlib.decompressobj()
    out = 0
    pos = start
    try:
        while out < cap and not d.eof and pos < len(data):
            chunk = d.decompress(data[pos : pos + 65536], cap - out)
            out += len(chunk)
            while d.unconsumed_tail and out < cap:  # output was capped: drain what is pending
                chunk = d.decompress(d.unconsumed_tail, cap - out)
                out += len(chunk)
            if d.unconsumed_tail:
                break
            pos += 65536
    except zlib.error:
        pass
    return out


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
            text = _line_breaks(textpage, textpage.get_text_range())
        finally:
            textpage.close()
    finally:
        page.close()
    return text.translate(_PDFIUM_TEXT)


_BREAK = re.compile(r"\r\n|\r|\n")
_BREAK_OR_SPACE = re.compile(r"\r\n|\r|\n| ")
COLUMN_GAP = (
    2.0  # a space PDFium puts over a gap wider than this many line heights separates columns
)


def _line_breaks(textpage: Any, text: str) -> str:
    """PDFium's line breaks as "\n", judged by where the characters on each side of a break sit.

    PDFium ends a line wherever the baseline moves and drops empty lines. So a break between two
    characters of one printed line (a superscript "1" "st") is undone, and a break over a vertical
    gap of more than most of a line's height becomes a blank line, which is how paragraphs show in
    other readers' text and how the rules see where a paragraph (or a URL) ends. PDFium also writes
    one space for any gap on a line; a gap of two line heights or more (a label and its value in
    two table columns, "Date" ... "13 November 2020") becomes a tab, as a column gap.
    """
    import pypdfium2.raw as raw

    if len(text) != textpage.count_chars():  # text and character indices differ: no geometry
        return _BREAK.sub("\n", text)
    handle = textpage.raw
    rect = raw.FS_RECTF()

    def box(i: int) -> tuple[float, float, float, float]:
        # the loose box spans the font's ascent to descent, whatever the glyph: lines compare evenly
        raw.FPDFText_GetLooseCharBox(handle, i, rect)
        return rect.left, rect.bottom, rect.right, rect.top

    out: list[str] = []
    last, n = 0, len(text)
    for m in _BREAK_OR_SPACE.finditer(text):
        start, end = m.span()
        if text[start] == " ":
            if (
                0 < start < n - 1
                and raw.FPDFText_IsGenerated(handle, start) == 1
                and text[start - 1] not in " \r\n"
                and text[start + 1] not in " \r\n"
            ):
                pl, pb, pr, pt = box(start - 1)
                ql, qb, qr, qt = box(start + 1)
                if ql - pr > COLUMN_GAP * max(pt - pb, qt - qb, 1.0):
                    out.append(text[last:start])
                    out.append("\t")
                    last = end
            continue
        p = start - 1
        while p >= 0 and text[p] in " \t":
            p -= 1
        q = end
        while q < n and text[q] in " \t":
            q += 1
        sep = "\n"
        if p >= 0 and q < n and text[p] not in "\r\n" and text[q] not in "\r\n":
            pl, pb, pr, pt = box(p)
            ql, qb, qr, qt = box(q)
            ph, qh = pt - pb, qt - qb
            height = max(ph, qh)
            gap = ql - pr
            if (
                height > 0
                and min(pt, qt) - max(pb, qb) > 0.5 * min(ph, qh)
                and -0.5 * height < gap < 0.5 * height
            ):
                # the same printed line: a superscript or subscript ("1st") joins, else a space
                script = min(ph, qh) < 0.85 * height
                sep = "" if gap < (0.3 if script else 0.15) * height else " "
            elif height > 0 and pb - qt > 0.5 * height:
                sep = "\n\n"  # a gap of most of a line or more: a paragraph ends
        out.append(text[last:start])
        out.append(sep)
        last = end
    out.append(text[last:])
    return "".join(out)


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


# ---------------------------------------------------------------------------------- OCR
_OCR_CACHE: OrderedDict[tuple[bytes, int], ocr.OCRPage] = OrderedDict()
_OCR_CACHE_PAGES = (
    256  # a file loaded twice in one process (eval loads each document twice) is read once
)


def _ocr_page(key: tuple[bytes, int], render: Callable[[int], Any]) -> ocr.OCRPage:
    page = _OCR_CACHE.get(key)
    if page is None:
        page = ocr.ocr_image(render(key[1]))
        _OCR_CACHE[key] = page
        while len(_OCR_CACHE) > _OCR_CACHE_PAGES:
            _OCR_CACHE.popitem(last=False)
    else:
        _OCR_CACHE.move_to_end(key)
    return page


def _ocr_pages(
    pages: list[str], render: Callable[[int], Any] | None, warnings: list[Notice], digest: bytes
) -> tuple[dict[int, float], str | None]:
    """OCR the pages the mode asks for, in place: {page: confidence} of the pages read so, and why
    OCR could not run (None when it could or was not needed)."""
    mode = ocr.current_mode()
    wanted = [
        i
        for i, text in enumerate(pages, 1)
        if mode == ocr.ALWAYS or (mode == ocr.AUTO and len(text.strip()) < MIN_PAGE_CHARS)
    ]
    unavailable = None
    if wanted and render is None:
        unavailable = "the page cannot be rendered for OCR (PDFium could not open the file)"
    elif wanted and not ocr.available():
        unavailable = f"Tesseract is not installed: {ocr.INSTALL_HINT}"
    confidence: dict[int, float] = {}
    for number in wanted:
        if unavailable is not None or render is None:  # render is None: unavailable says why
            break
        limits.check(f"OCR of page {number}")
        try:
            page = _ocr_page((digest, number), render)
        except ocr.OCRUnavailable as exc:
            unavailable = str(exc)
            break
        if len(page.text.strip()) < MIN_PAGE_CHARS:
            if mode == ocr.ALWAYS and len(pages[number - 1].strip()) >= MIN_PAGE_CHARS:
                continue  # nothing read from the image: the text layer stands
            warnings.append(
                Notice(
                    code="image_only_page",
                    page=number,
                    message=f"page {number} has no text layer and OCR read no text from it",
                )
            )
            continue
        pages[number - 1] = page.text
        confidence[number] = page.confidence
        if page.confidence < ocr.LOW_CONFIDENCE:
            warnings.append(
                Notice(
                    code="ocr_low_confidence",
                    page=number,
                    message=f"page {number} was read by OCR with low confidence ({page.confidence:.2f})",
                )
            )
    for number, text in enumerate(pages, 1):
        if number in confidence or len(text.strip()) >= MIN_PAGE_CHARS:
            continue
        if any(w.code == "image_only_page" and w.page == number for w in warnings):
            continue
        why = (
            "OCR is off (--ocr never)"
            if mode == ocr.NEVER
            else unavailable or "OCR needed to read it"
        )
        warnings.append(
            Notice(
                code="image_only_page",
                page=number,
                message=f"page {number} has no text layer; {why}",
            )
        )
    return confidence, unavailable


def _needs_ocr_cause(n_pages: int, unavailable: str | None) -> str:
    base = f"no text layer on any of its {n_pages} page(s): scanned images need OCR"
    if ocr.current_mode() == ocr.NEVER:
        return f"{base} (OCR is off: --ocr never)"
    if unavailable:
        return f"{base}; {unavailable}"
    return (
        f"no text layer on any of its {n_pages} page(s), and OCR read no text from the page images"
    )
