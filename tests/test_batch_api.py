"""`foi-extract run --batch`: the OpenAI Batch API end to end, on recorded answers of the real model.

tests/batch_flow.py drives child `foi-extract run --batch` processes against the loopback Files +
Batches server (tests/batch_api_server.py), whose completions replay from the cassette
`batch_api` (recorded from the local model). The assertions are about protocol steps and
grounded results, not the model's words, so a re-recording keeps them true.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from batch_api_server import NOT_JSON, BatchApiServer
from batch_flow import (
    CASSETTE,
    COUNCILS,
    MAX_REASKS,
    WAIT,
    Flow,
    flow_env,
    new_flow,
    run_flow,
    step,
    write_docs,
)
from cassettes import vcr_for
from llm_scenarios import MODEL, REPLAY_URL
from run_helpers import cli

from foi_extract import extract
from foi_extract.llm.config import load_config
from foi_extract.llm.engine import LLMEngine
from foi_extract.load import load


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Flow:
    with vcr_for(CASSETTE):
        return run_flow(tmp_path_factory.mktemp("batch"), REPLAY_URL)


def batch_state(store: Path) -> dict[str, Any]:
    db = sqlite3.connect(store)
    try:
        (value,) = db.execute("SELECT value FROM meta WHERE key LIKE 'batch_api:%'").fetchone()
    finally:
        db.close()
    return json.loads(value)


def results(out: Path) -> dict[str, dict[str, Any]]:
    if not out.exists():
        return {}
    rows = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    return {Path(r["source"]["path"]).stem: r for r in rows}


def council_of(body: dict[str, Any]) -> str:
    """The reply a request is about: its council's name is in the user message."""
    text = " ".join(m["content"] for m in body["messages"] if m["role"] == "user")
    return next(c for c in COUNCILS if c in text)


def test_the_replay_reached_the_model_for_every_line(flow: Flow) -> None:
    assert flow.server.backend_errors == [], "a batch line had no recorded answer: re-record"
    bodies = [json.dumps(b, sort_keys=True) for b in flow.server.backend_bodies]
    assert len(bodies) == len(set(bodies)), "a request was sent to the model twice"


def test_first_run_uploads_creates_and_exits(flow: Flow) -> None:
    first = flow.steps[0]
    assert first.returncode == 0, first.stderr
    assert (
        "sent as batch batch_001" in first.stderr and "run the same command again" in first.stderr
    )
    assert flow.server.calls[:2] == [("POST", "/v1/files"), ("POST", "/v1/batches")]
    upload = flow.server.files["file-001"]
    assert upload["purpose"] == "batch"
    batch = flow.server.batches["batch_001"]
    assert (batch["endpoint"], batch["completion_window"]) == ("/v1/chat/completions", "24h")
    lines = flow.server.input_lines("batch_001")
    assert len(lines) == len(COUNCILS)  # one request per short reply, all in one file
    assert [x["custom_id"] for x in lines] == sorted(x["custom_id"] for x in lines)
    for line in lines:
        assert re.fullmatch(r"[0-9a-f]{64}", line["custom_id"])
        assert (line["method"], line["url"]) == ("POST", "/v1/chat/completions")
        assert line["body"]["model"] == MODEL and "stream" not in line["body"]
    assert {council_of(x["body"]) for x in lines} == set(COUNCILS)


def test_nothing_is_written_while_the_batch_runs(flow: Flow) -> None:
    looking = flow.steps[1]
    assert looking.returncode == 0, looking.stderr
    assert "batch batch_001 is in_progress" in looking.stderr
    assert flow.written[:2] == [0, 0]
    assert flow.written[2:] == sorted(flow.written[2:])  # each collected batch adds documents
    assert flow.written[-1] == len(COUNCILS)


def test_a_failed_line_is_asked_again_in_the_next_batch(flow: Flow) -> None:
    collected = flow.steps[2].stderr
    assert "batch batch_001 completed: 2 of 3 requests answered" in collected
    assert "1 request(s) got no answer (HTTP 500" in collected and "asked again" in collected
    failed = flow.server.input_lines("batch_001")[0]["custom_id"]
    assert failed in {x["custom_id"] for x in flow.server.input_lines("batch_002")}


