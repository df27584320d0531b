"""The writers a batch uses, on hand-made results: CSV long and wide, value columns, SQLite tables."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from foi_extract.models import EngineInfo, Exemption, Extraction, Letter, Question, Source, Span
from foi_extract.write.csv_writer import write_long, write_wide
from foi_extract.write.records import DocRecord, failed, outcome_of
from foi_extract.write.sqlite_writer import write_sqlite

PAGE = "Q1 answer: we use Mosaic (Servelec). Q2: withheld under section 43(2). Section 40(2) also applies."


def _result(path: str = "a.pdf") -> Extraction:
    s43 = Exemption(
        law="FOIA",
        section="43",
        subsection="(2)",
        evidence=[Span(page=1, start=55, end=69, text=PAGE[55:69])],
    )
    s40 = Exemption(
        law="FOIA",
        section="40",
        subsection="(2)",
        evidence=[Span(page=1, start=71, end=85, text=PAGE[71:85])],
    )
    q1 = Question(
        id="1",
        text="Name of system",
        status="answered",
        answer=PAGE[:37],
        value=[
            {"name": "Mosaic", "supplier": "Servelec"},
            {"name": "Liquidlogic", "supplier": None},
        ],
        value_evidence=[Span(page=1, start=19, end=36, text=PAGE[19:36])],
        evidence=[Span(page=1, start=0, end=37, text=PAGE[:37])],
    )
    q2 = Question(
        id="2",
        text="Annual cost",
        status="withheld",
        answer=PAGE[38:70],
        exemptions=[s43],
        value={"amount": None, "currency": "GBP", "period": None},
        review=["weak_cue"],
        evidence=[Span(page=1, start=38, end=70, text=PAGE[38:70])],
    )
    return Extraction(
        source=Source(path=path, sha256="ab" * 32, media_type="application/pdf", pages=1),
        letter=Letter(authority="Eastfield Council", reference="FOI-1", date="2024-01-02"),
        questions=[q1, q2],
        exemptions=[s43, s40],
        engine=EngineInfo(name="llm", version="0.1.0", model="m", prompt_version="sha256:x"),
    )


def _records() -> list[DocRecord]:
    r = _result()
    return [
        DocRecord(
            path="a.pdf", outcome=outcome_of(r), sha256=r.source.sha256, extraction=r, pages=[PAGE]
        ),
        failed("scan.pdf", 15, "needs_ocr", "scanned images need OCR"),
        DocRecord(
            path="MANIFEST.tsv", outcome="skipped", message="manifest or readme, not a reply"
        ),
    ]


def test_long_csv_rows_value_columns_untied_grounds_and_errors() -> None:
    out = io.StringIO()
    write_long(_records(), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["path"], r["row"], r["question_id"]) for r in rows] == [
        ("a.pdf", "question", "1"),
        ("a.pdf", "question", "2"),
        ("a.pdf", "document", ""),
        ("scan.pdf", "error", ""),
    ]
    q1, q2, doc, err = rows
    assert q1["value.name"] == "Mosaic; Liquidlogic" and q1["value.supplier"] == "Servelec"
    assert q2["value.currency"] == "GBP" and q2["value.name"] == ""
    assert (
        q2["exemptions"] == "FOIA s.43(2)"
        and q2["review"] == "weak_cue"
        and q2["outcome"] == "needs_review"
    )
    assert doc["exemptions"] == "FOIA s.40(2)", "a ground tied to no question has its own row"
    assert q1["document_exemptions"] == "FOIA s.43(2); FOIA s.40(2)"
    assert (
        err["error"] == "scanned images need OCR"
        and err["exit_code"] == "15"
        and err["outcome"] == "failed"
    )
    assert (
        q1["engine"] == "llm"
        and q1["model"] == "m"
        and q1["prompt_version"] == "sha256:x"
        and q1["sha256"]
    )


def test_wide_csv() -> None:
    out = io.StringIO()
    write_wide(_records(), out, ["1", "2", "3"])
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 2
    assert (
        rows[0]["2.status"] == "withheld"
        and rows[0]["3.status"] == ""
        and '"Mosaic"' in rows[0]["1.value"]
    )
    assert (
        rows[0]["flagged_questions"] == "2"
        and rows[1]["outcome"] == "failed"
        and rows[1]["exit_code"] == "15"
    )


def test_sqlite_tables_and_spans(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite"
    write_sqlite(_records(), str(path))
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    assert db.execute("SELECT scope, label FROM exemptions ORDER BY id").fetchall() == [
        ("question", "FOIA s.43(2)"),
        ("document", "FOIA s.43(2)"),
        ("document", "FOIA s.40(2)"),
    ]
    got = db.execute(
        'SELECT e.text, substr(p.text, e.start + 1, e."end" - e.start) FROM evidence e '
        "JOIN pages p ON p.document_id = e.document_id AND p.page = e.page"
    ).fetchall()
    assert got and all(a == b for a, b in got)
    fields = {f for (f,) in db.execute("SELECT DISTINCT field FROM evidence")}
    assert {"answer", "value", "exemption.question", "exemption.document"} <= fields
    q = db.execute(
        "SELECT q.question_id, q.status, d.path FROM questions q JOIN documents d ON d.id = q.document_id "
        "WHERE q.review = 'weak_cue'"
    ).fetchall()
    assert q == [("2", "withheld", "a.pdf")]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
