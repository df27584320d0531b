"""One searchable string over all pages, mapped back to (page, offset).

Detection runs on this view so that page breaks, repeated letterheads and footers, and
end-of-line hyphenation do not split the text a rule is looking for; every match maps back
to exact page offsets, so evidence always points at the untouched page text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from typing import NamedTuple

from .document import Document
from .lazy_re import lazy_compile
from .models import Span

_TOP_LINES = 12
_BOTTOM_LINES = 8
_SPACES = lazy_compile(r"\s+")
_PAGE_NO = lazy_compile(r"\bpage\s*\d+(?:\s*(?:of|/)\s*\d+)?\b|\b\d+\s*(?:of|/)\s*\d+\b", re.I)
_CONTACT_LINE = lazy_compile(
    r"^\s*(?:E-?mail|Tel(?:ephone)?|Fax|Direct\s+(?:Dial|Line)|Phone|Mobile|Web(?:site)?|Our\s+ref(?:erence)?|FOI\s+ref(?:erence)?|"
    r"Ref(?:erence)?|Switchboard)\s*(?:no\.?|number)?\s*:",
    re.I,
)
_READS_AS_ANSWER = lazy_compile(
    r"^\s*(?:See\s+(?:the\s+)?attached|Please\s+(?:see|find|refer)|(?:Information\s+)?not\s+held|N/?A\s*$|Nil\s*$|Yes\b|No\b)",
    re.I,
)
_PAGE_NUMBER_LINE = lazy_compile(
    r"^\s*(?:[-–—]\s*)?(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?(?:\s*[-–—])?\s*$", re.I
)


class Line(NamedTuple):
    """A NamedTuple, not a dataclass: one is made per line, twice per document, and this is cheaper."""

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
    return _PAGE_NO.sub("#", _SPACES.sub(" ", text.strip().lower()))


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
        counts.update({_edge_key(ln.text) for ln in plines[:_TOP_LINES] + plines[-_BOTTOM_LINES:]})
    need = 2 if len(by_page) <= 3 else max(2, len(by_page) // 2)
    repeated = (
        {k for k, n in counts.items() if n >= need and len(k) > 1} if len(by_page) >= 2 else set()
    )

    def edge(ln: Line) -> bool:
        if _READS_AS_ANSWER.match(ln.text):
            return False  # two answers that happen to end two pages alike are still answers
        return _edge_key(ln.text) in repeated or bool(
            _PAGE_NUMBER_LINE.match(ln.text) or _CONTACT_LINE.match(ln.text)
        )

    if len(by_page) < 2:
        return set()

    out: set[tuple[int, int]] = set()
    for plines in by_page.values():
        for seq in (plines[:_TOP_LINES], list(reversed(plines[-_BOTTOM_LINES:]))):
            for ln in seq:
                if not edge(ln):
                    break
                out.add((ln.page, ln.start))
    return out


class TextView:
    """`text` joins the non-boilerplate lines; every view character maps back to (page, offset).

    End-of-line hyphenation ("with-\\nheld") is joined in the view so words match, while spans
    still cover the untouched page text, hyphen and line break included.
    """

    def __init__(
        self, doc: Document, *, drop_boilerplate: bool = True, lines: list[Line] | None = None
    ) -> None:
        """`lines` is `page_lines(doc)` when the caller has it already (two views of one document)."""
        self.doc = doc
        lines = page_lines(doc) if lines is None else lines
        skip = boilerplate_lines(doc, lines) if drop_boilerplate else set()
        kept = [ln for ln in lines if (ln.page, ln.start) not in skip]
        parts: list[str] = []
        # the view as runs of consecutive page characters: run k starts at view offset
        # self._at[k], on page self._page[k] at page offset self._off[k]
        at: list[int] = []
        run_page: list[int] = []
        run_off: list[int] = []
        pos = 0

        def run(page: int, off: int, length: int) -> None:
            nonlocal pos
            if not length:
                return
            if at and run_page[-1] == page and run_off[-1] + pos - at[-1] == off:
                pos += length  # continues the last run on its page: one run maps both
            else:
                at.append(pos)
                run_page.append(page)
                run_off.append(off)
                pos += length

        for i, line in enumerate(kept):
            text, start = line.text, line.start
            nxt = kept[i + 1] if i + 1 < len(kept) else None
            if parts and parts[-1] == "" and _joined_previous(kept[i - 1], line):
                stripped = len(text) - len(text.lstrip())
                text, start = text[stripped:], start + stripped
            hyphen = (
                nxt is not None
                and "-" in text  # cheaper than the pattern, which needs one
                and _HYPHEN_END.search(text) is not None
                and _joined_previous(line, nxt)
            )
            body = text.rstrip()[:-1] if hyphen else text
            parts.append(body)
            run(line.page, start, len(body))
            if nxt is not None:
                if hyphen:
                    parts.append("")  # marker: the next line continues this word
                else:
                    parts.append("\n")
                    run(line.page, line.end, 1)
        self.text = "".join(parts)
        self._at, self._page, self._off = at, run_page, run_off

    def locate(self, offset: int) -> tuple[int, int]:
        """View offset -> (page, page offset)."""
        if not 0 <= offset < len(self.text):
            raise IndexError(f"view offset {offset} outside 0..{len(self.text) - 1}")
        k = bisect_right(self._at, offset) - 1
        return self._page[k], self._off[k] + offset - self._at[k]

    def spans(self, start: int, end: int) -> list[Span]:
        """Spans covering view[start:end], one per page touched, trimmed of outer whitespace."""
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        if start >= end:
            return []
        out: list[Span] = []
        i = start
        while i < end:
            k = bisect_right(self._at, i) - 1
            page = self._page[k]
            while k + 1 < len(self._at) and self._at[k + 1] < end and self._page[k + 1] == page:
                k += 1  # the runs that follow on the same page
            nxt = min(end, self._at[k + 1] if k + 1 < len(self._at) else len(self.text))
            j = nxt - 1
            while j > i and self.text[j].isspace():
                j -= 1  # the page's part ends at its last word, not at furniture after it
            s = self.locate(i)[1]
            e = min(self.locate(j)[1] + 1, len(self.doc.pages[page - 1]))
            part = self.doc.pages[page - 1][s:e]
            if part.strip():  # trimmed of outer whitespace before the Span is made: one per part
                lead = len(part) - len(part.lstrip())
                out.append(self.doc.span(page, s + lead, s + len(part.rstrip())))
            i = nxt
        return out

    def span(self, start: int, end: int) -> Span | None:
        """The first page's part of view[start:end] (enough for a short citation)."""
        spans = self.spans(start, end)
        return spans[0] if spans else None


_HYPHEN_END = lazy_compile(r"[a-z]-\s*$")


def _joined_previous(prev: Line, line: Line) -> bool:
    """True when `prev` ends in a hyphenated word that `line` completes."""
    return bool(_HYPHEN_END.search(prev.text)) and bool(re.match(r"\s*[a-z]", line.text))
