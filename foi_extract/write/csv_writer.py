"""CSV: one row per (document, question), the comparable dataset a batch is for."""

from __future__ import annotations

import csv
import json
from typing import Sequence, TextIO

from ..models import Extraction
from . import exemption_label, register_writer

COLUMNS = [
    "path", "kind", "authority", "reference", "date", "question_id", "status", "review", "exemptions",
    "references", "question", "answer", "value", "evidence_pages", "document_exemptions", "document_review",
]


def _value(value: object) -> str:
    """Typed values as JSON, so a spreadsheet column round-trips ("" when there is none)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


@register_writer("csv")
def write_csv(results: Sequence[Extraction], out: TextIO) -> None:
    w = csv.writer(out)
    w.writerow(COLUMNS)
    for r in results:
        base = [r.source.path, r.letter.kind, r.letter.authority or "", r.letter.reference or "", r.letter.date or ""]
        # every ground applied in the letter, tied to a question or not, is on every row of the document
        doc_cols = ["; ".join(exemption_label(e.law, e.section, e.subsection) for e in r.exemptions), " ".join(r.review)]
        if not r.questions:  # a document with no question rows still has its row (kind, grounds, review)
            w.writerow(base + [""] * (len(COLUMNS) - len(base) - len(doc_cols)) + doc_cols)
        for q in r.questions:
            w.writerow(base + [
                q.id,
                q.status,
                " ".join(q.review),
                "; ".join(exemption_label(e.law, e.section, e.subsection) for e in q.exemptions),
                "; ".join(ref.value for ref in q.references),
                q.text or "",
                q.answer or "",
                _value(q.value),
                " ".join(sorted({str(s.page) for s in q.evidence}, key=int)),
            ] + doc_cols)
