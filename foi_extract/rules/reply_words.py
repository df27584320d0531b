"""The words that structure a reply: answer labels and cues, request intros, closings, and the QA record.

Shared by the segmenter (segments.py), the block splitter (blocks.py) and the request finder
(request_text.py), so each form is written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..lazy_re import lazy_compile

# The sign-off phrases every closing uses ("Yours sincerely", "Kind regards", "Sincerely"); callers
# anchor them as they need (a whole line, a paragraph's start) and add their own extras.
SIGN_OFF_PHRASES = (
    r"yours\s+(?:sincerely|faithfully|truly)|(?:kind|best|warm)\s+regards|regards|sincerely"
)

_ANSWER_LABEL = lazy_compile(
    r"^[ \t>*]*(?:\*\*)?(?:(?:Our|The\s+Trust['’]?s?|Trust|Council['’]?s?|Force|Service['’]?s?|Department['’]?s?|Organisation['’]?s?)\s+)?"
    r"(?:Response|Answer|Reply|Answers|Responses|Information\s+provided)(?:\s+to\s+(?:question|Q)\s*\d+)?"
    r"(?:\*\*)?[ \t]*(?:[:\-–][ \t]*|$)",
    re.M | re.I,
)
_INLINE_LABEL = lazy_compile(
    r"(?<=[?.:)])[ \t]*\n?[ \t]*(?:Our\s+)?(?:Response|Answer|Reply)\s*[:\-–][ \t]*", re.I
)
_REQUEST_INTRO = lazy_compile(
    r"(?:you\s+(?:have\s+)?(?:requested|asked(?:\s+for)?)|your\s+(?:original\s+)?request(?:\s+(?:was|read|stated))?\s*[:\-]|"
    r"^\s*(?:original\s+)?request(?:ed)?\s*[:\-]?\s*$|requested\s+the\s+following|you\s+wrote|"
    r"the\s+following\s+information\s*[:\-]|I\s+would\s+like\s+to\s+request|under\s+the\s+freedom\s+of\s+information\s+act.{0,40}\s+the\s+following)",
    re.I | re.M,
)
_CLOSING = lazy_compile(
    r"^[ \t]*(?:If\s+you\s+(?:are|have|remain|feel|wish|would|disagree)|Any\s+contact\s+details|We\s+hope|I\s+hope|"
    r"You\s+(?:have|may\s+have|also\s+have)\s+(?:a|the)\s+right|You\s+may\s+(?:appeal|ask\s+for\s+(?:a|an)\s+(?:internal\s+)?review|request\s+(?:a|an)\s+(?:internal\s+)?review)|"
    r"Sincerely,?\s*$|Respectfully,?\s*$|Thank\s+you\s+for\s+your\s+(?:interest|patience)|"
    r"Yours\s+(?:sincerely|faithfully)|Kind\s+regards|Best\s+regards|Regards,?$|Many\s+thanks|The\s+supply\s+of\s+information|"
    r"Please\s+remember\s+to\s+quote|(?:Your\s+)?[Rr]ight\s+(?:of|to)\s+(?:appeal|complain|review)|Complaints?\s*(?:procedure|and\s+appeals)?\s*:?$|"
    r"Re-?use\s+of|Copyright|This\s+(?:letter|response|e-?mail)\s+(?:concludes|completes|is|constitutes|serves\s+as)\s+(?:a\s+|the\s+|our\s+)?(?:refusal|formal|response|request)|I\s+confirm\s+that\s+the\s+information\s+above|"
    r"For\s+information,\s+we\s+publish|\*+\s*(?:Please\s+)?note\b|Internal\s+review|Appeal\s+rights|How\s+to\s+appeal|Review\s*$|Advice\s+and\s+Assistance\s*$)",
    re.M | re.I,
)
_REQUEST_LIKE = lazy_compile(
    r"^\s*(?:please\s+(?:could|can|would|use|provide|include|send|break|let|also)|(?:could|can|would)\s+you|i\s+would|i\s+am\s+|"
    r"in\s+(?:the\s+)?form\s+of|for\s+(?:the\s+)?(?:following|each|years?|period)|\d{1,2}(?:st|nd|rd|th)?\s+\w+\s+\d{4}\s+to|"
    r"(?:and|or)\s*$|if\s+(?:possible|available|any)|where\s+possible|e\.?g\.?|i\.?e\.?|"
    r"\(?[a-z]\)|\(?[ivx]+\)|•|-\s)",
    re.I,
)
_ANSWER_CUE = lazy_compile(
    r"^[ \t]*(?:See\s+(?:the\s+)?(?:attached|enclosed|below|appendix|table)|Please\s+(?:see|find|note|refer)|"
    r"(?:This|The)\s+(?:information|data)\s+(?:is|are|requested\s+is|you\s+have\s+requested)|(?:Information\s+)?Not\s+held|"
    r"N/?A\b|Nil\b|Unfortunately|I\s+(?:can|am\s+able\s+to)\s+confirm|"
    r"(?:The\s+)?(?:Trust|Council|Force|Department|Board|Service|Authority)\s+(?:does|do|is|has|have|can|cannot|holds?|would|uses?|records?)\b|"
    r"We\s+(?:do|have|are|can|hold|would|don['’]t|cannot|use|record|can\s+confirm)\b|"
    r"(?:For|In\s+(?:response|relation|reply)\s+to)\s+(?:all\s+(?:of\s+)?)?(?:your\s+)?(?:questions?|Qs?)\s*\d)",
    re.I | re.M,
)
_NAMED_QUESTIONS = lazy_compile(
    r"(?:for|in\s+(?:response|relation|reply)\s+to|regarding|re:?|to)?\s*(?:questions?|Qs?)\s*(?P<a>\d{1,2}[a-z]?)"
    r"(?P<rest>(?:\s*(?:,|and|&|to|-|–)\s*(?:Q|question)?\s*\d{1,2}[a-z]?)*)",
    re.I,
)
_REFERS = lazy_compile(
    r"(?:please\s+)?(?:refer|see|as\s+(?:per|in|stated\s+in|detailed\s+in)|same\s+as)\s+(?:to\s+)?(?:the\s+|our\s+)?(?:answer|response|reply)?\s*"
    r"(?:to|for|at|in|of)?\s*(?:question|Q)\s*\.?\s*(?P<n>\d{1,2}[a-z]?)\b",
    re.I,
)


_SENTENCE_END = lazy_compile(
    r"(?<!\b[A-Z])(?<!\b(?:No|Mr|Ms|Dr|St|Co))(?<!\bMrs)(?<!\bInc)[.?](?=\s+[A-Z(])"
)


@dataclass
class QA:
    id: str
    question: tuple[int, int] | None = None
    answer: tuple[int, int] | None = None
    joint: bool = False  # answer shared with other questions
    refers_to: str | None = None  # "Please refer to Question 3"
    extra_answers: list[tuple[int, int]] = field(default_factory=list)


def _blank_split(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Paragraphs of text[s:e] (separated by blank lines), as offset pairs."""
    out: list[tuple[int, int]] = []
    pos = s
    for m in re.finditer(r"\n[ \t\u00a0]*\n", text[s:e]):
        out.append((pos, s + m.start()))
        pos = s + m.end()
    out.append((pos, e))
    return [(a, b) for a, b in out if text[a:b].strip()]


def closing_start(text: str, s: int, e: int) -> int:
    m = _CLOSING.search(text, s, e)
    return m.start() if m else e
