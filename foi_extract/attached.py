"""Answers that say "please see the attached spreadsheet" get their evidence in that spreadsheet's cells.

FOI officers answer numeric questions in an Excel file attached to a short letter. When the same
email (or bundle) carries the sheet, a question whose answer points at an attachment, or that
has no answer in the letter, is matched to the sheet's cells, most specific first:
1. a sheet named after the question ("Q1", "Question 1", "1"): all of its cells;
2. a row labelled with the question's id ("1", "Q1", "1.") or restating its text: that row's other cells;
3. the only sheet, when exactly one question points at an attachment: all of its cells.
The cells' spans are page text (grounding re-checks them) and their text is added to the answer.
"""

from __future__ import annotations

import re

from .document import Document
from .lazy_re import lazy_compile
from .models import Extraction, Question, Span, Table, TableCell
from .questionset import coverage

_POINTS_AT_ATTACHMENT = lazy_compile(
    r"\b(?:attached|attachment|enclosed|spreadsheet|excel|workbook|\.xlsx?\b|\.ods\b|\.csv\b)", re.I
)
MAX_EVIDENCE_CELLS = 500
MAX_ANSWER_CHARS = 4000
_TEXT_MATCH = 0.6


def link_tables(result: Extraction, doc: Document) -> Extraction:
    """Add spreadsheet-cell evidence to questions answered "in the attachment"; returns `result`."""
    if not doc.tables or not result.questions:
        return result
    table_pages = {t.page for t in doc.tables}
    wanting = [
        q
        for q in result.questions
        if not any(s.page in table_pages for s in q.evidence)
        and (not (q.answer or "").strip() or _POINTS_AT_ATTACHMENT.search(q.answer or ""))
    ]
    for q in wanting:
        cells = _sheet_for(q, doc.tables) or _row_for(q, doc.tables)
        if cells is None and len(wanting) == 1 and len(doc.tables) == 1:
            cells = _all_cells(doc.tables[0])
        if cells:
            _attach(q, cells)
    return result


def _label_pattern(qid: str) -> re.Pattern[str]:
    return re.compile(rf"(?:q(?:uestion)?\.?\s*)?\(?0*{re.escape(qid)}[.):]?", re.I)


def _sheet_for(q: Question, tables: list[Table]) -> list[TableCell] | None:
    label = _label_pattern(q.id)
    for t in tables:
        if label.fullmatch(t.name.strip()):
            return _all_cells(t)
    return None


def _row_for(q: Question, tables: list[Table]) -> list[TableCell] | None:
    label = _label_pattern(q.id)
    for t in tables:
        for row in t.rows:
            for cell in row[:2]:
                restates = (
                    bool(q.text)
                    and len(cell.text) > 12
                    and coverage(q.text or "", cell.text) >= _TEXT_MATCH
                )
                if label.fullmatch(cell.text.strip()) or restates:
                    rest = [c for c in row if c is not cell and not _is_question(c, q)]
                    if rest:
                        return rest
    return None


def _is_question(cell: TableCell, q: Question) -> bool:
    return bool(q.text) and coverage(q.text or "", cell.text) >= _TEXT_MATCH


def _all_cells(t: Table) -> list[TableCell]:
    return [*t.header, *(c for row in t.rows for c in row)]


def _attach(q: Question, cells: list[TableCell]) -> None:
    cells = cells[:MAX_EVIDENCE_CELLS]
    q.evidence = [
        *q.evidence,
        *(
            Span(
                page=c.evidence.page,
                start=c.evidence.start,
                end=c.evidence.end,
                text=c.evidence.text,
            )
            for c in cells
        ),
    ]
    found = " | ".join(c.text for c in cells)[:MAX_ANSWER_CHARS]
    q.answer = f"{q.answer}\n{found}" if (q.answer or "").strip() else found
