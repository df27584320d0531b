"""`--redact-personal`: the dataset without officers' emails, phone numbers and names.

Each character of an item found by `foi_extract.personal` becomes MASK, on the pages and in every
text taken from them, so lengths never change: every span keeps its offsets and still satisfies
`pages[page-1][start:end] == text` against the redacted pages, and says `redacted: true` when its
text changed. Redaction is applied to results, never stored: a run store keeps the text as
published, so switching the flag rewrites the outputs without extracting again.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .personal import Personal, find_personal, find_phones
from .rules.references import find_emails

if TYPE_CHECKING:
    from .models import Exemption, Extraction, Span
    from .write.records import DocRecord

MASK = "█"  # U+2588 FULL BLOCK, one per character removed


def mask_pages(pages: Sequence[str], found: Iterable[Personal] | None = None) -> list[str]:
    """The pages with every personal item masked character for character (line breaks kept)."""
    chars = [list(p) for p in pages]
    for item in find_personal(pages) if found is None else found:
        page = chars[item.page - 1]
        for i in range(item.start, item.end):
            if page[i] != "\n":
                page[i] = MASK
    return ["".join(c) for c in chars]


class _Redactor:
    """Masks one document's spans and texts, given its pages as published."""

    def __init__(self, pages: Sequence[str] | None) -> None:
        self.pages = list(pages) if pages is not None else None
        found = find_personal(self.pages) if self.pages is not None else []
        self.masked = mask_pages(self.pages, found) if self.pages is not None else None
        # the printed forms, longest first: masked in free text (answers, values) wherever they occur
        items = {self.pages[p.page - 1][p.start : p.end] for p in found} if self.pages else set()
        ordered = sorted((i for i in items if i.strip()), key=len, reverse=True)
        self.items = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def text(self, text: str) -> str:
        """Free text (an answer, a value, a span without its page): known items, emails and phones masked."""
        chars = list(text)
        for m in self.items.finditer(text) if self.items else ():
            chars[m.start() : m.end()] = _mask(m.group(0))
        for f in find_emails(text):
            chars[f.start : f.end] = _mask(text[f.start : f.end])
        for s, e in find_phones(text):
            chars[s:e] = _mask(text[s:e])
        return "".join(chars)

    def span(self, span: Span) -> None:
        if self.pages is not None and self.masked is not None and 1 <= span.page <= len(self.pages):
            published = self.pages[span.page - 1][span.start : span.end]
            new = (
                self.masked[span.page - 1][span.start : span.end]
                if published == span.text
                else self.text(span.text)
            )
        else:
            new = self.text(span.text)
        if new != span.text:
            span.text, span.redacted = new, True

    def spans(self, spans: Iterable[Span]) -> None:
        for s in spans:
            self.span(s)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def exemptions(self, items: Iterable[Exemption]) -> None:
        for e in items:
            self.spans(e.evidence)

    def extraction(self, ex: Extraction) -> None:
        self.spans(ex.letter.evidence.values())
        if ex.letter.request_title:
            ex.letter.request_title = self.text(ex.letter.request_title)
        self.exemptions(ex.exemptions)
        self.references(ex.references)
        for q in ex.questions:
            q.text = self.value(q.text)
            q.answer = self.value(q.answer)
            q.value = self.value(q.value)
            self.spans(q.evidence)
            self.spans(q.value_evidence)
            self.exemptions(q.exemptions)
            self.references(q.references)
            for cue in q.cues:
                self.spans(cue.evidence)
        for table in ex.tables:
            for cell in [*table.header, *(c for row in table.rows for c in row)]:
                self.span(cell.evidence)
                cell.text = cell.evidence.text
        for w in ex.warnings:
            w.message = self.text(w.message)

    def references(self, refs: Iterable[Any]) -> None:
        for r in refs:
            r.value = self.text(r.value)
            self.spans(r.evidence)


def _mask(text: str) -> list[str]:
    return [c if c == "\n" else MASK for c in text]


def redact_personal(
    extraction: Extraction, pages: Sequence[str] | None
) -> tuple[Extraction, list[str] | None]:
    """A redacted copy of `extraction` and its `pages` (the input is left as it is).

    Without the pages, emails and phone numbers are still masked in every text, but names are not
    found (they are read from the letter's sign-off and labelled lines)."""
    red = _Redactor(pages)
    out = extraction.model_copy(deep=True)
    red.extraction(out)
    return out, red.masked


def redact_record(rec: DocRecord) -> DocRecord:
    """A run's document record with its extraction, page text and mentioned grounds redacted; a
    record whose redaction fails becomes a failed one (exit 1), never one with the text as published."""
    if rec.extraction is None:
        return rec
    try:
        red = _Redactor(rec.pages)
        extraction = rec.extraction.model_copy(deep=True)
        red.extraction(extraction)
        mentioned = [e.model_copy(deep=True) for e in rec.mentioned]
        red.exemptions(mentioned)
    except Exception as exc:  # a bug here costs this document only
        from .write.records import failed

        return failed(rec.path, 1, "internal", _failure(rec.path, exc), sha256=rec.sha256)
    return dataclasses.replace(rec, extraction=extraction, pages=red.masked, mentioned=mentioned)


def redact_outcome(outcome: dict[str, Any]) -> dict[str, Any]:
    """A worker's outcome (foi_extract.run.worker.process) with its extraction and pages redacted,
    or turned into that document's failure (exit 1) when redaction fails."""
    if not outcome.get("extraction"):
        return outcome
    from .models import Extraction

    try:
        result, pages = redact_personal(
            Extraction.model_validate(outcome["extraction"]), outcome.get("pages")
        )
    except Exception as exc:
        return {
            "path": outcome["path"],
            "sha256": outcome.get("sha256"),
            "outcome": "failed",
            "exit_code": 1,
            "error_code": "internal",
            "message": _failure(outcome["path"], exc),
        }
    return {**outcome, "extraction": result.model_dump(mode="json"), "pages": pages}


def _failure(path: str, exc: Exception) -> str:
    from .errorlog import log_internal_error

    return f"internal error while redacting ({type(exc).__name__}); {log_internal_error(path, exc)}"
