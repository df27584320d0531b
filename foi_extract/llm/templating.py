"""The one text form messages are sent in: line ends "\\n", one trailing newline dropped, dedented.

Why: this is the form instructor's Jinja templating gave every message when the engine still
passed it a validation context, and every recorded cassette and run-store answer key was made
with it (requests replay by body). The letter is data, never a template: a mail-merge field left
in a reply (`Dear {{ name }}`) reaches the model as printed, where Jinja would have blanked it.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

_LINE_END = re.compile(r"\r\n|\r")


def render(text: str) -> str:
    """`text` in the sent form (Jinja's default line handling, then `textwrap.dedent`)."""
    text = _LINE_END.sub("\n", text)
    return textwrap.dedent(text[:-1] if text.endswith("\n") else text)


def render_messages(messages: list[Any]) -> list[Any]:
    """Each message with string content in the sent form; others as they are."""
    return [
        {**m, "content": render(m["content"])}
        if isinstance(m, dict) and isinstance(m.get("content"), str)
        else m
        for m in messages
    ]
