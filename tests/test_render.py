"""The PDF fixtures look like real letters: repeated letterheads, footers, columns, tables."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pypdf
import pytest
from conftest import corpus_path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.build import build_one, is_as_is, manifest  # noqa: E402
from fixtures.render import render_pdf, to_latin1  # noqa: E402

LETTERHEAD = "Coventry City Council\nInformation Governance Team"
FOOTER = "FOI445227294"
ENTRIES = manifest()


def page_texts(path: Path) -> list[str]:
    if path.suffix.lower() != ".pdf":  # an as-is entry: the file itself, form feeds between pages
        return path.read_text(encoding="utf-8").split("\f")
    return [p.extract_text() or "" for p in pypdf.PdfReader(path).pages]


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = corpus_path("seed/coventry_foi445227294.txt").read_text(encoding="utf-8")
    out = tmp_path_factory.mktemp("seed") / "seed.pdf"
    return render_pdf(text, out, letterhead=LETTERHEAD, footer=FOOTER)


def test_seed_renders_to_several_pages_with_key_text(seed_pdf: Path) -> None:
    pages = page_texts(seed_pdf)
    assert len(pages) > 1
    text = "\n".join(pages)
    assert "FOI445227294" in text
    assert "Section 21" in text


def test_seed_letterhead_and_footer_on_every_page(seed_pdf: Path) -> None:
    pages = page_texts(seed_pdf)
    for n, page in enumerate(pages, 1):
        assert page.startswith("Coventry City Council\nInformation Governance Team"), f"page {n}"
        assert f"Page {n} of {len(pages)}" in page, f"page {n}"


def test_long_lines_get_hard_wraps(tmp_path: Path) -> None:
    line = " ".join(f"word{i}" for i in range(60))
    text = page_texts(render_pdf(line, tmp_path / "w.pdf"))[0]
    assert text.count("\n") >= 2
    assert text.split() == line.split()


def test_form_feed_starts_a_new_page(tmp_path: Path) -> None:
    pages = page_texts(render_pdf("one\fdeux\fthree", tmp_path / "ff.pdf", footer=""))
    assert len(pages) == 3
    assert pages[1].startswith("deux") and "Page 2 of 3" in pages[1]


def test_non_latin1_punctuation_is_mapped() -> None:
    assert (
        to_latin1("\u2018s.40\u2019 \u201cQ\u201d \u2013 \u2014 \u2026 \u00a3")
        == "'s.40' \"Q\" - - ... \u00a3"
    )
    assert to_latin1("\u4e2d") == "?"


def test_table_rows_render_as_bordered_cells(tmp_path: Path) -> None:
    text = (
        "Intro\n\n| Q | Answer |\n|---|---|\n| 1 | " + "long answer " * 30 + "|\n| 2 | Not held |\n"
    )
    out = render_pdf(text, tmp_path / "t.pdf")
    page = pypdf.PdfReader(out).pages[0]
    extracted = page.extract_text()
    assert "|" not in extracted and "---" not in extracted
    assert "Not held" in extracted and extracted.split().count("long") == 30
    content = page.get_contents().get_data()  # type: ignore[union-attr]
    assert content.count(b" re S") == 6  # one stroked border per cell: 3 rows x 2 columns


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_each_synthetic_letter_renders(entry: dict[str, Any], tmp_path: Path) -> None:
    pdf = build_one(entry, tmp_path)
    pages = page_texts(pdf)
    checks = entry.get("checks") or {}
    text = "\n".join(pages)
    assert len(pages) >= checks.get("min_pages", 1)
    if "pages" in checks:
        assert len(pages) == checks["pages"]
    for needle in checks.get("contains", []):
        assert needle in text, needle
    if "letterhead_every_page" in checks:
        assert all(p.startswith(checks["letterhead_every_page"]) for p in pages)
    if "footer_every_page" in checks:
        assert all(checks["footer_every_page"] in p.splitlines()[-1] for p in pages)
    order = [text.find(s) for s in checks.get("reading_order", [])]
    assert all(i >= 0 for i in order) and order == sorted(order), order
    assert (entry["expect"]["letter"]["reference"] or "") in text
    assert pdf.suffix == (
        Path(entry["file"]).suffix if is_as_is(entry) else ".pdf"
    )  # as-is files are copied


def test_two_columns_read_column_one_first(tmp_path: Path) -> None:
    (entry,) = [e for e in ENTRIES if (e.get("render") or {}).get("columns") == 2]
    page = pypdf.PdfReader(build_one(entry, tmp_path)).pages[0]
    half = float(page.mediabox.width) / 2
    runs: list[tuple[float, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            runs.append((float(tm[4]), text.strip()))

    extracted = page.extract_text(visitor_text=visit)
    right = [t for x, t in runs if x > half]
    left = [t for x, t in runs if x <= half and t not in entry["render"]["letterhead"]]
    assert right and left, "text should fill both columns"
    # Every left-column line comes before every right-column line in pypdf's output.
    assert extracted.rfind(left[-1]) < extracted.find(right[0])


def test_page_break_splits_answer_and_url_wraps(tmp_path: Path) -> None:
    (entry,) = [e for e in ENTRIES if e["file"].startswith("c_")]
    pages = page_texts(build_one(entry, tmp_path))
    assert pages[0].rstrip().splitlines()[-2].endswith("The target is a permanent")
    assert pages[1].splitlines()[1] == "repair within 5 working days."
    url = entry["expect"]["urls"][0]
    assert url not in pages[1]  # printed across two lines...
    assert url in pages[1].replace("/\nhighway", "/highway")  # ...which rejoin exactly


def test_cli_renders(tmp_path: Path) -> None:
    from fixtures.render import main

    src = tmp_path / "in.txt"
    src.write_text("Dear Sir\n\nYour request \u2013 answered.\n", encoding="utf-8")
    assert main([str(src), str(tmp_path / "o.pdf"), "--letterhead", "A\\nB", "--footer", "F"]) == 0
    text = page_texts(tmp_path / "o.pdf")[0]
    assert (
        text.startswith("A\nB\n")
        and "Your request - answered." in text
        and "F    Page 1 of 1" in text
    )


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_manifest_expectations_use_the_gold_format(entry: dict[str, Any]) -> None:
    from foi_extract.evaluate.gold import GoldDocument

    gold = GoldDocument.model_validate(
        {"document": f"synthetic/{entry['file']}", **entry["expect"]}
    )
    if (
        gold.letter.kind != "request_only"
    ):  # a request with no reply has no answered questions, no body reference
        assert gold.questions and gold.letter.reference
    applied = {(e.law, e.section, e.subsection) for e in gold.exemptions}
    assert not applied & {(e.law, e.section, e.subsection) for e in gold.mentioned_not_applied}