def test_an_invalid_answer_is_re_asked_in_a_follow_up_batch(flow: Flow) -> None:
    corrupted = flow.server.input_lines("batch_001")[1]["body"]
    reasks = [
        x["body"]
        for x in flow.server.input_lines("batch_002")
        if any(m["role"] == "assistant" and m["content"] == NOT_JSON for m in x["body"]["messages"])
    ]
    assert len(reasks) == 1
    assert reasks[0]["messages"][: len(corrupted["messages"])] == corrupted["messages"]


def test_an_expired_batch_keeps_its_answers_and_requeues_the_rest(flow: Flow) -> None:
    assert flow.server.batches["batch_002"]["status"] == "expired"
    collected = flow.steps[3].stderr
    lines = flow.server.input_lines("batch_002")
    assert f"batch batch_002 expired: 1 of {len(lines)} requests answered" in collected
    assert "batch_expired" in collected and "sent as batch batch_003" in collected
    expired = {x["custom_id"] for x in lines[1:]}  # all but the first line
    assert expired <= {x["custom_id"] for x in flow.server.input_lines("batch_003")}


def test_every_reply_ends_written_and_grounded(flow: Flow) -> None:
    last = flow.steps[-1]
    assert last.returncode == 0, last.stderr
    assert "sent as batch" not in last.stderr
    got = results(flow.out)
    assert sorted(got) == sorted(c.lower() for c in COUNCILS)
    for stem, ex in got.items():
        assert ex["engine"]["name"] == "llm" and ex["engine"].get("fallback") is None, stem
        pages = load(flow.docs[0].parent / f"{stem}.txt").pages
        statuses = {q["id"]: q["status"] for q in ex["questions"]}
        assert statuses.get("2") == "not_held", (
            stem,
            statuses,
        )  # "We do not hold this information."
        for q in ex["questions"]:
            for s in q["evidence"]:
                assert pages[s["page"] - 1][s["start"] : s["end"]] == s["text"], (stem, q["id"])


def test_batch_ids_survive_in_the_run_store(flow: Flow) -> None:
    state = batch_state(flow.store)
    assert state["current"] is None
    done = state["done"]
    assert [b["batch_id"] for b in done] == sorted(flow.server.batches)
    assert [b["status"] for b in done[:2]] == ["completed", "expired"]
    for b in done:
        batch = flow.server.batches[b["batch_id"]]
        assert b["input_file_id"] == batch["input_file_id"]
        assert (b["output_file_id"], b["error_file_id"]) == (
            batch["output_file_id"],
            batch["error_file_id"],
        )
    # each collecting process polled the batch the previous process had created
    polls = [p for m, p in flow.server.calls if m == "GET" and p.startswith("/v1/batches/")]
    assert {p.rsplit("/", 1)[1] for p in polls} == set(flow.server.batches)


def test_results_equal_the_synchronous_engine_on_the_same_recordings(flow: Flow) -> None:
    """Replies whose answers were not tampered with read the same as `--engine llm` without --batch."""
    corrupted = council_of(flow.server.input_lines("batch_001")[1]["body"])
    engine = LLMEngine(
        load_config(
            {"model": MODEL, "base_url": REPLAY_URL, "api_key": "local", "max_reasks": MAX_REASKS},
            env={},
        )
    )
    got = results(flow.out)
    compared = 0
    with vcr_for(CASSETTE):
        for doc in flow.docs:
            if corrupted.lower() == doc.stem:
                continue
            sync = extract(doc, engine=engine).model_dump(mode="json")
            batch = got[doc.stem]
            for part in ("questions", "exemptions", "warnings", "review"):
                assert batch[part] == sync[part], (doc.stem, part)
            compared += 1
    assert compared == len(COUNCILS) - 1


def test_batch_needs_the_llm_engine(tmp_path: Path) -> None:
    write_docs(tmp_path / "r")
    r = cli("run", str(tmp_path / "r"), "-o", str(tmp_path / "o.jsonl"), "--batch", "-e", "rules")
    assert r.returncode == 2 and "--batch" in r.stderr and "--engine llm" in r.stderr


def test_wait_goes_with_batch(tmp_path: Path) -> None:
    write_docs(tmp_path / "r")
    r = cli("run", str(tmp_path / "r"), "-o", str(tmp_path / "o.jsonl"), "--wait", "5")
    assert r.returncode == 2 and "--wait" in r.stderr


