"""Patterns compiled on first use behave as compiled ones, and none of them has a syntax error.

Why: the rules modules' patterns are compiled when a document first needs them (start-up time).
A typo in a pattern no test document reaches would otherwise surface only on a user's document.
"""

from __future__ import annotations

import re

import pytest

import foi_extract.engines.rules  # noqa: F401  (imports every rules module: all their patterns)
from foi_extract.lazy_re import MADE, lazy_compile


def test_every_lazy_pattern_of_the_rules_compiles() -> None:
    assert len(MADE) > 100, "the rules modules' patterns are no longer made by lazy_compile"
    broken = []
    for p in MADE:
        try:
            p.groups  # noqa: B018  (reading any attribute compiles it)
        except re.error as exc:
            broken.append(f"{p.pattern[:60]!r}: {exc}")
    assert not broken, broken


def test_a_lazy_pattern_matches_as_the_compiled_one() -> None:
    source = r"(?P<word>not\s+held)|s\.?\s?(?P<n>\d+)"
    lazy, real = lazy_compile(source, re.I), re.compile(source, re.I)
    text = "Section 40 applies. The information is NOT  held; see s.43 and s 21."
    assert lazy.pattern == source  # its source is readable before it is compiled
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in real.finditer(text)]
    assert lazy.search(text, 30).groupdict() == real.search(text, 30).groupdict()  # type: ignore[union-attr]
    assert lazy.sub("X", text) == real.sub("X", text)
    assert lazy.flags == real.flags and lazy.groupindex == real.groupindex
    with pytest.raises(re.error):  # a bad pattern raises when first used
        lazy_compile("(unclosed").search("x")
