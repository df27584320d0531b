"""OCR of a PDF's pages without a text layer, and the warnings that say which pages were read so.

Why its own module: what OCR does to a loaded PDF (which pages, the cache of pages read, what is
reported) is separate from reading the text layer.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from .. import limits
from ..models import Notice
from . import ocr

MIN_PAGE_CHARS = 3

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


def ocr_pages(
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


def needs_ocr_cause(n_pages: int, unavailable: str | None) -> str:
    base = f"no text layer on any of its {n_pages} page(s): scanned images need OCR"
    if ocr.current_mode() == ocr.NEVER:
        return f"{base} (OCR is off: --ocr never)"
    if unavailable:
        return f"{base}; {unavailable}"
    return (
        f"no text layer on any of its {n_pages} page(s), and OCR read no text from the page images"
    )
