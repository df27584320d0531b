"""Write a run's outputs from the store, each atomically, in the format its extension names.

.jsonl          one output-contract object (Extraction) per extracted document
.json           the same objects as one array
.csv            long: one row per document × question (`--wide`: one row per document)
.sqlite / .db   related tables for Datasette (write/sqlite_writer.py)
.html           the review page (report/html.py)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..write.atomic import atomic_text
from ..write.records import DocRecord

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
