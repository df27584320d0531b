"""SQLite: the batch as related tables, ready for Datasette (`datasette out.sqlite`) or any SQL.

    runs        one row per `foi-extract run` recorded in the store
    documents   one row per file: outcome (ok, needs_review, failed, skipped), the letter's fields,
                the error of a failed document or the reason a file was skipped, provenance, tokens
    questions   one row per document × question: status, answer, review reasons, typed value (JSON)
    exemptions  grounds: applied to a question (scope=question), applied in the letter
                (scope=document: every ground applied anywhere) and cited but not applied
                (scope=mentioned, applied=0)
    references  URLs, register references, request ids, emails; per question or per document
    evidence    every span behind a value: page, start, end, the verbatim text and `redacted` (1 when
                --redact-personal masked it)
    pages       the page text the spans refer to (`pages.text[start:end] == evidence.text`)

Written with sqlite-utils into a temporary file that replaces the target in one rename.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from ..models import Exemption, Span
from . import exemption_label
from .atomic import atomic_path
from .csv_writer import labels
from .records import DocRecord

TABLES: dict[str, dict[str, Any]] = {
    "runs": dict(
        columns={
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "command": str,
            "engine": str,
            "model": str,
            "prompt_version": str,
            "question_set": str,
            "question_set_hash": str,
            "foi_extract_version": str,
            "settings": str,
        },
        pk="id",
    ),
    "documents": dict(
        columns={
            "id": int,
            "run_id": int,
            "path": str,
            "sha256": str,
            "outcome": str,
            "exit_code": int,
            "error_code": str,
            "error": str,
            "media_type": str,
            "pages": int,
            "sections": str,
            "kind": str,
            "authority": str,
            "reference": str,
            "date": str,
            "request_title": str,
            "legislation": str,
            "exemptions": str,
            "review": str,
            "questions": int,
            "flagged_questions": int,
            "warnings": str,
            "engine": str,
            "model": str,
            "prompt_version": str,
            "prompt_tokens": int,
            "completion_tokens": int,
            "llm_requests": int,
            "cost_usd": float,
            "duration_s": float,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    ),
    "questions": dict(
        columns={
            "id": int,
            "document_id": int,
            "position": int,
            "question_id": str,
            "text": str,
            "status": str,
            "answer": str,
            "review": str,
            "exemptions": str,
            "value": str,
            "evidence_pages": str,
            "cues": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
    ),
    "exemptions": dict(
        columns={
            "id": int,
            "document_id": int,
            "question_pk": int,
            "scope": str,
            "applied": int,
            "law": str,
            "section": str,
            "subsection": str,
            "label": str,
            "title": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id"), ("question_pk", "questions", "id")],
    ),
    "references": dict(
        columns={
            "id": int,
            "document_id": int,
            "question_pk": int,
            "scope": str,
            "kind": str,
            "value": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id"), ("question_pk", "questions", "id")],
    ),
    "evidence": dict(
        columns={
            "id": int,
            "document_id": int,
            "question_pk": int,
            "exemption_id": int,
            "reference_id": int,
            "field": str,
            "page": int,
            "start": int,
            "end": int,
            "text": str,
            "redacted": int,
        },
        pk="id",
        foreign_keys=[
            ("document_id", "documents", "id"),
            ("question_pk", "questions", "id"),
            ("exemption_id", "exemptions", "id"),
            ("reference_id", "references", "id"),
        ],
    ),
    "pages": dict(
        columns={"document_id": int, "page": int, "text": str},
        pk=("document_id", "page"),
        foreign_keys=[("document_id", "documents", "id")],
    ),
}
INDEXES = [
    ("documents", ["outcome"]),
    ("documents", ["authority"]),
    ("documents", ["sha256"]),
    ("documents", ["run_id"]),
    ("questions", ["document_id"]),
    ("questions", ["status"]),
    ("questions", ["question_id"]),
    ("exemptions", ["document_id"]),
    ("exemptions", ["question_pk"]),
    ("exemptions", ["law", "section"]),
    ("references", ["document_id"]),
    ("references", ["question_pk"]),
    ("evidence", ["document_id"]),
    ("evidence", ["question_pk"]),
    ("evidence", ["exemption_id"]),
    ("evidence", ["reference_id"]),
]


class _Rows:
    def __init__(self) -> None:
        self.t: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}

    def add(self, table: str, **row: Any) -> int:
        rows = self.t[table]
        if "id" in TABLES[table]["columns"] and "id" not in row:
            row["id"] = len(rows) + 1
        rows.append(row)
        row_id: int = row.get("id", 0)
        return row_id

    def spans(self, spans: Sequence[Span], field: str, doc_id: int, **owner: Any) -> None:
        for s in spans:
            self.add(
                "evidence",
                document_id=doc_id,
                field=field,
                page=s.page,
                start=s.start,
                end=s.end,
                text=s.text,
                redacted=int(s.redacted),
                **owner,
            )


def _json(v: Any) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False, default=str)


def _exemption(
    rows: _Rows, e: Exemption, doc_id: int, scope: str, question_pk: int | None = None
) -> None:
    ex_id = rows.add(
        "exemptions",
        document_id=doc_id,
        question_pk=question_pk,
        scope=scope,
        applied=int(scope != "mentioned"),
        law=e.law,
        section=e.section,
        subsection=e.subsection,
        label=exemption_label(e.law, e.section, e.subsection),
        title=e.title,
    )
    rows.spans(
        e.evidence, f"exemption.{scope}", doc_id, question_pk=question_pk, exemption_id=ex_id
    )


def build_rows(records: Sequence[DocRecord], runs: Sequence[dict[str, Any]]) -> _Rows:
    rows = _Rows()
    for run in runs:
        rows.add(
            "runs",
            id=run["id"],
            started_at=run.get("started_at"),
            finished_at=run.get("finished_at"),
            status=run.get("status"),
            command=run.get("command"),
            engine=run.get("engine"),
            model=run.get("model"),
            prompt_version=run.get("prompt_version"),
            question_set=run.get("question_set"),
            question_set_hash=run.get("question_set_hash"),
            foi_extract_version=run.get("version"),
            settings=run.get("settings"),
        )
    run_ids = {r["id"] for r in runs}
    for rec in records:
        r = rec.extraction
        usage = rec.usage or {}
        doc: dict[str, Any] = dict(
            run_id=rec.run_id if rec.run_id in run_ids else None,
            path=rec.path,
            sha256=rec.sha256,
            outcome=rec.outcome,
            exit_code=rec.exit_code,
            error_code=rec.error_code,
            error=rec.message,
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
            llm_requests=usage.get("requests"),
            cost_usd=rec.cost,
            duration_s=rec.duration,
        )
        if r is not None:
            L = r.letter
            doc.update(
                media_type=r.source.media_type,
                pages=r.source.pages,
                sections=_json([s.model_dump() for s in r.source.sections])
                if r.source.sections
                else None,
                kind=L.kind,
                authority=L.authority,
                reference=L.reference,
                date=L.date,
                request_title=L.request_title,
                legislation=" ".join(L.legislation),
                exemptions=labels(r.exemptions),
                review=" ".join(r.review),
                questions=len(r.questions),
                flagged_questions=sum(bool(q.review) for q in r.questions),
                warnings=_json([w.model_dump() for w in r.warnings]) if r.warnings else None,
                engine=r.engine.name,
                model=r.engine.model,
                prompt_version=r.engine.prompt_version,
            )
        doc_id = rows.add("documents", **doc)
        if r is None:
            continue
        for field_name, span in r.letter.evidence.items():
            rows.spans([span], f"letter.{field_name}", doc_id)
        for pos, q in enumerate(r.questions, 1):
            q_pk = rows.add(
                "questions",
                document_id=doc_id,
                position=pos,
                question_id=q.id,
                text=q.text,
                status=q.status,
                answer=q.answer,
                review=" ".join(q.review),
                exemptions=labels(q.exemptions),
                value=_json(q.value),
                evidence_pages=" ".join(sorted({str(s.page) for s in q.evidence}, key=int)),
                cues=_json([c.model_dump() for c in q.cues]) if q.cues else None,
            )
            rows.spans(q.evidence, "answer", doc_id, question_pk=q_pk)
            rows.spans(q.value_evidence, "value", doc_id, question_pk=q_pk)
            for e in q.exemptions:
                _exemption(rows, e, doc_id, "question", q_pk)
            for ref in q.references:
                ref_id = rows.add(
                    "references",
                    document_id=doc_id,
                    question_pk=q_pk,
                    scope="question",
                    kind=ref.kind,
                    value=ref.value,
                )
                rows.spans(
                    ref.evidence,
                    "reference.question",
                    doc_id,
                    question_pk=q_pk,
                    reference_id=ref_id,
                )
        for e in r.exemptions:
            _exemption(rows, e, doc_id, "document")
        for e in rec.mentioned:
            _exemption(rows, e, doc_id, "mentioned")
        for ref in r.references:
            ref_id = rows.add(
                "references", document_id=doc_id, scope="document", kind=ref.kind, value=ref.value
            )
            rows.spans(ref.evidence, "reference.document", doc_id, reference_id=ref_id)
        for n, text in enumerate(rec.pages or [], 1):
            rows.add("pages", document_id=doc_id, page=n, text=text)
    return rows


def write_sqlite(
    records: Sequence[DocRecord], path: str, runs: Sequence[dict[str, Any]] = ()
) -> None:
    rows = build_rows(records, runs)
    with atomic_path(path) as tmp:
        db = sqlite_utils.Database(tmp, recreate=True)
        db.conn.execute("PRAGMA foreign_keys=ON")
        with db.conn:
            for name, spec in TABLES.items():
                db.table(name).create(
                    spec["columns"], pk=spec["pk"], foreign_keys=spec.get("foreign_keys")
                )
                if rows.t[name]:
                    db.table(name).insert_all(rows.t[name], batch_size=500)
            for table, cols in INDEXES:
                db.table(table).create_index(cols, if_not_exists=True)
        broken = db.conn.execute("PRAGMA foreign_key_check").fetchall()
        db.close()
        if broken:  # pragma: no cover - a bug in build_rows
            raise RuntimeError(f"sqlite output: rows without their parent: {broken[:3]}")
