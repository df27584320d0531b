"""The gate a batch's threads share (foi_extract/llm/gate.py): twice the threads build requests
while at most `--llm-concurrency` are in flight. What a user would notice if it were wrong: a
document queued behind others falling back to the rules for a time budget it never used, or a
stopped run still sending what was queued."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from llm_fake_server import FakeLLMServer, fake_llm, ok  # noqa: F401 - fake_llm is a fixture

from foi_extract.llm.client import LLMClient
from foi_extract.llm.config import LLMConfig
from foi_extract.llm.engine import LLMEngine
from foi_extract.llm.gate import Gate, GateClosed
from foi_extract.load import load

LETTER = (
    "Northbridge Council\n\nOur reference: FOI-2024-0413\n\nQuestion 1\n"
    "How many parking wardens do you employ?\n\nResponse\n"
    "The council employed 42 parking wardens in 2023.\n"
)
ANSWER = {"q_1": {"status": "answered", "answer_quote": "42 parking wardens"}}


def test_no_more_holders_than_slots() -> None:
    gate, live, peak, lock = Gate(2), [0], [0], threading.Lock()

    def request() -> None:
        with gate.held():
            with lock:
                live[0] += 1
                peak[0] = max(peak[0], live[0])
            time.sleep(0.05)
            with lock:
                live[0] -= 1

    threads = [threading.Thread(target=request) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert peak[0] == 2


def test_time_waiting_for_a_slot_is_not_taken_from_the_documents_budget(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    path = tmp_path / "letter.txt"
    path.write_text(LETTER, encoding="utf-8")
    gate = Gate(1)
    busy = threading.Event()

    def other_document() -> None:  # holds the one slot for longer than the budget
        with gate.held():
            busy.set()
            time.sleep(1.5)

    holder = threading.Thread(target=other_document)
    holder.start()
    busy.wait(5)
    fake_llm.queue(ok(ANSWER))
    cfg = LLMConfig(model="m", base_url=fake_llm.url, time_budget=1.0, stall_timeout=5, scope="all")
    started = time.monotonic()
    result = LLMEngine(cfg, client=LLMClient(cfg, gate=gate)).run(load(path))
    holder.join(timeout=10)
    assert time.monotonic() - started >= 1.0, "it waited for the slot"
    assert result.engine.fallback is None, [w.message for w in result.warnings]
    assert len(fake_llm.requests) == 1


def test_a_closed_gate_sends_nothing_and_is_no_failure(
    fake_llm: FakeLLMServer, tmp_path: Path
) -> None:
    """A stopping run (--max-cost, Ctrl-C) closes the gate: the waiting request is not sent and
    the document is neither a rules fallback nor a failure (the run leaves it for next time)."""
    path = tmp_path / "letter.txt"
    path.write_text(LETTER, encoding="utf-8")
    gate = Gate(1)
    gate.close()
    fake_llm.queue(ok(ANSWER))
    cfg = LLMConfig(model="m", base_url=fake_llm.url, scope="all")
    with pytest.raises(GateClosed):
        LLMEngine(cfg, client=LLMClient(cfg, gate=gate)).run(load(path))
    assert fake_llm.requests == []
