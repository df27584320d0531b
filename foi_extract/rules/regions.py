"""Where the request and the response are in a document.

Letters restate the request and answer below it; WhatDoTheyKnow threads and emails carry the
request as an earlier message. Returns view-offset ranges so later steps stay grounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lazy_re import lazy_compile

_THREAD_HEAD = lazy_compile(r"^=====\s*(OUTGOING|INCOMING)\b[^\n]*=====[ \t]*$", re.M)
_QUOTED_ORIGINAL = lazy_compile(
    r"^[ \t>]*(?:-{2,}\s*Original\s+Message\s*-{2,}|From:\s.+\n[ \t>]*(?:Sent|Date):\s.+|On\s.{10,80}\swrote:)[ \t]*$",
    re.M | re.I,
)
_ACK = lazy_compile(
    r"has\s+been\s+logged|will\s+be\s+dealt\s+with|(?:we|i)\s+(?:have\s+)?(?:received|acknowledge)|acknowledg|"
    r"within\s+20\s+working\s+days|we\s+aim\s+to\s+respond|is\s+being\s+processed|"
    r"delay|apologi[sz]e\s+for\s+the\s+(?:delay|late)",
    re.I,
)
_SUBSTANCE = lazy_compile(
    r"(?:section|regulation|exemption)\s*\d|response\s+to\s+your|in\s+response|please\s+(?:find|see)|not\s+held|"
    r"does\s+not\s+hold|attached|refus|withh|published|following\s+information|can\s+confirm",
    re.I,
)


@dataclass(frozen=True)
class Message:
    direction: str  # "outgoing" (requester) or "incoming" (public body)
    header: tuple[int, int]
    body: tuple[int, int]


@dataclass(frozen=True)
class Regions:
    response: tuple[int, int]
    request: tuple[int, int] | None  # a separate request text (thread or quoted email)
    messages: tuple[Message, ...] = ()
    response_header: tuple[int, int] | None = None


_MD_HEAD = lazy_compile(
    r"^#{1,4}[ \t]*(?P<who>.{0,60}?\b(?:reply|replies|response|request|email|message|letter|follow[- ]up|review)\b.{0,40})$",
    re.M | re.I,
)
_OUTGOING_WORDS = lazy_compile(
    r"\b(?:my|our|original|requester|follow[- ]up)\b|^\s*request\b", re.I
)


def thread_messages(text: str) -> list[Message]:
    """Messages of a thread: WhatDoTheyKnow '===== INCOMING … =====' markers or Markdown headings."""
    heads = [(h, h.group(1).lower()) for h in _THREAD_HEAD.finditer(text)]
    if not heads:
        heads = [
            (h, "outgoing" if _OUTGOING_WORDS.search(h.group("who")) else "incoming")
            for h in _MD_HEAD.finditer(text)
        ]
        if not any(d == "outgoing" for _, d in heads) or not any(d == "incoming" for _, d in heads):
            return []
    out: list[Message] = []
    for i, (h, direction) in enumerate(heads):
        end = heads[i + 1][0].start() if i + 1 < len(heads) else len(text)
        out.append(Message(direction, (h.start(), h.end()), (h.end(), end)))
    return out


def _substance(text: str, span: tuple[int, int]) -> float:
    body = text[span[0] : span[1]]
    score = len(_SUBSTANCE.findall(body)) * 2 + min(len(body), 6000) / 1500
    if _ACK.search(body[:800]) and len(_SUBSTANCE.findall(body)) < 2:
        score -= 4
    return score


def find_regions(text: str) -> Regions:
    messages = thread_messages(text)
    if messages:
        outgoing = [m for m in messages if m.direction == "outgoing"]
        incoming = [m for m in messages if m.direction == "incoming"]
        request = outgoing[0].body if outgoing else None
        if incoming:
            best = max(
                (m for m in incoming if _substance(text, m.body) >= 3),
                key=lambda m: m.body[0],
                default=max(incoming, key=lambda m: _substance(text, m.body)),
            )
            return Regions(best.body, request, tuple(messages), best.header)
        return Regions((0, len(text)), request, tuple(messages))
    q = _QUOTED_ORIGINAL.search(text)
    if q and q.start() > 200:
        return Regions((0, q.start()), (q.end(), len(text)))
    return Regions((0, len(text)), None)
