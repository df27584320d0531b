"""The text view: letterheads and page footers dropped for detection, offsets mapped back exactly."""

from __future__ import annotations

from pathlib import Path

from foi_extract import extract
from foi_extract.document import Document
from foi_extract.load import load
from foi_extract.rules.citations import find_citations
from foi_extract.textview import TextView

HEAD = "Fernhill Borough Council\nInformation Governance Team\nTown Hall, Fernhill FH1 2AA\n\n"


def three_pages() -> Document:
    pages = [
        HEAD
        + "12 April 2023\n\nDear Requester,\n\nYou asked for the Council's grounds maintenance contract.\n"
        "The contract value is £1.2m per year.\n\nPage 1 of 3\n",
        HEAD
        + "The unit rates are exempt under section 43(2) of the Act.\nThe remainder of the contract is attached.\n\n"
        "Page 2 of 3\n",
        HEAD + "Yours sincerely,\n\nProcurement Team\n\nPage 3 of 3\n",
    ]
    return Document(path="mem.txt", media_type="text/plain", sha256="0", pages=pages)


def split_citation_pages() -> list[str]:
    return [
        HEAD
        + "12 April 2023\n\nDear Requester,\n\nFreedom of Information Act 2000 - Our ref: FOI 2023-0412\n\n"
        "You asked for the names of staff disciplined in 2022.\n\n"
        "In 2022, 14 members of staff were disciplined. Their names are exempt under section\n\nPage 1 of 2\n",
        HEAD + "40(2) of the Act because they are personal data.\n\nYours sincerely,\n\n"
        "Information Governance Team\n\nPage 2 of 2\n",
    ]


def test_repeated_letterhead_and_page_footers_are_dropped() -> None:
    view = TextView(three_pages())
    assert "Fernhill Borough Council" not in view.text
    assert "Town Hall, Fernhill" not in view.text
    assert "Page 1 of 3" not in view.text and "Page 3 of 3" not in view.text
    # the letter itself survives, in order
    for s in ("12 April 2023", "grounds maintenance contract", "section 43(2)", "Procurement Team"):
        assert s in view.text
    assert (
        view.text.index("£1.2m")
        < view.text.index("section 43(2)")
        < view.text.index("Procurement Team")
    )


def test_full_view_keeps_everything() -> None:
    doc = three_pages()
    full = TextView(doc, drop_boilerplate=False)
    assert full.text == "\n".join(doc.pages)


def test_single_page_letterhead_is_kept() -> None:
    doc = Document(
        path="mem.txt",
        media_type="text/plain",
        sha256="0",
        pages=[HEAD + "12 April 2023\n\nThe Council holds 14 records.\n\nPage 1 of 1\n"],
    )
    view = TextView(doc)
    assert "Fernhill Borough Council" in view.text


def test_view_offsets_map_back_to_exact_page_text() -> None:
    doc = three_pages()
    view = TextView(doc)
    for needle, page in (
        ("section 43(2)", 2),
        ("The contract value is £1.2m per year.", 1),
        ("Procurement Team", 3),
    ):
        i = view.text.index(needle)
        spans = view.spans(i, i + len(needle))
        assert len(spans) == 1
        (s,) = spans
        assert s.page == page
        assert s.text == needle
        assert doc.pages[s.page - 1][s.start : s.end] == needle
        assert view.locate(i) == (page, doc.pages[page - 1].index(needle))


def test_citation_on_a_later_page_maps_back() -> None:
    doc = three_pages()
    view = TextView(doc)
    (c,) = [c for c in find_citations(view.text) if c.section == "43"]
    span = view.span(c.start, c.end)
    assert span is not None and span.page == 2
    assert doc.pages[1][span.start : span.end] == "section 43(2)"


def test_citation_split_across_page_break_maps_to_both_pages() -> None:
    doc = Document(
        path="mem.txt", media_type="text/plain", sha256="0", pages=split_citation_pages()
    )
    view = TextView(doc)
    # the view joins the citation across the dropped footer and letterhead
    (c,) = [c for c in find_citations(view.text) if c.section == "40"]
    assert c.subsection == "(2)"
    spans = view.spans(c.start, c.end)
    assert [s.page for s in spans] == [1, 2]
    for s in spans:
        assert doc.pages[s.page - 1][s.start : s.end] == s.text
    assert spans[0].text.startswith("section")
    assert spans[1].text == "40(2)"


def test_split_citation_first_part_excludes_dropped_footer() -> None:
    doc = Document(
        path="mem.txt", media_type="text/plain", sha256="0", pages=split_citation_pages()
    )
    view = TextView(doc)
    (c,) = [c for c in find_citations(view.text) if c.section == "40"]
    spans = view.spans(c.start, c.end)
    assert spans[0].text == "section"


def test_split_citation_end_to_end_evidence_on_both_pages(tmp_path: Path) -> None:
    p = tmp_path / "letter.txt"
    p.write_text("\f".join(split_citation_pages()), encoding="utf-8")
    r = extract(p)
    ((ex),) = r.exemptions
    assert (ex.law, ex.section, ex.subsection) == ("FOIA", "40", "(2)")
    assert sorted({s.page for s in ex.evidence}) == [1, 2]
    assert any(s.text == "40(2)" for s in ex.evidence)


def test_split_citation_end_to_end_is_found_and_grounded(tmp_path: Path) -> None:
    p = tmp_path / "letter.txt"
    p.write_text("\f".join(split_citation_pages()), encoding="utf-8")
    r = extract(p)
    doc = load(p)
    assert [(e.law, e.section, e.subsection) for e in r.exemptions] == [("FOIA", "40", "(2)")]
    for e in r.exemptions:
        assert e.evidence
        for s in e.evidence:
            assert doc.pages[s.page - 1][s.start : s.end] == s.text
    # the letterhead still gives the authority, and its evidence is on page 1 at offset 0
    assert r.letter.authority == "Fernhill Borough Council"
    assert (r.letter.evidence["authority"].page, r.letter.evidence["authority"].start) == (1, 0)
    # the answer reads across the page break without the footer or the repeated letterhead
    (q,) = r.questions
    assert q.answer is not None
    assert "Page 1 of 2" not in q.answer and "Town Hall" not in q.answer
    assert "exempt under section\n40(2) of the Act" in q.answer
