"""The messages the LLM client sends are the ones instructor's own templating would send.

Why: the client renders messages itself (foi_extract/llm/templating.py) instead of letting
instructor compile each one as a Jinja template; recorded cassettes and the run store's answer
cache key on the request body, so the text must be the same, byte for byte, for any letter.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from instructor.v2.core.templating import apply_template
from llm_fake_server import FakeLLMServer, fake_llm, ok  # noqa: F401 - fake_llm is a fixture

from foi_extract.llm.client import LLMClient
from foi_extract.llm.config import LLMConfig
from foi_extract.llm.findings import chunk_model
from foi_extract.llm.prompts import example_messages, load_prompts
from foi_extract.llm.templating import render

ROOT = Path(__file__).resolve().parents[1]
CONTEXT = {"chunk": "Dear Ms Smith, we hold 12 records."}

EDGES = [
    "",
    "\n",
    "plain line",
    "ends with one newline\n",
    "ends with two\n\n",
    "windows\r\nline ends\r\n",
    "old mac\rline ends\r",
    "    indented\n    together\n",
    "\tTab margin\n\tsecond line",
    "body\n   \nwhitespace-only line above\n \t \nand here",
    "  mixed\n    margin\n",
    "Reference: FOI/2024/0012 (s.40(2)) {not markup} 100% } }} %}",
    "Dear {{ name }},\nyour request {{ chunk }}",  # a mail-merge field left in a reply
    "{% if x %}half a block",  # broken markup: instructor's own function decides
    "{# a comment #}kept",
]


@pytest.mark.parametrize("text", EDGES, ids=range(len(EDGES)))
def test_render_equals_instructors_templating(text: str) -> None:
    try:
        expected: str | Exception = apply_template(text, CONTEXT)
    except Exception as exc:  # Jinja syntax errors reach the caller the same way
        with pytest.raises(type(exc)):
            render(text, CONTEXT)
        return
    assert render(text, CONTEXT) == expected


def test_render_equals_instructors_templating_on_the_prompts_and_fixture_letters() -> None:
    prompts = load_prompts()
    texts = [prompts.system, *(str(m["content"]) for m in example_messages(prompts))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures").rglob("*.txt"))]
    assert len(texts) > 10
    for text in texts:
        assert render(text, CONTEXT) == apply_template(text, CONTEXT)


def test_the_chunk_still_reaches_the_quote_check(fake_llm: FakeLLMServer) -> None:
    """A paraphrased quote is sent back for a re-ask (the validator saw the chunk), and the
    second request carries the messages exactly as the first did, plus the re-ask."""
    fake_llm.queue(
        ok({"q_1": {"status": "answered", "answer_quote": "lots of records"}}),
        ok({"q_1": {"status": "answered", "answer_quote": "we hold 12 records"}}),
    )
    cfg = LLMConfig(model="m", base_url=fake_llm.url, mode="json_schema")
    client = LLMClient(cfg, sleep=lambda _s: None)
    messages = [
        {"role": "system", "content": "Answer in JSON.\n"},
        {"role": "user", "content": "  Letter:\r\n  " + CONTEXT["chunk"]},
    ]
    result = client.structured(messages, chunk_model([("1", None)]), context=CONTEXT)  # type: ignore[arg-type]
    assert result.model_dump()["q_1"]["answer_quote"] == "we hold 12 records"
    assert client.usage.reasks == 1
    first, second = (r["messages"] for r in fake_llm.requests)
    sent = [apply_template(str(m["content"]), CONTEXT) for m in messages]
    assert [m["content"] for m in first] == sent == [m["content"] for m in second[:2]]
