"""Bench (d): the LLM engine in a batch against a loopback server that answers after a fixed latency.

Why: with a remote model a batch is bound by round trips, so `--llm-concurrency C` should bring
N documents close to the ideal ceil(N/C) x latency; an unchanged re-run should ask nothing; and a
run killed with SIGKILL should, when repeated, ask again only what was in flight.

The server is an OpenAI-compatible endpoint on 127.0.0.1 (port 0). It answers every chat request
after `--latency` seconds with a completion recorded from the real local model (a cassette under
tests/cassettes), picked by the question ids the request's schema asks for, so the answers
validate as a real model's would. It logs each request and each delivered answer with the
document it is for (every copy of the letter carries its own "Bench copy NNN" line).

    python bench/bench_llm.py [-n 64] [--latency 0.5] [--concurrency 1 4 16] [--target 1.15] [--check]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml
from common import cli_command, timed

ROOT = Path(__file__).resolve().parents[1]
CASSETTE = ROOT / "tests" / "cassettes" / "us_cbp_runon.yaml"
LETTER = (
    ROOT.parent
    / "shared"
    / "corpus"
    / "LogicPearlHQ__rag-vs-pag"
    / "muckrock_17598_United_States_Customs_and_Border_Protect.txt"
)
MODEL = "qwen2.5-coder-1.5b-instruct"  # the recorded model: its answers, its name
MARK = re.compile(r"Bench copy (\d{3})")


def recorded(cassette: Path) -> dict[tuple[str, ...], bytes]:
    """The cassette's completions, keyed by the question ids (schema properties) each answered."""
    out: dict[tuple[str, ...], bytes] = {}
    for it in yaml.safe_load(cassette.read_text(encoding="utf-8"))["interactions"]:
        schema = json.loads(it["request"]["body"])["response_format"]["json_schema"]["schema"]
        out[tuple(sorted(schema["properties"]))] = it["response"]["body"]["string"].encode()
    return out


