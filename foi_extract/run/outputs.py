"""Write a run's outputs from the store, each atomically, in the format its extension names.

.jsonl          one output-contract object (Extraction) per extracted document
.json           the same objects as one array
.csv            long: one row per document × question (`--wide`: one row per document)
.sqlite / .db   related tables for Datasette (write/sqlite_writer.py)
.html           the review page (report/html.py)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import ConfigError
from ..write.atomic import atomic_text
from ..write.records import DocRecord

if TYPE_CHECKING:
    from .store import Store

BY_EXTENSION = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".db": "sqlite",
    ".html": "html",
    ".htm": "html",
}
RUN_FORMATS = ("jsonl", "json", "csv", "sqlite", "html")


def format_for(path: str, explicit: str | None = None) -> str:
    if explicit:
        if explicit not in RUN_FORMATS:
            raise ConfigError(f"--format {explicit}: run writes {', '.join(RUN_FORMATS)}")
        return explicit
    fmt = BY_EXTENSION.get(Path(path).suffix.lower())
    if fmt is None:
        raise ConfigError(
            f"{path}: cannot tell the format from the extension; use .jsonl, .json, .csv, .sqlite or "
            ".html, or --format"
        )
    return fmt


def needs_pages(formats: Sequence[str]) -> bool:
    return any(f in ("sqlite", "html") for f in formats)


def write_output(
    path: str,
    fmt: str,
    records: Sequence[DocRecord],
    *,
    runs: Sequence[dict[str, Any]] = (),
    wide: bool = False,
    question_ids: Sequence[str] | None = None,
    title: str | None = None,
) -> None:
    """Write one output of `records` as they are (a caller that redacts does it once, before)."""
    if fmt == "sqlite":
        from ..write.sqlite_writer import write_sqlite

        write_sqlite(records, path, runs)
        return
    with atomic_text(path) as out:
        if fmt == "jsonl":
            for rec in records:
                if rec.extraction is not None:
                    out.write(
                        json.dumps(rec.extraction.model_dump(mode="json"), ensure_ascii=False)
                        + "\n"
                    )
        elif fmt == "json":
            json.dump(
                [r.extraction.model_dump(mode="json") for r in records if r.extraction is not None],
                out,
                ensure_ascii=False,
                indent=2,
            )
            out.write("\n")
        elif fmt == "csv":
            from ..write.csv_writer import write_long, write_wide

            if wide:
                write_wide(records, out, question_ids)
            else:
                write_long(records, out)
        elif fmt == "html":
            from ..report import build_report

            out.write(build_report(records, title))
        else:  # pragma: no cover - format_for guards this
            raise ConfigError(f"unknown format {fmt}")


def write_run_outputs(
    store: Store,
    run_id: int,
    targets: Sequence[tuple[str, str]],
    *,
    wide: bool = False,
    redact: bool = False,
    question_ids: list[str] | None = None,
    title: str | None = None,
) -> list[DocRecord] | None:
    """Every (path, format) target from the store, atomically; one whose content would not change is
    left as it is. The records read, or None when every target was up to date."""
    fp = store.fingerprint(run_id)
    records = None
    written: list[DocRecord] = []
    for path, fmt in targets:
        sig = hashlib.sha256(
            json.dumps([fp, fmt, wide, question_ids, title, __version__, redact]).encode()
        ).hexdigest()
        meta_key = "output:" + os.path.abspath(path)
        prev = json.loads(store.get_meta(meta_key) or "null")
        if prev and prev.get("sig") == sig and _same_file(path, prev):
            continue
        if records is None:
            records = store.records(run_id, pages=redact or needs_pages([f for _, f in targets]))
            written = records
            if redact:
                from ..redact import redact_record

                written = [redact_record(r) for r in records]
        used = {r.run_id for r in records}
        write_output(
            path,
            fmt,
            written,
            runs=[r for r in store.runs() if r["id"] in used],
            wide=wide,
            question_ids=question_ids,
            title=title,
        )
        st = os.stat(path)
        store.set_meta(
            meta_key, json.dumps({"sig": sig, "size": st.st_size, "mtime_ns": st.st_mtime_ns})
        )
    return records


def _same_file(path: str, prev: dict[str, Any]) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    return st.st_size == prev.get("size") and st.st_mtime_ns == prev.get("mtime_ns")
