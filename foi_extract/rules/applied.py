"""Applied or merely mentioned? The judgement that separates a ground relied on from a citation.

Replies cite many sections they do not rely on: s.1 duties, s.16 advice, s.17 notice wording,
appeal rights, statutory text quoted in an annex, an exemption considered and rejected, and
other Acts entirely. Only table grounds, cited outside those contexts, count as applied.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy_compile
from . import statutes
from .citations import Citation

_NEGATED = lazy_compile(
    r"(?:does|do|did|will|would|has|have|is|are)\s*(?:not|n['’]t)\s+(?:\w+\s+){0,3}?(?:apply|applied|engaged?|rel(?:y|ied)|used|invoked|cited)|"
    r"not\s+(?:been\s+)?(?:applied|engaged|relied|applicable)|no\s+exemptions?\s+(?:\w+\s+){0,3}(?:appl|engag|us)|"
    r"(?:rather|instead)\s+(?:than|of)|considered\s+(?:whether|the\s+(?:application|use))|we\s+have\s+(?:now\s+)?(?:decided|concluded)\s+(?:not|that\s+\w+\s+does\s+not)|"
    r"(?:no\s+longer|not\s+therefore)\s+(?:appl|rel|engag)|(?:is|was|are)\s+not\s+(?:being\s+)?(?:withheld|relied)|"
    r"\bnot\s+(?:been\s+)?exempt|has\s+been\s+disapplied",
    re.I,
)
_HYPOTHETICAL = lazy_compile(
    r"\bif\b[^.]{0,120}\b(?:would|may|might|could)\b|\bwould\s+(?:likely\s+)?(?:be|need|have)\b[^.]{0,60}\b(?:exempt|refus|withh)|"
    r"\bin\s+future\b|\bany\s+future\b|\bcould\s+(?:be|apply)\b|\bmay\s+(?:be\s+)?(?:exempt|apply|engage)",
    re.I,
)
_RIGHTS = lazy_compile(
    r"internal\s+review|information\s+commissioner|complain|appeal|right\s+to\s+(?:request|ask)|tribunal|judicial\s+review|"
    r"Wycliffe|decision\s+notice|re-?use",
    re.I,
)
_APPLIED_CUE = lazy_compile(
    r"exempt|withh[eo]ld|redact|appl(?:y|ies|ied)|engag|rel(?:y|ied|ying)\s+(?:up)?on|by\s+virtue|under\s+(?:section|s\.|regulation|reg\.|the)|"
    r"in\s+accordance\s+with|refus|not\s+(?:be\s+)?disclos|reasonably\s+accessible|available|published|cost|limit|vexatious|"
    r"personal|commercial|prejudice|confidential|privacy|public\s+interest|suppress|<\s?5|neither\s+confirm|"
    r"pursuant\s+to|burdensome|deni(?:ed|al)|protected\s+from",
    re.I,
)
_DISCLAIMER = lazy_compile(
    r"intended\s+(?:solely\s+|only\s+)?for\s+the\s+(?:use\s+of\s+the\s+)?(?:individual|addressee|named|recipient|person)|"
    r"if\s+you\s+(?:have\s+received|are\s+not\s+the\s+intended)|confidentiality\s+(?:notice|statement)|\bdisclaimer\b|"
    r"this\s+(?:e-?mail|message)\s+(?:and\s+any\s+(?:files|attachments)\s+)?(?:may\s+contain|is\s+confidential)|"
    r"for\s+official\s+use\s+only|not\s+to\s+be\s+shared\s+outside",
    re.I,
)
_STATUTE_WORDS = lazy_compile(
    r"legislation|statut|sections?\b|extracts?\b|\bAct\b|regulations|exemptions?\b", re.I
)
_ANNEX = lazy_compile(
    r"^[ \t]*(?:Annex|Appendix|Schedule|Extracts?\s+from|Legislation|Relevant\s+(?:legislation|sections?)|"
    r"(?:Explanation|Description|Definitions?|Summary|List)\s+of\s+(?:the\s+)?(?:FOIA\s+)?Exemptions|(?:FOIA\s+)?Exemptions\s+(?:explained|defined)|"
    r"Subsections\s+of\s+5\s+U\.?S\.?C)\b.{0,80}$",
    re.M | re.I,
)
# A line that starts with a citation and defines it: "(b)(6) Information that …", "Section 40 - Personal information".
_LIST_LINE = lazy_compile(
    r"^[ \t]*(?:\(b\)\s*\(\d\)|Exemption\s+\d|(?:Section|s\.?|Regulation|Reg\.?)\s*\d{1,2}[A-Z]?(?:\(\w+\))*)[^\n]{0,12}[\s:\-–]+[A-Z]",
    re.M,
)


_BOUNDARY = lazy_compile(
    r"(?<![A-Z])(?<!\bNo)(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bCo)(?<!\bss)(?<!\b[Rr]eg)(?<!\b[Ss]ec)(?<!\bDept)(?<!\bMrs)[.!?](?=\s+[\"“(]?[A-Z0-9])|\n[ \t]*\n|;\s"
)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding text[start:end], within 400 characters either side."""
    lo = max(0, start - 400)
    s = lo
    for m in _BOUNDARY.finditer(text, lo, start):
        s = m.end()
    after = _BOUNDARY.search(text, end, min(len(text), end + 400))
    e = after.end() if after else min(len(text), end + 400)
    return s, e


