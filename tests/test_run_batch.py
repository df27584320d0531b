"""`foi-extract run`: outputs from the store, resume, reuse, failures, Ctrl-C, SIGKILL, worker crashes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest
from run_helpers import (
    ROOT,
    cli,
    csv_rows,
    popen,
    sqlite_tables,
    store_count,
    wait_for,
    write_letters,
)

sys.path.insert(0, str(ROOT))
from fixtures.bad_inputs import make_bad_inputs

QSET = ROOT / "examples" / "social_care_software.yaml"


def _run(*args: str, timeout: float = 180):  # type: ignore[no-untyped-def]
    return cli("run", "--engine", "rules", "--no-progress", *args, timeout=timeout)


def _results_by_run(store: Path) -> dict[int, int]:
    db = sqlite3.connect(store)
    try:
        return dict(db.execute("SELECT run_id, count(*) FROM results GROUP BY run_id").fetchall())
    finally:
        db.close()


def test_run_writes_every_format_from_the_store(tmp_path: Path) -> None:
    corpus = tmp_path / "replies"
    write_letters(corpus, 3)
    make_bad_inputs(corpus / "bad")
    (corpus / "MANIFEST.tsv").write_text("file\n")
    out = tmp_path / "out"
    r = _run(
        str(corpus),
        "-o",
        f"{out}.sqlite",
        "-o",
        f"{out}.csv",
        "-o",
        f"{out}.jsonl",
        "-o",
        f"{out}.json",
        "-o",
        f"{tmp_path}/report.html",
        "--jobs",
        "2",
    )
    # the bad inputs fail with their own codes; the first failure in discovery order is the exit code
    assert r.returncode == 14, r.stderr  # bad/empty.pdf comes first
    assert "foi-extract: failed:" in r.stderr
    assert (
        "Documents" in r.stdout
        and "Top exemptions applied" in r.stdout
        and "FOIA s.43(2)" in r.stdout
    )
    store = tmp_path / "out.foi.sqlite"
    assert store.exists()

    jsonl = [json.loads(line) for line in Path(f"{out}.jsonl").read_text().splitlines()]
    good = [p for p in jsonl if "reply_" in p["source"]["path"]]
    assert len(good) == 3 and all(p["letter"]["authority"] for p in good)
    assert len(json.loads(Path(f"{out}.json").read_text())) == len(jsonl)

    rows = csv_rows(Path(f"{out}.csv"))
    errors = [r for r in rows if r["row"] == "error"]
    failed_names = {Path(r["path"]).name for r in errors}
    assert {
        "not_a_pdf.pdf",
        "truncated.pdf",
        "encrypted.pdf",
        "empty.pdf",
        "image_only.pdf",
    } <= failed_names
    assert all(r["error"] and r["exit_code"] and r["outcome"] == "failed" for r in errors)
    q2 = [
        r
        for r in rows
        if r["row"] == "question" and r["question_id"] == "2" and "reply_" in r["path"]
    ]
    assert len(q2) == 3 and all(
        r["exemptions"] == "FOIA s.43(2)" and r["status"] == "withheld" for r in q2
    ), q2
    assert all(r["sha256"] and r["engine"] == "rules" for r in q2)
    assert not any(r["path"].endswith("MANIFEST.tsv") for r in rows)

    db = sqlite3.connect(f"{out}.sqlite")
    schema = "\n".join(
        r[0] for r in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
    )
    for table in (
        "runs",
        "documents",
        "questions",
        "exemptions",
        "references",
        "evidence",
        "pages",
    ):
        assert (
            f'CREATE TABLE "{table}"' in schema or f'CREATE TABLE IF NOT EXISTS "{table}"' in schema
        ), table
    assert 'REFERENCES "documents"("id")' in schema and 'REFERENCES "questions"("id")' in schema
    assert 'REFERENCES "runs"("id")' in schema and "CREATE INDEX" in schema
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    outcomes = dict(
        db.execute("SELECT outcome, count(*) FROM documents GROUP BY outcome").fetchall()
    )
    assert outcomes.get("failed", 0) >= 5 and outcomes.get("skipped") == 1
    skipped = db.execute("SELECT path, error FROM documents WHERE outcome='skipped'").fetchall()
    assert skipped == [(str(corpus / "MANIFEST.tsv"), "manifest or readme, not a reply")]
    bad_span = db.execute(
        "SELECT count(*) FROM evidence e JOIN pages p ON p.document_id = e.document_id AND p.page = e.page "
        'WHERE substr(p.text, e.start + 1, e."end" - e.start) != e.text'
    ).fetchone()[0]
    assert bad_span == 0
    assert db.execute("SELECT count(*) FROM evidence").fetchone()[0] > 10
    applied = db.execute(
        "SELECT DISTINCT label FROM exemptions WHERE scope='question' AND applied=1"
    ).fetchall()
    assert ("FOIA s.43(2)",) in applied
    db.close()
    html = Path(tmp_path / "report.html").read_text()
    assert (
        "<script" in html
        and "http://" not in html.split("<script")[0]
        and "cdn" not in html.lower()
    )
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file is left behind"


def test_unchanged_rerun_extracts_nothing_and_new_replies_cost_one_extraction_each(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "replies"
    write_letters(corpus, 6)
    out = tmp_path / "out.csv"
    first = _run(str(corpus), "-o", str(out), "--questions", str(QSET), "--jobs", "2")
    assert first.returncode == 0, first.stderr
    store = tmp_path / "out.foi.sqlite"
    assert _results_by_run(store) == {1: 6}
    before = out.read_bytes()
    again = _run(str(corpus), "-o", str(out), "--questions", str(QSET))
    assert again.returncode == 0
    assert _results_by_run(store) == {1: 6}, "an unchanged corpus is not extracted again"
    assert (
        "reused from the store │      6" in again.stdout.replace("  ", " ")
        or "reused from the store" in again.stdout
    )
    assert out.read_bytes() == before
    write_letters(corpus, 5, start=6)
    third = _run(str(corpus), "-o", str(out), "--questions", str(QSET))
    assert third.returncode == 0
    assert _results_by_run(store) == {1: 6, 3: 5}, "five new replies, five extractions"
    assert len({r["path"] for r in csv_rows(out)}) == 11
    # a different question set is a different key: everything is extracted again
    other = tmp_path / "q.yaml"
    other.write_text(
        'questions:\n  - {id: "A", text: "How many libraries does the council run?"}\n'
    )
    fourth = _run(str(corpus), "-o", str(out), "--questions", str(other))
    assert fourth.returncode == 0 and _results_by_run(store)[4] == 11
    assert {r["question_id"] for r in csv_rows(out) if r["row"] == "question"} == {"A"}


def test_the_same_bytes_at_two_paths_are_extracted_once(tmp_path: Path) -> None:
    corpus = tmp_path / "replies"
    (letter,) = write_letters(corpus, 1)
    (corpus / "copy").mkdir()
    (corpus / "copy" / "same.txt").write_bytes(letter.read_bytes())
    out = tmp_path / "out.jsonl"
    r = _run(str(corpus), "-o", str(out))
    assert r.returncode == 0, r.stderr
    paths = [json.loads(line)["source"]["path"] for line in out.read_text().splitlines()]
    assert paths == [
        str(letter),
        str(corpus / "copy" / "same.txt"),
    ]  # a folder's files, then its subfolders
    assert _results_by_run(tmp_path / "out.foi.sqlite") == {1: 1}


def test_wide_csv_has_one_row_per_document(tmp_path: Path) -> None:
    corpus = tmp_path / "replies"
    write_letters(corpus, 2)
    out = tmp_path / "wide.csv"
    r = _run(str(corpus), "-o", str(out), "--wide")
    assert r.returncode == 0, r.stderr
    rows = csv_rows(out)
    assert len(rows) == 2
    assert rows[0]["2.status"] == "withheld" and rows[0]["3.status"] == "not_held"
    assert rows[0]["1.value"].startswith("The council runs")


def test_plain_command_accepts_folders_and_streams_jsonl(tmp_path: Path) -> None:
    corpus = tmp_path / "replies"
    write_letters(corpus, 2)
    (corpus / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    out = tmp_path / "o.jsonl"
    r = cli(str(corpus), "--engine", "rules", "-f", "jsonl", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "skipped: " in r.stderr and "photo.jpg" in r.stderr
    assert len(out.read_text().splitlines()) == 2
    r = cli(str(corpus), "--engine", "rules", "-f", "csv")
    assert (
        r.returncode == 0
        and len([ln for ln in r.stdout.splitlines() if ln.startswith(str(corpus))]) >= 6
    )


def _interrupt_after(args: list[str], store: Path, at_least: int, sig: int, timeout: float = 60):  # type: ignore[no-untyped-def]
    proc = popen("run", "--engine", "rules", "--no-progress", *args)
    try:
        reached = wait_for(
            lambda: store_count(store) >= at_least or proc.poll() is not None, timeout
        )
        assert reached and proc.poll() is None, "the run ended before it could be interrupted: " + (
            proc.stderr.read() if proc.stderr else ""
        )
        os.kill(proc.pid, sig)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, err


def test_sigkill_then_the_same_command_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    corpus = tmp_path / "replies"
    write_letters(corpus, 80)
    make_bad_inputs(corpus / "bad")
    ref = tmp_path / "ref"
    r = _run(
        str(corpus), "-o", f"{ref}.sqlite", "-o", f"{ref}.csv", "-o", f"{ref}.jsonl", "--jobs", "2"
    )
    assert r.returncode != 0 and Path(f"{ref}.sqlite").exists()

    out = tmp_path / "out"
    store = tmp_path / "out.foi.sqlite"
    args = [
        str(corpus),
        "-o",
        f"{out}.sqlite",
        "-o",
        f"{out}.csv",
        "-o",
        f"{out}.jsonl",
        "--jobs",
        "2",
    ]
    code, _, _ = _interrupt_after(args, store, 6, signal.SIGKILL)
    assert code == -signal.SIGKILL
    done = store_count(store)
    assert 6 <= done < 86, done
    assert not Path(f"{out}.sqlite").exists(), (
        "killed before any output: only the store has the work"
    )
    again = _run(*args)
    assert again.returncode == r.returncode, again.stderr
    runs = _results_by_run(store)
    assert sum(runs.values()) == store_count(tmp_path / "ref.foi.sqlite"), (
        "no document lost or extracted twice"
    )
    assert runs.get(1, 0) == done and runs.get(2, 0) == sum(runs.values()) - done
    assert sqlite_tables(Path(f"{out}.sqlite")) == sqlite_tables(Path(f"{ref}.sqlite"))
    assert Path(f"{out}.csv").read_bytes() == Path(f"{ref}.csv").read_bytes()
    assert Path(f"{out}.jsonl").read_bytes() == Path(f"{ref}.jsonl").read_bytes()
    statuses = dict(sqlite3.connect(store).execute("SELECT id, status FROM runs").fetchall())
    assert statuses == {1: "killed", 2: "finished"}


def test_ctrl_c_stops_cleanly_and_writes_what_is_finished(tmp_path: Path) -> None:
    corpus = tmp_path / "replies"
    write_letters(corpus, 80)
    out = tmp_path / "out.jsonl"
    store = tmp_path / "out.foi.sqlite"
    code, stdout, err = _interrupt_after(
        [str(corpus), "-o", str(out), "--jobs", "1"], store, 3, signal.SIGINT
    )
    assert code == 130, err
    assert "interrupted" in err and "the same command goes on" in err
    lines = out.read_text().splitlines()
    assert len(lines) == store_count(store) and 3 <= len(lines) < 80
    again = _run(str(corpus), "-o", str(out))
    assert again.returncode == 0
    assert len(out.read_text().splitlines()) == 80


def test_a_worker_process_that_dies_fails_its_document_only(tmp_path: Path) -> None:
    from foi_extract.run import scheduler
    from foi_extract.run.discover import Item

    items = [Item(path=f"doc{i}", source=f"doc{i}") for i in range(6)]
    done: dict[str, dict] = {}
    with scheduler.Stop(lambda m: None) as stop:
        status = scheduler.run(
            items,
            make_executor=scheduler.process_pool(_noop, ()),
            workers=2,
            task=_die_on_doc3,
            on_done=lambda it, out: done.__setitem__(it.path, out),
            stop=stop,
            on_crash=lambda it, why: {"outcome": "failed", "message": why},
        )
    assert status == "finished"
    assert set(done) == {f"doc{i}" for i in range(6)}
    assert done["doc3"]["outcome"] == "failed" and "worker process died" in done["doc3"]["message"]
    assert all(done[f"doc{i}"]["outcome"] == "ok" for i in (0, 1, 2, 4, 5))


def _noop() -> None:
    pass


def _die_on_doc3(item):  # type: ignore[no-untyped-def]
    if item.path == "doc3":
        time.sleep(0.2)
        os._exit(9)
    return {"outcome": "ok"}


def test_an_unexpected_exception_becomes_that_documents_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foi_extract.run.discover import discover
    from foi_extract.run.worker import process

    class Broken:
        def run(self, doc, qset):  # type: ignore[no-untyped-def]
            raise ZeroDivisionError("boom")

    (letter,) = write_letters(tmp_path, 1)
    out = process(discover([str(letter)]).documents[0], Broken(), None)
    assert (
        out["outcome"] == "failed"
        and out["exit_code"] == 1
        and "ZeroDivisionError: boom" in out["message"]
    )


def test_run_needs_an_output_and_a_known_format(tmp_path: Path) -> None:
    write_letters(tmp_path, 1)
    r = _run(str(tmp_path))
    assert r.returncode == 2 and "-o OUT" in r.stderr
    r = _run(str(tmp_path), "-o", str(tmp_path / "x.unknown"))
    assert r.returncode == 2 and "extension" in r.stderr


def test_plain_command_keeps_every_finished_document_when_killed(tmp_path: Path) -> None:
    corpus = tmp_path / "replies"
    write_letters(corpus, 60)
    out = tmp_path / "o.jsonl"
    proc = popen(str(corpus), "--engine", "rules", "-f", "jsonl", "-o", str(out))
    try:
        lines = lambda: len(out.read_text().splitlines()) if out.exists() else 0  # noqa: E731
        assert wait_for(lambda: lines() >= 3 or proc.poll() is not None, 60) and proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = out.read_text()
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert 3 <= len(rows) < 60 and text.endswith("\n"), "each finished document is a whole line"
    assert len({r["source"]["path"] for r in rows}) == len(rows)


def test_report_command_writes_the_page_from_a_run(tmp_path: Path) -> None:
    corpus = tmp_path / "replies"
    write_letters(corpus, 2)
    assert _run(str(corpus), "-o", str(tmp_path / "out.csv")).returncode == 0
    r = cli("report", str(tmp_path / "out.csv"), "-o", str(tmp_path / "review.html"))
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "review.html").read_text()
    assert "reply_000.txt" in html and "The council runs" in html
    r = cli("report", str(tmp_path / "nothing.csv"), "-o", str(tmp_path / "x.html"))
    assert r.returncode == 2 and "no run store" in r.stderr
