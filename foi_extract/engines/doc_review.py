"""Document-level review reasons, and what a document that answers nothing reports."""

from __future__ import annotations

import re

from .. import review as R
from ..lazy_re import lazy_compile
from ..models import Extraction, Question
from ..rules.reply_words import SIGN_OFF_PHRASES

NOT_ANSWERING = frozenset({"not_a_reply", "request_only", "acknowledgement"})
_SIGN_OFF = lazy_compile(
    r"^[ \t]*(?:" + SIGN_OFF_PHRASES + r"|respectfully|many\s+thanks)\b",
    re.I | re.M,
)
_MID_SENTENCE = lazy_compile(r"(?:\b[a-z]{2,}|,)[ \t]*$")


def unanswered(q: Question) -> Question:
    """A question in a document that answers nothing yet: kept (it is what was asked), not answered."""
    return q.model_copy(
        update={
            "status": "not_answered",
            "exemptions": [],
            "review": [R.NO_ANSWER_FOUND],
            "cues": [],
        }
    )


def truncated(text: str) -> bool:
    """The text stops mid-sentence, with no sign-off: a web excerpt or a page cut short."""
    lines = [ln for ln in text.rstrip().splitlines() if ln.strip()]
    if not lines:
        return False
    last = lines[-1].strip()
    return (
        len(last) >= 30 and bool(_MID_SENTENCE.search(last)) and not _SIGN_OFF.search(text[-600:])
    )


def document_review(ex: Extraction, text: str, *, single: bool) -> list[str]:
    """Reasons for a person to check the document as a whole; flags its questions where they share the doubt."""
    reasons: list[str] = []
    if ex.letter.kind in NOT_ANSWERING:
        R.add(reasons, R.NOT_A_REPLY)
    if truncated(text):
        R.add(reasons, R.TRUNCATED)
        if ex.questions:
            R.add(ex.questions[-1].review, R.ANSWER_CUT_OFF)
    if single and ex.letter.kind not in NOT_ANSWERING:
        R.add(reasons, R.NO_QUESTIONS_FOUND)
    if not ex.letter.authority or not ex.letter.date:
        R.add(reasons, R.METADATA_MISSING)
    tied = {(e.law, e.section) for q in ex.questions for e in q.exemptions}
    if any((e.law, e.section) not in tied for e in ex.exemptions):
        R.add(reasons, R.UNTIED_EXEMPTIONS)
    return reasons
