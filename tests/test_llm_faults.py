"""LLMClient and LLMEngine against injected faults from a real loopback HTTP server.

Rate limits, 5xx, timeouts, resets, malformed output, truncation and refused credentials each
take their own path through openai → tenacity → instructor; these tests pin the outcome and
the usage counts of each path. Only the Retry-After test really sleeps (that is its point).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from llm_fake_server import RESET, FakeLLMServer, error, fake_llm, ok  # noqa: F401 - fake_llm is a fixture
from pydantic import BaseModel

from foi_extract.llm.client import AuthError, LLMClient, LLMError, TruncatedOutput
from foi_extract.llm.config import LLMConfig
from foi_extract.llm.engine import LLMEngine, LLMFailed
from foi_extract.load import load

MESSAGES = [{"role": "user", "content": "How many? Answer as JSON."}]


class Answer(BaseModel):
    answer: int


def client(server: FakeLLMServer, slept: list[float], **cfg: object) -> LLMClient:
    """A client whose backoff sleeps are recorded, not slept."""
    return LLMClient(LLMConfig(model="m", base_url=server.url, **cfg), sleep=slept.append)  # type: ignore[arg-type]


def test_429_retry_after_is_honoured_for_real(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(error(429, "slow down", headers={"Retry-After": "2"}), ok({"answer": 7}))
    c = LLMClient(LLMConfig(model="m", base_url=fake_llm.url))
    assert c.structured(MESSAGES, Answer).answer == 7
    waited = fake_llm.arrivals[1] - fake_llm.arrivals[0]  # the gap the server saw, not import time
    assert 1.8 <= waited < 4, waited
    assert (c.usage.requests, c.usage.retries) == (2, 1)
    assert len(fake_llm.requests) == 2


def test_5xx_twice_then_success_counts_only_real_tokens(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(
        error(500), error(503), ok({"answer": 3}, prompt_tokens=120, completion_tokens=9)
    )
    slept: list[float] = []
    c = client(fake_llm, slept)
    assert c.structured(MESSAGES, Answer).answer == 3
    assert len(fake_llm.requests) == 3
    assert (c.usage.requests, c.usage.retries, c.usage.reasks) == (3, 2, 0)
    assert (c.usage.prompt_tokens, c.usage.completion_tokens) == (120, 9)
    assert len(slept) == 2 and all(0 < s <= 30 for s in slept)


def test_timeout_then_success_without_streaming(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(ok({"answer": 1}, delay=1.5), ok({"answer": 2}))
    slept: list[float] = []
    c = client(fake_llm, slept, timeout=0.5, stream=False)
    assert c.structured(MESSAGES, Answer).answer == 2  # the late answer (1) was never read
    assert (c.usage.requests, c.usage.retries) == (2, 1)
    assert len(fake_llm.requests) == 2


def test_stalled_stream_is_closed_before_the_retry(fake_llm: FakeLLMServer) -> None:
    """Tokens stop mid-answer: the client hangs up, and only then asks again; never two at once."""
    fake_llm.queue(ok({"answer": 1}, stall_after=2), ok({"answer": 2}))
    c = LLMClient(LLMConfig(model="m", base_url=fake_llm.url, stall_timeout=0.5))  # real backoff
    start = time.monotonic()
    assert c.structured(MESSAGES, Answer).answer == 2
    assert time.monotonic() - start < 5
    assert (c.usage.requests, c.usage.retries) == (2, 1) and len(fake_llm.requests) == 2
    (hung_up, when), *_ = fake_llm.disconnects
    assert hung_up == 1 and when <= fake_llm.arrivals[1]  # closed before the retry was sent
    assert fake_llm.max_in_flight == 1


def test_slow_tokens_are_progress_not_a_timeout(fake_llm: FakeLLMServer) -> None:
    """A late first token (prompt processing) and slow tokens after it: no retry, whatever the total time."""
    fake_llm.queue(ok({"answer": 7}, delay=1.0, token_delay=0.2), ok({"answer": 8}))
    slept: list[float] = []
    c = client(fake_llm, slept, stall_timeout=0.4)
    start = time.monotonic()
    assert c.structured(MESSAGES, Answer).answer == 7
    assert time.monotonic() - start > 2 * 0.4  # longer than the stall timeout, twice over
    assert (c.usage.requests, c.usage.retries, len(fake_llm.requests)) == (1, 0, 1)
    assert c.pace is not None and c.pace.measured  # the token rate was measured on the way


def test_stalls_exhaust_the_retries_with_a_message(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(*[ok({"answer": 1}, stall_after=1)] * 2)
    c = LLMClient(LLMConfig(model="m", base_url=fake_llm.url, stall_timeout=0.3, max_retries=1))
    with pytest.raises(LLMError, match="stalled") as info:
        c.structured(MESSAGES, Answer)
    assert "no token for 0.3 s after 1 tokens" in str(info.value)
    assert fake_llm.hung_up(2) == [1, 2] and fake_llm.max_in_flight == 1


def test_connection_reset_then_success(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(RESET, ok({"answer": 4}))
    slept: list[float] = []
    c = client(fake_llm, slept)
    assert c.structured(MESSAGES, Answer).answer == 4
    assert (c.usage.requests, c.usage.retries) == (2, 1)
    assert len(fake_llm.requests) == 2 and len(slept) == 1


@pytest.mark.parametrize(
    "bad",
    ['{"answer": "not a number"', '{"answer": "seven"}'],
    ids=["truncated-json", "wrong-type"],
)
def test_invalid_output_is_reasked_and_both_completions_are_counted(
    fake_llm: FakeLLMServer, bad: str
) -> None:
    fake_llm.queue(
        ok(bad, prompt_tokens=50, completion_tokens=11),
        ok({"answer": 5}, prompt_tokens=80, completion_tokens=6),
    )
    slept: list[float] = []
    c = client(fake_llm, slept)
    assert c.structured(MESSAGES, Answer).answer == 5
    assert c.usage.reasks >= 1 and c.usage.retries == 0 and slept == []
    assert (c.usage.prompt_tokens, c.usage.completion_tokens) == (50 + 80, 11 + 6)
    assert c.usage.requests == 2
    first, second = (r["messages"] for r in fake_llm.requests)
    assert len(second) > len(first)
    added = second[len(first) :]
    assert any(
        m["role"] == "assistant" and m["content"] == bad for m in added
    )  # the bad reply, echoed back
    assert any(
        m["role"] == "user" and "validation error" in m["content"] for m in added
    )  # and what was wrong


def test_length_cut_is_truncated_output_not_a_transport_retry(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(ok('{"answer": 1', finish_reason="length"), ok({"answer": 1}))
    slept: list[float] = []
    c = client(fake_llm, slept)
    with pytest.raises(TruncatedOutput):
        c.structured(MESSAGES, Answer)
    assert len(fake_llm.requests) == 1
    assert (c.usage.requests, c.usage.retries) == (1, 0) and slept == []


def test_401_is_auth_error_at_once(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(error(401, "Incorrect API key provided"), ok({"answer": 1}))
    slept: list[float] = []
    c = client(fake_llm, slept)
    start = time.monotonic()
    with pytest.raises(AuthError) as info:
        c.structured(MESSAGES, Answer)
    assert time.monotonic() - start < 1
    assert len(fake_llm.requests) == 1 and slept == [] and c.usage.retries == 0
    assert "key" in str(info.value).lower()


def test_400_is_llm_error_without_retry(fake_llm: FakeLLMServer) -> None:
    fake_llm.queue(error(400, "bad request: unknown parameter"), ok({"answer": 1}))
    slept: list[float] = []
    c = client(fake_llm, slept)
    with pytest.raises(LLMError) as info:
        c.structured(MESSAGES, Answer)
    assert not isinstance(info.value, AuthError)
    assert "400" in str(info.value)
    assert len(fake_llm.requests) == 1 and slept == [] and c.usage.requests == 1


def test_retries_exhausted_names_the_status(fake_llm: FakeLLMServer) -> None:
    max_retries = 2
    fake_llm.queue(*[error(500, "overloaded")] * (max_retries + 1), ok({"answer": 1}))
    slept: list[float] = []
    c = client(fake_llm, slept, max_retries=max_retries)
    with pytest.raises(LLMError) as info:
        c.structured(MESSAGES, Answer)
    assert "500" in str(info.value)
    assert len(fake_llm.requests) == max_retries + 1 == c.usage.requests
    assert c.usage.retries == max_retries and len(slept) == max_retries


# ---------------------------------------------------------------------- engine

LETTER = """Northbridge City Council
Information Governance Team

