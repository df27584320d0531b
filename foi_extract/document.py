"""A loaded document: pages of text whose character offsets every later stage refers to."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Notice, Section, Span, Table


@dataclass
class Document:
    """Pages are never edited after loading: a Span's text is always `pages[page-1][start:end]`."""

    path: str
    media_type: str
    sha256: str
    pages: list[str]
    sections: list[Section] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    ocr_confidence: dict[int, float] = field(
        default_factory=dict
    )  # pages read by OCR -> confidence 0..1

    def span(self, page: int, start: int, end: int) -> Span:
        """Build a Span whose text is read from the page, so it is grounded by construction."""
        text = self.pages[page - 1]
        if not (0 <= start <= end <= len(text)):
            raise ValueError(f"span {start}:{end} outside page {page} of {self.path}")
        return Span(page=page, start=start, end=end, text=text[start:end])

    def is_grounded(self, span: Span) -> bool:
        if not 1 <= span.page <= len(self.pages):
            return False
        return self.pages[span.page - 1][span.start : span.end] == span.text
