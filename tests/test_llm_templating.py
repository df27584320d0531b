"""The messages the LLM client sends keep the one form the recordings were made in, and a
letter is never treated as a template.

Why: recorded cassettes and the run store's answer cache key on the request body, so a message
without Jinja markup must be sent exactly as instructor's templating rendered it when the engine
passed a context; a reply with a mail-merge field (`{{ name }}`) must reach the model as printed.
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
def test_render_equals_instructors_templating_where_there_is_no_markup(text: str) -> None:
    if any(m in text for m in ("{%", "{{", "{#")):
        # the letter as printed: every marker kept, only line ends and margin in the sent form
        sent = render(text)
        assert all(sent.count(m) == text.count(m) for m in ("{%", "{{", "{#", "}}", "%}", "#}"))
        assert sent.split() == text.split()
        return
    assert render(text) == apply_template(text, CONTEXT)


def test_render_equals_instructors_templating_on_the_prompts_and_fixture_letters() -> None:
    prompts = load_prompts()
    texts = [prompts.system, *(str(m["content"]) for m in example_messages(prompts))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures").rglob("*.txt"))]
    texts = [t for t in texts if not any(m in t for m in ("{%", "{{", "{#"))]
    assert len(texts) > 10
    for text in texts:
        assert render(text) == apply_template(text, CONTEXT)


def test_a_mail_merge_field_reaches_the_model_as_printed(fake_llm: FakeLLMServer) -> None:
    """One request, the letter's `{{ name }}` intact, the other text in the recorded form."""
    fake_llm.queue(ok({"q_1": {"status": "answered", "answer_quote": "we hold 12 records"}}))
    cfg = LLMConfig(model="m", base_url=fake_llm.url, mode="json_schema")
    client = LLMClient(cfg, sleep=lambda _s: None)
    letter = "  Dear {{ name }},\r\n  " + CONTEXT["chunk"] + "\n"
    messages = [
        {"role": "system", "content": "Answer in JSON.\n"},
        {"role": "user", "content": letter},
    ]
    result = client.structured(messages, chunk_model([("1", None)]))  # type: ignore[arg-type]
    assert result.model_dump()["q_1"]["answer_quote"] == "we hold 12 records"
    (sent,) = fake_llm.requests
    assert [m["content"] for m in sent["messages"]] == [
        "Answer in JSON.",
        "Dear {{ name }},\n" + CONTEXT["chunk"],
    ]
