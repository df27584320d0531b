"""Regular expressions compiled on first use, not at import.

Why: the rules modules define about 120 large patterns, and compiling them all is a good part of a
one-letter run's start-up (bench/bench_startup.py); a given document never needs a third of them
(a US letter no UK exemption wording, a refusal no table labels). A `lazy_compile` pattern is
compiled the first time one of its methods or attributes is read; from then on each of those is
the compiled pattern's own (bound once on the object), so a search costs what it did before.
Matches are the compiled pattern's: results never change.
"""

from __future__ import annotations

import re
from typing import Any, cast

# Every lazy pattern made, so that the test suite can compile them all (a typo in a pattern a
# test document never reaches would otherwise show only on the document that does).
MADE: list[_LazyPattern] = []


class _LazyPattern:
    """Stands for `re.compile(source, flags)` until something is read from it."""

    def __init__(self, source: str, flags: int) -> None:
        self.pattern = (
            source  # read without compiling: patterns are built from other patterns' text
        )
        self._flags = flags
        MADE.append(self)

    def __getattr__(self, name: str) -> Any:
        # Called only for names not yet on the object: compile once, then keep the compiled
        # pattern's attribute here so the next read is a plain attribute lookup.
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = self.__dict__["_compiled"] = re.compile(self.pattern, self._flags)
        value = getattr(compiled, name)
        self.__dict__[name] = value
        return value

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self._flags!r})"


def lazy_compile(source: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """`re.compile(source, flags)`, compiled when first used.

    Typed as the pattern it stands for: it offers the same methods and attributes (`search`,
    `finditer`, `sub`, `flags`, `groupindex` ...), though not `isinstance(x, re.Pattern)`, and
    it is not accepted where the `re` functions take a pattern (`re.sub(PATTERN, ...)`): call
    the pattern's own method instead. A syntax error shows on first use, so every pattern is
    compiled once by the test suite (tests/test_lazy_re.py)."""
    return cast("re.Pattern[str]", _LazyPattern(source, int(flags)))
