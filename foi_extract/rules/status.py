"""Classify an answer's FOI status from its wording and the grounds applied in it."""

from __future__ import annotations

import re
from typing import Iterable

_NCND = re.compile(r"neither\s+confirm(?:s|ing)?\s+n?or\s+den(?:y|ies|ying)|\bNCND\b", re.I)
_CLARIFY = re.compile(
    r"(?:please|could\s+you|can\s+you|would\s+you)\s+(?:\w+\s+){0,4}clarif|require[sd]?\s+(?:further\s+)?clarification|"
    r"need\s+(?:further\s+)?clarification|before\s+we\s+can\s+(?:process|respond)",
    re.I,
)
_REFUSED = re.compile(
    r"exceed(?:s|ed)?\s+(?:the\s+)?(?:appropriate|cost|fees?)\s+limit|appropriate\s+limit|\bcost\s+limit|"
    r"(?:more|longer)\s+than\s+(?:the\s+)?18\s+hours|vexatious|manifestly\s+unreasonable|"
    r"(?:we\s+are|is)\s+(?:therefore\s+)?(?:refusing|unable\s+to\s+comply)|request\s+is\s+(?:therefore\s+)?refused|"
    r"refuse\s+(?:this|your)\s+request",
    re.I,
)
_PUBLISHED = re.compile(
    r"reasonably\s+accessible|(?:is|are|has\s+been|have\s+been)\s+(?:already\s+)?(?:published|publicly\s+available|"
    r"available\s+(?:on|at|via|from|online|to\s+view))|can\s+be\s+(?:found|accessed|viewed|located)\s+(?:on|at|via|here|by)|"
    r"(?:available|published)\s+(?:on|at|via)\s+(?:our|the)\s+(?:website|web\s+site|contracts?\s+register)|following\s+link|"
    r"publication\s+scheme|disclosure\s+log|intended\s+for\s+future\s+publication",
    re.I,
)
_NOT_HELD = re.compile(
    r"(?:do(?:es)?|did)\s*(?:not|n['’]t)\s+(?:currently\s+|centrally\s+|routinely\s+)?(?:hold|record|collect|keep|capture|have\s+(?:this|the|any|that|such))|"
    r"(?:is|are|was|were)\s+not\s+(?:held|recorded|collected|captured|available)|not\s+held|no\s+(?:recorded\s+)?information\s+(?:is\s+)?held|"
    r"holds?\s+no\s+(?:recorded\s+)?information|no\s+(?:such\s+)?records?\s+(?:were|was|are|is)?\s*(?:found|located|held|exist)|"
    r"(?:unable|not\s+able)\s+to\s+(?:locate|find|identify)\s+(?:any\s+)?(?:records|information|documents)|no\s+responsive\s+records|"
    r"(?:do(?:es)?|did)\s*(?:not|n['’]t)\s+(?:currently\s+)?possess|(?:has|have|holds?|had)\s+no\s+(?:\w+\s+){0,2}(?:records|information|documents|data)\b|"
    r"not\s+(?:able|possible)\s+to\s+provide\s+(?:this|the)\s+(?:information|data)\s+as\s+(?:it|this)\s+is\s+not",
    re.I,
)
_WITHHELD = re.compile(
    r"(?<!not\s)(?<!not\sbeing\s)(?<!not\sbeen\s)\bwithheld\b|(?<!not\s)\bwithhold(?:ing)?\b|exempt\s+from\s+disclosure|(?:is|are)\s+exempt\b|not\s+(?:be\s+)?disclos|"
    r"decline\s+to\s+(?:release|disclose|provide)|(?:unable|not\s+able)\s+to\s+(?:release|disclose)",
    re.I,
)
_PARTIAL = re.compile(
    r"\bredact(?:ed|ions?)\b|partial(?:ly)?\b|in\s+part\b|suppress|<\s?5|less\s+than\s+(?:5|five)|"
    r"(?:small|low)\s+numbers?|some\s+(?:of\s+the\s+)?(?:responsive\s+)?(?:information|records|documents|data)|portions?\s+of",
    re.I,
)
_CONSIDERED = re.compile(
    r"\bwhether\b[^.]{0,80}\b(?:exempt|exception|appl(?:y|ies))|(?:concluded|decided)\s+that\s+(?:it|they|this|the\s+\w+)\s+(?:is|are|does|do)\s+not|"
    r"\bnot\s+engaged\b|\bdoes\s+not\s+apply\b",
    re.I,
)
_IN_FULL = re.compile(
    r"withh[eo]ld\s+(?:[\w'’]+\s+){0,3}in\s+(?:full|(?:its|their)\s+entirety)|denied\s+in\s+full|"
    r"(?:deny|denying)\s+(?:your\s+request|it)\s+in\s+full|full\s+denial|exempt\s+in\s+(?:full|(?:its|their)\s+entirety)",
    re.I,
)
_ROUTING = re.compile(r"(?:section|s\.?)\s*39\b|dealt\s+with\s+under\s+the\s+(?:EIR|Environmental)", re.I)


