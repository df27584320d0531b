"""The OpenAI Batch API: chat requests uploaded as one JSONL file, answered within 24 h at half price.

Protocol only (Files `purpose=batch`, `POST /v1/batches`, polling, output and error files), over
the openai client's `files` and `batches` resources. Which requests to send and what the answers
mean is the run's business (foi_extract/run/batch_jobs.py); this module never sees a document.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import FoiExtractError

ENDPOINT = "/v1/chat/completions"
WINDOW = "24h"
ACTIVE = frozenset({"validating", "in_progress", "finalizing", "cancelling"})
POLL_START = 2.0  # seconds before the first re-poll; doubles up to POLL_CAP
POLL_CAP = 60.0


class Deferred(BaseException):
    """Requests left for the Batch API instead of being sent now.

    A BaseException, so no retry, re-ask or fallback on the way up (tenacity, instructor, the
    openai client, the engine's `except Exception`) mistakes "not answered yet" for a failure."""

    def __init__(self, keys: list[str]) -> None:
        super().__init__(f"{len(keys)} request(s) left for the Batch API")
        self.keys = keys


class BatchApiError(FoiExtractError):
    """The endpoint refused or broke a Batch API step; the run store keeps the ids to try again."""

    exit_code = 20
    code = "batch_api"


@dataclass
class Pending:
    """Requests not answered yet, by request key (the run store's cache key, sent as custom_id)."""

    bodies: dict[str, bytes] = field(default_factory=dict)

    def add(self, key: str, body: bytes) -> None:
        self.bodies.setdefault(key, body)

    def jsonl(self) -> bytes:
        """One line per request, sorted by key: the same requests always make the same file."""
        lines = []
        for key in sorted(self.bodies):
            body = json.loads(self.bodies[key])
            body.pop("stream", None)  # the Batch API answers whole completions only
            body.pop("stream_options", None)
            lines.append(
                json.dumps(
                    {"custom_id": key, "method": "POST", "url": ENDPOINT, "body": body},
                    separators=(",", ":"),
                )
            )
        return ("\n".join(lines) + "\n").encode()


@dataclass
class Outcome:
    """What a finished batch gave: 200 bodies by key, and why each other request got none."""

    status: str
    answered: dict[str, bytes] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def submit(client: Any, pending: Pending, *, description: str) -> dict[str, Any]:
    """Upload the requests file and create the batch; the ids to keep in the run store."""
    try:
        upload = client.files.create(file=("requests.jsonl", pending.jsonl()), purpose="batch")
        batch = client.batches.create(
            input_file_id=upload.id,
            endpoint=ENDPOINT,
            completion_window=WINDOW,
            metadata={"description": description[:500]},
        )
    except Exception as exc:
        raise _error("uploading the requests or creating the batch", exc) from None
    return {
        "batch_id": batch.id,
        "input_file_id": upload.id,
        "requests": len(pending.bodies),
        "status": batch.status,
        "created_at": batch.created_at,
    }


def poll(
    client: Any,
    batch_id: str,
    *,
    wait: float,
    sleep: Callable[[float], None] = time.sleep,
    interval: float = POLL_START,
) -> Any:
    """The batch, re-read until it is no longer active or `wait` seconds have passed (at least once)."""
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        try:
            batch = client.batches.retrieve(batch_id)
        except Exception as exc:
            raise _error(f"reading batch {batch_id}", exc) from None
        left = deadline - time.monotonic()
        if batch.status not in ACTIVE or left <= 0:
            return batch
        sleep(min(interval, left))
        interval = min(POLL_CAP, interval * 2)


def collect(client: Any, batch: Any, keys: list[str]) -> Outcome:
    """Read the output and error files of a finished batch; every key sent but not answered is failed.

    An expired or cancelled batch keeps the answers it finished (OpenAI bills and returns them) and
    the rest come back as failed (`batch_expired`, `batch_cancelled`), like a failed line."""
    out = Outcome(status=batch.status)
    for file_id in (batch.output_file_id, batch.error_file_id):
        if not file_id:
            continue
        try:
            text = client.files.content(file_id).read().decode("utf-8", "replace")
        except Exception as exc:
            raise _error(f"downloading file {file_id} of batch {batch.id}", exc) from None
        for line in text.splitlines():
            if line.strip():
                _read_line(line, out)
    why = {
        "failed": f"the batch failed: {_batch_errors(batch)}",
        "expired": "batch_expired: not run within the 24 h window",
        "cancelled": "batch_cancelled",
    }.get(batch.status, "no answer in the output or error file")
    for key in keys:
        if key not in out.answered and key not in out.failed:
            out.failed[key] = why
    return out


def _read_line(line: str, out: Outcome) -> None:
    try:
        row = json.loads(line)
        key = str(row["custom_id"])
    except (ValueError, KeyError, TypeError):
        return  # not one of ours; its request is counted as unanswered below
    response: Mapping[str, Any] = row.get("response") or {}
    error: Mapping[str, Any] = row.get("error") or {}
    if response.get("status_code") == 200 and isinstance(response.get("body"), dict):
        out.answered[key] = json.dumps(response["body"]).encode()
        return
    if error:
        out.failed[key] = f"{error.get('code') or 'error'}: {error.get('message') or ''}".strip()
        return
    body = response.get("body") if isinstance(response.get("body"), dict) else {}
    message = (body.get("error") or {}).get("message", "") if isinstance(body, dict) else ""
    out.failed[key] = f"HTTP {response.get('status_code')}: {message}".strip()


def _batch_errors(batch: Any) -> str:
    data = getattr(getattr(batch, "errors", None), "data", None) or []
    return "; ".join(f"{e.code}: {e.message}" for e in data[:3]) or "no reason given"


def _error(step: str, exc: BaseException) -> BatchApiError:
    text = " ".join(str(exc).split())[:200]
    return BatchApiError("Batch API", f"{step} failed ({type(exc).__name__}: {text})")
