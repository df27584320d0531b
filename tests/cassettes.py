"""Cassettes: recorded answers of a real model, replayed offline, never holding a secret.

Why this module: every test that replays a model must agree on where cassettes live, how a
request is matched (method, path, body: never host or port, which change with each run of the
local server), what is scrubbed before anything reaches disk, and that a missing cassette is a
failure (a skipped replay test would let CI go green while testing nothing).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import vcr
from vcr.cassette import Cassette
from vcr.request import Request

from foi_extract.evaluate.replay import json_body

CASSETTE_DIR = Path(__file__).resolve().parent / "cassettes"
README = CASSETTE_DIR / "README.md"
RECORD_ENV = "FOI_EXTRACT_RECORD"

# Exact names for vcr's filter_headers; the prefix and pattern rules are in the hooks below.
FILTER_HEADERS = [
    "authorization",
    "api-key",
    "openai-organization",
    "openai-project",
    "user-agent",
    "cookie",
    "set-cookie",
]
_DROP_PREFIXES = ("x-stainless-",)
_SECRET_NAME = re.compile(r"key|token|secret|auth|cookie|organization|project", re.I)

SECRET_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"(?<![A-Za-z0-9])sk-proj-[A-Za-z0-9_-]{16,}",
        r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{16,}",
        r"Bearer\s+[A-Za-z0-9._-]{16,}",
        r"(?i)api[_-]?key[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9_-]{16,}",
        r"(?<![A-Za-z0-9])org-[A-Za-z0-9]{20,}",
        r"(?<![A-Za-z0-9])proj_[A-Za-z0-9]{20,}",
        r"(?<![A-Za-z0-9])AKIA[0-9A-Z]{16}",
        r"(?i)(?:token|secret|password)[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9+/_-]{20,}={0,2}",
    )
)


def find_secrets(text: str) -> list[str]:
    """Key-like strings in `text`, in order of appearance, each once; [] means clean."""
    hits: list[tuple[int, str]] = []
    for pattern in SECRET_PATTERNS:
        hits.extend((m.start(), m.group(0)) for m in pattern.finditer(text))
    return list(dict.fromkeys(text for _, text in sorted(hits)))


def scan_dir(directory: str | Path) -> dict[str, list[str]]:
    """{file: findings} for every file under `directory` that holds something key-like."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in Path(directory).rglob("*") if p.is_file()):
        hits = find_secrets(path.read_text(encoding="utf-8", errors="replace"))
        if hits:
            found[str(path)] = hits
    return found


def record_mode(env: dict[str, str] | None = None) -> str:
    """'once' only when FOI_EXTRACT_RECORD=1 and not in CI; CI always replays ('none')."""
    env = dict(os.environ) if env is None else env
    if env.get("CI") == "true" or env.get(RECORD_ENV) != "1":
        return "none"
    return "once"


def _scrub_request(request: Request) -> Request:
    """Drop every x-stainless-* header and anything named like a credential (vcr has copied it)."""
    for name in list(request.headers):
        lower = name.lower()
        if lower.startswith(_DROP_PREFIXES) or _SECRET_NAME.search(lower):
            del request.headers[name]
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """Drop set-cookie and any header named like a key or token (vcr passes a deep copy)."""
    headers = response.get("headers") or {}
    for name in list(headers):
        if _SECRET_NAME.search(name) or name.lower().startswith(_DROP_PREFIXES):
            del headers[name]
    return response


def make_vcr(directory: str | Path | None = None, mode: str | None = None) -> vcr.VCR:
    """The project's one VCR configuration (see tests/cassettes/README.md)."""
    v = vcr.VCR(
        cassette_library_dir=str(directory or CASSETTE_DIR),
        serializer="yaml",
        record_mode=mode or record_mode(),
        match_on=["method", "path", "json_body"],
        filter_headers=FILTER_HEADERS,
        filter_query_parameters=["key", "api_key", "api-key"],
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    v.register_matcher("json_body", json_body)
    return v


def cassette_path(name: str, directory: str | Path | None = None) -> Path:
    return Path(directory or CASSETTE_DIR) / (name if name.endswith(".yaml") else f"{name}.yaml")


@contextmanager
def vcr_for(
    name: str, directory: str | Path | None = None, mode: str | None = None
) -> Iterator[Cassette]:
    """Use cassette `name`; a missing one fails the test (never skips) unless recording."""
    path = cassette_path(name, directory)
    mode = mode or record_mode()
    if mode == "none" and not path.exists():
        why = "CI=true replays only" if os.environ.get("CI") == "true" else f"{RECORD_ENV} is not 1"
        pytest.fail(
            f"cassette {path} is missing ({why}). Record it against the local model with "
            f"`{RECORD_ENV}=1 .venv/bin/python scripts/record_cassettes.py` and commit it; "
            f"see tests/cassettes/README.md",
            pytrace=False,
        )
    with make_vcr(directory, mode).use_cassette(path.name) as cassette:
        yield cassette
