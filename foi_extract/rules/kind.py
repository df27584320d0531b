"""What a document is (`letter.kind`): a reply, a refusal notice, a review, or not a reply at all.

Only a reply's rows say how a body answered; a data attachment, a leaflet, a decision notice or
the requester's own email must not become `answered` rows. The cues are here, in one table
per kind; `document_kind` weighs the text's reply signals against them and then looks at the
statuses the questions got (a letter whose every question was refused is a refusal notice).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import islice

from ..lazy_re import lazy_compile
from ..models import Question


def _re(p: str, flags: int = re.I) -> re.Pattern[str]:
    return lazy_compile(p, flags)


# A body writing to a requester: any of these makes a text read as a reply.
REPLY_SIGNALS = lazy_compile(
    r"\bthank\s+you\s+for\s+your\s+(?:request|e-?mail|enquiry|letter|correspondence|FOIA?)|\byour\s+(?:FOIA?\s+|information\s+|freedom\s+of\s+information\s+)?request\b|"
    r"\bin\s+response\s+to\b|\b(?:we|I)\s+(?:can|am\s+able\s+to)\s+confirm|\b(?:does|do)\s+not\s+hold\b|\bplease\s+(?:find|see)\s+(?:the\s+)?(?:attached|enclosed|below)|"
    r"\bresponse\s*:|\banswer\s*:|\bour\s+(?:ref|reference)\b|\bthis\s+(?:letter|e-?mail)\s+is\s+in\s+response|\bneither\s+confirm|"
    r"\byou\s+(?:asked|requested|wrote)\b|\bwe\s+have\s+(?:now\s+)?(?:completed|considered|searched|reviewed|processed)\b|"
    r"^[ \t]*(?:see|please\s+see|refer\s+to)\s+(?:the\s+)?(?:attached|enclosed|appendix)|\bwe\s+(?:do|can|are|have|hold)\b|\bthe\s+(?:trust|council|force|department|board|authority)\s+(?:does|do|is|has|holds?|can)\b",
    re.I | re.M,
)
# The requester asking: a request, not yet answered.
REQUEST_SIGNALS = _re(
    r"\bI\s+(?:would\s+like\s+to|wish\s+to|am\s+writing\s+to)\s+(?:request|make|ask|submit)|\bplease\s+(?:provide|send|supply)\s+(?:me\s+)?(?:with\s+)?|"
    r"\bunder\s+the\s+(?:Freedom\s+of\s+Information|FOI)\s+Act[^.\n]{0,40}\bI\s+(?:request|would\s+like|am\s+requesting)|"
    r"\bI\s+(?:request|am\s+requesting)\s+(?:copies|a\s+copy|the\s+following|records|information)|\bYours\s+faithfully\b|\bI\s+look\s+forward\s+to\s+(?:hearing|your\s+response)"
)
ACKNOWLEDGEMENT = _re(
    r"(?:we|I)\s+(?:have\s+received|acknowledge)\s+(?:receipt\s+of\s+)?your\s+(?:request|e-?mail)|acknowledg(?:e|ing)\s+(?:receipt\s+of\s+)?your|"
    r"has\s+been\s+(?:logged|received)|(?:will|aim\s+to|should)\s+(?:\w+\s+){0,3}respond\s+(?:to\s+you\s+)?(?:within|by|no\s+later)|"
    r"within\s+(?:20|twenty)\s+working\s+days|request\s+(?:is\s+being|will\s+be)\s+(?:processed|dealt\s+with)|extend(?:ed|ing)?\s+the\s+(?:time|deadline)|"
    r"fee\s+notice|(?:additional|further)\s+(?:\d+\s+)?(?:working\s+)?days\s+to\s+respond"
)
INTERNAL_REVIEW = _re(
    r"(?:I|we)\s+have\s+(?:now\s+)?(?:completed|conducted|carried\s+out|undertaken)\s+(?:an?|the|your)\s+internal\s+review|"
    r"^[ \t]*(?:Re:?\s*)?Internal\s+review\s+(?:decision|outcome|response)|(?:I|we)\s+(?:have\s+)?(?:upheld|overturned|partially\s+upheld)\s+(?:the|our)\s+(?:original\s+)?(?:decision|response)",
    re.I | re.M,
)
# Documents that are about a request but are no reply to it.
NOT_A_REPLY = (
    (
        "decision_notice",
        _re(
            r"^\s*(?:Freedom\s+of\s+Information\s+Act\s+2000\s+\(?(?:FOIA)?\)?\s*)?Decision\s+notice\b",
            re.I | re.M,
        ),
    ),
    (
        "rights_leaflet",
        _re(
            r"^\s*(?:Information\s+(?:on|about)\s+(?:your\s+)?rights?\s+of\s+review|Your\s+right\s+to\s+(?:ask\s+for\s+a\s+)?review)",
            re.I | re.M,
        ),
    ),
)
_TABULAR_LINE = _re(r"\t|\s{3,}\S+\s{3,}|^\s*[\d.,%<>\-–]+(?:\s+[\d.,%<>\-–]+){2,}\s*$", re.M)


def _tabular(text: str) -> bool:
    """A data sheet or a manifest: most lines are cells, few are sentences."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 5:
        return False
    cells = sum(1 for ln in lines if _TABULAR_LINE.search(ln))
    sentences = sum(1 for ln in lines if re.search(r"[a-z]{3,}[.!?]\s*$", ln))
    return cells >= 0.6 * len(lines) and sentences <= 0.1 * len(lines)


