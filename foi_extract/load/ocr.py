"""OCR of page images with Tesseract (Debian's `tesseract-ocr`), driven by pytesseract.

The PDF loader renders a page with no text layer through PDFium and hands the image here; the
words Tesseract reads become that page's text (words joined by a space, lines by a newline,
paragraphs by a blank line), so OCR text keeps the page/offset contract like any other page.
Each page also gets a confidence: Tesseract's word confidences averaged over the page's
characters, 0 to 1.

The mode (`--ocr auto|never|always`) is set around a load with `ocr_mode()`; loaders of
attachments (an email's scanned PDF) see the same mode.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

AUTO, NEVER, ALWAYS = "auto", "never", "always"
MODES = (AUTO, NEVER, ALWAYS)
DPI = 300  # Tesseract's own recommendation for body text
LANG = os.environ.get("FOI_EXTRACT_OCR_LANG", "eng")
LOW_CONFIDENCE = 0.80  # a page below this mean word confidence is flagged for review
INSTALL_HINT = (
    "install Tesseract (Debian/Ubuntu: apt-get install tesseract-ocr tesseract-ocr-eng, "
    "or scripts/setup_system.sh)"
)

_MODE: ContextVar[str] = ContextVar("foi_extract_ocr_mode", default=AUTO)


@contextlib.contextmanager
def ocr_mode(mode: str) -> Iterator[None]:
    """Loads inside this block OCR pages according to `mode` (auto, never, always)."""
    if mode not in MODES:
        raise ValueError(f"ocr mode must be one of {', '.join(MODES)}, not {mode!r}")
    token = _MODE.set(mode)
    try:
        yield
    finally:
        _MODE.reset(token)


def current_mode() -> str:
    return _MODE.get()


def tesseract_cmd() -> str | None:
    """The Tesseract executable: $FOI_EXTRACT_TESSERACT, else `tesseract` on PATH; None when missing."""
    import shutil  # shutil pulls in bz2 and lzma: only a run that looks for Tesseract pays for them

    given = os.environ.get("FOI_EXTRACT_TESSERACT")
    if given:
        return given if os.path.exists(given) or shutil.which(given) else None
    return shutil.which("tesseract")


def available() -> bool:
    return tesseract_cmd() is not None


class OCRUnavailable(Exception):
    """Tesseract is missing or cannot run (no language data): the cause is one line."""


@dataclass
class OCRPage:
    text: str
    confidence: float  # 0..1, character-weighted mean of the word confidences; 0.0 when no words


def ocr_image(image: Any) -> OCRPage:
    """Read one page image (a PIL image) with Tesseract."""
    cmd = tesseract_cmd()
    if cmd is None:
        raise OCRUnavailable(f"Tesseract is not installed: {INSTALL_HINT}")
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = cmd
    # OpenMP threads inside Tesseract make it several times slower on a small machine (each one
    # spins for a core); one thread per page is also what a batch running several files wants.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(image, lang=LANG, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError:
        raise OCRUnavailable(f"Tesseract is not installed: {INSTALL_HINT}") from None
    except pytesseract.TesseractError as exc:
        message = " ".join(str(exc.message).split())[:200]
        raise OCRUnavailable(f"Tesseract failed ({message}); {INSTALL_HINT}") from None
    return page_from_data(data)


def page_from_data(data: dict[str, list[Any]]) -> OCRPage:
    """Tesseract's word table (image_to_data) as page text and a confidence."""
    lines: list[tuple[tuple[int, int], list[str]]] = []  # ((block, paragraph), words of one line)
    last_line: tuple[int, int, int] | None = None
    weighted = chars = 0.0
    for i, word in enumerate(data["text"]):
        if int(data["level"][i]) != 5:
            continue
        word = " ".join(str(word).split())
        if not word:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        if key != last_line:
            lines.append((key[:2], []))
            last_line = key
        lines[-1][1].append(word)
        conf = float(data["conf"][i])
        if conf >= 0:
            weighted += conf * len(word)
            chars += len(word)
    out: list[str] = []
    last_par: tuple[int, int] | None = None
    for par, words in lines:
        if out:
            out.append("\n\n" if par != last_par else "\n")
        out.append(" ".join(words))
        last_par = par
    text = "".join(out)
    return OCRPage(
        text=text + "\n" if text else "",
        confidence=round(weighted / chars / 100, 3) if chars else 0.0,
    )
