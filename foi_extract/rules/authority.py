"""Which public body wrote the reply: the organisation name the letter itself uses most and earliest.

Candidates are capitalised names ending in an organisation word ("… NHS Foundation Trust",
"… City Council", "… Commission") or starting with one ("Department of Health", "Office of the
Secretary"); the regulator, the requester's platform and job titles are never the authority.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from ..lazy_re import lazy_compile

_WORD = r"(?:[A-Z][\w'’.\-]*|[A-Z]{2,}|&)"
_LINK = r"(?:and|of|for|the|upon|on|in|&)"
_NAME = lazy_compile(rf"{_WORD}(?:[ \t]+(?:{_WORD}|{_LINK})|,[ \t]+{_WORD})*")
_TAIL = lazy_compile(
    r"(?:Council|Trust|Police|Constabulary|Police\s+Service|Fire\s+(?:and\s+Rescue\s+)?Service|Service|Commission|Department|"
    r"Office|Agency|Authority|Board|Bureau|Administration|Corporation|University|Ministry|Protection|Force|"
    r"Government|Assembly|Parliament|Inspectorate|Ombudsman|Directorate|College|Group|CCG|Partnership)$"
)
_HEAD = lazy_compile(
    r"^(?:Department|Dept\.?|Office|Ministry|Bureau|Commission|Administration|Police\s+Service|Agency|Board)\s+(?:of|for)\s+"
)
_NOT_AUTHORITY = lazy_compile(
    r"Information\s+Commissioner|Commissioner['’]s\s+Office|\bICO\b|MuckRock|WhatDoTheyKnow|mySociety|Tribunal|Court\b|"
    r"Freedom\s+of\s+Information|\bAct\b|Regulations|Wycliffe|Customer\s+Service|Data\s+Protection|Post\s+Office|"
    r"Records\s+Office|Press\s+Office|FOI\s+Office|Information\s+Office|Privacy\s+Office|Public\s+Records",
    re.I,
)
_MONTH_WORDS = {
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
}
# An office inside the body ("Information Governance Office", "FOIA Services") is not the body.
_INTERNAL_UNIT = lazy_compile(
    r"^(?:Information\s+(?:Governance|Rights|Management|Compliance)|Freedom\s+of\s+Information|FOIA?|Records|"
    r"Corporate\s+Governance|Data\s+Protection|Legal)\b[\w\s&]*?(?:Office|Team|Unit|Department|Service|Services|Division)$",
    re.I,
)
_CUE_BEFORE = lazy_compile(
    r"(?:request(?:\s+for\s+information)?\s+(?:from|to|made\s+to|received\s+by)|received\s+by|on\s+behalf\s+of|held\s+by|"
    r"regards,?|sincerely,?|faithfully,?)\s*(?:the\s+)?$",
    re.I,
)


def _candidates(name: str, start: int) -> list[tuple[str, int]]:
    """Organisation names inside one capitalised run, trimmed to end at an organisation word."""
    return [(cand, start + s) for cand, s in _in_run(name)]


@lru_cache(maxsize=4096)
def _in_run(name: str) -> tuple[tuple[str, int], ...]:
    """`_candidates` at offset 0, remembered: a body's name recurs on every page of its letter."""
    words = list(re.finditer(r"\S+", name))
    out = []
    for i in range(len(words)):
        for j in range(len(words), i, -1):
            s, e = words[i].start(), words[j - 1].end()
            cand = name[s:e].rstrip(",.")
            if cand.split()[0].lower() in ("and", "of", "for", "the", "on", "in", "upon", "&"):
                break
            while cand.split()[-1] in _MONTH_WORDS or cand.split()[-1].lower() in (
                "and",
                "of",
                "for",
                "the",
                "on",
                "in",
                "&",
            ):
                cand = cand.rsplit(None, 1)[0] if len(cand.split()) > 1 else ""
                if not cand:
                    break
            if (
                cand
                and len(cand.split()) >= 2
                and (_TAIL.search(cand) or _HEAD.match(cand) and cand.split()[-1][0].isupper())
            ):
                out.append((cand, s))
                return tuple(out)
    return tuple(out)


def authority(text: str) -> tuple[str, int, int] | None:
    """(name, start, end) of the body that wrote `text`, or None."""
    found: dict[str, list[int]] = defaultdict(list)
    names: dict[str, str] = {}
    for m in _NAME.finditer(text):
        for cand, pos in _candidates(m.group(0), m.start()):
            if (
                _NOT_AUTHORITY.search(cand)
                or _INTERNAL_UNIT.match(cand)
                or re.search(r"\d|@", cand)
                or len(cand) > 90
            ):
                continue
            cand = re.sub(r"^The\s+", "", cand)
            key = re.sub(r"[\W_]+", " ", cand.lower()).strip()
            found[key].append(text.index(cand, pos))
            names.setdefault(key, cand)
    if not found:
        return None
    n = max(len(text), 1)

    def score(key: str) -> float:
        hits = found[key]
        value = 2.0 * min(len(hits), 5) + 0.3 * len(key.split())
        if hits[0] < max(600, n * 0.2):
            value += 3
        if any(_CUE_BEFORE.search(text[max(0, h - 60) : h]) for h in hits):
            value += 4
        if names[key].split()[0] in ("Chief", "Deputy", "Head", "Director"):
            value -= 6
        return value

    best = max(found, key=score)
    name, start = names[best], found[best][0]
    return name, start, start + len(name)
