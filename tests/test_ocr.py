"""OCR of scanned pages: a synthetic letter rendered, rasterised to an image-only PDF, read back.

Tesseract runs for real (a few pages, a few seconds each). Without it installed these tests skip,
except under CI=true, where the project's setup must have installed it (scripts/setup_system.sh).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

import foi_extract
from foi_extract import review
from foi_extract.document import Document
from foi_extract.errors import NeedsOCR
from foi_extract.load import load, ocr
from foi_extract.models import Extraction
from foi_extract.pipeline import mark_ocr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.render import render_pdf  # noqa: E402

LETTER = """Northfield Borough Council
Our ref: FOI-2024-0042
Date: 3 April 2024

Dear Requester

Freedom of Information Act 2000

1. How many libraries does the council run?
The council runs 9 libraries.

2. What was the library budget in 2023?
The council does not hold this information.

Yours sincerely
Information Governance
"""


@pytest.fixture(scope="module")
def tesseract() -> None:
    if not ocr.available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Tesseract is missing under CI: {ocr.INSTALL_HINT}")
        pytest.skip("Tesseract is not installed")


def rasterise(
    pdf: Path, out: Path, *, dpi: int = 150, keep_text_pages: tuple[int, ...] = ()
) -> Path:
    """Write `out`: every page of `pdf` as a picture of itself (no text layer), except the pages
    in `keep_text_pages` (1-based), which are copied with their text."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader, PdfWriter

    src = pdfium.PdfDocument(str(pdf))
    writer = PdfWriter()
    reader = PdfReader(str(pdf))
    for i in range(len(src)):
        if i + 1 in keep_text_pages:
            writer.add_page(reader.pages[i])
            continue
        from fpdf import FPDF

        image = src[i].render(scale=dpi / 72, grayscale=True).to_pil()
        one = FPDF(format="A4")
        one.add_page()
        one.image(image, x=0, y=0, w=210, h=297)
        writer.add_page(PdfReader(io.BytesIO(bytes(one.output()))).pages[0])
    with open(out, "wb") as fh:
        writer.write(fh)
    return out


@pytest.fixture(scope="module")
def scanned(tesseract: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("scan")
    return rasterise(render_pdf(LETTER, d / "letter.pdf"), d / "scanned.pdf")


def test_scan_is_read_by_ocr_with_the_page_contract(scanned: Path) -> None:
    doc = load(scanned)
    assert doc.ocr_confidence.keys() == {1}
    assert doc.ocr_confidence[1] > ocr.LOW_CONFIDENCE
    text = doc.pages[0]
    for words in (
        "Northfield Borough Council",
        "FOI-2024-0042",
        "The council runs 9 libraries.",
        "does not hold this information",
    ):
        assert words in text
    assert not [w for w in doc.warnings if w.code == "image_only_page"]


def test_scan_extracts_end_to_end_and_every_span_says_ocr(scanned: Path) -> None:
    result = foi_extract.extract(scanned, engine="rules")
    assert [q.id for q in result.questions] == ["1", "2"]
    assert [q.status for q in result.questions] == ["answered", "not_held"]
    assert result.letter.reference == "FOI-2024-0042"
    assert [(p.page, p.ocr) for p in result.source.page_info] == [(1, True)]
    assert result.source.page_info[0].ocr_confidence > ocr.LOW_CONFIDENCE
    doc = load(scanned)
    spans = [s for q in result.questions for s in q.evidence] + list(
        result.letter.evidence.values()
    )
    assert spans and all(s.ocr for s in spans)
    assert all(doc.pages[s.page - 1][s.start : s.end] == s.text for s in spans)
    assert review.OCR_LOW_CONFIDENCE not in result.review


def test_ocr_never_and_missing_tesseract_are_exit_15(
    scanned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(NeedsOCR, match="--ocr never") as info:
        load(scanned, ocr="never")
    assert info.value.exit_code == 15
    monkeypatch.setenv("FOI_EXTRACT_TESSERACT", str(scanned.parent / "no-such-tesseract"))
    with pytest.raises(NeedsOCR, match="apt-get install tesseract-ocr"):
        load(scanned)


def test_mixed_pdf_ocrs_only_the_page_without_text(tesseract: None, tmp_path: Path) -> None:
    two = render_pdf(
        "Our ref: FOI-55\n\nPage one has a text layer.\f"
        "1. Do you hold the contract?\nThe contract is attached.",
        tmp_path / "two.pdf",
    )
    mixed = rasterise(two, tmp_path / "mixed.pdf", keep_text_pages=(1,))
    doc = load(mixed)
    assert doc.ocr_confidence.keys() == {2}
    assert "Page one has a text layer." in doc.pages[0]
    assert "The contract is attached." in doc.pages[1]
    with pytest.raises(NeedsOCR):
        load(rasterise(two, tmp_path / "both.pdf"), ocr="never")
    never = load(mixed, ocr="never")
    assert [w.code for w in never.warnings] == ["image_only_page"] and never.pages[1].strip() == ""
    always = load(mixed, ocr="always")
    assert always.ocr_confidence.keys() == {1, 2}


def test_word_table_becomes_lines_and_paragraphs() -> None:
    data = {
        "level": [5, 5, 5, 5, 4],
        "block_num": [1, 1, 1, 2, 2],
        "par_num": [1, 1, 1, 1, 1],
        "line_num": [1, 1, 2, 1, 1],
        "text": ["Dear", "Sir", "Thanks", "Regards", ""],
        "conf": [90, 80, 70, 60, -1],
    }
    page = ocr.page_from_data(data)
    assert page.text == "Dear Sir\nThanks\n\nRegards\n"
    assert page.confidence == round((90 * 4 + 80 * 3 + 70 * 6 + 60 * 7) / 20 / 100, 3)


def test_low_confidence_is_a_review_flag_on_the_document_and_its_questions() -> None:
    pages = [
        "Our ref: FOI-1\n\n1. Is it held?\nThe information is not held.\n",
        "Yours sincerely\n",
    ]
    doc = Document(
        path="x.pdf",
        media_type="application/pdf",
        sha256="0" * 64,
        pages=pages,
        ocr_confidence={1: 0.42},
    )
    result: Extraction = mark_ocr(foi_extract.engines.get_engine("rules").run(doc), doc)
    assert review.OCR_LOW_CONFIDENCE in result.review
    assert [(p.ocr, p.ocr_confidence) for p in result.source.page_info] == [
        (True, 0.42),
        (False, None),
    ]
    assert all(
        review.OCR_TEXT in q.review
        for q in result.questions
        if any(s.page == 1 for s in q.evidence)
    )
    assert all(s.ocr == (s.page == 1) for q in result.questions for s in q.evidence)
