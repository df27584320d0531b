"""Closing boilerplate left out of the LLM's chunks (never out of the page text).

Why: review and appeal rights, the regulator's address, re-use notices and signatures close
almost every reply and say nothing about any question, yet went into every chunk's tokens.
One cue table decides what is boilerplate; a paragraph that cites an exemption ground, or is
longer than any boilerplate paragraph, is never dropped (a refusal notice often sits next to
the appeal rights), and a text that would be left empty is kept whole.
"""

from __future__ import annotations

import re

from ..rules import statutes
from ..rules.citations import find_citations
from ..rules.reply_words import SIGN_OFF_PHRASES

_CONTACT = r"(?:complain|contact|write to|address|telephone|helpline|website|www\.|@)"

# name -> pattern; a paragraph matching any of them is boilerplate
CUES: dict[str, re.Pattern[str]] = {
    "review rights": re.compile(
        r"\bif you are (?:unhappy|dissatisfied|not (?:satisfied|happy|content))\b"
        r"|\byou (?:have|has) the right to (?:request|ask|appeal|complain)"
        r"|\byou (?:can|may) (?:request|ask for) an? (?:internal )?review\b"
        r"|\byou (?:can|may|have the right to) (?:file an? |submit an? |make an? )?(?:administrative )?appeal\b"
        r"|\bright (?:to|of) (?:appeal|complain)"
        r"|\bany (?:appeal|complaint) (?:against|about) (?:this|our|the) (?:decision|response)"
        r"|^\s*(?:appeals?|complaints?|internal review)(?: procedure| process| rights)?\s*:?\s*$",
        re.I,
    ),
    "regulator": re.compile(
        r"(?=[\s\S]*" + _CONTACT + r")"
        r"(?:Information Commissioner|\bICO\b|ico\.org\.uk|Wycliffe House|SK9 5AF"
        r"|Scottish Information Commissioner|Office of Government Information Services|\bOGIS\b)",
        re.I,
    ),
    "re-use": re.compile(
        r"\bre-?use\b[\s\S]*\b(?:licen[cs]e|copyright|permission)\b|Open Government Licen[cs]e"
        r"|\bcopyright\b[\s\S]*\b(?:re-?use|reproduc)|\bIntellectual Property\b",
        re.I,
    ),
}
SIGN_OFF = re.compile(r"^\s*(?:" + SIGN_OFF_PHRASES + r")\b", re.I)
SIGNATURE_LINE = 120  # characters: the name, title and team lines under a sign-off
LONGEST = 700  # characters: boilerplate paragraphs are shorter


def _cites_ground(paragraph: str, law: str) -> bool:
    return any(
        statutes.is_ground(c.law, c.section, c.subsection) for c in find_citations(paragraph, law)
    )


def cue(paragraph: str) -> str | None:
    """The name of the boilerplate cue `paragraph` matches, or None. A long paragraph is never
    boilerplate: a letter run on as one paragraph holds its answers beside its appeal rights."""
    if len(paragraph) > LONGEST:
        return None
    if SIGN_OFF.match(paragraph):
        return "signature"
    for name, pattern in CUES.items():
        if pattern.search(paragraph):
            return name
    return None


def strip(text: str, law: str = "FOIA") -> str:
    """`text` without its boilerplate paragraphs (blank-line separated); `law` reads bare citations."""
    kept: list[str] = []
    signing = False  # under a sign-off: the name and title lines follow
    leading = False  # the last dropped paragraph ended "write to:": an address follows
    for p in re.split(r"\n\s*\n", text):
        found = cue(p)
        signing = signing or found == "signature"
        short = len(p.strip()) <= SIGNATURE_LINE
        if (found or (signing or leading) and short) and not _cites_ground(p, law):
            leading = p.rstrip().endswith(":")
            continue
        signing = leading = False
        kept.append(p)
    out = "\n\n".join(kept)
    return out if out.strip() else text
