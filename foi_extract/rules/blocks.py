"""One numbered block of a reply: which part restates the question and which part answers it.

Forms: a "Response:" label (own line or inline), an answer cue ("The Trust does not …"), a quoted
request ("Portion 2 of your request seeks, "…". In response …"), a bare heading ("Question 1a")
over its answer, or a question line ending in "?" with the answer below.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy_compile
from .markers import Marker
from .reply_words import _ANSWER_CUE, _ANSWER_LABEL, _INLINE_LABEL, _REQUEST_LIKE, _blank_split


def _para_key(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())[:80]


def _templates(text: str, blocks: list[tuple[Marker, int, int]]) -> set[str]:
    """Paragraphs repeated in several blocks are the request's own wording, not answers."""
    seen: dict[str, int] = {}
    for m, _s, e in blocks:
        for key in {_para_key(text[a:b]) for a, b in _blank_split(text, m.end, e)}:
            if len(key) >= 40:
                seen[key] = seen.get(key, 0) + 1
    return {k for k, n in seen.items() if n >= 2}


def _request_like(text: str, para: tuple[int, int], templates: frozenset[str] | set[str]) -> bool:
    chunk = text[para[0] : para[1]]
    return bool(_REQUEST_LIKE.match(chunk)) or _para_key(chunk) in templates


def _split_block(
    text: str, s: int, e: int, marker_end: int, templates: frozenset[str] | set[str] = frozenset()
) -> tuple[tuple[int, int] | None, tuple[int, int] | None, bool]:
    """Split one numbered block into (question, answer, answer_was_labelled)."""
    quoted = _quoted_question(text, marker_end, e)
    if quoted:
        return quoted[0], quoted[1], False
    lab = _ANSWER_LABEL.search(text, marker_end, e)
    if lab and lab.start() > s:
        q = (marker_end, lab.start())
        a = (lab.end(), e)
        return (
            (q if text[q[0] : q[1]].strip() else None),
            (a if text[a[0] : a[1]].strip() else None),
            True,
        )
    inline = _INLINE_LABEL.search(text, marker_end, e)
    if inline:  # "1. How many …? Response: The Service attended …" in one paragraph
        q = (marker_end, inline.start())
        a = (inline.end(), e)
        return (
            (q if text[q[0] : q[1]].strip() else None),
            (a if text[a[0] : a[1]].strip() else None),
            True,
        )
    paras = _blank_split(text, marker_end, e)
    asked = _question_line_then_answer(text, paras[0]) if paras else None
    if (
        asked
    ):  # "3. Please provide …?\nWe estimate …\n\nmore answer": the answer starts under the question
        return (paras[0][0], asked), (asked + 1, e), False
    first_nl = text.find("\n", marker_end, e)
    cue = _ANSWER_CUE.search(text, first_nl, e) if first_nl >= 0 else None
    if cue:
        return (marker_end, cue.start()), (cue.start(), e), False
    paras = _blank_split(text, marker_end, e)
    if not paras:
        return None, None, False
    first = paras[0]
    if _bare_heading(text, marker_end) and not _asks(text[first[0] : first[1]]):
        return None, (first[0], e), False  # "Question 1a" alone on its line, then the answer
    if len(paras) == 1:
        lines = [m for m in re.finditer(r"[^\n]+", text[first[0] : first[1]])]
        cut = None
        for i, ln in enumerate(lines[:-1]):
            if re.search(r"[?.:;)]\s*$", ln.group(0)) and not _REQUEST_LIKE.match(
                lines[i + 1].group(0)
            ):
                cut = i
                break
        if cut is None:
            # "… in 2022/23? GBP 6,412,930." — a table row read across: answer after the question mark
            ask = re.search(r"\?[ \t]+(?=\S)", text[first[0] : first[1]])
            if ask:
                return (
                    (first[0], first[0] + ask.start() + 1),
                    (first[0] + ask.end(), first[1]),
                    False,
                )
            return first, None, False
        qend = first[0] + lines[cut].end()
        return (first[0], qend), (first[0] + lines[cut + 1].start(), first[1]), False
    answer_paras = list(paras[1:])
    while answer_paras and _request_like(text, answer_paras[0], templates):
        answer_paras.pop(0)
    if not answer_paras:
        return (first[0], paras[-1][1]), None, False
    return (first[0], answer_paras[0][0]), (answer_paras[0][0], e), False


def _question_line_then_answer(text: str, para: tuple[int, int]) -> int | None:
    """End of a question line that opens a paragraph whose other lines answer it, else None."""
    lines = list(re.finditer(r"[^\n]+", text[para[0] : para[1]]))
    head = lines[0].group(0).rstrip() if lines else ""
    if len(lines) < 2 or not (head.endswith("?") or head.endswith(".") and _asks(head)):
        return None
    rest = text[para[0] + lines[1].start() : para[1]]
    if "?" in rest or _REQUEST_LIKE.match(rest) or _ASKING.match(rest):
        return None
    return para[0] + lines[0].end()


_QUOTED_LEAD = lazy_compile(
    r"[^\"“\n]{0,80}?(?:seeks?|asked|requested|request(?:ed)?\s+(?:was|reads?)|states?)[^\"“\n]{0,30}?[\"“]",
    re.I,
)


def _quoted_question(
    text: str, start: int, end: int
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """'Portion 2 of your request seeks, "…". In response …': the quotation asks, the rest answers."""
    m = _QUOTED_LEAD.match(text, start, end)
    if not m:
        return None
    close = re.compile(r"[\"”]").search(text, m.end(), end)
    if close is None or len(text[close.end() : end].strip(" .\n\t")) < 20:
        return None
    return (m.end(), close.start()), (close.end(), end)


_ASKING = lazy_compile(
    r"\?|^\s*(?:please|provide|how|what|which|when|where|who|whether|why|is|are|does|do|did|has|have|can|could|would|will|list|details?\s+of|copies?\s+of|a\s+copy|the\s+number|any\s+(?:and\s+all\s+)?)\b",
    re.I,
)


def _asks(paragraph: str) -> bool:
    return bool(_ASKING.search(paragraph)) or bool(_REQUEST_LIKE.match(paragraph))


def _bare_heading(text: str, marker_end: int) -> bool:
    """The marker is a heading on a line of its own ("Question 1a", "Response to item 3")."""
    line_end = text.find("\n", marker_end)
    return not text[marker_end : line_end if line_end >= 0 else len(text)].strip(" \t:.-–")