def classify(answer: str, grounds: Iterable[tuple[str, str]]) -> str:
    """Status for one answer; `grounds` are the (law, section) keys applied in it."""
    # "exempt under section 39" only explains why the EIR apply: no cue for withholding.
    # "We considered whether … is exempt and concluded it is not" is no withholding cue either.
    text = " ".join(
        s for s in re.split(r"(?<=[.!?])\s+", answer.strip()) if not _ROUTING.search(s) and not _CONSIDERED.search(s)
    )
    if not text:
        return "not_answered"
    keys = {section for _, section in grounds}
    if _NCND.search(text):
        return "ncnd"
    if keys & {"12", "14"} or _REFUSED.search(text):
        return "refused"
    if keys & {"21", "22", "25", "27"}:
        return "published_elsewhere"
    other_grounds = keys - {"21", "22", "12", "14", "25", "27"}
    if not other_grounds and _NOT_HELD.search(text) and not _mostly_given(text):
        return "partially_answered" if _data_beside(text) else "not_held"
    if other_grounds or _WITHHELD.search(text):
        if _IN_FULL.search(text):
            return "withheld"
        if _PARTIAL.search(text) or _mostly_given(text) or _figures_outside_withholding(text):
            return "partially_answered"
        return "withheld"
    if _CLARIFY.search(text) and len(text) < 1200:
        return "clarification_requested"
    if _PUBLISHED.search(text) and not re.search(r"attached|enclosed|below", text, re.I):
        return "published_elsewhere"
    if _NOT_HELD.search(text):
        return "partially_answered" if _mostly_given(text) or _data_beside(text) else "not_held"
    if _SUPPRESSED.search(text):
        return "partially_answered"
    return "answered"


_SMALL = r"(?:<\s?\d|less\s+than\s+(?:\d|five|ten)|fewer\s+than\s+(?:\d|five|ten)|small\s+numbers?|low\s+numbers?|numbers?\s+(?:are|is)\s+(?:low|small))"
_HIDE = r"(?:suppress|redact|mask|anonymi[sz]|withh[eo]ld|replac|indicated|shown\s+as|represented|not\s+(?:be\s+)?(?:disclosed|shown|provided|released)|identif)"
_SUPPRESSED = re.compile(rf"{_HIDE}\w*[^.]{{0,150}}?{_SMALL}|{_SMALL}[\s\S]{{0,200}}?{_HIDE}", re.I)


def _figures_outside_withholding(text: str) -> bool:
    """'The total spend was £12,400. Individual invoice values are exempt …': a figure is given."""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    return any(not _WITHHELD.search(s) and not re.search(r"(?:section|regulation|s\.)\s*\d", s, re.I) and _FIGURE.search(s)
               for s in sentences) and any(_WITHHELD.search(s) for s in sentences)


def _data_beside(text: str) -> bool:
    """Figures given in one sentence while another says part is not held: '9 cameras …; duration not recorded.'"""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    return any(_NOT_HELD.search(s) for s in sentences) and any(
        not _NOT_HELD.search(s) and _FIGURE.search(s) for s in sentences
    )


# A count or an amount: "9 cameras", "£1,182.58", "1,400 records" (not a section number, date or year).
_FIGURE = re.compile(
    r"(?<![\w/.\-\[])(?<!section\s)(?<!s\.\s)(?<!regulation\s)(?:[£$€]\s?)?(?!(?:19|20)\d\d\b)\d{1,3}(?:,\d{3})*(?:\.\d+)?"
    r"(?!\d)(?![/.\-]\d)(?!\s*(?:January|February|March|April|May|June|July|August|September|October|November|December|st\b|nd\b|rd\b|th\b|\]))",
    re.I,
)


def _mostly_given(text: str) -> bool:
    """Information is handed over as well (numbers, attachments, lists), not only a refusal."""
    return bool(re.search(r"please\s+(?:find|see)\s+(?:the\s+)?(?:attached|enclosed|below)|attached\s+(?:spreadsheet|document|file)|"
                          r"(?:data|information|figures)\s+(?:has|have|is|are)\s+(?:been\s+)?(?:provided|released|disclosed|supplied)|"
                          r"included\s+with\s+this\s+letter|(?:is|are)\s+attached|attached\s+(?:is|are)|"
                          r"(?:are|is)\s+(?:being\s+)?released|responsive\s+records\s+(?:are|is)\s+(?:attached|enclosed|included)|"
                          r"see\s+(?:the\s+)?attached|enclosed|spreadsheet|\btable\s+below", text, re.I))
