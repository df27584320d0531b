"""Cheap literal pre-checks that let a rule skip a regular expression that cannot match.

Why: the status decision runs a dozen large case-insensitive patterns on every sentence of every
answer, and most sentences contain none of the words those patterns need. `required(pattern)`
reads the pattern's parse tree once (`search` waits until a process has searched often
enough to repay that) and returns words of which every match must contain at least
one (None when it cannot tell); `may_match` then asks `word in sentence`, which is far cheaper
than a regex search. The check is exact in one direction only (a miss proves no match), so the
pattern itself still decides whenever a word is present: results never change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

try:  # the standard parser (private, but stable since 3.11); without it nothing is prefiltered
    from re import _constants as _C  # type: ignore[attr-defined]
    from re import _parser as _P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python implementation
    _C = _P = None

# Characters that match an ASCII letter under re.IGNORECASE but whose str.lower() is not it.
_FIX = str.maketrans({"\u0131": "i", "\u017f": "s"})

Words = tuple[str, ...]


def fold(text: str) -> str:
    """`text` as `required` words are compared with: lower case, re.IGNORECASE's odd letters mapped."""
    low = text.lower()  # İ lowers to i + a combining dot; ı and ſ stay as they are
    return low.translate(_FIX) if "\u0131" in low or "\u017f" in low else low


def may_match(words: Words | None, folded: str) -> bool:
    """False only when a pattern needing one of `words` cannot match a text whose fold is `folded`."""
    if words is None:
        return True
    for w in words:  # noqa: SIM110 - a plain loop is twice as fast as any(); this runs per sentence
        if w in folded:
            return True
    return False


# Parsing and splitting every pattern once costs 100-200 ms, as much as a few thousand
# searches: a one-letter run never repays it, so the plan is made only once this process has
# searched that often.
_WARM_AFTER = 3000
_searched = 0


def search(pattern: re.Pattern[str], text: str, folded: str) -> re.Match[str] | None:
    """pattern.search(text), the same match, searching only what `text` has the words for.

    A pattern that is one alternation A|B|C is searched alternative by alternative: its match
    is the leftmost of theirs, the earlier alternative winning a tie, as the engine itself picks."""
    global _searched
    if _searched < _WARM_AFTER:
        _searched += 1
        return pattern.search(text)
    entry = _PLANS.get(id(pattern))
    if entry is None or entry[0] is not pattern:
        entry = _PLANS[id(pattern)] = (pattern, _plan(pattern))
    needed, alternatives = entry[1]
    if not may_match(needed, folded):
        return None
    if not alternatives:
        return pattern.search(text)
    best: re.Match[str] | None = None
    for alternative, needed in alternatives:
        if may_match(needed, folded):
            m = alternative.search(text)
            if m and (best is None or m.start() < best.start()):
                best = m
    return best


Plan = tuple[Words | None, list[tuple[re.Pattern[str], Words | None]]]
# Plans by id(pattern), the pattern kept beside its plan (so the id stays its own): hashing a
# compiled pattern hashes its whole program, up to 12 us for a cue table's pattern, and
# `search` looks a plan up on every call.
_PLANS: dict[int, tuple[re.Pattern[str], Plan]] = {}


def _plan(pattern: re.Pattern[str]) -> Plan:
    """The pattern's words, and its top-level alternatives with theirs (empty when not split)."""
    parts = _top_level_alternatives(pattern.pattern) if not pattern.flags & re.VERBOSE else []
    try:
        alternatives = [re.compile(p, pattern.flags) for p in parts] if len(parts) > 1 else []
    except re.error:  # a back-reference across alternatives: search it whole
        alternatives = []
    return required(pattern), [(a, required(a)) for a in alternatives]


def _top_level_alternatives(source: str) -> list[str]:
    """`source` cut at each `|` outside groups and character classes."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if source[i + 1 : i + 2] == "^":
                i += 1
            if source[i + 1 : i + 2] == "]":  # a leading ] is a literal
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
        i += 1
    parts.append(source[start:])
    return parts


@cache
def required(pattern: re.Pattern[str]) -> Words | None:
    """Words (lower case) of which any match of `pattern` contains one; None if none can be named."""
    if _P is None:
        return None
    try:
        return _seq(_P.parse(pattern.pattern, pattern.flags))
    except Exception:  # an unusual construct: no prefilter rather than a wrong one
        return None


def _best(options: Iterable[Words]) -> Words | None:
    """The most selective requirement: the longest shortest word, then the fewest words."""
    ranked = sorted(options, key=lambda ws: (-min(len(w) for w in ws), len(ws)))
    return ranked[0] if ranked else None


def _union(alternatives: list[Words]) -> Words:
    """Words of all alternatives, less any word that contains another (the shorter one suffices)."""
    words = sorted({w for alt in alternatives for w in alt}, key=lambda w: (len(w), w))
    kept: list[str] = []
    for w in words:
        if not any(k in w for k in kept):
            kept.append(w)
    return tuple(kept)


def _seq(items: Any) -> Words | None:
    """Requirement of a sequence: its longest literal run or the best mandatory sub-part."""
    options: list[Words] = []
    run: list[str] = []

    def close() -> None:
        if run:
            options.append(("".join(run),))
            run.clear()

    for op, av in items:
        if op is _C.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        close()
        if op is _C.SUBPATTERN:
            inner = _seq(av[-1])
        elif op is _C.ATOMIC_GROUP:
            inner = _seq(av)
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT) and av[0] >= 1:
            inner = _seq(av[2])
        elif op is _C.BRANCH:
            alts = [_seq(alt) for alt in av[1]]
            inner = None if any(a is None for a in alts) else _union(alts)  # type: ignore[arg-type]
        else:  # classes, assertions, optional repeats, back-references: nothing required
            inner = None
        if inner:
            options.append(inner)
    close()
    return _best(options)
