"""The PDF loader: PDFium by default, pypdf as the fallback, one page/offset contract for both."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import foi_extract
from foi_extract.errors import CorruptDocument, EncryptedDocument
from foi_extract.load import load, pdf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.bad_inputs import encrypt_pdf  # noqa: E402
from fixtures.build import build_all  # noqa: E402
from fixtures.render import render_pdf  # noqa: E402


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    built = build_all(tmp_path_factory.mktemp("synthetic"))
    return {name: path for name, path in built.items() if path.suffix == ".pdf"}


def _with_reader(monkeypatch: pytest.MonkeyPatch, reader: str, path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv(pdf.READER_ENV, reader)
    try:
        return foi_extract.extract(path, engine="rules"), load(path)
    finally:
        monkeypatch.delenv(pdf.READER_ENV)


def test_both_readers_give_the_same_pages_words_and_answers(
    synthetic: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(synthetic) >= 5
    for name, path in synthetic.items():
        ours, doc = _with_reader(monkeypatch, "pdfium", path)
        theirs, fallback = _with_reader(monkeypatch, "pypdf", path)
        assert not any(w.code == "pdf_fallback" for w in doc.warnings), name
        assert any(w.code == "pdf_fallback" for w in fallback.warnings), name
        assert len(doc.pages) == len(fallback.pages), name
        for number, (a, b) in enumerate(zip(doc.pages, fallback.pages), 1):
            assert a.split() == b.split(), f"{name} page {number}: the readers' words differ"
        # the same contract: every span of either result is its own document's page text
        for result, loaded in ((ours, doc), (theirs, fallback)):
            for q in result.questions:
                for span in q.evidence:
                    assert loaded.pages[span.page - 1][span.start : span.end] == span.text
        assert [(q.id, q.status) for q in ours.questions] == [
            (q.id, q.status) for q in theirs.questions
        ], name
        assert ours.exemptions == [] or {(e.law, e.section) for e in ours.exemptions} == {
            (e.law, e.section) for e in theirs.exemptions
        }, name


def test_paragraphs_and_lines_as_printed(tmp_path: Path) -> None:
    """PDFium drops empty lines; the loader puts a blank line back where the print has a gap."""
    src = "Our ref: FOI-9\n\nDear Ms Smith\n\nThe first paragraph of the letter.\nIts second line.\n\nYours sincerely"
    doc = load(render_pdf(src, tmp_path / "p.pdf"))
    assert doc.pages[0].strip() == src


def test_hyphen_at_a_line_end_is_kept_with_its_line_break(tmp_path: Path) -> None:
    doc = load(
        render_pdf(
            "See https://example.org/a-\nlong-address for the follow-\nup.", tmp_path / "h.pdf"
        )
    )
    assert "https://example.org/a-\nlong-address for the follow-\nup." in doc.pages[0]
    assert "\ufffe" not in doc.pages[0]


def test_fallback_when_pdfium_cannot_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = render_pdf("Our ref: FOI-7\n\nThe information is not held.", tmp_path / "f.pdf")

    def refuse(data: bytes, where: str):  # type: ignore[no-untyped-def]
        raise pdf._PdfiumCannotOpen("Data format error")

    monkeypatch.setattr(pdf, "pdfium_pages", refuse)
    doc = load(path)
    assert "FOI-7" in doc.pages[0]
    assert [w.code for w in doc.warnings] == ["pdf_fallback"]
    assert "Data format error" in doc.warnings[0].message


def test_password_pdf_is_exit_13_through_pdfium(tmp_path: Path) -> None:
    plain = render_pdf("Our ref: FOI-7", tmp_path / "plain.pdf")
    locked = encrypt_pdf(plain, tmp_path / "locked.pdf", user_password="secret")
    with pytest.raises(EncryptedDocument, match="password"):
        load(locked)


def test_garbage_after_header_is_corrupt(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n")
    with pytest.raises(CorruptDocument):
        load(bad)


def test_pdf_run_does_not_import_pypdf(tmp_path: Path) -> None:
    """pypdf costs a few hundred milliseconds to import: only the fallback may pay that."""
    import subprocess

    path = render_pdf(
        "Our ref: FOI-7\n\n1. Do you hold it?\nThe information is not held.", tmp_path / "i.pdf"
    )
    code = (
        "import sys, foi_extract; foi_extract.extract(sys.argv[1]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pypdf', 'yaml', 'openai', 'instructor', 'pytesseract')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
