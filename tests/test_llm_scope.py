"""`--llm-scope review`: the model sees only the questions the rules flagged or that ask for a
typed value; its reading replaces a flagged rules decision only through adjudication, and the
flag is cleared only then. Against the scripted loopback server (tests/llm_fake_server.py)."""

from __future__ import annotations

from pathlib import Path

from llm_fake_server import FakeLLMServer, fake_llm, ok  # noqa: F401 - fake_llm is a fixture
from test_llm_faults import LETTER, _asked

from foi_extract.engines.rules import RulesEngine
from foi_extract.llm.client import LLMClient
from foi_extract.llm.config import LLMConfig
from foi_extract.llm.engine import LLMEngine
from foi_extract.load import load
from foi_extract.questionset import load_question_set

# A third answer whose figures come with a pointer to the website: the rules read
# published_elsewhere on a weak cue and flag it; the other two answers are clear.
FIGURES = "212 appeals were upheld in 2023."
LETTER3 = LETTER.replace(
    "If you are unhappy",
    "Question 3\nHow many appeals against penalty charge notices were upheld?\n\nResponse\n"
    f"{FIGURES} This information is also published on our website at "
    "www.northbridge.gov.uk/parking.\n\nIf you are unhappy",
)


def _engine(server: FakeLLMServer, **cfg: object) -> LLMEngine:
    config = LLMConfig(model="m", base_url=server.url, **cfg)  # type: ignore[arg-type]
    return LLMEngine(config, client=LLMClient(config, sleep=lambda _s: None))


def _doc(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "letter.txt"
    path.write_text(text, encoding="utf-8")
    return load(path)


def test_only_the_flagged_question_is_asked_and_a_shown_reading_settles_it(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    doc = _doc(tmp_path, LETTER3)
    rules = {q.id: q for q in RulesEngine().run(doc).questions}
    assert (rules["3"].status, rules["3"].review) == ("published_elsewhere", ["weak_cue"])
    assert not rules["1"].review and not rules["2"].review
    fake_llm.queue(ok({"q_3": {"status": "answered", "answer_quote": FIGURES}}))
    result = _engine(fake_llm).run(doc)
    (body,) = fake_llm.requests
    assert _asked(body) == {"q_3"}
    by_id = {q.id: q for q in result.questions}
    assert (by_id["3"].status, by_id["3"].review) == ("answered", [])
    assert any(FIGURES in s.text for s in by_id["3"].evidence)
    for qid in ("1", "2"):  # not asked: the rules result, unchanged
        assert by_id[qid] == rules[qid]
    assert result.engine.usage["requests"] == 1 and result.engine.fallback is None


def test_a_reading_the_model_cannot_show_keeps_the_rules_decision_and_its_flag(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    doc = _doc(tmp_path, LETTER3)
    unshown = ok({"q_3": {"status": "answered", "answer_quote": "No appeals were made."}})
    fake_llm.queue(*[unshown] * 4)  # re-asked for a verbatim quote, then taken unverified
    result = _engine(fake_llm).run(doc)
    assert result.engine.fallback is None
    q3 = {q.id: q for q in result.questions}["3"]
    assert q3.status == "published_elsewhere"
    assert q3.review == ["weak_cue", "llm_disagrees"]


def test_a_document_with_nothing_in_scope_makes_no_request(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    doc = _doc(tmp_path, LETTER)
    result = _engine(fake_llm).run(doc)
    assert fake_llm.requests == []
    assert result.questions == RulesEngine().run(doc).questions
    assert result.engine.name == "llm" and result.engine.fallback is None
    assert result.engine.usage["requests"] == 0


def test_scope_all_asks_every_question(fake_llm: FakeLLMServer, tmp_path: Path) -> None:
    doc = _doc(tmp_path, LETTER3)
    fake_llm.queue(ok({f"q_{i}": {"status": "answered"} for i in (1, 2, 3)}))
    _engine(fake_llm, scope="all").run(doc)
    assert [_asked(b) for b in fake_llm.requests] == [{"q_1", "q_2", "q_3"}]


def test_a_typed_question_is_in_scope_though_the_rules_are_sure(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    doc = _doc(tmp_path, LETTER)
    qset = tmp_path / "q.yaml"
    qset.write_text(
        "title: parking\nquestions:\n"
        '  - id: "1"\n    text: How many penalty charge notices did the council issue in 2023?\n'
        "    type: int\n"
        '  - id: "2"\n    text: Please provide the unit prices in the parking enforcement contract.\n',
        encoding="utf-8",
    )
    quote = "The council issued 18,240 penalty charge notices in 2023."
    fake_llm.queue(ok({"q_1": {"status": "answered", "value": 18240, "value_quote": quote}}))
    result = _engine(fake_llm).run(doc, load_question_set(str(qset)))
    (body,) = fake_llm.requests
    assert _asked(body) == {"q_1"}
    q1 = {q.id: q for q in result.questions}["1"]
    assert q1.value == 18240 and q1.value_evidence[0].text == quote
