"""Items (citations, references) picked by where they start, without scanning them all per question.

Why: a long letter has many questions and many references; testing every reference against every
question's answer ranges made the rules engine quadratic in the text's length.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Generic, Protocol, TypeVar


class _Starts(Protocol):
    @property
    def start(self) -> int: ...


T = TypeVar("T", bound=_Starts)


class ByStart(Generic[T]):
    """`items` indexed by `.start`; `inside(ranges)` keeps their original order."""

    def __init__(self, items: Sequence[T]) -> None:
        self.items = items
        self._order = sorted(range(len(items)), key=lambda i: items[i].start)
        self._starts = [items[i].start for i in self._order]

    def inside(self, ranges: Iterable[tuple[int, int]]) -> list[T]:
        """The items with s <= start < e for some (s, e) in `ranges`, each once, in list order."""
        picked: set[int] = set()
        for s, e in ranges:
            picked.update(self._order[bisect_left(self._starts, s) : bisect_left(self._starts, e)])
        return [self.items[i] for i in sorted(picked)]