class Loopback(ThreadingHTTPServer):
    """Answers after `latency` seconds; `events` is the log: (seconds, document, what)."""

    daemon_threads = True

    def __init__(self, answers: dict[tuple[str, ...], bytes], latency: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers, self.latency = answers, latency
        self.events: list[tuple[float, str, str]] = []
        self.lock = threading.Lock()

    def note(self, doc: str, what: str) -> None:
        with self.lock:
            self.events.append((time.monotonic(), doc, what))

    def count(self, what: str) -> int:
        with self.lock:
            return sum(1 for _, _, w in self.events if w == what)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client killed mid-request resets its connection, as the bench intends."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Loopback

    def setup(self) -> None:
        """TCP_NODELAY, as HTTP servers set it: without it the body, written after the headers,
        waits for the client's delayed ACK (~40 ms a response on Linux), a delay no real endpoint
        adds to its latency."""
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        body: dict[str, Any] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        found = MARK.search(json.dumps(body["messages"]))
        doc = found.group(1) if found else "?"
        self.server.note(doc, "request")
        time.sleep(self.server.latency)
        schema = body.get("response_format", {}).get("json_schema", {}).get("schema", {})
        answer = self.server.answers.get(tuple(sorted(schema.get("properties", {}))))
        status = 200 if answer else 500
        payload = answer or b'{"error": {"message": "no recorded answer for these questions"}}'
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.server.note(doc, "answered" if answer else "unanswerable")
        except OSError:  # the client was killed while waiting
            self.server.note(doc, "lost")

    def log_message(self, *args: object) -> None:
        """Quiet: the bench prints its own figures."""


def write_copies(letter: Path, folder: Path, n: int) -> None:
    """`n` copies of the letter, each with its own closing line (different bytes, different cache keys)."""
    folder.mkdir(parents=True)
    text = letter.read_text(encoding="utf-8").rstrip("\n")
    for i in range(n):
        (folder / f"copy_{i:03d}.txt").write_text(
            f"{text}\n\nBench copy {i:03d}\n", encoding="utf-8"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=64, help="documents (default 64)")
    ap.add_argument("--latency", type=float, default=0.5, help="server latency, seconds")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument(
        "--target", type=float, default=1.15, help="max wall/ideal at the top concurrency"
    )
    ap.add_argument("--rerun-target", type=float, default=0.05, help="max re-run/first-run wall")
    ap.add_argument("--letter", type=Path, default=LETTER, help="the letter the cassette recorded")
    ap.add_argument("--cassette", type=Path, default=CASSETTE)
    ap.add_argument("--timeout", type=float, default=300, help="seconds allowed per run")
    ap.add_argument("--check", action="store_true", help="exit 1 when a figure misses its target")
    args = ap.parse_args(argv)
    if not args.letter.exists():
        print(f"bench_llm: no letter at {args.letter} (the cassette's document)", file=sys.stderr)
        return 2
    server = Loopback(recorded(args.cassette), args.latency)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = Path(tempfile.mkdtemp(prefix="foi-bench-llm-"))
    # every question asked (--llm-scope all: the letter has nothing for review) and whole
    # completions, as the cassette was recorded: the bench measures concurrency, not streaming
    config = tmp / "bench.toml"
    config.write_text('[llm]\nscope = "all"\nstream = false\n')
    env = {**os.environ, "OPENAI_API_KEY": "local", "FOI_EXTRACT_CONFIG": str(config)}
    failures: list[str] = []
    try:
        docs = tmp / "replies"
        write_copies(args.letter, docs, args.n)

        def command(c: int, out: Path) -> list[str]:
            return cli_command() + [
                "run", str(docs), "--engine", "llm", "--model", MODEL, "--base-url", server.url,
                "--llm-mode", "json_schema", "--llm-concurrency", str(c),
                "--no-progress", "--quiet", "-o", str(out / "out.jsonl"), "-o", str(out / "out.csv"),
            ]  # fmt: skip

        print(
            f"N = {args.n} documents, latency {args.latency * 1000:.0f} ms, cassette {args.cassette.name}"
        )
        for c in args.concurrency:
            failures += one_concurrency(server, command, tmp, c, args, env)
        failures += kill_and_resume(server, command, tmp, args, env)
    finally:
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print(f"FAIL: {f}")
    print("all targets met" if not failures else f"{len(failures)} target(s) missed")
    return 1 if (args.check and failures) else 0


def one_concurrency(
    server: Loopback, command: Any, tmp: Path, c: int, args: Any, env: dict[str, str]
) -> list[str]:
    """A first run at concurrency `c` from an empty store, then the same command again."""
    out = tmp / f"c{c}"
    out.mkdir()
    before, started = len(server.events), time.monotonic()
    wall, cpu = timed(command(c, out), env, timeout=args.timeout)
    events = server.events[before:]
    calls = sum(1 for _, _, w in events if w == "request")
    ideal = math.ceil(args.n / c) * args.latency * max(1, round(calls / args.n))
    span = events[-1][0] - events[0][0]  # the batch: first request to last answer
    before = len(server.events)
    re_wall, re_cpu = timed(command(c, out), env, timeout=args.timeout)
    re_calls = len(server.events) - before
    print(
        f"--llm-concurrency {c:>2}: {calls} calls, ideal {ideal:5.2f} s; batch (first request to "
        f"last answer) {span:6.2f} s = {span / ideal:.2f}x ideal; whole command {wall:6.2f} s = "
        f"{wall / ideal:.2f}x (CPU {cpu:5.2f} s; {events[0][0] - started:4.2f} s to the first request)"
        f"\n    unchanged re-run: {re_wall:5.2f} s (CPU {re_cpu:4.2f} s), {re_calls} calls, "
        f"{re_wall / wall:.1%} of the first run",
        flush=True,
    )
    problems = []
    if c == max(args.concurrency) and span / ideal > args.target:
        problems.append(
            f"concurrency {c}: the batch took {span / ideal:.2f}x ideal > {args.target}"
        )
    if re_calls:
        problems.append(f"concurrency {c}: the unchanged re-run made {re_calls} calls")
    if c == min(args.concurrency) and re_wall / wall > args.rerun_target:
        problems.append(f"re-run {re_wall / wall:.1%} of the first run > {args.rerun_target:.0%}")
    return problems


def kill_and_resume(
    server: Loopback, command: Any, tmp: Path, args: Any, env: dict[str, str]
) -> list[str]:
    """SIGKILL a run once half the answers are delivered, run it again; compare with an uninterrupted run."""
    c = 4 if 4 in args.concurrency else args.concurrency[0]
    reference, out = tmp / f"c{c}", tmp / "killed"
    out.mkdir()
    start = len(server.events)
    proc = subprocess.Popen(
        command(c, out),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + args.timeout
    while (
        True
    ):  # half answered, a request in flight, and no answer younger than 0.1 s (being stored)
        events = server.events[start:]
        done = [t for t, _, w in events if w == "answered"]
        in_flight = {d for _, d, w in events if w == "request"} - {
            d for _, d, w in events if w == "answered"
        }
        if len(done) >= args.n // 2 and in_flight and time.monotonic() - done[-1] > 0.1:
            break
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            return ["kill-and-resume: the run ended or stalled before half its answers"]
        time.sleep(0.01)
    killed_at = time.monotonic()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    timed(command(c, out), env, timeout=args.timeout)
    events = server.events[start:]
    requested = Counter(d for _, d, w in events if w == "request")
    asked_again = sorted(d for d, k in requested.items() if k > 1)
    # an answer delivered in the last 0.1 s may not be stored yet: asking it again is no fault
    stored = {d for t, d, w in events if w == "answered" and t < killed_at - 0.1}
    late = sorted(set(asked_again) - stored)
    same = all(
        (out / name).read_bytes() == (reference / name).read_bytes()
        for name in ("out.csv", "out.jsonl")
    )
    print(
        f"SIGKILL at {args.n // 2} answers, same command again: {len(requested)} documents asked, "
        f"{len(asked_again)} of them twice ({len(late)} in flight or answered < 0.1 s before the "
        f"kill); CSV and JSONL {'equal' if same else 'DIFFER from'} an uninterrupted run's"
    )
    problems = []
    if set(asked_again) & stored:
        problems.append(
            f"kill-and-resume: answered, then asked again: {sorted(set(asked_again) & stored)}"
        )
    if not same:
        problems.append("kill-and-resume: outputs differ from an uninterrupted run")
    return problems


if __name__ == "__main__":
    sys.exit(main())
