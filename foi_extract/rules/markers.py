"""Question markers at line starts and the numbered runs they form.

A reply may restate the request once or twice before answering, so the same numbering can
appear in several runs; `find_runs` returns every run and `segments.py` decides their roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lazy_re import lazy_compile

_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
    "xi": 11,
    "xii": 12,
    "xiii": 13,
    "xiv": 14,
    "xv": 15,
}

_MARKER = lazy_compile(
    r"^[ \t>*•\-]*(?:\*\*)?[\"“]?(?:"  # a quoted request opens on its first item: “1. How many …
    r"(?P<qword>(?:(?:Response|Answer|Reply)\s+(?:to\s+)?(?:item|question|request|part|point|Q)s?\.?|Q(?:uestion)?|Request|Item|Part|Point|Portion|Paragraph))\s?\.?\s?(?P<qn>\d{1,2})(?P<qs>[a-z])?(?![\d/])\s*(?:[:.)\-–]|\s(?=[A-Z])|\s(?=of\s+(?:your|the|this)\s+request)|\s?(?=(?:and|&|to|,)\s*\d)|\s(?=(?:is|was|has\s+been)\s+(?:granted|denied|refused|answered|released|withheld|not)\b)|$)"
    r"|(?P<n4>\d{1,2})(?:\(|\.)(?P<ns4>[a-z])\)?[.):]?\s+(?=\S)"
    r"|\((?P<pn>\d{1,2})\)\s*"
    r"|(?P<n>\d{1,2})(?P<ns>[a-z])?\s?[.)](?!\d)\s*(?=\S)"
    r"|(?P<n2>\d{1,2})\s?[:\-–]\s"
    r"|(?P<n3>\d{1,2})[ \t]{2,}(?=[A-Z])"
    r"|\(?(?P<r>(?:i{1,3}|iv|vi{0,3}|ix|x|xi{1,3}|xiv|xv))[.)]\s+(?=\S)"
    r"|\((?P<l>[a-z])\)\s*|(?P<l2>[a-z])[.)]\s+(?=[A-Z])"
    r")",
    re.M,
)


@dataclass(frozen=True)
class Marker:
    id: str
    value: int
    family: str  # "num", "roman", "alpha"
    labelled: bool  # "Question 3" / "Q3" rather than a bare "3."
    start: int  # view offset of the line start
    end: int  # view offset after the marker token
    asks: bool = False  # its line is a question ("1. How many …?"): a one-item list still counts


def find_markers(text: str, start: int = 0, end: int | None = None) -> list[Marker]:
    end = len(text) if end is None else end
    out: list[Marker] = []
    for m in _MARKER.finditer(text, start, end):
        if re.match(r"\s*(?:https?://|www\.|mailto:|\[)", text[m.end() : m.end() + 10], re.I):
            continue  # a numbered list of links ("References: 1. https://…"), not questions
        g = m.groupdict()
        num = g["qn"] or g["pn"] or g["n"] or g["n2"] or g["n3"] or g["n4"]
        if num:
            suffix = g["qs"] or g["ns"] or g["ns4"] or ""
            value = int(num)
            if value == 0 or value > 60:
                continue
            line_end = text.find("\n", m.end())
            asks = "?" in text[m.end() : line_end if line_end >= 0 else end]
            out.append(
                Marker(f"{value}{suffix}", value, "num", bool(g["qword"]), m.start(), m.end(), asks)
            )
        elif g["r"]:
            out.append(Marker(g["r"], _ROMAN[g["r"]], "roman", False, m.start(), m.end()))
        else:
            letter = g["l"] or g["l2"]
            out.append(Marker(letter, ord(letter) - 96, "alpha", False, m.start(), m.end()))
    return out


def find_runs(markers: list[Marker]) -> list[list[Marker]]:
    """Chains 1,2,3… of one family; a new 1 (of the same family) starts a new chain."""
    runs: list[list[Marker]] = []
    for family in ("num", "roman", "alpha"):
        fam = [m for m in markers if m.family == family]
        i = 0
        while i < len(fam):
            if fam[i].value != 1:
                i += 1
                continue
            run = [fam[i]]
            j = i + 1
            while j < len(fam):
                m = fam[j]
                if m.value == run[-1].value + 1 and not (
                    m.id[-1:].isalpha() and family == "num" and m.id[:-1] == run[-1].id[:-1]
                ):
                    run.append(m)
                elif m.value == run[-1].value and m.id != run[-1].id and family == "num":
                    run.append(m)  # "2a", "2b" share a number
                elif m.value == 1 and m.id == run[0].id:
                    break
                j += 1
            runs.append(run)
            # the next chain starts at the next "1" this one did not take ("1." quoted, then "Question 1a")
            taken = {id(m) for m in run}
            i = next(
                (k for k in range(i + 1, j) if fam[k].value == 1 and id(fam[k]) not in taken), j
            )
    good = [r for r in runs if len(r) >= 2 or (r and (r[0].labelled or r[0].asks))]
    return sorted(good, key=lambda r: r[0].start)
