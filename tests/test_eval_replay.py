"""`foi-extract eval --engine llm --replay fixtures/llm_eval`: the recorded gold set, replayed.

The recordings are the real local model's answers at both scopes (tests/cassettes/README.md).
What a user relies on: the default scope never makes the data worse than the rules alone, every
recording still replays (a stale one would quietly fall back to the rules), and the model is sent
about as many tokens as the reply itself holds, in one request where the reply fits.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import corpus_path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "fixtures" / "gold"
RECORDINGS = ROOT / "fixtures" / "llm_eval"


@pytest.fixture(scope="module")
def columns():
    from foi_extract.evaluate.side_by_side import eval_replay

    corpus_path("seed")  # the gold documents live in ../shared: fails, not skips, under CI
    return eval_replay(GOLD, RECORDINGS)


def test_both_scopes_are_recorded_and_scored_on_the_same_documents(columns) -> None:
    labels = [label for label, _, _ in columns]
    assert labels == ["rules", "llm (review)", "llm (all)"]
    counts = {report.documents for _, report, _ in columns}
    assert len(counts) == 1 and counts.pop() >= 20, "every column scores the same recorded replies"


def test_every_recording_replays_without_falling_back_to_the_rules(columns) -> None:
    for label, report, spend in columns[1:]:
        assert spend is not None and spend.fallbacks == 0, f"{label}: a stale recording"
        assert not report.failed, label


def test_review_scope_is_never_worse_than_the_rules_alone(columns) -> None:
    from foi_extract.evaluate.side_by_side import worse_fields

    rules, review = columns[0][1], columns[1][1]
    assert worse_fields(rules, review) == []


def test_review_scope_sends_fewer_tokens_than_asking_everything(columns) -> None:
    review, every = columns[1][2], columns[2][2]
    assert review is not None and every is not None
    assert review.prompt_tokens < every.prompt_tokens
    assert review.no_request > 0, "replies the rules are sure of are not sent at all"


def test_prompt_tokens_stay_near_the_reply_itself(columns) -> None:
    """Both scopes, every reply: one request where the reply fits the context, and prompt
    tokens <= 1.3 x the reply's own tokens + one fixed prefix (server token counts,
    tokens.yaml; the prefix is what every request of the run repeats: system prompt, few-shot
    turns and, in a run with a question set, the set)."""
    for label, _, spend in columns[1:]:
        assert spend is not None and spend.measured == spend.documents, f"{label}: tokens.yaml"
        assert spend.fits_one_request == spend.fits == spend.documents, label
        assert spend.within_prompt_target == spend.measured, label


def test_the_cli_prints_the_side_by_side_table() -> None:
    corpus_path("seed")
    one = GOLD / "seed_coventry.yaml"  # one gold file: the whole set is scored above
    cmd = [sys.executable, "-m", "foi_extract.cli", "eval", str(one), "--engine", "llm"]
    proc = subprocess.run(
        [*cmd, "--replay", str(RECORDINGS)], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    assert "llm (review)" in proc.stdout and "llm (all)" in proc.stdout
    assert "prompt tokens / document" in proc.stdout
    documents = next(
        line for line in proc.stdout.splitlines() if line.strip().startswith("documents")
    )
    assert documents.split()[1:] == ["1", "1", "1"], "one gold file, scored in every column"