def _inside_quotation(text: str, pos: int) -> bool:
    """Statutory text quoted in the letter ('… except as provided in section 7 of this Act.”')."""
    before = text[max(0, pos - 300) : pos]
    opened, closed = before.rfind("“"), before.rfind("”")
    return opened > closed and "”" in text[pos : pos + 400]


_DATA_KEY = lazy_compile(r"[\"“]\w+[\"”]\s*:")


def in_data_block(text: str, pos: int) -> bool:
    """Machine-readable data pasted into a letter ({"status": …, "exemptions": […]}): data, not the body's words."""
    s = text.rfind("\n\n", 0, pos)
    e = text.find("\n\n", pos)
    para = text[0 if s < 0 else s + 2 : len(text) if e < 0 else e].lstrip()
    return para[:1] in ("{", "[") and len(_DATA_KEY.findall(para)) >= 2


def annex_start(text: str) -> int:
    """Offset of an annex of statutory text, or len(text).

    A heading that announces legislation ("Annex A - Relevant legislation") counts anywhere; a
    bare "Annex"/"Appendix" only in the last part of the letter, where annexes sit.
    """
    for m in _ANNEX.finditer(text):
        if _STATUTE_WORDS.search(m.group(0)) or m.start() > len(text) * 0.6:
            return m.start()
    return len(text)


def in_definition_list(text: str, pos: int) -> bool:
    """The citation heads a line of a list of such lines nearby: definitions, not grounds."""
    line_start = text.rfind("\n", 0, pos) + 1
    if (
        not _LIST_LINE.match(text, line_start)
        or text[line_start:pos].strip(" \t(")
        and pos - line_start > 6
    ):
        return False
    window = text[max(0, line_start - 700) : line_start + 900]
    return len(_LIST_LINE.findall(window)) >= 4


def is_applied(c: Citation, text: str, *, annex_at: int | None = None) -> bool:
    """True when citation `c` (offsets into `text`) is a ground the body relies on."""
    if c.law in ("other", "DPA") or not statutes.is_ground(c.law, c.section, c.subsection):
        return False
    if annex_at is not None and c.start >= annex_at:
        return False
    if _DISCLAIMER.search(text[max(0, c.start - 800) : c.start]):
        return False
    if (
        c.law == "FOIA"
        and c.section == "39"
        and re.search(r"Environmental\s+Information\s+Regulations|\bEIR", text, re.I)
    ):
        return False  # s.39 only routes environmental information to the EIR
    if (
        _inside_quotation(text, c.start)
        or in_definition_list(text, c.start)
        or in_data_block(text, c.start)
    ):
        return False
    s, e = sentence_around(text, c.start, c.end)
    sentence = text[s:e]
    if (
        len(
            re.sub(
                r"\d+\s*U\.?\s?S\.?\s?C\.?|§|\(\w{1,4}\)|[\d.;,:\s]|\b(?:and|or|USC|CFR|C\.F\.R)\b",
                "",
                sentence,
            )
        )
        < 12
    ):
        # a sentence of bare citations ("31 USC 5319; 5 USC 552(b)(3).") backs the claim just before it
        ps, _ = sentence_around(text, max(0, s - 2), max(0, s - 1))
        sentence = text[ps:e]
    if _NEGATED.search(sentence):
        return False
    if _RIGHTS.search(sentence) and not re.search(r"exempt|withh|redact|refus", sentence, re.I):
        return False
    ncnd = re.search(
        r"neither\s+confirm|confirm\s+n?or\s+deny", text[max(0, c.start - 800) : c.end + 300], re.I
    )
    if (
        _HYPOTHETICAL.search(sentence)
        and not ncnd
        and not re.search(
            r"\b(?:has|have)\s+been\b|\bis\s+being\b|\bwe\s+(?:are|have)\s+(?:applying|applied|relying|withh)",
            sentence,
            re.I,
        )
    ):
        return False
    if _APPLIED_CUE.search(sentence):
        return True
    # A heading such as "Section 40(2) Personal Information" followed by its explanation.
    nxt = text[e : e + 500]
    return bool(_APPLIED_CUE.search(nxt)) and len(sentence.strip()) < 120
