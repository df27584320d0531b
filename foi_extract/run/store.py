"""The run store: one SQLite file per batch (`OUT.foi.sqlite`, or `--store`).

Each document's outcome is recorded, and committed, the moment it finishes, under a
content-addressed key: sha256(document sha256 + engine + model + prompt version + question-set
hash + engine settings + package version). So

- re-running an unchanged corpus finds every key and extracts nothing (no LLM call);
- five new replies are five new keys, five extractions;
- after `kill -9` the same command finds every finished document and does the rest;
- every output (JSONL, CSV, SQLite, the review page) is written from the store, never from memory.

The LLM engine's HTTP responses are kept too (`llm_responses`, keyed by the request body), so a
document that was half-way through its requests when the run was killed replays the answers it
already paid for instead of asking again.

WAL journal, one connection guarded by a lock (the LLM engine's threads share it); only the
main process writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..write.records import FAILED, SKIPPED, DocRecord
from .items import Item

STORE_FORMAT = "1"
# Failures worth retrying on the next run: a bug (1) or the LLM (20: endpoint down, bad key).
# Input failures (missing, corrupt, encrypted, empty, needs OCR, too large) would fail again.
RETRY_EXIT_CODES = {1, 20}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,          -- running, finished, interrupted, budget, killed
    pid INTEGER,
    command TEXT,
    config_key TEXT NOT NULL,
    engine TEXT, model TEXT, prompt_version TEXT,
    question_set TEXT, question_set_hash TEXT,
    version TEXT,
    settings TEXT                  -- JSON
);
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    sha256 TEXT,
    outcome TEXT NOT NULL,
    exit_code INTEGER, error_code TEXT, message TEXT,
    extraction BLOB,               -- zlib(JSON of the Extraction)
    pages BLOB,                    -- zlib(JSON list of page texts)
    mentioned TEXT,                -- JSON list of Exemption
    usage TEXT,                    -- JSON
    cost REAL,
    duration REAL,
    run_id INTEGER REFERENCES runs(id),
    finished_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_items (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    position INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT,
    key TEXT,                      -- NULL for skipped files
    skip_reason TEXT,
    PRIMARY KEY (run_id, position)
);
CREATE INDEX IF NOT EXISTS run_items_key ON run_items(key);
CREATE TABLE IF NOT EXISTS llm_responses (
    key TEXT PRIMARY KEY,          -- sha256 of method, URL and request body
    body BLOB NOT NULL,
    created_at TEXT NOT NULL
);
"""


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def default_store_path(output: str) -> str:
    """`out.csv` -> `out.foi.sqlite` beside it."""
    p = Path(output)
    return str(p.with_name(p.with_suffix("").name + ".foi.sqlite"))


