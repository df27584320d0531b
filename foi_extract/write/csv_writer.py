"""CSV, the comparable dataset a batch is for.

Long (the default): one row per document × question, with the letter's fields, the question's
status, answer, review reasons, exemptions (`FOIA s.43(2); FOIA s.40(2)`), references, the
typed value (as JSON, and its fields flattened into `value.<field>` columns), evidence pages and
provenance (sha256, engine, model, prompt version). A document's grounds applied but tied to no
question get a row of their own (`row` = document); a document with no questions still has one
row; a failed document has one row with its error (`row` = error).

Wide (`--wide`): one row per document, a `<id>.status` and `<id>.value` column per question
(the typed value as JSON, or the answer text for questions without a type).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from ..models import Exemption, Extraction
from . import exemption_label, register_writer
from .records import FAILED, SKIPPED, DocRecord, from_extraction

COLUMNS = [
    "path",
    "row",
    "outcome",
    "kind",
    "authority",
    "reference",
    "date",
    "question_id",
    "status",
    "review",
    "exemptions",
    "references",
    "question",
    "answer",
    "value",
]
TAIL = [
    "evidence_pages",
    "document_exemptions",
    "document_review",
    "error",
    "exit_code",
    "sha256",
    "engine",
    "model",
    "prompt_version",
]


def labels(exemptions: Iterable[Exemption]) -> str:
    return "; ".join(exemption_label(e.law, e.section, e.subsection) for e in exemptions)


def _value(value: object) -> str:
    """Typed values as JSON, so a spreadsheet column round-trips ("" when there is none)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?%?")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula ('=cmd|…', '=HYPERLINK(…)', '+', '-', '@') gets a
    leading apostrophe, as OWASP advises for CSV injection; plain numbers such as -5 stay numbers."""
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


class _SafeWriter:
    def __init__(self, out: TextIO) -> None:
        self._w = csv.writer(out)

    def writerow(self, row: Sequence[object]) -> None:
        self._w.writerow([neutralise(c) if isinstance(c, str) else c for c in row])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value if v is not None)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def value_fields(values: Iterable[Any]) -> list[str]:
    """The field names of typed values (objects, or lists of objects), in first-seen order."""
    seen: dict[str, None] = {}
    for v in values:
        for obj in v if isinstance(v, list) else [v]:
            if isinstance(obj, dict):
                for k in obj:
                    seen.setdefault(str(k), None)
    return list(seen)


def flatten(value: Any, field: str) -> str:
    """One field of a value: a list of objects gives each object's field, joined with '; '."""
    if isinstance(value, dict):
        return _cell(value.get(field))
    if isinstance(value, list):
        return "; ".join(
            _cell(o.get(field)) for o in value if isinstance(o, dict) and o.get(field) is not None
        )
    return ""


def untied(r: Extraction) -> list[Exemption]:
    tied = {(e.law, e.section) for q in r.questions for e in q.exemptions}
    return [e for e in r.exemptions if (e.law, e.section) not in tied]