def text_kind(text: str, *, outgoing_only: bool = False) -> tuple[str, str]:
    """(kind, cue name) from the text alone; 'response' when it reads as a reply."""
    head = text[:3000]
    for name, pattern in NOT_A_REPLY:
        if pattern.search(head):
            return "not_a_reply", f"kind.not_a_reply.{name}"
    reply = sum(1 for _ in islice(REPLY_SIGNALS.finditer(text), 2))  # 0, 1 or "more" is all we ask
    if outgoing_only and reply <= 1:
        return "request_only", "kind.request_only.thread_without_reply"
    if reply == 0 and _tabular(text):  # a reply signal rules a table out: no need to look
        return "not_a_reply", "kind.not_a_reply.table"
    if reply == 0:
        if REQUEST_SIGNALS.search(text):
            return "request_only", "kind.request_only.request_wording"
        if not re.search(
            r"freedom\s+of\s+information|\bFOIA?\b|\bFOISA\b|environmental\s+information|public\s+records",
            text,
            re.I,
        ):
            return "not_a_reply", "kind.not_a_reply.no_reply_signal"
    if INTERNAL_REVIEW.search(text[:4000]):
        return "internal_review", "kind.internal_review.outcome"
    return "response", "kind.response.reply_signal"


def document_kind(
    text: str, questions: Sequence[Question], *, outgoing_only: bool = False
) -> tuple[str, str]:
    """The kind from the text, refined by the questions' statuses (refusals, acknowledgements)."""
    kind, cue = text_kind(text, outgoing_only=outgoing_only)
    if kind != "response":
        return kind, cue
    statuses = {q.status for q in questions}
    refusals = {"refused", "withheld", "ncnd"}
    if statuses & refusals and statuses <= refusals | {"published_elsewhere"}:
        return "refusal_notice", "kind.refusal_notice.every_question_refused"
    if statuses == {"clarification_requested"}:
        return "clarification", "kind.clarification.every_question"
    substance = any(
        c.name.split(".")[0] != "answered" or c.name == "answered.information_given"
        for q in questions
        for c in q.cues
    )
    if ACKNOWLEDGEMENT.search(text) and not substance and len(text) < 4000:
        return "acknowledgement", "kind.acknowledgement.no_answer_yet"
    return kind, cue
