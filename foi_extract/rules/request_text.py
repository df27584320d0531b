"""Where the request is when the reply does not number its questions: one question "1", and
the requester's own words quoted in the reply (sections named there are not the body's grounds).
"""

from __future__ import annotations

import re

from ..lazy_re import lazy_compile
from .reply_words import (
    _ANSWER_LABEL,
    _REQUEST_INTRO,
    _SENTENCE_END,
    QA,
    _blank_split,
    closing_start,
)


def single_question(text: str, response: tuple[int, int], request: tuple[int, int] | None) -> QA:
    """An un-numbered request: one question "1" whose answer is the reply's body."""
    rs, re_ = response
    qa = QA("1")
    intro = next(
        (m for m in _REQUEST_INTRO.finditer(text, rs, re_) if _sentence_start(text, m.start())),
        None,
    )
    if request:
        qa.question = (request[0], closing_start(text, request[0] + 1, request[1]))
    lab = _ANSWER_LABEL.search(text, rs, re_)
    dear = re.compile(r"^[ \t]*Dear\b[^\n]{0,80}$", re.M).search(
        text, rs, rs + max(600, (re_ - rs) // 3)
    )
    body_start = (
        lab.end() if lab else (dear.end() if dear else rs)
    )  # the letterhead above "Dear …" answers nothing
    if intro and not request and (not lab or intro.start() < lab.start()):
        paras = _blank_split(text, intro.end(), lab.start() if lab else re_)
        if paras:
            first = _first_request(text, paras[0])
            qa.question = first if not lab else (first[0], paras[-1][1])
            body_start = lab.end() if lab else first[1]
    end = closing_start(text, body_start + 1, re_)
    if end - body_start < 40:
        end = re_
    qa.answer = (body_start, end) if text[body_start:end].strip() else None
    return qa


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos]
    return pos == 0 or "\n" in before or bool(re.search(r"[.:!?]\s+$", before))


def _first_request(text: str, para: tuple[int, int]) -> tuple[int, int]:
    """The request inside a long run-on paragraph: a quotation, else its first sentence."""
    s, e = para
    if e - s <= 700:
        return para
    chunk = text[s:e]
    lead = len(chunk) - len(chunk.lstrip(' :\n"“'))
    if chunk[lead - 1 : lead] in ('"', "“"):
        close = re.search(r'["”](?=\s|$)', chunk[lead:])
        if close:
            return s, s + lead + close.end()
    m = _SENTENCE_END.search(chunk[40:])
    return (s, s + 40 + m.end()) if m else para


_QUOTE_OPEN = lazy_compile(r"(?:^|(?<=:)|(?<=:\s))[ \t]*[“\"]", re.M)
_QUOTE_INTRO = lazy_compile(r"request|asked|wrote|reproduced|as\s+follows|stated|below|read", re.I)


def quoted_requests(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The requester's words quoted in the reply (“…” after 'your request is reproduced below:').

    What sits inside is the request, whoever's letter it is printed in: a section named there
    ("I suspect you will say section 43 applies") is no ground the body applied.
    """
    out: list[tuple[int, int]] = []
    for m in _QUOTE_OPEN.finditer(text, start, end):
        if out and m.start() < out[-1][1]:
            continue
        if not _QUOTE_INTRO.search(text[max(start, m.start() - 300) : m.start()]):
            continue
        opener = text[m.end() - 1]
        closer = "”" if opener == "“" else '"'
        close = re.compile(re.escape(closer) + r"[ \t.]*(?:\n|$)").search(
            text, m.end(), min(end, m.end() + 8000)
        )
        if close and close.start() - m.end() >= 80:
            out.append((m.end() - 1, close.start() + 1))
    return out
