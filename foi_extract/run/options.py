"""What one `foi-extract run` is asked to do (RunOptions), and the parts of the run's identity
computed from them before anything is extracted (the question set's hash, the number of cores)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError


@dataclass
class RunOptions:
    paths: list[str]
    outputs: list[str] = field(default_factory=list)
    format: str | None = None
    wide: bool = False
    store: str | None = None
    questions: str | None = None
    engine: str = "auto"
    engine_options: dict[str, Any] = field(default_factory=dict)
    load_options: dict[str, Any] = field(
        default_factory=dict
    )  # passed to foi_extract.load.load (part of the key)
    jobs: int = 0  # 0: the number of cores
    llm_concurrency: int = 4
    dry_run: bool = False
    max_cost: float | None = None
    prices: str | None = None
    retry_failed: bool = False
    progress: bool | None = None  # None: on a terminal only
    summary: bool = True
    command: str = ""
    batch_api: bool = False  # run --batch: LLM requests go through the OpenAI Batch API
    batch_wait: float = 0.0  # run --batch --wait: seconds to wait for the outstanding batch
    redact_personal: bool = False  # an output option: the store keeps the text as published


def qset_hash(path: str | None) -> str | None:
    """The question set's ids, texts and types, hashed (comments and layout do not count).

    Read as plain YAML: the file is fully checked (types included) when it is loaded for extraction."""
    if path is None:
        return None
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh.read())
    except FileNotFoundError:
        raise ConfigError(f"{path}: question set not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(questions, list) or not questions:
        raise ConfigError(f"{path}: expected a mapping with a non-empty 'questions' list")
    canon = [
        (str(q.get("id", i)), str(q.get("text")), q.get("type", q.get("schema")))
        if isinstance(q, dict)
        else q
        for i, q in enumerate(questions, 1)
    ]
    return (
        "sha256:"
        + hashlib.sha256(json.dumps(canon, sort_keys=True, default=str).encode()).hexdigest()[:16]
    )


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
