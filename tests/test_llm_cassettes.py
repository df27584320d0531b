"""The LLM engine replayed from cassettes of a real model (Qwen2.5-Coder-1.5B on llama.cpp).

No network: vcr answers every request from tests/cassettes; a missing or stale cassette fails.
What is asserted is what a user relies on: grounded evidence, honest nulls and warnings where
the small model went wrong, exemptions only where the reply prints them, usage per document.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cassettes import vcr_for
from conftest import SHARED, corpus_path
from llm_scenarios import BY_NAME, REPLAY_URL, run

from foi_extract.evaluate.metrics import all_spans
from foi_extract.llm.prompts import load_prompts
from foi_extract.load import load


def replay(name: str):
    s = BY_NAME[name]
    corpus_path(s.document)  # fails under CI when ../shared is missing
    with vcr_for(name) as cassette:
        result = run(s, SHARED, REPLAY_URL)
    assert cassette.play_count == len(cassette), "every recorded answer was used, none invented"
    return result, load(SHARED / s.document)


def check_common(result, doc) -> None:
    assert result.engine.name == "llm"
    assert result.engine.model == "qwen2.5-coder-1.5b-instruct"
    assert result.engine.prompt_version == load_prompts().version
    assert result.engine.usage["requests"] >= 1 and result.engine.usage["prompt_tokens"] > 0
    for span in all_spans(result):
        assert doc.pages[span.page - 1][span.start : span.end] == span.text
    for q in result.questions:
        for e in q.exemptions:
            assert e.evidence, "an exemption is reported only with its citation in the text"
        if q.value is not None:
            assert q.value_evidence, f"question {q.id}: a value needs its quote"


def test_seed_letter_with_typed_question_set() -> None:
    result, doc = replay("seed_social_care")
    check_common(result, doc)
    by_id = {q.id: q for q in result.questions}
    assert list(by_id) == [str(i) for i in range(1, 9)]
    for qid in ("3", "4", "7"):
        assert by_id[qid].status == "published_elsewhere"
        assert [(e.law, e.section) for e in by_id[qid].exemptions] == [("FOIA", "21")]
    for qid in ("1", "2", "5", "6", "8"):
        assert by_id[qid].exemptions == []
    refs = {(r.kind, r.value) for r in result.references}
    assert {
        ("contracts_register", "COV CG/002/Adult"),
        ("contracts_register", "COV - 10304"),
    } <= refs
    systems = {(s.get("name"), s.get("service_area")) for s in (by_id["1"].value or [])}
    if by_id["1"].value is None:
        assert any(
            w.code.startswith("llm_value") and "question 1" in w.message for w in result.warnings
        )
    else:
        assert ("CareDirector", "adults") in systems
        assert systems <= {
            ("CareDirector", "adults"),
            ("Liquidlogic", "children"),
            ("ContrOCC", "children"),
        }
    # The small model invented a money value for "Please refer to Question 3": grounding nulls it.
    assert by_id["7"].value is None


@pytest.mark.parametrize("name", ["nhs_oxford_docx", "sheffield_thread", "us_cbp_runon"])
def test_corpus_letters_of_different_layouts(name: str) -> None:
    result, doc = replay(name)
    check_common(result, doc)
    assert result.questions
    assert all(q.status for q in result.questions)


def test_oxford_refusal_on_cost_stays_on_question_3() -> None:
    result, _ = replay("nhs_oxford_docx")
    by_id = {q.id: q for q in result.questions}
    assert by_id["3"].status == "refused"
    assert [(e.law, e.section) for e in by_id["3"].exemptions] == [("FOIA", "12")]
    assert by_id["1"].exemptions == [] and by_id["2"].exemptions == []


def test_us_exemptions_only_where_printed() -> None:
    result, _ = replay("us_cbp_runon")
    assert {(e.law, e.section) for e in result.exemptions} <= {("US-FOIA", "b6"), ("US-FOIA", "b7")}


def test_long_letter_is_chunked_and_merged() -> None:
    result, doc = replay("long_multichunk")
    check_common(result, doc)
    assert result.engine.usage["requests"] >= 2, (
        "a letter longer than the context needs several requests"
    )
    assert len({q.id for q in result.questions}) == len(result.questions), (
        "answers merged by question id"
    )


def test_truncated_output_is_rechunked_smaller() -> None:
    result, doc = replay("length_rechunk")
    check_common(result, doc)
    # 8 questions at 4 per request is 2 requests; a cut answer makes the engine ask again, smaller.
    assert result.engine.usage["requests"] > 2
    assert len(result.questions) == 8


def test_grounds_the_model_names_but_the_answer_does_not_print_are_dropped() -> None:
    """Recorded for real: on the long Chicago letter the model put grounds on questions whose answers do
    not cite them; each was dropped with a warning and none reached the output. (The re-ask of a
    paraphrased quote is covered against a scripted server in test_llm_faults.py: since the chunks
    changed, the real model no longer paraphrases on any recorded letter.)"""
    result, doc = replay("long_multichunk")
    dropped = [w for w in result.warnings if w.code == "llm_exemption_dropped"]
    assert dropped, "the recording has the model naming grounds the answers do not print"
    text = "\n".join(doc.pages)
    for q in result.questions:
        for e in q.exemptions:
            assert all(text.count(s.text) for s in e.evidence), (q.id, e)


def test_deleting_a_cassette_fails_not_skips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under CI a replay with no cassette must be a failure, or CI would go green testing nothing."""
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="missing"):
        with vcr_for("seed_social_care", directory=tmp_path):
            pass