class LongCSV:
    """Streams rows document by document (flushing after each), so a kill keeps what was written."""

    def __init__(self, out: TextIO, fields: Sequence[str] = ()) -> None:
        self.out = out
        self.fields = list(fields)
        self.w = _SafeWriter(out)
        self.w.writerow(COLUMNS + [f"value.{f}" for f in self.fields] + TAIL)

    def write(self, rec: DocRecord) -> None:
        for row in self.rows(rec):
            self.w.writerow(row)
        self.out.flush()

    def rows(self, rec: DocRecord) -> list[list[str]]:
        blank_values = [""] * len(self.fields)
        if rec.outcome == SKIPPED:
            return []
        r = rec.extraction
        if r is None:  # failed: one row with its error
            return [
                [rec.path, "error", rec.outcome, "", "", "", "", "", "", "", "", "", "", "", ""]
                + blank_values
                + [
                    "",
                    "",
                    "",
                    rec.message or "",
                    "" if rec.exit_code is None else str(rec.exit_code),
                    rec.sha256 or "",
                    "",
                    "",
                    "",
                ]
            ]
        L = r.letter
        base = [rec.path]
        letter = [rec.outcome, L.kind, L.authority or "", L.reference or "", L.date or ""]
        tail_doc = [
            labels(r.exemptions),
            " ".join(r.review),
            "",
            "",
            r.source.sha256,
            r.engine.name,
            r.engine.model or "",
            r.engine.prompt_version or "",
        ]
        out = []
        for q in r.questions:
            out.append(
                base
                + ["question"]
                + letter
                + [
                    q.id,
                    q.status,
                    " ".join(q.review),
                    labels(q.exemptions),
                    "; ".join(ref.value for ref in q.references),
                    q.text or "",
                    q.answer or "",
                    _value(q.value),
                ]
                + [flatten(q.value, f) for f in self.fields]
                + [" ".join(sorted({str(s.page) for s in q.evidence}, key=int))]
                + tail_doc
            )
        loose = r.exemptions if not r.questions else untied(r)
        if not r.questions or loose:  # grounds tied to no question, or a document without questions
            out.append(
                base
                + ["document"]
                + letter
                + [
                    "",
                    "",
                    "",
                    labels(loose),
                    "" if r.questions else "; ".join(x.value for x in r.references),
                    "",
                    "",
                    "",
                ]
                + blank_values
                + [""]
                + tail_doc
            )
        return out


class WideCSV:
    def __init__(self, out: TextIO, question_ids: Sequence[str]) -> None:
        self.out = out
        self.ids = list(question_ids)
        self.w = _SafeWriter(out)
        self.w.writerow(
            [
                "path",
                "outcome",
                "kind",
                "authority",
                "reference",
                "date",
                "legislation",
                "exemptions",
                "document_review",
                "flagged_questions",
                "error",
                "exit_code",
                "sha256",
                "engine",
                "model",
                "prompt_version",
            ]
            + [c for qid in self.ids for c in (f"{qid}.status", f"{qid}.value")]
        )

    def write(self, rec: DocRecord) -> None:
        if rec.outcome == SKIPPED:
            return
        r = rec.extraction
        if r is None:
            self.w.writerow(
                [rec.path, rec.outcome]
                + [""] * 8
                + [rec.message or "", str(rec.exit_code or ""), rec.sha256 or "", "", "", ""]
                + [""] * (2 * len(self.ids))
            )
            return
        by_id = {q.id: q for q in r.questions}
        cols = []
        for qid in self.ids:
            q = by_id.get(qid)
            cols += (
                ["", ""]
                if q is None
                else [q.status, _value(q.value) if q.value is not None else (q.answer or "")]
            )
        L = r.letter
        self.w.writerow(
            [
                rec.path,
                rec.outcome,
                L.kind,
                L.authority or "",
                L.reference or "",
                L.date or "",
                " ".join(L.legislation),
                labels(r.exemptions),
                " ".join(r.review),
                " ".join(q.id for q in r.questions if q.review),
                "",
                "",
                r.source.sha256,
                r.engine.name,
                r.engine.model or "",
                r.engine.prompt_version or "",
            ]
            + cols
        )
        self.out.flush()


def question_ids(records: Sequence[DocRecord], preset: Sequence[str] | None = None) -> list[str]:
    ids: dict[str, None] = dict.fromkeys(preset or [])
    for rec in records:
        if rec.extraction is not None:
            for q in rec.extraction.questions:
                ids.setdefault(q.id, None)
    return list(ids)


def write_long(records: Sequence[DocRecord], out: TextIO) -> None:
    fields = value_fields(
        q.value for rec in records if rec.extraction for q in rec.extraction.questions
    )
    w = LongCSV(out, fields)
    for rec in records:
        w.write(rec)


def write_wide(
    records: Sequence[DocRecord], out: TextIO, preset: Sequence[str] | None = None
) -> None:
    w = WideCSV(out, question_ids(records, preset))
    for rec in records:
        w.write(rec)


@register_writer("csv")
def write_csv(results: Sequence[Extraction], out: TextIO) -> None:
    write_long([from_extraction(r) for r in results], out)


__all__ = [
    "COLUMNS",
    "LongCSV",
    "WideCSV",
    "write_csv",
    "write_long",
    "write_wide",
    "value_fields",
    "FAILED",
]
