"""The messages as instructor's templating sends them, without its Jinja compile per message.

Why: given a validation `context`, instructor renders every message as a Jinja template
(`instructor.v2.core.templating.apply_template`: a sandboxed environment compiled per message,
then `textwrap.dedent`), about 5 ms of CPU for a request's six long messages. A request must stay
byte for byte what it was (recorded cassettes replay by body, the run store keys answers by it),
so `render` gives the same text: a message without Jinja markup renders to itself with its line
ends made "\\n" and one trailing newline dropped (Jinja's defaults), then dedented; a message with
markup goes through instructor's own function. The context then reaches the validators through
`VALIDATION_CONTEXT` instead (`validation_context()`), so instructor gets none and renders nothing.
"""

from __future__ import annotations

import re
import textwrap
from contextvars import ContextVar
from typing import Any

from pydantic import ValidationInfo

# Jinja's default block, variable and comment openers (line statements are off by default)
_MARKUP = ("{%", "{{", "{#")
_LINE_END = re.compile(r"\r\n|\r")

VALIDATION_CONTEXT: ContextVar[dict[str, Any] | None] = ContextVar(
    "foi_extract_validation_context", default=None
)


def render(text: str, context: dict[str, Any]) -> str:
    """`text` as instructor's `apply_template(text, context)` returns it."""
    if any(m in text for m in _MARKUP):
        from instructor.v2.core.templating import apply_template  # type: ignore[attr-defined]

        return str(apply_template(text, context))
    text = _LINE_END.sub("\n", text)
    return textwrap.dedent(text[:-1] if text.endswith("\n") else text)


def render_messages(messages: list[Any], context: dict[str, Any]) -> list[Any]:
    """Each message with string content rendered as instructor would; others as they are."""
    return [
        {**m, "content": render(m["content"], context)}
        if isinstance(m, dict) and isinstance(m.get("content"), str)
        else m
        for m in messages
    ]


def validation_context(info: ValidationInfo) -> dict[str, Any] | None:
    """The structured call's context: pydantic's when given, else the one set for this call."""
    return info.context or VALIDATION_CONTEXT.get()
