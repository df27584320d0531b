"""`foi-extract eval --engine llm --replay DIR`: score the LLM engine from recorded answers.

A recording folder holds `settings.yaml` (the LLM settings the recordings were made with, so
request bodies match), one cassette per gold document and `tokens.yaml` (the server's token
counts of each document and of the fixed prompt prefix). DIR is one such folder, or a folder of
them, one per `--llm-scope` (fixtures/llm_eval/review, fixtures/llm_eval/all). Only documents
recorded in every folder are scored, and the rules engine is scored on the same documents, so
the columns compare like with like. Replaying needs vcrpy (the `[dev]` extra); recording uses
scripts/record_cassettes.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError

SETTINGS = "settings.yaml"
TOKENS = "tokens.yaml"
_SCOPE_ORDER = ("review", "all")


def recording_dirs(directory: str | Path) -> list[tuple[str, Path]]:
    """(label, folder) per recording folder in DIR: DIR itself, or its subfolders by scope."""
    root = Path(directory)
    if (root / SETTINGS).exists():
        return [(str(load_settings(root).get("scope", "llm")), root)]
    found = sorted(
        (p for p in root.iterdir() if (p / SETTINGS).exists()) if root.is_dir() else [],
        key=lambda p: (_SCOPE_ORDER.index(p.name) if p.name in _SCOPE_ORDER else 9, p.name),
    )
    if not found:
        raise ConfigError(
            f"{root}: no replay settings (record with scripts/record_cassettes.py --gold)"
        )
    return [(str(load_settings(p).get("scope", p.name)), p) for p in found]


def load_token_counts(directory: str | Path) -> dict[str, Any]:
    """tokens.yaml: {"prefix_tokens": n, "documents": {cassette name: {"document": n,
    "questions": n, "question_set": n}}}; {} when absent."""
    path = Path(directory) / TOKENS
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else {}


def cassette_name(document: str | Path) -> str:
    """A stable file name per gold document."""
    return re.sub(r"[^A-Za-z0-9]+", "_", Path(document).stem).strip("_")[:80] + ".yaml"


def load_settings(directory: str | Path) -> dict[str, Any]:
    path = Path(directory) / SETTINGS
    if not path.exists():
        raise ConfigError(
            f"{path}: no replay settings (record with scripts/record_cassettes.py --gold)"
        )
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def json_body(r1: Any, r2: Any) -> None:
    """vcr matcher: the same JSON body, whatever the key order or whitespace."""

    def parse(body: Any) -> Any:
        raw = body.decode("utf-8") if isinstance(body, bytes) else body
        try:
            return json.loads(raw) if raw else raw
        except (TypeError, ValueError):
            return raw

    assert parse(r1.body) == parse(r2.body), "request bodies differ"


def make_vcr(directory: str | Path, mode: str = "none") -> Any:
    try:
        import vcr
    except ImportError:
        raise ConfigError("replaying recordings needs vcrpy: pip install -e '.[dev]'") from None
    v = vcr.VCR(
        cassette_library_dir=str(directory),
        serializer="yaml",
        record_mode=mode,
        match_on=["method", "path", "json_body"],
        filter_headers=["authorization", "user-agent"],
        decode_compressed_response=True,
    )
    v.register_matcher("json_body", json_body)
    return v


def has_cassette(directory: str | Path, document: str | Path) -> bool:
    return (Path(directory) / cassette_name(document)).exists()


def replaying(
    directory: str | Path,
    engine: Any,
    mode: str = "none",
    usage: list[tuple[str, dict[str, Any]]] | None = None,
) -> Callable[..., Any]:
    """An extract function that answers each document's LLM requests from its cassette.

    With `usage`, each document's (cassette name, engine usage) is appended to it."""
    from .. import extract

    recorder = make_vcr(directory, mode)

    def fn(path: str, engine: Any = engine, questions: str | None = None) -> Any:
        with recorder.use_cassette(cassette_name(path)):
            result = extract(path, engine=engine, questions=questions)
        if usage is not None:
            row = dict(result.engine.usage or {})
            row["fallback"] = int(result.engine.fallback is not None)
            usage.append((cassette_name(path), row))
        return result

    return fn
