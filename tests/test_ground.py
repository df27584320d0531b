"""Grounding: a span must equal the page text, a quote is located, the unfound is dropped with a warning."""

from __future__ import annotations

from foi_extract.document import Document
from foi_extract.ground import ground, locate
from foi_extract.models import EngineInfo, Exemption, Extraction, Letter, Question, Source, Span

PAGES = [
    "Dear Ms Smith\nThe cost is exempt under section 43(2) of the\nAct. The council runs nine\nlibraries.",
    "Page two text.",
]
DOC = Document(path="x.txt", media_type="text/plain", sha256="0", pages=PAGES)


def extraction(**q: object) -> Extraction:
    return Extraction(
        source=Source(path="x.txt", sha256="0", media_type="text/plain", pages=2),
        letter=Letter(),
        questions=[Question(id="1", status="withheld", **q)],
        engine=EngineInfo(name="t", version="0"),
    )


def test_locate_exact_then_normalised_whitespace_and_hyphenation() -> None:
    assert locate(DOC, "section 43(2)").text == "section 43(2)"
    span = locate(DOC, "runs nine libraries.")
    assert span is not None and span.text == "runs nine\nlibraries." and DOC.is_grounded(span)
    assert locate(DOC, "Page two text.", page_hint=2).page == 2
    assert locate(DOC, "the council runs ten libraries") is None


def test_a_shifted_span_is_relocated_and_a_made_up_one_is_dropped_with_a_warning() -> None:
    shifted = Span(page=1, start=0, end=13, text="section 43(2)")
    invented = Span(page=1, start=0, end=10, text="section 99")
    ex = extraction(
        exemptions=[
            Exemption(law="FOIA", section="43", evidence=[shifted]),
            Exemption(law="FOIA", section="99", evidence=[invented]),
        ]
    )
    out = ground(ex, DOC)
    (kept,) = out.questions[0].exemptions
    assert kept.section == "43" and DOC.is_grounded(kept.evidence[0])
    assert any(w.code == "evidence_dropped" and "99" in w.message for w in out.warnings)


def test_a_value_without_evidence_becomes_null_with_a_warning() -> None:
    ex = extraction(
        value={"amount": 12.0}, value_evidence=[Span(page=1, start=0, end=5, text="£12.00")]
    )
    out = ground(ex, DOC)
    assert out.questions[0].value is None and out.questions[0].value_evidence == []
    assert any(w.code == "value_dropped" for w in out.warnings)


def test_fuzzy_match_returns_the_page_words_not_the_quote() -> None:
    span = locate(
        DOC, "The cost is exempt under sectoin 43(2) of the Act"
    )  # a typo in a long quote
    assert span is not None and DOC.is_grounded(span)
    assert "section 43(2)" in span.text or span.text.startswith("The cost is exempt under sect")
    assert locate(DOC, "The cost is entirely published on our website") is None
