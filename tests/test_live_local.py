"""One live run against the real local model (`--engine local`), so every CI run proves the
pipeline against a model, not only against recordings. Marked `live`: `.ci/run` runs it on its
own (≈1–3 min on two idle cores); the README's test command deselects it.

It cannot hang: the run streams (a stalled request is closed and retried, a document has a
time budget), and this test runs it as a child process with an outer bound of its own."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import corpus_path

from foi_extract.load import load

pytestmark = pytest.mark.live

OUTER_BOUND = 1800  # seconds; the run's own budgets end it well before on any working machine


def test_seed_letter_through_the_local_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed = corpus_path("seed/coventry_foi445227294.txt")
    out = tmp_path / "seed.json"
    cmd = [sys.executable, "-m", "foi_extract.cli", str(seed), "--engine", "local"]
    cmd += ["--questions", "examples/social_care_software.yaml", "-o", str(out)]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _, err = proc.communicate(timeout=OUTER_BOUND)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the model server exits when its parent's pipe closes
        _, err = proc.communicate(timeout=30)
        pytest.fail(
            f"the live --engine local run did not finish within {OUTER_BOUND} s and was killed; "
            f"its stderr ended: {err[-800:]!r}",
            pytrace=False,
        )
    wall = time.monotonic() - started
    assert proc.returncode == 0, err
    result = json.loads(out.read_text())
    print(f"local engine wall time: {wall:.0f}s, usage {result['engine']['usage']}")
    assert result["engine"]["name"] == "local"
    assert result["engine"].get("fallback") is None, result["warnings"]  # the model answered
    assert [q["id"] for q in result["questions"]] == [str(i) for i in range(1, 9)]
    pages = load(seed).pages
    for q in result["questions"]:
        for span in (
            q["evidence"]
            + q["value_evidence"]
            + [s for e in q["exemptions"] for s in e["evidence"]]
        ):
            assert pages[span["page"] - 1][span["start"] : span["end"]] == span["text"]
        if q["value"] is not None:
            assert q["value_evidence"], f"question {q['id']}: a value without evidence"
        for e in q["exemptions"]:
            assert (e["law"], e["section"]) == ("FOIA", "21"), "the only ground this letter cites"
    statuses = {q["id"]: q["status"] for q in result["questions"]}
    assert statuses["3"] == statuses["4"] == "published_elsewhere"
