"""`foi-extract run` with the LLM engine, against a fake OpenAI-compatible server on loopback:
no repeated call after kill -9, concurrency bounded by --llm-concurrency, --max-cost, --dry-run,
failed documents' tokens counted and retried on the next run."""

from __future__ import annotations

import collections
import json
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from llm_fake_server import error
from run_helpers import AutoLLM, cli, csv_rows, popen, sqlite_tables, store_count, write_letters

MODEL = "gpt-4o-mini"


@pytest.fixture
def llm() -> Iterator[AutoLLM]:
    server = AutoLLM().start()
    try:
        yield server
    finally:
        server.stop()


def _args(server: AutoLLM, *rest: str) -> list[str]:
    return [
        "run",
        "--engine",
        "llm",
        "--model",
        MODEL,
        "--base-url",
        server.url,
        "--no-progress",
        "--llm-scope",
        "all",  # the synthetic letters are clear to the rules: review scope would ask nothing
        *rest,
    ]


def _results_by_run(store: Path) -> dict[int, int]:
    return dict(
        sqlite3.connect(store)
        .execute("SELECT run_id, count(*) FROM results GROUP BY run_id")
        .fetchall()
    )


def test_kill_9_mid_request_then_rerun_asks_nothing_twice(tmp_path: Path) -> None:
    corpus = tmp_path / "replies"
    write_letters(corpus, 8)
    ref_server = AutoLLM().start()
    try:
        ref = cli(
            *_args(
                ref_server,
                str(corpus),
                "-o",
                f"{tmp_path}/ref.sqlite",
                "-o",
                f"{tmp_path}/ref.csv",
                "--llm-concurrency",
                "1",
            )
        )
        assert ref.returncode == 0, ref.stderr
        total = len(ref_server.answered)
    finally:
        ref_server.stop()
    assert total >= 8

    server = AutoLLM(
        hold_at=5
    ).start()  # request 5 is never answered: the run is killed waiting for it
    try:
        args = _args(
            server,
            str(corpus),
            "-o",
            f"{tmp_path}/out.sqlite",
            "-o",
            f"{tmp_path}/out.csv",
            "--llm-concurrency",
            "1",
        )
        proc = popen(*args)
        try:
            assert server.held.wait(60), "the run never reached request 5"
            os.kill(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        server.release.set()
        assert len(server.answered) == 4
        store = tmp_path / "out.foi.sqlite"
        kept = store_count(store, "SELECT count(*) FROM llm_responses")
        assert kept == 4, "every answered request was kept"
        again = cli(*args)
        assert again.returncode == 0, again.stderr
    finally:
        server.stop()
    twice = [b for b, n in collections.Counter(server.answered).items() if n > 1]
    assert not twice, "an answered LLM request was sent again after the kill"
    assert len(server.answered) == total, (
        "the killed run and its resume together asked exactly what one run asks"
    )
    assert sqlite_tables(tmp_path / "out.sqlite") == sqlite_tables(tmp_path / "ref.sqlite")
    assert (tmp_path / "out.csv").read_bytes() == (tmp_path / "ref.csv").read_bytes()
    # and an unchanged re-run asks nothing at all
    idle = AutoLLM().start()
    try:
        r = cli(
            "run",
            "--engine",
            "llm",
            "--model",
            MODEL,
            "--base-url",
            idle.url,
            "--no-progress",
            str(corpus),
            "-o",
            f"{tmp_path}/out.sqlite",
            "-o",
            f"{tmp_path}/out.csv",
            "--llm-concurrency",
            "1",
        )
        assert r.returncode == 0 and idle.requests == []
    finally:
        idle.stop()


def test_requests_run_concurrently_up_to_the_limit(tmp_path: Path) -> None:
    corpus = tmp_path / "replies"
    write_letters(corpus, 8)
    server = AutoLLM(delay=0.4).start()
    live, peak, lock = [0], [0], threading.Lock()
    original = server._next

    def counting(body, headers):  # type: ignore[no-untyped-def]
        with lock:
            live[0] += 1
            peak[0] = max(peak[0], live[0])
        try:
            return original(body, headers)
        finally:
            # the reply's delay happens after _next returns; approximate by holding the count a little
            threading.Timer(0.35, _dec, args=(live, lock)).start()

    server._next = counting  # type: ignore[method-assign]
    try:
        r = cli(*_args(server, str(corpus), "-o", f"{tmp_path}/o.jsonl", "--llm-concurrency", "3"))
        assert r.returncode == 0, r.stderr
    finally:
        server.stop()
    assert 2 <= peak[0] <= 3, peak[0]
    lines = (tmp_path / "o.jsonl").read_text().splitlines()
    assert len(lines) == 8
    usage = json.loads(lines[0])["engine"]["usage"]
    assert usage["requests"] >= 1 and usage["prompt_tokens"] == 100 * usage["requests"]


def _dec(live: list[int], lock: threading.Lock) -> None:
    with lock:
        live[0] -= 1


def test_ctrl_c_sends_nothing_more_and_the_next_run_asks_each_document_once(
    tmp_path: Path,
) -> None:
    """Twice --llm-concurrency documents are prepared; after Ctrl-C only the requests already
    in flight finish: the ones waiting for a slot are not sent, and their documents are left,
    not failed, for the same command to finish."""
    corpus = tmp_path / "replies"
    write_letters(corpus, 8)
    out = tmp_path / "out.jsonl"
    server = AutoLLM(delay=1.5).start()
    try:
        args = _args(server, str(corpus), "-o", str(out), "--llm-concurrency", "2", "--jobs", "1")
        proc = popen(*args)
        deadline = time.monotonic() + 60
        while len(server.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(server.requests) == 2, "two requests in flight"
        time.sleep(0.5)  # the next two documents are built and wait for a slot
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert len(server.requests) == 2, "nothing sent after Ctrl-C"
        assert store_count(tmp_path / "out.foi.sqlite") == 2
        again = cli(*args)
        assert again.returncode == 0, again.stderr
    finally:
        server.stop()
    assert len(out.read_text().splitlines()) == 8
    assert len(server.requests) == 8, "each document asked once across the two runs"


def test_max_cost_stops_cleanly_and_the_next_run_goes_on(tmp_path: Path, llm: AutoLLM) -> None:
    corpus = tmp_path / "replies"
    write_letters(corpus, 6)
    prices = tmp_path / "prices.yaml"
    prices.write_text(
        "models:\n  gpt-4o-mini: {input: 1000000, output: 0}\n"
    )  # $1 a prompt token: $100 a request
    out = tmp_path / "out.csv"
    r = cli(
        *_args(
            llm,
            str(corpus),
            "-o",
            str(out),
            "--prices",
            str(prices),
            "--max-cost",
            "150",
            "--llm-concurrency",
            "1",
        )
    )
    assert r.returncode == 4, r.stderr
    assert "stopped at --max-cost" in r.stderr
    store = tmp_path / "out.foi.sqlite"
    done = store_count(store)
    assert 2 <= done <= 3, done
    assert len({row["path"] for row in csv_rows(out)}) == done, "finished documents are written"
    assert "$" in r.stdout and "cost" in r.stdout
    r = cli(
        *_args(llm, str(corpus), "-o", str(out), "--prices", str(prices), "--llm-concurrency", "1")
    )
    assert r.returncode == 0 and store_count(store) == 6
    # the money spent is in the outputs: every document's cost
    costs = sqlite3.connect(store).execute("SELECT cost FROM results").fetchall()
    assert all(c[0] and c[0] >= 100 for c in costs)


def test_max_cost_needs_a_price(tmp_path: Path, llm: AutoLLM) -> None:
    write_letters(tmp_path / "r", 1)
    r = cli(
        "run",
        "--engine",
        "llm",
        "--model",
        "my-own-model",
        "--base-url",
        llm.url,
        str(tmp_path / "r"),
        "-o",
        str(tmp_path / "o.csv"),
        "--max-cost",
        "1",
    )
    assert r.returncode == 2 and "no price" in r.stderr


def test_dry_run_estimates_without_calling_the_model(tmp_path: Path, llm: AutoLLM) -> None:
    corpus = tmp_path / "replies"
    write_letters(corpus, 3)
    (corpus / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    r = cli(*_args(llm, str(corpus), "-o", str(tmp_path / "o.csv"), "--dry-run"))
    assert r.returncode == 0, r.stderr
    assert llm.requests == [], "a dry run sends nothing"
    assert not (tmp_path / "o.foi.sqlite").exists() and not (tmp_path / "o.csv").exists()
    assert (
        "documents: 3" in r.stdout and "3 to extract" in r.stdout and "skipped files: 1" in r.stdout
    )
    assert "estimated cost: $" in r.stdout and "prompt tokens:" in r.stdout
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("pages:"))
    prompt = int(line.split("prompt tokens:")[1].split()[0].replace(",", ""))
    assert (
        prompt > 300 * 3
    )  # system prompt, examples and the letter, for each of 3 requests at least


def test_dry_run_counts_the_requests_the_run_then_sends(tmp_path: Path, llm: AutoLLM) -> None:
    """The estimate follows --llm-scope: at review nothing is asked of these clear letters."""
    corpus = tmp_path / "replies"
    write_letters(corpus, 3)

    def planned(*scope: str) -> int:
        args = _args(llm, str(corpus), "-o", str(tmp_path / "o.csv"), "--dry-run")
        r = cli(
            *(args[: args.index("--llm-scope")] + args[args.index("--llm-scope") + 2 :]), *scope
        )
        assert r.returncode == 0, r.stderr
        line = next(ln for ln in r.stdout.splitlines() if ln.startswith("pages:"))
        return int(line.split("LLM requests:")[1].split()[0])

    assert planned("--llm-scope", "review") == 0
    expected = planned("--llm-scope", "all")
    assert expected >= 3 and llm.requests == []
    r = cli(*_args(llm, str(corpus), "-o", str(tmp_path / "o.csv")))
    assert r.returncode == 0, r.stderr
    assert len(llm.requests) == expected


def test_a_failed_llm_document_keeps_its_tokens_and_is_retried(
    tmp_path: Path, llm: AutoLLM
) -> None:
    """With --strict an LLM failure fails its document (exit 20); without it the rules result is kept."""
    corpus = tmp_path / "replies"
    write_letters(corpus, 2)
    calls = [0]
    original = llm._next

    def failing_first(body, headers):  # type: ignore[no-untyped-def]
        calls[0] += 1
        if calls[0] == 1:
            llm.requests.append(body)
            return error(400, "bad request from the fake server")
        return original(body, headers)

    llm._next = failing_first  # type: ignore[method-assign]
    out = tmp_path / "out.csv"
    r = cli(*_args(llm, str(corpus), "-o", str(out), "--llm-concurrency", "1", "--strict"))
    assert r.returncode == 20, r.stderr
    errors = [row for row in csv_rows(out) if row["row"] == "error"]
    assert len(errors) == 1 and errors[0]["exit_code"] == "20"
    store = tmp_path / "out.foi.sqlite"
    usage = json.loads(
        sqlite3.connect(store)
        .execute("SELECT usage FROM results WHERE outcome='failed'")
        .fetchone()[0]
    )
    assert usage["requests"] == 1, "the failed attempt is counted"
    r = cli(*_args(llm, str(corpus), "-o", str(out), "--llm-concurrency", "1", "--strict"))
    assert r.returncode == 0, "an LLM failure is retried on the next run"
    assert _results_by_run(store) == {1: 1, 2: 1}
    assert not [row for row in csv_rows(out) if row["row"] == "error"]


def test_prices_table(tmp_path: Path) -> None:
    from foi_extract.errors import ConfigError
    from foi_extract.run.cost import cost_of, load_prices, price_for

    table = load_prices(env={})
    assert price_for("gpt-4o-mini-2024-07-18", table) == table["models"]["gpt-4o-mini"]
    assert price_for("gpt-4o", table)["input"] == 2.5 and price_for("unknown", table) is None
    assert (
        cost_of({"prompt_tokens": 1_000_000, "completion_tokens": 0}, {"input": 2.0, "output": 8.0})
        == 2.0
    )
    assert (
        cost_of(
            {"prompt_tokens": 1_000_000, "cached_tokens": 500_000, "completion_tokens": 1_000_000},
            {"input": 2.0, "cached_input": 0.5, "output": 8.0},
        )
        == 9.25
    )
    assert cost_of({"prompt_tokens": 10}, None) is None and cost_of(None, None) == 0.0
    override = tmp_path / "p.yaml"
    override.write_text("models:\n  my-model: {input: 1, output: 2}\n")
    assert price_for("my-model", load_prices(str(override), env={})) == {"input": 1, "output": 2}
    assert price_for("my-model", load_prices(env={"FOI_EXTRACT_PRICES": str(override)})) is not None
    override.write_text("models:\n  bad: {input: 1}\n")
    with pytest.raises(ConfigError):
        load_prices(str(override), env={})


def test_replayed_responses_cost_nothing(tmp_path: Path) -> None:
    import httpx2 as httpx

    from foi_extract.run.llm_threads import CachingTransport, Counter
    from foi_extract.run.store import Store

    store = Store(str(tmp_path / "s.foi.sqlite"))
    body = json.dumps({"usage": {"prompt_tokens": 7, "completion_tokens": 3}}).encode()
    sent = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, content=body)

    counter = Counter()
    t = CachingTransport(httpx.MockTransport(handler), store, counter, threading.Lock())
    for _ in range(3):
        r = t.handle_request(
            httpx.Request("POST", "http://127.0.0.1:1/v1/chat/completions", content=b'{"a": 1}')
        )
        assert r.read() == body
    # another port (the local server's changes every run): same request, same answer
    t.handle_request(
        httpx.Request("POST", "http://127.0.0.1:2/v1/chat/completions", content=b'{"a": 1}')
    )
    assert len(sent) == 1 and counter.sent == 1 and counter.replayed == 3
    assert counter.prompt_tokens == 7 and counter.completion_tokens == 3
    store.close()


class _ServerOnLoopback:
    """Stands in for llama.cpp's server: `--engine local` gets the fake endpoint's URL."""

    url = ""
    started = stopped = 0

    def __init__(self, model: object, threads: int = 2, **_: object) -> None:
        self.base_url = _ServerOnLoopback.url

    def start(self) -> _ServerOnLoopback:
        _ServerOnLoopback.started += 1
        return self

    def stop(self) -> None:
        _ServerOnLoopback.stopped += 1


def test_engine_local_through_run_starts_its_server_once(
    tmp_path: Path, llm: AutoLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run --engine local`: one model server for the whole batch, stopped at the end; rows say
    `local`; the unchanged re-run asks nothing. (The real model runs in tests/test_live_local.py.)"""
    from foi_extract.cli import main
    from foi_extract.llm import local_server

    for name, value in (("url", llm.url), ("started", 0), ("stopped", 0)):
        monkeypatch.setattr(_ServerOnLoopback, name, value)
    monkeypatch.setattr(local_server, "LocalServer", _ServerOnLoopback)
    monkeypatch.setattr(local_server, "fetch_model", lambda *a, **k: tmp_path / "model.gguf")
    corpus = tmp_path / "replies"
    write_letters(corpus, 3)
    out = tmp_path / "out.jsonl"
    args = [
        "run",
        str(corpus),
        "--engine",
        "local",
        "--llm-concurrency",
        "2",
        "--no-progress",
        "--llm-scope",
        "all",
    ]
    assert main([*args, "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 3 and {r["engine"]["name"] for r in rows} == {"local"}
    assert (_ServerOnLoopback.started, _ServerOnLoopback.stopped) == (1, 1)
    asked = len(llm.requests)
    assert asked >= 3
    assert main([*args, "-o", str(out)]) == 0
    assert len(llm.requests) == asked, "an unchanged re-run asks the local model nothing"


def test_rules_pass_in_worker_processes_gives_the_same_outputs(tmp_path: Path) -> None:
    """With more documents than --jobs, each LLM document is loaded and given its rules pass in a
    worker process (run/hints_pool.py) while the threads wait on the model: the outputs, a file
    that cannot be read included, are byte for byte those of --jobs 1, where the run does it all."""
    corpus = tmp_path / "replies"
    write_letters(corpus, 6)
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really a pdf\n")
    outputs = {}
    for jobs in ("1", "2"):
        server = AutoLLM().start()
        out = tmp_path / f"jobs{jobs}"
        out.mkdir()
        try:
            r = cli(
                *_args(server, str(corpus), "--jobs", jobs, "--llm-concurrency", "3"),
                *("-o", str(out / "o.jsonl"), "-o", str(out / "o.csv")),
            )
        finally:
            server.stop()
        assert r.returncode == 12, r.stderr  # a document failed: the truncated PDF
        assert "broken.pdf" in r.stderr
        assert len(server.requests) == 6
        outputs[jobs] = [(out / name).read_bytes() for name in ("o.jsonl", "o.csv")]
    assert outputs["1"] == outputs["2"]
    rows = csv_rows(tmp_path / "jobs2" / "o.csv")
    failed = [r for r in rows if r["path"].endswith("broken.pdf")]
    assert len(failed) == 1 and failed[0]["error"], failed
