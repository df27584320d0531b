"""Tokens spent where they pay: closing boilerplate stays out of the chunks (never out of the
page text), and the stable prefix (system prompt + few-shot) leads every request unchanged."""

from __future__ import annotations

from pathlib import Path

from llm_fake_server import FakeLLMServer, fake_llm, ok  # noqa: F401 - fake_llm is a fixture

from foi_extract.engines.rules import RulesEngine
from foi_extract.llm import boilerplate
from foi_extract.llm.client import LLMClient
from foi_extract.llm.config import LLMConfig
from foi_extract.llm.engine import LLMEngine
from foi_extract.load import load

ANSWER = (
    "The trust employed 42 parking wardens in 2023. "
    "The staff rota is withheld under section 40(2) of the Act."
)
# An NHS-style close inside the last answer's segment: re-use notice, appeals, regulator, signature.
CLOSING = [
    "The information supplied to you continues to be protected by the Copyright, Designs and "
    "Patents Act 1988. Any re-use for commercial purposes needs our permission.",
    "APPEALS PROCEDURE",
    "Any appeal against this decision should be made in writing to:",
    "Head of Information Governance, Northbridge NHS Trust, 1 Hospital Road, Northbridge NB1 1AA",
    "Alternatively, you have the right to complain to the Information Commissioner at: "
    "Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF.",
    "Yours sincerely",
    "Jane Doe\nInformation Governance Officer",
]
LETTER = "\n\n".join(
    [
        "Northbridge NHS Trust",
        "Our reference: FOI-2024-0413\nDate: 4 April 2024",
        "Dear Ms Shah",
        "Question 1\nHow many parking wardens does the trust employ?",
        f"Response\n{ANSWER}",
        *CLOSING,
    ]
)


def _chunk(body: dict) -> str:
    return body["messages"][-1]["content"].split("<<<\n", 1)[1].split("\n>>>", 1)[0]


