"""Helpers for the batch-run tests: synthetic replies, a fake LLM that answers any request, output comparison."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from llm_fake_server import FakeLLMServer, Reply, ok

ROOT = Path(__file__).resolve().parents[1]

LETTER = """{council} Council
Our ref: FOI-{year}-{n:04d}
Date: {day} March {year}

Dear Requester

Freedom of Information Act 2000

1. How many libraries does the council run?
The council runs {libraries} libraries.

2. What is the annual cost of the library management system?
The information is exempt under section 43(2) of the Act as its release would prejudice the commercial
interests of the supplier. We have considered the public interest test and concluded that it favours
withholding the information.

3. How many library members do you have?
We do not hold this information.

Yours sincerely
Information Governance
"""

COUNCILS = [
    "Northfield",
    "Southmoor",
    "Eastbridge",
    "Westholme",
    "Ashcombe",
    "Brookhaven",
    "Millbrook",
    "Oakdene",
]


def write_letters(folder: Path, count: int, start: int = 0) -> list[Path]:
    """`count` distinct replies (different bytes, so different cache keys)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in range(start, start + count):
        text = LETTER.format(
            council=COUNCILS[n % len(COUNCILS)],
            year=2020 + n % 5,
            n=n,
            day=1 + n % 27,
            libraries=3 + n,
        )
        p = folder / f"reply_{n:03d}.txt"
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "foi_extract.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


def popen(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "foi_extract.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def store_count(store: Path, sql: str = "SELECT count(*) FROM results") -> int:
    if not store.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute(sql).fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def wait_for(predicate, timeout: float, interval: float = 0.01) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return False


VOLATILE = {"run_id", "duration_s"}


def sqlite_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but `runs`, without run ids and durations: what must not depend on how the run went."""
    db = sqlite3.connect(path)
    try:
        out = {}
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name != 'runs' ORDER BY name"
        ):
            cols = [
                r[1] for r in db.execute(f'PRAGMA table_info("{name}")') if r[1] not in VOLATILE
            ]
            out[name] = db.execute(
                f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{name}" ORDER BY 1'
            ).fetchall()
        return out
    finally:
        db.close()


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------------- a fake LLM for any request
def instance(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """The smallest value valid under a JSON schema (nulls where allowed, required fields only)."""
    root = root or schema
    if "$ref" in schema:
        node: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return instance(node, root)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = schema[key]
            if any(o.get("type") == "null" for o in options):
                return None
            return instance(options[0], root)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    t = schema.get("type")
    if t == "object":
        props = schema.get("properties", {})
        return {k: instance(props[k], root) for k in schema.get("required", []) if k in props}
    return {
        "array": [],
        "string": "",
        "integer": 0,
        "number": 0,
        "boolean": False,
        "null": None,
    }.get(t)


def canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True)


class AutoLLM(FakeLLMServer):
    """Answers every chat request with a valid (minimal) finding per question; can hold request N unanswered."""

    def __init__(self, *, delay: float = 0.0, hold_at: int | None = None) -> None:
        super().__init__()
        self.delay = delay
        self.hold_at = hold_at
        self.held = threading.Event()
        self.release = threading.Event()
        self.answered: list[str] = []  # canonical bodies of requests answered with a 200

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(body)
            n = len(self.requests)
        if self.hold_at is not None and n == self.hold_at:
            self.held.set()
            self.release.wait(30)
            return Reply(reset=True)  # never answered: the client was killed waiting for it
        schema = body["response_format"]["json_schema"]["schema"]
        with self._lock:
            self.answered.append(canonical(body))
        return ok(instance(schema), delay=self.delay)

    def stop(self) -> None:
        self.release.set()
        super().stop()
