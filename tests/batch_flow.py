"""The `run --batch` scenario, shared by tests/test_batch_api.py (replay) and the recording script.

Three short synthetic replies go through `foi-extract run --batch` (child processes, so the
batch and file ids must survive in the run store between them) against tests/batch_api_server.py:
batch 1 fails its first line (HTTP 500) and gets an invalid answer on its second (a re-ask),
batch 2 expires after its first line, later batches complete. The server's completions come from
`backend_url`: the real local model when recording, the cassette `batch_api` on replay.

    FOI_EXTRACT_RECORD=1 .venv/bin/python scripts/record_cassettes.py batch_api
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from batch_api_server import BatchApiServer
from llm_scenarios import MODEL
from run_helpers import cli

CASSETTE = "batch_api"
MAX_REASKS = 1  # fewer rounds of re-asks, so fewer batches
WAIT = 900  # seconds a collecting run may wait; the replayed server finishes at the second poll
LETTER = """{council} Council
Our ref: FOI-2024-{n:04d}
Date: {day} May 2024

Dear Requester

Freedom of Information Act 2000

1. How many public toilets does the council maintain?
The council maintains {toilets} public toilets.

2. What was spent on cleaning them in 2023?
We do not hold this information.

Yours sincerely
Information Governance
"""
COUNCILS = ("Harrowgate", "Lindale", "Quenby")


@dataclass
class Flow:
    server: BatchApiServer
    docs: list[Path]
    out: Path
    store: Path
    steps: list[subprocess.CompletedProcess[str]] = field(default_factory=list)
    written: list[int] = field(default_factory=list)  # documents in the output after each step


def write_docs(folder: Path, councils: tuple[str, ...] = COUNCILS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, council in enumerate(councils):
        p = folder / f"{council.lower()}.txt"
        p.write_text(LETTER.format(council=council, n=n + 1, day=n + 3, toilets=4 + 3 * n))
        paths.append(p)
    return paths


def flow_env(tmp: Path) -> dict[str, str]:
    """The scenario's environment: its engine settings and a short poll interval."""
    config = tmp / "config.toml"
    config.write_text(f'[llm]\nmax_reasks = {MAX_REASKS}\nscope = "all"\n')  # every question asked
    return {
        "FOI_EXTRACT_CONFIG": str(config),
        "OPENAI_API_KEY": "local",
        "FOI_EXTRACT_BATCH_POLL": "0.2",
    }


def new_flow(tmp: Path, server: BatchApiServer, councils: tuple[str, ...] = COUNCILS) -> Flow:
    docs = write_docs(tmp / "replies", councils)
    return Flow(server, docs, tmp / "out.jsonl", tmp / "store.sqlite")


def step(flow: Flow, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    """One `foi-extract run --batch` process against the flow's (started) server."""
    r = cli(
        "run", str(flow.docs[0].parent), "-o", str(flow.out), "--store", str(flow.store),
        "--engine", "llm", "--model", MODEL, "--base-url", flow.server.base_url,
        "--batch", "--no-progress", *extra, env=env, timeout=WAIT + 120,
    )  # fmt: skip
    flow.steps.append(r)
    text = flow.out.read_text() if flow.out.exists() else ""
    flow.written.append(sum(1 for line in text.splitlines() if line.strip()))
    return r


def run_flow(
    tmp: Path,
    backend_url: str,
    max_rounds: int = 8,
    server: BatchApiServer | None = None,
    councils: tuple[str, ...] = COUNCILS,
) -> Flow:
    """Submit, look once while it runs, then collect and resubmit until nothing is left.

    `server` replaces the scenario's (its faults); the default is the recorded scenario's."""
    env = flow_env(tmp)
    server = server or BatchApiServer(
        backend_url, fail_first=frozenset({1}), corrupt_second=frozenset({1}), expire=frozenset({2})
    )
    flow = new_flow(tmp, server, councils)
    with server:
        step(flow, env)  # submit batch 1
        step(flow, env, "--wait", "0")  # batch 1 is still in progress
        for _ in range(max_rounds):
            r = step(flow, env, "--wait", str(WAIT))
            if r.returncode != 0 or "sent as batch" not in r.stderr:
                break
    return flow
