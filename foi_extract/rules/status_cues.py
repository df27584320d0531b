"""The status cue table: every piece of wording the status decision weighs, with its weight.

One place for a newcomer: to teach the tool a new way bodies say "not held", add a pattern to
the `not_held` entry here (and a case to tests/test_status.py). Weights are hand-set on the
gold and holdout sets: 3+ is a cue that decides on its own, under 3 one that needs company.

Cues are matched per sentence of an answer; sentences that only route a request (s.39 → EIR)
or discuss an exemption that was then rejected are dropped before matching (see `IGNORED`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lazy_re import lazy_compile


@dataclass(frozen=True)
class StatusCue:
    name: str  # "<status>.<what it is>"
    status: str  # the status this wording speaks for; "given" = information handed over
    weight: float
    pattern: re.Pattern[str]


def _re(p: str) -> re.Pattern[str]:
    return lazy_compile(p, re.I)


NCND = _re(
    r"neither\s+confirm(?:s|ing)?\s+n?or\s+den(?:y|ies|ying)|\bNCND\b|confirm\s+or\s+deny\s+(?:whether|that)"
)
CLARIFY = _re(
    r"(?:please|could\s+you|can\s+you|would\s+you)\s+(?:\w+\s+){0,4}clarif|require[sd]?\s+(?:further\s+)?clarification|"
    r"need\s+(?:further\s+)?clarification|before\s+we\s+can\s+(?:process|respond)|(?:please|could\s+you)\s+(?:\w+\s+){0,3}narrow"
)
REFUSED = _re(
    r"exceed(?:s|ed)?\s+(?:the\s+)?(?:appropriate|cost|fees?)\s+limit|appropriate\s+limit|\bcost\s+limit|"
    r"(?:more|longer)\s+than\s+(?:the\s+)?18\s+hours|\b(?:is|was|been|being|as|deemed|considered)\s+vexatious|manifestly\s+unreasonable|"
    r"(?:we\s+are|is)\s+(?:therefore\s+)?(?:refusing|unable\s+to\s+comply)|request\s+is\s+(?:therefore\s+)?(?:refused|declined)|"
    r"refuse\s+(?:this|your)\s+request|excessive\s+cost|unduly\s+burdensome|repeated\s+request|"
    r"(?:this|your)\s+request\s+(?:\w+\s+){0,3}(?:has\s+been|is)\s+(?:therefore\s+)?refused"
)
PUBLISHED = _re(
    r"reasonably\s+accessible|otherwise\s+accessible|(?:is|are|has\s+been|have\s+been)\s+(?:already\s+)?(?:published|publicly\s+available|"
    r"available\s+(?:on|at|via|from|online|to\s+view))|can\s+be\s+(?:found|accessed|viewed|located)\s+(?:on|at|via|here|by)|"
    r"(?:available|published)\s+(?:on|at|via)\s+(?:our|the)\s+(?:website|web\s+site|contracts?\s+register)|following\s+link|"
    r"publication\s+scheme|disclosure\s+log"
)
NOT_HELD = _re(
    r"(?:do(?:es)?|did)\s*(?:not|n['’]t)\s+(?:currently\s+|centrally\s+|routinely\s+|specifically\s+|formally\s+)?(?:hold|record|collect|keep|capture|retain|maintain|have\s+(?:this|the|any|that|such|a\b|an\b))|"
    r"(?:is|are|was|were)\s+not\s+(?:\w+\s+)?(?:held|recorded|collected|captured|kept|retained|available)(?!\s+(?:as|in)\s+(?:an?\s+|the\s+)?\.?\w+\s+(?:file|format))|not\s+held|no\s+(?:recorded\s+)?information\s+(?:is\s+)?held|"
    r"holds?\s+no\s+(?:recorded\s+)?(?:information|data|records)|no\s+(?:such\s+)?(?:records?|documents?|information|data)\s+(?:were|was|are|is|has\s+been|have\s+been)?\s*(?:found|located|held|exists?|recorded)|"
    r"(?:unable|not\s+able)\s+to\s+(?:locate|find|identify)\s+(?:any\s+)?(?:\w+\s+)?(?:records|information|documents)|no\s+(?:responsive|relevant)\s+(?:records|documents|information)|"
    r"(?:do(?:es)?|did)\s*(?:not|n['’]t)\s+(?:currently\s+)?possess|(?:has|have|holds?|had)\s+no\s+(?:\w+\s+){0,2}(?:records|information|documents|data)\b|"
    r"not\s+(?:able|possible)\s+to\s+provide\s+(?:this|the)\s+(?:information|data)\s+as\s+(?:it|this)\s+is\s+not|"
    r"\bno\s+(?:numbers|figures|statistics|data)\s+(?:are|is)\s+(?:held|recorded|kept|available)|\bthere\s+(?:is|are)\s+no\s+(?:such\s+)?"
    r"(?:protocol|policy|policies|procedure|guidance|record|records|document|documents|data|information|contract|agreement|register|plan|strategy)\b|"
    r"\bnil\s+return\b|^\s*nil\.?\s*$|information\s+(?:is|was)\s+not\s+(?:held|recorded)|"
    r"(?:does|do)\s+not\s+exist\b|no\s+(?:such\s+)?(?:\w+\s+)?(?:exists?|existed)\b|"
    r"\bno\s+(?:[\w-]+\s+){0,8}?(?:were|was|could\s+be|can\s+be|have\s+been|has\s+been)\s+(?:found|located|identified)"
)
# "We cannot provide X": not held or not extractable; weak alone, partial beside what was given.
CANNOT_PROVIDE = _re(
    r"(?:can\s?not|cannot|can['’]t|(?:are|is)\s+unable\s+to|(?:are|is)\s+not\s+able\s+to)\s+(?:\w+\s+){0,2}?provide\b"
)
WITHHELD = _re(
    r"(?<!not\s)(?<!not\sbeing\s)(?<!not\sbeen\s)\bwithheld\b|(?<!not\s)\bwithhold(?:ing)?\b|exempt\s+from\s+disclosure|(?:is|are)\s+exempt\b|not\s+(?:be\s+)?disclos|"
    r"decline\s+to\s+(?:release|disclose|provide)|(?:unable|not\s+able)\s+to\s+(?:release|disclose)|denied\s+(?:in\s+(?:full|part)|pursuant)|"
    r"(?:deny|denying)\s+(?:your\s+request|it)"
)
IN_FULL = _re(
    r"withh[eo]ld\s+(?:[\w'’]+\s+){0,3}in\s+(?:full|(?:its|their)\s+entirety)|denied\s+in\s+full|"
    r"(?:deny|denying)\s+(?:your\s+request|it)\s+in\s+full|full\s+denial|exempt\s+in\s+(?:full|(?:its|their)\s+entirety)|"
    r"(?:your|this)\s+request\s+(?:\w+\s+){0,3}(?:is|has\s+been)\s+(?:therefore\s+)?denied(?!\s+in\s+part)"
)
PARTIAL = _re(
    r"\bredact(?:ed|ions?)\b|partial(?:ly)?\b|in\s+part\b|suppress|<\s?5|less\s+than\s+(?:5|five)|"
    r"(?:small|low)\s+numbers?|some\s+(?:of\s+the\s+)?(?:responsive\s+)?(?:information|records|documents|data)|portions?\s+of|"
    r"\bbut\s+(?:we\s+)?(?:do|does|can|are|is)\s*(?:not|n['’]t)\b|\bhowever,?\s+(?:we|the\s+\w+)\s+(?:do|does|can|are|is)\s*(?:not|n['’]t)\b"
)
# Part of what was asked is covered, and the answer says so: partial even with no negative cue.
COVERAGE = _re(
    r"\b(?:hold|have|record|keep|kept|collect|retain)\w*\s+(?:\w+\s+){0,5}?only\s+(?:from|since|for|onwards)\b|"
    r"\bonly\s+(?:hold|have|record|keep|collect|retain|available|held|recorded|kept)\w*\s+(?:\w+\s+){0,5}?(?:from|since|for)\b|\bonwards\s+only\b|"
    r"\bsome\s+of\s+the\s+(?:requested\s+)?(?:information|data|records)\s+(?:is|are)\s+(?:not\s+)?held|"
    r"\bwe\s+(?:can|are\s+able\s+to)\s+provide\s+[^.]{0,100}\bbut\s+not\b|\bnot\s+all\s+of\s+the\s+(?:information|data)"
)
RELEASED_IN_PART = _re(
    r"(?:released|disclosed|provided|granted)\s+in\s+part|partially\s+(?:released|granted|disclosed)|"
    r"portions?\s+(?:\w+\s+){0,4}(?:have|has)\s+been\s+(?:redacted|withheld)|releasable\s+in\s+part|"
    r"redacted\s+(?:in\s+part|partially)|partially\s+redacted"
)
_SMALL = r"(?:<\s?\d|less\s+than\s+(?:\d|five|ten)|fewer\s+than\s+(?:\d|five|ten)|small\s+numbers?|low\s+numbers?|numbers?\s+(?:are|is)\s+(?:low|small))"
_HIDE = r"(?:suppress|redact|mask|anonymi[sz]|withh[eo]ld|replac|indicated|shown\s+as|represented|not\s+(?:be\s+)?(?:disclosed|shown|provided|released)|identif)"
SUPPRESSED = lazy_compile(
    rf"{_HIDE}\w*[^.]{{0,150}}?{_SMALL}|{_SMALL}[\s\S]{{0,200}}?{_HIDE}", re.I
)
GIVEN = _re(
    r"please\s+(?:find|see)\s+(?:the\s+)?(?:attached|enclosed|below)|attached\s+(?:spreadsheet|document|file)|"
    r"(?:data|information|figures)\s+(?:has|have|is|are)\s+(?:been\s+)?(?:provided|released|disclosed|supplied)|"
    r"included\s+with\s+this\s+letter|(?:is|are)\s+attached|attached\s+(?:is|are)|"
    r"(?:are|is)\s+(?:being\s+)?released|responsive\s+records\s+(?:are|is)\s+(?:attached|enclosed|included)|"
    r"see\s+(?:the\s+)?attached|enclosed|spreadsheet|\btable\s+below"
)
# A count or an amount: "9 cameras", "£1,182.58", "1,400 records" (not a section number, date or year).
FIGURE = lazy_compile(
    r"(?<![\w/.\-\[:])(?<!section\s)(?<!s\.\s)(?<!regulation\s)(?:[£$€]\s?)?(?!(?:19|20)\d\d\b)\d{1,3}(?:,\d{3})*(?:\.\d+)?"
    r"(?!\d)(?![/.\-:]\d)(?!\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\b)(?!\s*(?:st\b|nd\b|rd\b|th\b|\]|working\s+days|days|hours))",
    re.I,
)

# Sentences that carry no status of their own.
ROUTING = _re(r"(?:section|s\.?)\s*39\b|dealt\s+with\s+under\s+the\s+(?:EIR|Environmental)")
CONSIDERED = _re(
    r"\bwhether\b[^.]{0,80}\b(?:exempt|exception|appl(?:y|ies))|(?:concluded|decided)\s+that\s+(?:it|they|this|the\s+\w+)\s+(?:is|are|does|do)\s+not|"
    r"\bnot\s+engaged\b|\bdoes\s+not\s+apply\b"
)
# s.1(1) quoted before an answer: the right of access, no cue for any status.
STATUTE_QUOTE = _re(
    r"entitled\s+to\s+be\s+informed\s+in\s+writing|section\s+1\s*\(1\)|"
    r"general\s+right\s+of\s+access|duty\s+to\s+confirm\s+or\s+deny"
)
# Someone else's view reported: "the Trust asked that the fee be withheld" (then the body decides).
REPORTED = _re(
    r"\b(?:asked|requested|argued|suggested|proposed|objected)\s+(?:that|us\s+to|for)\b[^.]{0,160}\b(?:withh|exempt|redact|not\s+be\s+disclosed)"
)
IGNORED = (ROUTING, CONSIDERED, STATUTE_QUOTE, REPORTED)
# The harm and public-interest argument around a withholding: its figures and pointers hand nothing over.
ARGUMENT = _re(
    r"public\s+interest|would\s+(?:be\s+likely\s+to\s+|likely\s+)?(?:prejudice|harm|allow|enable|put|undermine|assist|reveal|damage|cause|affect|risk|confuse)|"
    r"(?:disclos|releas)\w*\s+(?:of\s+)?(?:\w+\s+){0,4}?(?:would|could|may|might)\b|outweigh|competitors?\b|(?:qualified|absolute)\s+exemption|"
    r"exemption\s+is\s+(?:qualified|absolute)|in\s+(?:reaching|making)\s+this\s+decision"
)
# Cues that say something was handed over (or only part was): not read inside an argument sentence.
ARGUMENT_BLIND = frozenset(
    {"answered.information_given", "published_elsewhere.wording", "partially_answered.scope"}
)

STATUS_CUES: tuple[StatusCue, ...] = (
    StatusCue("ncnd.neither_confirm_nor_deny", "ncnd", 6.0, NCND),
    StatusCue("refused.wording", "refused", 4.0, REFUSED),
    StatusCue("published_elsewhere.wording", "published_elsewhere", 2.5, PUBLISHED),
    StatusCue("not_held.wording", "not_held", 3.0, NOT_HELD),
    StatusCue("not_held.cannot_provide", "not_held", 2.0, CANNOT_PROVIDE),
    StatusCue("withheld.wording", "withheld", 2.5, WITHHELD),
    StatusCue("withheld.in_full", "withheld", 1.5, IN_FULL),
    StatusCue("clarification_requested.wording", "clarification_requested", 3.0, CLARIFY),
    StatusCue("partially_answered.scope", "partial", 1.5, PARTIAL),
    StatusCue("partially_answered.small_numbers_suppressed", "partial", 3.0, SUPPRESSED),
    StatusCue("partially_answered.coverage", "partial", 2.0, COVERAGE),
    StatusCue("partially_answered.released_in_part", "partial", 3.0, RELEASED_IN_PART),
    StatusCue("answered.information_given", "given", 2.5, GIVEN),
)

# Grounds applied in an answer speak for a status too: what each ground does to the information.
GROUND_WEIGHT = 5.0  # a refusal or publication ground decides; other grounds weigh as withholding
OTHER_GROUND = ("withheld", 3.0)


def ground_status(law: str, section: str, subsection: str | None) -> str:
    """The status a ground stands for: refusal grounds, 'published' grounds, 'not held' exceptions, else withheld."""
    sub = (subsection or "").replace(" ", "")
    if law in ("FOIA", "FOISA") and section in ("12", "14"):
        return "refused"
    if (law == "EIR" and section == "12" and sub.startswith("(4)(b)")) or (
        law == "EISR" and section == "10" and sub.startswith("(4)(b)")
    ):
        return "refused"
    if (law == "EIR" and section == "12" and sub.startswith("(4)(a)")) or (
        law == "EISR" and section == "10" and sub.startswith("(4)(a)")
    ):
        return "not_held"
    if (law == "FOIA" and section == "21") or (law == "FOISA" and section == "25"):
        return "published_elsewhere"
    if law == "IL-FOIA" and section == "3" and sub.startswith("(g)"):
        return "refused"
    return "withheld"


FIGURE_WEIGHT, FIGURE_CAP = 1.0, 3  # each figure given outside a negative sentence

# When to send a decision to a person.
WEAK_BELOW = 3.0  # the winning status's weight is under this: weak_cue
CONFLICT_RATIO = (
    0.75  # a rival negative status reaches this share of the winner's weight: conflicting_cues
)