def test_closing_boilerplate_is_left_out_of_the_request_not_out_of_the_text(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    path = tmp_path / "letter.txt"
    path.write_text(LETTER, encoding="utf-8")
    doc = load(path)
    (q,) = RulesEngine().run(doc).questions
    assert "Wycliffe House" in "".join(s.text for s in q.evidence)  # the rules' answer has it
    fake_llm.queue(ok({"q_1": {"status": "partially_answered", "answer_quote": ANSWER}}))
    cfg = LLMConfig(model="m", base_url=fake_llm.url, scope="all")
    result = LLMEngine(cfg, client=LLMClient(cfg, sleep=lambda _s: None)).run(doc)
    (body,) = fake_llm.requests
    sent = _chunk(body)
    assert ANSWER in sent
    for paragraph in CLOSING:
        assert paragraph not in sent
        assert paragraph in doc.pages[0]  # the page text is untouched
    assert result.questions[0].status == "partially_answered"


def test_a_paragraph_citing_a_ground_is_kept_beside_the_appeal_rights() -> None:
    refusal = (
        "The rota is withheld under section 40(2). If you are unhappy with this decision "
        "you may ask for an internal review."
    )
    text = "\n\n".join([ANSWER, refusal, *CLOSING])
    assert boilerplate.strip(text) == f"{ANSWER}\n\n{refusal}"
    only = "\n\n".join(CLOSING)
    assert boilerplate.strip(only) == only  # never an empty chunk


def test_every_request_starts_with_the_same_prefix(fake_llm: FakeLLMServer, tmp_path: Path) -> None:
    """System prompt and few-shot examples, byte for byte, before anything that varies."""
    path = tmp_path / "letter.txt"
    path.write_text(
        LETTER.replace(ANSWER, f"{ANSWER}\n\nQuestion 2\nHow many vans?\n\nResponse\nSix vans.")
    )
    fake_llm.queue(
        ok({"q_1": {"status": "answered"}, "q_2": {"status": "answered"}}, finish_reason="length"),
        ok({"q_1": {"status": "answered"}}),
        ok({"q_2": {"status": "answered"}}),
    )
    cfg = LLMConfig(model="m", base_url=fake_llm.url, scope="all")
    LLMEngine(cfg, client=LLMClient(cfg, sleep=lambda _s: None)).run(load(path))
    assert len(fake_llm.requests) == 3
    prefixes = [b["messages"][:-1] for b in fake_llm.requests]
    assert prefixes[0][0]["role"] == "system" and len(prefixes[0]) >= 3
    assert all(p == prefixes[0] for p in prefixes)
    assert len({b["messages"][-1]["content"] for b in fake_llm.requests}) == 3


THREE = "\n\n".join(
    [
        "Northbridge NHS Trust",
        "Our reference: FOI-2024-0414",
        "Question 1\nHow many wardens?",
        "Response\nThe trust employed 42 parking wardens in 2023.",
        "Question 2\nHow many fines?",
        "Question 3\nHow much income?",
        "Response\nWe are monitoring fines and income under one contract; figures follow.",
        "Fines: 1,200. Income: £40,000.",
    ]
)


def _with_evidence(doc, rules, spans: dict[str, list[tuple[int, int]]]):
    """The rules result with each question's evidence set to the given character ranges."""
    questions = [
        q.model_copy(update={"evidence": [doc.span(1, a, b) for a, b in spans.get(q.id, [])]})
        for q in rules.questions
    ]
    return rules.model_copy(update={"questions": questions})


def test_overlapping_answers_go_as_one_unit_holding_the_shared_text_once(tmp_path: Path) -> None:
    from foi_extract.llm.units import answer_units

    path = tmp_path / "three.txt"
    path.write_text(THREE, encoding="utf-8")
    doc = load(path)
    rules = RulesEngine().run(doc)
    assert [q.id for q in rules.questions] == ["1", "2", "3"]
    page = doc.pages[0]
    one = (page.index("The trust"), page.index("in 2023.") + 8)
    shared = (page.index("We are monitoring"), page.index("figures follow.") + 15)
    fines = (page.index("Fines:"), page.index("1,200.") + 6)
    income = (page.index("Income:"), len(page))
    asked = {q: (f"question {q}", None) for q in ("1", "2", "3")}
    split = _with_evidence(doc, rules, {"1": [one], "2": [shared, fines], "3": [shared, income]})
    units = answer_units(doc, split, asked)
    assert [u.ids for u in units] == [["1"], ["2", "3"]]
    assert units[0].text == page[one[0] : one[1]]
    assert units[1].text.count("We are monitoring") == 1
    assert "1,200" in units[1].text and "£40,000" in units[1].text
    # answers restated with their requests: the requests and the shared answer in reply order
    req2 = (page.index("Question 2"), page.index("How many fines?") + 15)
    req3 = (page.index("Question 3"), page.index("How much income?") + 16)
    restated = _with_evidence(doc, rules, {"1": [one], "2": [req2, shared], "3": [req3, shared]})
    (_, both) = answer_units(doc, restated, asked)
    assert both.ids == ["2", "3"] and both.text.count("We are monitoring") == 1
    assert both.text.index("How many fines?") < both.text.index("How much income?")
    assert both.text.index("How much income?") < both.text.index("We are monitoring")
    # a question with no answer of its own: the whole reply, once, for every asked question
    orphan = _with_evidence(doc, rules, {"1": [one], "2": [shared, fines]})
    (whole,) = answer_units(doc, orphan, asked)
    assert whole.ids == ["1", "2", "3"] and whole.text.count("42 parking wardens") == 1


def test_the_token_estimate_errs_high_and_grows_with_the_text() -> None:
    from foi_extract.llm.chunking import tokens

    sentence = "The trust employed 42 parking wardens in 2023, at a cost of £1,234,567."
    # the local model's tokenizer (its server's /tokenize) counts 31 tokens here
    assert 31 <= tokens(sentence) <= 31 * 1.3
    assert tokens(sentence * 10) > 9 * tokens(sentence)
    assert tokens("-" * 80) <= 12  # a rule line is a few tokens, not 80


def test_an_over_long_table_of_figures_is_cut_within_the_budget() -> None:
    """Cutting counts this text's own characters per token: figures are nearly a token each."""
    from foi_extract.llm.chunking import Chunk, Unit, halve, make_chunks, tokens

    table = "\n".join(f"{i:04d} | 12,345.67 | 98.1% | 2023-04-{i % 28 + 1:02d}" for i in range(200))
    budget = tokens(table) // 3
    chunks = make_chunks([Unit(["4"], table)], budget)
    assert len(chunks) >= 3 and all(c.size <= budget * 1.1 for c in chunks)
    assert "".join(c.text for c in chunks).replace("\n", "") == table.replace("\n", "")
    halves = halve(Chunk(["4"], table, [1]))  # a truncated answer can still be cut smaller
    assert len(halves) >= 2 and all(h.size <= tokens(table) // 2 + 20 for h in halves)


def test_a_shared_unit_respects_max_questions() -> None:
    from foi_extract.llm.chunking import Unit, make_chunks

    whole = Unit([str(i) for i in range(1, 8)], "the whole reply", [1])
    assert [c.ids for c in make_chunks([whole], 10_000, max_questions=3)] == [
        ["1", "2", "3"],
        ["4", "5", "6"],
        ["7"],
    ]


def test_a_question_set_opens_every_request_of_the_run_byte_for_byte(tmp_path: Path) -> None:
    """With a question set the whole set leads each user turn, whatever a reply is asked, so
    every request of a run shares it as a prefix; each request names only its own questions."""
    from foi_extract.llm.plan import make_plan
    from foi_extract.llm.prompts import load_prompts
    from foi_extract.questionset import load_question_set

    qset_path = tmp_path / "qset.yaml"
    qset_path.write_text(
        "title: Parking\nquestions:\n"
        "  - {id: '1', text: 'How many wardens?', type: int}\n"
        "  - {id: '2', text: 'How many fines?'}\n"
        "  - {id: '3', text: 'How much income?'}\n",
        encoding="utf-8",
    )
    qset = load_question_set(qset_path)
    cfg = LLMConfig(model="m", base_url="http://127.0.0.1:9/v1", scope="all", max_questions=1)
    prompts = load_prompts()
    turns: list[tuple[list[str], str]] = []
    for name, text in (("three.txt", THREE), ("letter.txt", LETTER)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        doc = load(tmp_path / name)
        plan = make_plan(doc, RulesEngine().run(doc, qset), qset, cfg, prompts)
        for chunk in plan.chunks:
            ids, messages, _ = plan.request(chunk, prompts)
            turns.append((ids, str(messages[-1]["content"])))
    assert len(turns) >= 4 and len({user for _, user in turns}) == len(turns)
    heads = {user.partition("\n\nLetter header:")[0] for _, user in turns}
    assert len(heads) == 1, "the set's block is the same in every request"
    (head,) = heads
    assert all(q in head for q in ("How many wardens?", "How many fines?", "How much income?"))
    for ids, user in turns:
        assert f"\nAnswer these questions: {', '.join(ids)}\n" in user