def config_key(identity: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()


def item_key(cfg_key: str, item: Item) -> str | None:
    """The content address of a document under a configuration (None: no bytes, nothing to cache)."""
    if item.sha256 is None:
        return None
    return hashlib.sha256(f"{item.sha256}:{cfg_key}".encode()).hexdigest()


def _pack(obj: Any) -> bytes:
    return zlib.compress(json.dumps(obj, ensure_ascii=False).encode("utf-8"), 6)


def _unpack(blob: bytes | None) -> Any:
    return None if blob is None else json.loads(zlib.decompress(blob).decode("utf-8"))


class StoreError(ConfigError):
    """The store file is not one (exit code 2)."""


class Store:
    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.RLock()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False, timeout=30, isolation_level=None)
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a foi-extract run store ({exc})") from None
        row = self.db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta(key, value) VALUES ('format', ?)", (STORE_FORMAT,))
        elif row[0] != STORE_FORMAT:
            raise StoreError(
                f"{path}: run store format {row[0]}, this foi-extract reads {STORE_FORMAT}"
            )

    def close(self) -> None:
        with self._lock:
            self.db.close()

    # ------------------------------------------------------------------ runs
    def begin_run(
        self,
        cfg_key: str,
        identity: dict[str, Any],
        command: str,
        items: list[Item],
        keys: list[str | None],
    ) -> int:
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                run_id = self._begin(cfg_key, identity, command, items, keys)
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        return run_id

    def _begin(
        self,
        cfg_key: str,
        identity: dict[str, Any],
        command: str,
        items: list[Item],
        keys: list[str | None],
    ) -> int:
        self._mark_dead_runs()
        cur = self.db.execute(
            "INSERT INTO runs(started_at, status, pid, command, config_key, engine, model, prompt_version, "
            "question_set, question_set_hash, version, settings) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                now(),
                "running",
                os.getpid(),
                command,
                cfg_key,
                identity.get("engine"),
                identity.get("model"),
                identity.get("prompt_version"),
                identity.get("question_set"),
                identity.get("question_set_hash"),
                identity.get("version"),
                json.dumps(identity.get("settings") or {}, sort_keys=True),
            ),
        )
        if cur.lastrowid is None:  # pragma: no cover - sqlite3 sets it after every INSERT
            raise RuntimeError("the run store did not number the new run")
        run_id = cur.lastrowid
        self.db.executemany(
            "INSERT INTO run_items(run_id, position, path, sha256, key, skip_reason) VALUES (?,?,?,?,?,?)",
            [
                (run_id, i, it.path, it.sha256, k, it.skip)
                for i, (it, k) in enumerate(zip(items, keys))
            ],
        )
        return run_id

    def _mark_dead_runs(self) -> None:
        for rid, pid in self.db.execute(
            "SELECT id, pid FROM runs WHERE status='running'"
        ).fetchall():
            if pid is None or not _alive(pid) or pid == os.getpid():
                self.db.execute("UPDATE runs SET status='killed' WHERE id=?", (rid,))

    def end_run(self, run_id: int, status: str) -> None:
        with self._lock:
            self.db.execute(
                "UPDATE runs SET status=?, finished_at=? WHERE id=?", (status, now(), run_id)
            )

    def latest_run(self) -> int | None:
        with self._lock:
            row = self.db.execute("SELECT max(id) FROM runs").fetchone()
        return row[0] if row and row[0] is not None else None

    def runs(self) -> list[dict[str, Any]]:
        with self._lock:
            cur = self.db.execute("SELECT * FROM runs ORDER BY id")
            cols = [c[0] for c in cur.description]
            return [dict(zip(cols, r)) for r in cur.fetchall()]

    def run_info(self, run_id: int) -> dict[str, Any]:
        return next(r for r in self.runs() if r["id"] == run_id)

    # ------------------------------------------------------------------ results
    def reusable(self, key: str | None, *, retry_failed: bool = False) -> bool:
        """A finished result under this key that need not be redone."""
        if key is None:
            return False
        with self._lock:
            row = self.db.execute(
                "SELECT outcome, exit_code FROM results WHERE key=?", (key,)
            ).fetchone()
        if row is None:
            return False
        return not (row[0] == FAILED and (retry_failed or row[1] in RETRY_EXIT_CODES))

    def put(self, key: str, outcome: dict[str, Any], run_id: int) -> None:
        """Record one document's outcome, committed at once (a kill loses nothing finished)."""
        with self._lock:
            self.db.execute(
                "INSERT OR REPLACE INTO results(key, sha256, outcome, exit_code, error_code, message, extraction, pages, "
                "mentioned, usage, cost, duration, run_id, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    key,
                    outcome.get("sha256"),
                    outcome["outcome"],
                    outcome.get("exit_code"),
                    outcome.get("error_code"),
                    outcome.get("message"),
                    _pack(outcome["extraction"]) if outcome.get("extraction") is not None else None,
                    _pack(outcome["pages"]) if outcome.get("pages") is not None else None,
                    json.dumps(outcome.get("mentioned") or []),
                    json.dumps(outcome["usage"]) if outcome.get("usage") is not None else None,
                    outcome.get("cost"),
                    outcome.get("duration"),
                    run_id,
                    now(),
                ),
            )

    def result_count(self, run_id: int) -> int:
        """Documents of a run with a recorded result (the progress a kill cannot take away)."""
        with self._lock:
            count: int = self.db.execute(
                "SELECT count(*) FROM run_items i JOIN results r ON r.key = i.key WHERE i.run_id=?",
                (run_id,),
            ).fetchone()[0]
            return count

    def records(self, run_id: int | None = None, *, pages: bool = False) -> list[DocRecord]:
        """Every item of a run, in discovery order, with its result (documents not finished are left out)."""
        from ..models import Exemption, Extraction

        run_id = self.latest_run() if run_id is None else run_id
        if run_id is None:
            return []
        cols = (
            "i.path, i.sha256, i.skip_reason, r.outcome, r.exit_code, r.error_code, r.message, r.extraction, "
            "r.mentioned, r.usage, r.cost, r.duration, r.run_id, "
            + ("r.pages" if pages else "NULL")
        )
        with self._lock:
            rows = self.db.execute(
                f"SELECT {cols} FROM run_items i LEFT JOIN results r ON r.key = i.key WHERE i.run_id=? "
                "ORDER BY i.position",
                (run_id,),
            ).fetchall()
        out = []
        for row in rows:
            path, sha, skip, outcome = row[0], row[1], row[2], row[3]
            if skip is not None:
                out.append(DocRecord(path=path, outcome=SKIPPED, sha256=sha, message=skip))
                continue
            if outcome is None:
                continue
            data = _unpack(row[7])
            extraction = None
            if data is not None:
                data["source"]["path"] = path  # the same bytes may sit at two paths
                extraction = Extraction.model_validate(data)
            out.append(
                DocRecord(
                    path=path,
                    outcome=outcome,
                    sha256=sha,
                    extraction=extraction,
                    exit_code=row[4],
                    error_code=row[5],
                    message=row[6],
                    mentioned=[Exemption.model_validate(e) for e in json.loads(row[8] or "[]")],
                    usage=json.loads(row[9]) if row[9] else None,
                    cost=row[10],
                    duration=row[11],
                    run_id=row[12],
                    cached=row[12] != run_id,
                    pages=_unpack(row[13]) if pages else None,
                )
            )
        return out

    def extracted_counts(self, run_id: int) -> tuple[int, int]:
        """(documents extracted by this run, documents reused from earlier runs)."""
        with self._lock:
            rows = self.db.execute(
                "SELECT r.run_id = i.run_id, count(*) FROM run_items i JOIN results r ON r.key = i.key "
                "WHERE i.run_id=? GROUP BY 1",
                (run_id,),
            ).fetchall()
        got = dict(rows)
        return int(got.get(1, 0)), int(got.get(0, 0))

    def first_failure(self, run_id: int) -> int:
        """The exit code of the run's first failed document in discovery order (0: none failed)."""
        with self._lock:
            row = self.db.execute(
                "SELECT r.exit_code FROM run_items i JOIN results r ON r.key = i.key WHERE i.run_id=? AND r.outcome=? "
                "ORDER BY i.position LIMIT 1",
                (run_id, FAILED),
            ).fetchone()
        return 0 if row is None else int(row[0] or 1)

    def fingerprint(self, run_id: int) -> str:
        """What a run's outputs are made of: each item's path and the exact result it shows."""
        with self._lock:
            rows = self.db.execute(
                "SELECT i.path, i.skip_reason, r.key, r.finished_at FROM run_items i LEFT JOIN results r ON r.key = i.key "
                "WHERE i.run_id=? ORDER BY i.position",
                (run_id,),
            ).fetchall()
        return hashlib.sha256(json.dumps(rows).encode()).hexdigest()

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------------ LLM responses
    def llm_get(self, key: str) -> bytes | None:
        with self._lock:
            row = self.db.execute("SELECT body FROM llm_responses WHERE key=?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def llm_put(self, key: str, body: bytes) -> None:
        with self._lock:
            self.db.execute(
                "INSERT OR REPLACE INTO llm_responses(key, body, created_at) VALUES (?,?,?)",
                (key, body, now()),
            )

    def iter_keys(self) -> Iterator[str]:
        with self._lock:
            rows = self.db.execute("SELECT key FROM results").fetchall()
        return (r[0] for r in rows)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
