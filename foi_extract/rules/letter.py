"""Letter metadata: which law, which body, which reference, which date, which request."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..lazy_re import lazy_compile
from .prefilter import fold, search

_LEGISLATION: list[tuple[str, re.Pattern[str]]] = [
    (
        "FOISA",
        lazy_compile(r"Freedom\s+of\s+Information\s*\(\s*Scotland\s*\)\s*Act|\bFOISA\b", re.I),
    ),
    (
        "EISR",
        lazy_compile(
            r"Environmental\s+Information\s*\(\s*Scotland\s*\)\s*Regulations|\bEISRs?\b", re.I
        ),
    ),
    (
        "EIR",
        lazy_compile(
            r"Environmental\s+Information\s+Regulations(?!\s*\(\s*Scotland)|\b(?:the|under|of)\s+EIRs?\b(?!\s*/)|\bEIR\s+20\d\d|\bregulation\s+12\s?\([45]\)",
            re.I,
        ),
    ),
    ("IL-FOIA", lazy_compile(r"5\s?ILCS\s?140|Illinois\s+Freedom\s+of\s+Information\s+Act", re.I)),
    ("MI-FOIA", lazy_compile(r"MCL\s+15\.2\d\d|Michigan\s+Freedom\s+of\s+Information\s+Act", re.I)),
    (
        "DC-FOIA",
        lazy_compile(
            r"D\.\s?C\.\s+(?:Official\s+)?Code\s+§+\s?2-5\d\d|District\s+of\s+Columbia\s+Freedom\s+of\s+Information",
            re.I,
        ),
    ),
    ("AU-FOI", lazy_compile(r"Freedom\s+of\s+Information\s+Act\s+1982|\bFOI\s+Act\s+1982", re.I)),
    (
        "US-FOIA",
        lazy_compile(
            r"5\s+U\.?\s?S\.?\s?C\.?\s+(?:§+\s?)?552\b|\(b\)\s?\([1-9]\)|FOIA\s+Exemptions?\s+[1-9]"
        ),
    ),
    (
        "FOIA",
        lazy_compile(
            r"Freedom\s+of\s+Information\s+Act\s+2000|\bFOIA\s+2000\b|\bFOI\s+Act\s+2000\b", re.I
        ),
    ),
    ("DPA", lazy_compile(r"Data\s+Protection\s+Act(?:\s+(?:1998|2018))?", re.I)),
]
_UK_HINT = lazy_compile(
    r"Information\s+Commissioner|\bICO\b|\bNHS\b|\bCouncil\b|\bPolice\b|\bConstabulary\b|\bFire\s+and\s+Rescue\b|Freedom\s+of\s+Information\s+Act(?!\s+1982)",
    re.I,
)


def detect_legislation(text: str) -> list[str]:
    folded = fold(text)
    found = [law for law, rx in _LEGISLATION if search(rx, text, folded)]
    others = {"FOISA", "US-FOIA", "IL-FOIA", "MI-FOIA", "DC-FOIA", "AU-FOI"}
    if "FOIA" not in found and not (set(found) & others):  # noqa: SIM102 - two different reasons
        if re.search(r"Freedom\s+of\s+Information|\bFOI\b", text, re.I) and _UK_HINT.search(text):
            found.append("FOIA")
    return found


def default_law(legislation: Sequence[str]) -> str:
    """The regime a bare 'Section 40' belongs to in this letter."""
    for law in ("FOISA", "IL-FOIA", "MI-FOIA", "DC-FOIA", "AU-FOI", "US-FOIA", "FOIA"):
        if law in legislation:
            return law
    return "EIR" if "EIR" in legislation else "FOIA"


# ---------------------------------------------------------------- dates
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {m: i for i, m in enumerate(MONTHS, 1)}
_MON = r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_DATE_FORMS = [
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}\.?,?\s+(?P<y>(?:19|20)\d\d)\b",
        re.I,
    ),
    re.compile(rf"\b{_MON}\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    re.compile(r"\b(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>(?:19|20)?\d\d)\b"),
]


@dataclass(frozen=True)
class FoundDate:
    iso: str
    start: int
    end: int


def find_dates(text: str) -> list[FoundDate]:
    out: list[FoundDate] = []
    for rx in _DATE_FORMS:
        for m in rx.finditer(text):
            if any(f.start <= m.start() < f.end for f in out):
                continue
            iso = _to_iso(m.groupdict())
            if iso:
                out.append(FoundDate(iso, m.start(), m.end()))
    return sorted(out, key=lambda f: f.start)


def _to_iso(g: dict[str, str | None]) -> str | None:
    try:
        y = int(g["y"] or 0)
        if y < 100:
            y += 2000
        if mon_name := g.get("mon"):
            mon = mon_name.lower()[:3]
            month = next(v for k, v in _MONTHS.items() if k.startswith(mon))
        else:
            month = int(g["m"] or 0)
        return date(y, month, int(g["d"] or 0)).isoformat()
    except (ValueError, StopIteration, TypeError):
        return None


_DATE_CONTEXT_BAD = lazy_compile(
    r"\b(received|dated|request\s+of|on|since|from|between|to|until|by|before|after|of|in|up\s+to|and|ending|starting)\s*[:,]?\s*$",
    re.I,
)


def letter_date(text: str) -> FoundDate | None:
    """The date of the reply: a 'Date:'/'Sent:' label, else a date standing apart on its line near the top."""
    head = text[: max(1500, len(text) // 3)]
    # a label line with the date below it, as disclosure-log pages print them ("Date of response\n24 September 2024")
    m = re.search(
        r"(?im)^[ \t]*(?:Date\s+of\s+(?:response|reply|disclosure|publication)|(?:Response|Reply|Disclosure)\s+date|Date\s+(?:responded|published|sent))[ \t]*:?[ \t]*\n[ \t]*([^\n]+)",
        head,
    )
    if m is None:
        m = re.search(
            r"(?im)(?:^[ \t]*|[\-–|][ \t]*)(?:Date(?:\s+of\s+(?:response|reply))?|Response\s+date|Sent)\s*[:\-][ \t]*([^\n]+)",
            head,
        )
    if m:
        ds = [d for d in find_dates(m.group(1)) if d.start < 40]
        if ds:
            off = m.start(1)
            return FoundDate(ds[0].iso, off + ds[0].start, off + ds[0].end)
    candidates = [d for d in find_dates(head) if not _is_range(head, d)]
    for d in candidates:
        line_start = head.rfind("\n", 0, d.start) + 1
        line_end = head.find("\n", d.end)
        before = head[line_start : d.start]
        after = head[d.end : line_end if line_end >= 0 else len(head)]
        apart = not before.strip() or re.search(r"(?:\t|\s{3,})$", before)
        context = head[max(0, d.start - 40) : d.start]  # "received on\n1 March" wraps
        if apart and len(after.strip()) <= 12 and not _DATE_CONTEXT_BAD.search(context):
            return d
    early = [
        d
        for d in candidates
        if d.start < 200 and not _DATE_CONTEXT_BAD.search(head[max(0, d.start - 30) : d.start])
    ]
    return early[0] if early else None


def _is_range(text: str, d: FoundDate) -> bool:
    """'01 January 2018 to 31 December 2018' is a period asked about, not the letter's date."""
    return bool(re.match(r"\s*(?:to|until|till|-|–|and)\s+\d", text[d.end : d.end + 12])) or bool(
        re.search(r"(?:from|between)\s+$", text[max(0, d.start - 12) : d.start])
    )


_TITLE = lazy_compile(
    r"(?:request\s+for\s+information\s+(?:relating\s+to|regarding|about|concerning|on)|"
    r"request(?:\s+\w+){0,8}?\s+(?:regarding|relating\s+to|concerning|about)[:\-–]*|^\s*(?:Re|Subject|RE)\s*:)"
    r"\s*(?P<t>[^\n.]{4,120})",
    re.I | re.M,
)


def request_title(text: str) -> tuple[str, int, int] | None:
    m = _TITLE.search(text[:5000])
    if not m:
        return None
    t = m.group("t").strip(" :-–\"'“”")
    if not t:
        return None
    s = text.index(t, m.start("t"))
    return t, s, s + len(t)
