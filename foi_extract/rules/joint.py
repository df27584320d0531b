"""Share one un-numbered answer among the request's questions, sentence by sentence.

Replies often answer a numbered request in prose: "Please find attached the data for your first
two questions. … the s.117 aftercare data is not held". Sentences that name a question (by
number, ordinal, or by echoing its wording) go to that question alone; the rest are shared.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy_compile
from ..questionset import _words
from .applied import _BOUNDARY

_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "5th": 5,
}
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
_NUMBERED = lazy_compile(
    r"\b(?:questions?|Qs?|parts?|points?)\s*(?P<a>\d{1,2}[a-z]?)(?P<rest>(?:\s*(?:,|and|&|to|-|–)\s*\d{1,2}[a-z]?)*)",
    re.I,
)
_FIRST_N = lazy_compile(
    r"\b(?:first|1st)\s+(?P<n>two|three|four|five|\d)\s+(?:questions|parts|points)", re.I
)
_ORDINAL = lazy_compile(
    r"\b(?P<o>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|4th|5th|last|final)\s+(?:question|part|point)\b",
    re.I,
)


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in _BOUNDARY.finditer(text, start, end):
        if text[pos : m.end()].strip():
            out.append((pos, m.end()))
        pos = m.end()
    if text[pos:end].strip():
        out.append((pos, end))
    return out


def named_ids(sentence: str, ids: list[str]) -> list[str]:
    """Question ids a sentence names: 'question 3', 'questions 1 and 2', 'first two questions'."""
    found: list[str] = []
    for m in _NUMBERED.finditer(sentence):
        nums = re.findall(r"\d{1,2}[a-z]?", m.group(0))
        if (
            re.search(r"\bto\b|-|–", m.group("rest") or "")
            and len(nums) == 2
            and all(n.isdigit() for n in nums)
        ):
            nums = [str(i) for i in range(int(nums[0]), int(nums[1]) + 1)]
        found += nums
    for m in _FIRST_N.finditer(sentence):
        found += [str(i) for i in range(1, _COUNTS[m.group("n").lower()] + 1)]
    for m in _ORDINAL.finditer(sentence):
        o = m.group("o").lower()
        found.append(ids[-1] if o in ("last", "final") else str(_ORDINALS[o]))
    return [i for i in dict.fromkeys(found) if i in ids]


def split_joint(
    text: str, start: int, end: int, questions: list[tuple[str, str]]
) -> dict[str, list[tuple[int, int]]]:
    """Ranges of text[start:end] for each question id; questions no sentence names share the rest."""
    ids = [qid for qid, _ in questions]
    distinct = _distinctive(questions)
    specific: dict[str, list[tuple[int, int]]] = {qid: [] for qid in ids}
    shared: list[tuple[int, int]] = []
    for s, e in sentences(text, start, end):
        sent = text[s:e]
        named = named_ids(sent, ids)
        if not named:
            named = _echoed(sent, distinct)
        if named:
            for qid in named:
                specific[qid].append((s, e))
        else:
            shared.append((s, e))
    return {qid: (specific[qid] or shared) for qid in ids}


def _distinctive(questions: list[tuple[str, str]]) -> dict[str, set[str]]:
    """Words found in one question's text and no other's: what a sentence echoes to point at it."""
    words = {qid: _words(qtext) for qid, qtext in questions}
    return {
        qid: w - set().union(*(o for k, o in words.items() if k != qid)) for qid, w in words.items()
    }


def _echoed(sentence: str, distinct: dict[str, set[str]]) -> list[str]:
    """The single question whose distinctive wording the sentence repeats, if exactly one is."""
    words = _words(sentence)
    hits = {qid: len(d & words) for qid, d in distinct.items() if d}
    good = [qid for qid, n in hits.items() if n and n >= min(2, len(distinct[qid]))]
    return good if len(good) == 1 and sum(1 for n in hits.values() if n) == 1 else []
