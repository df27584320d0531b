"""One searchable string over all pages, mapped back to (page, offset).

Detection runs on this view so that page breaks, repeated letterheads and footers, and
end-of-line hyphenation do not split the text a rule is looking for; every match maps back
to exact page offsets, so evidence always points at the untouched page text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from .document import Document
from .models import Span

_TOP_LINES = 12
_BOTTOM_LINES = 8
_PAGE_NO = re.compile(r"\b(page\s*)?\d+(\s*(of|/)\s*\d+)?\b", re.I)
_CONTACT_LINE = re.compile(
    r"^\s*(?:E-?mail|Tel(?:ephone)?|Fax|Direct\s+(?:Dial|Line)|Phone|Mobile|Web(?:site)?|Our\s+ref(?:erence)?|FOI\s+ref(?:erence)?|"
    r"Ref(?:erence)?|Switchboard)\s*(?:no\.?|number)?\s*:", re.I
)
_PAGE_NUMBER_LINE = re.compile(r"^\s*(?:[-–—]\s*)?(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?(?:\s*[-–—])?\s*$", re.I)


@dataclass(frozen=True)
class Line:
    page: int  # 1-based
    start: int
    end: int
    text: str


def page_lines(doc: Document) -> list[Line]:
    """Every line of every page with its offsets (line text excludes the newline)."""
    lines: list[Line] = []
    for pno, text in enumerate(doc.pages, 1):
        pos = 0
        for raw in text.split("\n"):
            lines.append(Line(pno, pos, pos + len(raw), raw))
            pos += len(raw) + 1
    return lines


def _edge_key(text: str) -> str:
    return _PAGE_NO.sub("#", re.sub(r"\s+", " ", text.strip().lower()))


def boilerplate_lines(doc: Document, lines: list[Line]) -> set[tuple[int, int]]:
    """(page, start) of letterhead/footer lines: runs at a page's top or bottom that recur on other pages.

    Only an unbroken run from the page edge counts, so a restated request that happens to start
    two pages the same way deep inside a letter is never mistaken for a letterhead.
    """
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        if line.text.strip():
            by_page.setdefault(line.page, []).append(line)
    counts: Counter[str] = Counter()
    for plines in by_page.values():
        counts.update({_edge_key(l.text) for l in plines[:_TOP_LINES] + plines[-_BOTTOM_LINES:]})
    need = 2 if len(by_page) <= 3 else max(2, len(by_page) // 2)
    repeated = {k for k, n in counts.items() if n >= need and len(k) > 1} if len(by_page) >= 2 else set()

    def edge(l: Line) -> bool:
        return _edge_key(l.text) in repeated or bool(_PAGE_NUMBER_LINE.match(l.text) or _CONTACT_LINE.match(l.text))

    if len(by_page) < 2:
        return set()

    out: set[tuple[int, int]] = set()
    for plines in by_page.values():
        for seq in (plines[:_TOP_LINES], list(reversed(plines[-_BOTTOM_LINES:]))):
            for l in seq:
                if not edge(l):
                    break
                out.add((l.page, l.start))
    return out


class TextView:
    """`text` joins the document's non-boilerplate lines with "\\n"; `to_page` maps back."""

    def __init__(self, doc: Document, *, drop_boilerplate: bool = True) -> None:
        self.doc = doc
        self.lines = page_lines(doc)
        skip = boilerplate_lines(doc, self.lines) if drop_boilerplate else set()
        parts: list[str] = []
        self._starts: list[int] = []  # view offset where each kept line starts
        self._kept: list[Line] = []
        pos = 0
        for line in self.lines:
            if (line.page, line.start) in skip:
                continue
            self._starts.append(pos)
            self._kept.append(line)
            parts.append(line.text)
            pos += len(line.text) + 1
        self.text = "\n".join(parts)

    @property
    def kept_lines(self) -> list[Line]:
        return self._kept

    def line_index(self, offset: int) -> int:
        return max(0, bisect_right(self._starts, offset) - 1)

    def locate(self, offset: int) -> tuple[int, int]:
        """View offset -> (page, page offset)."""
        i = self.line_index(offset)
        line = self._kept[i]
        return line.page, line.start + min(offset - self._starts[i], len(line.text))

    def line_start(self, i: int) -> int:
        return self._starts[i]

    def spans(self, start: int, end: int) -> list[Span]:
        """Spans covering view[start:end], one per page touched, trimmed of outer whitespace."""
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        if start >= end:
            return []
        out: list[Span] = []
        i, j = self.line_index(start), self.line_index(max(start, end - 1))
        page, pstart = self.locate(start)
        for k in range(i, j + 1):
            if self._kept[k].page != page:
                last = self._kept[k - 1]
                out.append(self.doc.span(page, pstart, last.end))
                page, pstart = self._kept[k].page, self._kept[k].start
        _, pend = self.locate(end - 1)
        out.append(self.doc.span(page, pstart, pend + 1))
        return [s for s in out if s.text.strip()]

    def span(self, start: int, end: int) -> Span | None:
        """The first page's part of view[start:end] (enough for a short citation)."""
        spans = self.spans(start, end)
        return spans[0] if spans else None
