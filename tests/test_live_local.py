"""One live run against the real local model (`--engine local`), so every CI run proves the
pipeline against a model, not only against recordings. Marked `live`: `.ci/run` runs it on its
own (≈1–3 min on two cores); the README's test command deselects it."""

from __future__ import annotations

import json
import time

import pytest
from conftest import corpus_path

from foi_extract.cli import main
from foi_extract.load import load

pytestmark = pytest.mark.live


def test_seed_letter_through_the_local_model(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    seed = corpus_path("seed/coventry_foi445227294.txt")
    out = tmp_path / "seed.json"
    started = time.monotonic()
    code = main(
        [
            str(seed),
            "--engine",
            "local",
            "--questions",
            "examples/social_care_software.yaml",
            "-o",
            str(out),
        ]
    )
    wall = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 0, err
    result = json.loads(out.read_text())
    print(f"local engine wall time: {wall:.0f}s, usage {result['engine']['usage']}")
    assert result["engine"]["name"] == "local"
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
