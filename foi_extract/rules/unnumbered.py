"""Questions printed without numbers: each question a paragraph of its own, its answer below it.

Replies restate the request one question at a time ("How many … in 2023/24?" then the answer);
LABELING.md numbers such questions by order. The ids are inferred, so each carries that review
reason (the engine adds it).
"""

from __future__ import annotations

import re

from ..lazy_re import lazy_compile
from .reply_words import QA, _blank_split, closing_start

_ASKS = lazy_compile(
    r"\?\s*$|^\s*(?:please\s+(?:provide|send|supply|confirm|list|give|state|disclose|tell)|(?:could|can|would)\s+you\s+(?:please\s+)?(?:provide|send|confirm|tell|list))\b|"
    r"^\s*[+•*]\s+(?:any\s+and\s+all|all|copies|documents?|records?)\b",  # a bulleted request item restated
    re.I,
)
_SALUTATION = lazy_compile(r"^[ \t]*Dear\b[^\n]*$", re.M)


def _is_question(text: str, para: tuple[int, int]) -> bool:
    chunk = text[para[0] : para[1]].strip()
    return (
        10 <= len(chunk) <= 500
        and "\n\n" not in chunk
        and bool(_ASKS.search(chunk))
        and chunk.count("?") <= 3
    )


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Blank-line paragraphs; in PDF text with no blank lines, lines ending a sentence end a paragraph."""
    paras = _blank_split(text, start, end)
    if len(paras) > 3:
        return paras
    out: list[tuple[int, int]] = []
    pos = start
    for m in re.finditer(r"[.?!:][ \t]*\n", text[start:end]):
        out.append((pos, start + m.end() - 1))
        pos = start + m.end()
    out.append((pos, end))
    return [(a, b) for a, b in out if text[a:b].strip()]


def unnumbered(text: str, response: tuple[int, int]) -> list[QA]:
    """Question paragraphs each followed by answer paragraphs; [] unless at least two such pairs."""
    rs, re_ = response
    dear = _SALUTATION.search(text, rs, re_)
    start = dear.end() if dear else rs
    end = closing_start(text, start + 1, re_)
    paras = _paragraphs(text, start, end)
    asks = [i for i, p in enumerate(paras) if _is_question(text, p)]
    pairs: list[QA] = []
    for k, i in enumerate(asks):
        nxt = asks[k + 1] if k + 1 < len(asks) else len(paras)
        if nxt == i + 1:
            return []  # two questions in a row: a restated list, not question-then-answer
        answer = (paras[i + 1][0], paras[nxt - 1][1] if nxt < len(paras) else end)
        pairs.append(QA(str(k + 1), question=paras[i], answer=answer))
    return pairs if len(pairs) >= 2 else []