def test_an_unreachable_batch_endpoint_is_one_line_and_exit_20(tmp_path: Path) -> None:
    write_docs(tmp_path / "r")
    (tmp_path / "none.toml").write_text('[llm]\nscope = "all"\n')
    r = cli(
        "run", str(tmp_path / "r"), "-o", str(tmp_path / "o.jsonl"), "--batch", "--no-progress",
        "--engine", "llm", "--model", MODEL, "--base-url", "http://127.0.0.1:9/v1",
        env={"OPENAI_API_KEY": "local", "FOI_EXTRACT_CONFIG": str(tmp_path / "none.toml")},
    )  # fmt: skip
    errors = [line for line in r.stderr.splitlines() if line.startswith("foi-extract: ")]
    assert r.returncode == 20, r.stderr
    assert any("uploading the requests or creating the batch failed" in e for e in errors)


def test_batch_bodies_are_never_streamed() -> None:
    """A streaming engine's request goes into the batch file as a whole-completion request."""
    from foi_extract.llm.batch_api import Pending

    pending = Pending()
    body = {"model": MODEL, "messages": [], "stream": True, "stream_options": {"x": 1}}
    pending.add("k" * 64, json.dumps(body).encode())
    (line,) = [json.loads(x) for x in pending.jsonl().decode().splitlines()]
    assert line["body"] == {"model": MODEL, "messages": []}
    assert (line["custom_id"], line["url"]) == ("k" * 64, "/v1/chat/completions")


def test_a_request_never_answered_ends_in_the_rules_fallback(tmp_path: Path) -> None:
    """Every line fails, batch after batch: after MAX_FAILURES batches the reply keeps the rules
    result with the llm_fallback warning, and no further batch is sent (the loop ends)."""
    from foi_extract.run.batch_jobs import MAX_FAILURES

    server = BatchApiServer(REPLAY_URL, fail_all=True)  # the model is never asked
    flow = run_flow(tmp_path, REPLAY_URL, server=server, councils=COUNCILS[:1])
    assert server.backend_bodies == []
    assert len(server.batches) == MAX_FAILURES
    ids = {tuple(x["custom_id"] for x in server.input_lines(b)) for b in server.batches}
    assert len(ids) == 1  # the same request each time
    last = flow.steps[-1]
    assert last.returncode == 0, last.stderr
    assert f"went unanswered in {MAX_FAILURES} batches" in last.stderr
    (ex,) = results(flow.out).values()
    assert ex["engine"]["fallback"] == "rules"
    (warning,) = [w for w in ex["warnings"] if w["code"] == "llm_fallback"]
    assert f"Batch API gave no answer in {MAX_FAILURES} batches" in warning["message"]
    assert batch_state(flow.store)["current"] is None


def test_a_deferred_document_asks_every_chunk_in_the_same_batch(tmp_path: Path) -> None:
    """One question per request: both requests are collected in one go, not one per batch."""
    import threading

    import httpx2 as httpx

    from foi_extract.llm.batch_api import Deferred, Pending
    from foi_extract.llm.client import LLMClient
    from foi_extract.run.batch_jobs import DeferringTransport
    from foi_extract.run.llm_threads import Counter
    from foi_extract.run.store import Store

    (doc,) = write_docs(tmp_path / "r", COUNCILS[:1])
    store, pending = Store(str(tmp_path / "s.sqlite")), Pending()
    transport = DeferringTransport(
        httpx.HTTPTransport(), store, Counter(), threading.Lock(), pending, {}
    )
    cfg = load_config(
        {
            "model": MODEL,
            "base_url": REPLAY_URL,
            "api_key": "local",
            "max_questions": 1,
            "scope": "all",
        },
        env={},
    )
    engine = LLMEngine(cfg, client=LLMClient(cfg, http_client=httpx.Client(transport=transport)))
    try:
        with pytest.raises(Deferred) as later:
            engine.run(load(doc))
    finally:
        store.close()
    assert len(later.value.keys) == 2  # one request per question of the reply
    assert sorted(later.value.keys) == sorted(pending.bodies)


def expensive(tmp: Path) -> Path:
    """A price table that makes the recorded model cost $100 per million tokens (full price)."""
    prices = tmp / "prices.yaml"
    prices.write_text(f"models:\n  {MODEL}: {{input: 100, cached_input: 100, output: 100}}\n")
    return prices