Our reference: FOI-2024-0412
Date: 3 April 2024

Dear Mr Okafor

Freedom of Information Act 2000 - Request for information

Thank you for your request about the council's parking enforcement contract. Our response to each question is set out below.

Question 1
How many penalty charge notices did the council issue in 2023?

Response
The council issued 18,240 penalty charge notices in 2023.

Question 2
Please provide the unit prices in the parking enforcement contract.

Response
The unit prices are withheld under section 43(2) of the Act because disclosure would prejudice the commercial interests of the council and its contractor. We have considered the public interest and concluded that it favours maintaining the exemption.

If you are unhappy with our response you can ask for an internal review within 40 working days. You may then complain to the Information Commissioner's Office.

Yours sincerely

Information Governance Officer
"""


def _asked(body: dict) -> set[str]:
    """The question fields a request's JSON schema demands."""
    return set(body["response_format"]["json_schema"]["schema"]["properties"])


def _questions_block(body: dict) -> str:
    user = body["messages"][-1]["content"]
    return user.split("Questions of the request", 1)[1].split("\n\nLetter header:", 1)[0]


def test_engine_rechunks_after_truncation_and_grounds_findings(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    path = tmp_path / "northbridge.txt"
    path.write_text(LETTER, encoding="utf-8")
    doc = load(path)
    # q_2's status differs from the rules engine's (withheld), so it can only come from the findings;
    # it is one the engine accepts, since the grounded section 43(2) exemption supports it.
    fake_llm.queue(
        ok(
            '{"q_1": {"status": "answ',
            finish_reason="length",
            prompt_tokens=900,
            completion_tokens=1536,
        ),
        ok(
            {
                "q_1": {
                    "status": "answered",
                    "exemptions_applied": [],
                    "answer_quote": "The council issued 18,240 penalty charge notices in 2023.",
                }
            },
            prompt_tokens=800,
            completion_tokens=40,
        ),
        ok(
            {
                "q_2": {
                    "status": "partially_answered",
                    "answer_quote": "The unit prices are withheld",
                    "exemptions_applied": ["section 43(2)", "section 99"],
                }
            },
            prompt_tokens=700,
            completion_tokens=50,
        ),
    )
    cfg = LLMConfig(model="m", base_url=fake_llm.url, scope="all")
    slept: list[float] = []
    engine = LLMEngine(cfg, client=LLMClient(cfg, sleep=slept.append))
    result = engine.run(doc)

    by_id = {q.id: q for q in result.questions}
    assert set(by_id) == {"1", "2"}
    assert by_id["1"].status == "answered"
    assert by_id["2"].status == "partially_answered"
    assert not [
        w for w in result.warnings if w.code in ("llm_status_unsupported", "llm_quote_not_found")
    ]
    usage = result.engine.usage
    assert (
        usage["requests"] == 3 == len(fake_llm.requests) and usage["retries"] == 0 and slept == []
    )
    assert (usage["prompt_tokens"], usage["completion_tokens"]) == (900 + 800 + 700, 1536 + 40 + 50)

    first, *smaller = fake_llm.requests
    assert _asked(first) == {"q_1", "q_2"}
    assert [_asked(b) for b in smaller] == [{"q_1"}, {"q_2"}]
    for body in smaller:
        assert len(_questions_block(body)) < len(_questions_block(first))
        assert len(body["messages"][-1]["content"]) < len(first["messages"][-1]["content"])

    (ex,) = by_id["2"].exemptions
    assert (ex.law, ex.section, ex.subsection) == ("FOIA", "43", "(2)")
    span = ex.evidence[0]
    assert span.text == doc.pages[span.page - 1][span.start : span.end] == "section 43(2)"
    assert [e.section for e in result.exemptions] == ["43"]
    dropped = [w for w in result.warnings if w.code == "llm_exemption_dropped"]
    assert len(dropped) == 1 and "section 99" in dropped[0].message
    quote = "The council issued 18,240 penalty charge notices in 2023."
    assert any(s.text == quote for s in by_id["1"].evidence)


def test_llm_failure_keeps_the_rules_result_unless_strict(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    """Endpoint down for this document: the rules result is written, marked as a fallback and flagged."""
    path = tmp_path / "northbridge.txt"
    path.write_text(LETTER, encoding="utf-8")
    doc = load(path)
    fake_llm.queue(*[error(503, "down")] * 3)
    cfg = LLMConfig(model="m", base_url=fake_llm.url, max_retries=2, scope="all")
    result = LLMEngine(cfg, client=LLMClient(cfg, sleep=lambda _s: None)).run(doc)
    assert result.engine.fallback == "rules" and result.engine.name == "llm"
    assert [(q.id, q.status) for q in result.questions] == [("1", "answered"), ("2", "withheld")]
    assert "fallback_rules" in result.review
    assert any(w.code == "llm_fallback" and "503" in w.message for w in result.warnings)
    assert (
        result.engine.usage and result.engine.usage["requests"] == 3
    )  # the failed attempts are counted

    fake_llm.queue(*[error(503, "down")] * 3)
    strict = LLMConfig(model="m", base_url=fake_llm.url, max_retries=2, strict=True, scope="all")
    with pytest.raises(LLMFailed):
        LLMEngine(strict, client=LLMClient(strict, sleep=lambda _s: None)).run(doc)


def test_time_budget_spent_closes_the_stream_and_keeps_the_rules_result(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    """A model slower than the document's budget: the stream is closed, nothing is re-sent, the
    rules result is written with a message that says which budget ran out and how to raise it."""
    path = tmp_path / "northbridge.txt"
    path.write_text(LETTER, encoding="utf-8")
    doc = load(path)
    answer = {"q_1": {"status": "answered", "exemptions_applied": [], "answer_quote": "x" * 60}}
    fake_llm.queue(ok(answer, token_delay=0.3), ok(answer))
    cfg = LLMConfig(model="m", base_url=fake_llm.url, time_budget=1.0, stall_timeout=5, scope="all")
    started = time.monotonic()
    result = LLMEngine(cfg, client=LLMClient(cfg, sleep=lambda _s: None)).run(doc)
    assert time.monotonic() - started < 4
    assert result.engine.fallback == "rules" and "fallback_rules" in result.review
    (warning,) = [w for w in result.warnings if w.code == "llm_fallback"]
    assert "time budget of 1 s ran out" in warning.message
    assert "--llm-time-budget" in warning.message
    assert len(fake_llm.requests) == 1 and fake_llm.hung_up(1) == [1]


def test_a_paraphrased_quote_costs_no_second_request(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    """A quote that is not in the reply is not sent back (that would repay the whole prompt):
    grounding drops it with a warning and the rules decision stands; the same request again in
    this run (a second pass over the same file) is answered from memory, not sent."""
    path = tmp_path / "northbridge.txt"
    path.write_text(LETTER, encoding="utf-8")
    paraphrase = ok(
        {
            "q_1": {"status": "not_held", "answer_quote": "lots of notices were issued"},
            "q_2": {"status": "withheld"},
        }
    )
    fake_llm.queue(paraphrase, paraphrase)
    cfg = LLMConfig(model="m", base_url=fake_llm.url, scope="all", max_reasks=2)
    engine = LLMEngine(cfg, client=LLMClient(cfg, sleep=lambda _s: None))
    result = engine.run(load(path))
    assert len(fake_llm.requests) == 1 == result.engine.usage["requests"]
    assert result.engine.usage["reasks"] == 0
    (dropped,) = [w for w in result.warnings if w.code == "llm_quote_not_found"]
    assert "lots of notices" in dropped.message
    by_id = {q.id: q for q in result.questions}
    assert by_id["1"].status == "answered"  # the model's unquoted not_held moves nothing
    again = engine.run(load(path))
    assert len(fake_llm.requests) == 1 and again.engine.usage["repeats"] == 1
    assert again.model_dump(exclude={"engine"}) == result.model_dump(exclude={"engine"})


def test_usage_and_messages_are_per_document(fake_llm: FakeLLMServer, tmp_path: Path) -> None:
    """The second failing file reports its own retries, not the sum over the batch."""
    cfg = LLMConfig(model="m", base_url=fake_llm.url, max_retries=2, scope="all")
    engine = LLMEngine(cfg, client=LLMClient(cfg, sleep=lambda _s: None))
    for name in ("a.txt", "b.txt"):
        path = tmp_path / name
        path.write_text(LETTER.replace("FOI-2024-0412", name), encoding="utf-8")
        fake_llm.queue(*[RESET] * 3)
        result = engine.run(load(path))
        (warning,) = [w for w in result.warnings if w.code == "llm_fallback"]
        assert "after 2 retries" in warning.message, warning.message
        assert (result.engine.usage["requests"], result.engine.usage["retries"]) == (3, 2)