def test_batch_prices_are_the_tables_batch_fraction(tmp_path: Path) -> None:
    from foi_extract.errors import ConfigError
    from foi_extract.run.cost import load_prices, price_for

    table = load_prices(str(expensive(tmp_path)), env={})
    assert table["batch"] == 0.5  # the packaged table: the Batch API is half price
    assert price_for(MODEL, table, batch=True) == {"input": 50, "cached_input": 50, "output": 50}
    assert price_for("gpt-4o-mini", table, batch=True)["output"] == 0.30
    bad = tmp_path / "bad.yaml"
    bad.write_text("batch: 2\nmodels: {}\n")
    with pytest.raises(ConfigError, match="'batch' must be a fraction"):
        load_prices(str(bad), env={})


def test_max_cost_refuses_a_first_batch_over_the_limit(tmp_path: Path) -> None:
    """Three requests estimated at the batch price exceed $0.01: nothing is uploaded, exit 4."""
    server = BatchApiServer(REPLAY_URL)  # never asked to answer: no batch is created
    flow = new_flow(tmp_path, server)
    with server:
        r = step(
            flow, flow_env(tmp_path), "--prices", str(expensive(tmp_path)), "--max-cost", "0.01"
        )
    assert r.returncode == 4, r.stderr
    assert "3 request(s) for 3 document(s)" in r.stderr and "not sent" in r.stderr
    assert "stopped at --max-cost 0.01" in r.stderr
    assert server.calls == [] and server.batches == {}
    assert flow.written == [0]


def test_batch_spend_counts_against_max_cost(tmp_path: Path) -> None:
    """Batch 1 (recorded answers) costs more than a small --max-cost: the follow-up batch is not
    sent, the document it answered is written, exit 4; a higher limit goes on."""
    server = BatchApiServer(REPLAY_URL, fail_first=frozenset({1}), corrupt_second=frozenset({1}))
    flow = new_flow(tmp_path, server)
    env, prices = flow_env(tmp_path), str(expensive(tmp_path))
    with vcr_for(CASSETTE), server:
        first = step(flow, env, "--prices", prices, "--max-cost", "5")
        assert first.returncode == 0 and "sent as batch batch_001" in first.stderr, first.stderr
        stopped = step(flow, env, "--wait", str(WAIT), "--prices", prices, "--max-cost", "0.05")
        # nothing new is uploaded while over the limit, whatever the run is asked again
        again = step(flow, env, "--prices", prices, "--max-cost", "0.05")
        goes_on = step(flow, env, "--prices", prices, "--max-cost", "5")
    assert server.backend_errors == [], "a batch line had no recorded answer: re-record"
    (answered,) = server.backend_bodies  # batch 1: one line failed, one answer was corrupted
    state = batch_state(flow.store)
    spent = state["done"][0]["usage"]
    assert spent["prompt_tokens"] > 0 and spent["completion_tokens"] > 0
    # $100 per million at the batch price (half): what batch 1's one real answer cost
    cost = (spent["prompt_tokens"] + spent["completion_tokens"]) * 50 / 1e6
    assert cost > 0.05
    for r in (stopped, again):
        assert r.returncode == 4, r.stderr
        assert f"has cost ${cost:.4f} in 1 batch(es)" in r.stderr and "not sent" in r.stderr
        assert "stopped at --max-cost 0.05: finished documents are kept" in r.stderr
    assert flow.written[1:3] == [1, 1]  # the reply batch 1 answered is kept and written
    (row,) = results(flow.out).values()
    assert council_of(answered).lower() == Path(row["source"]["path"]).stem
    assert row["engine"]["name"] == "llm" and row["engine"].get("fallback") is None
    assert goes_on.returncode == 0 and "sent as batch batch_002" in goes_on.stderr, goes_on.stderr
    assert sorted(server.batches) == ["batch_001", "batch_002"]
    db = sqlite3.connect(flow.store)
    try:
        (doc_cost,) = db.execute("SELECT cost FROM results WHERE outcome != 'failed'").fetchone()
    finally:
        db.close()
    assert doc_cost == pytest.approx(cost, rel=0.01)  # the document's cost is at the batch price
