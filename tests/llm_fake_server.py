"""A scripted OpenAI-compatible chat endpoint on 127.0.0.1, for injecting transport faults.

Why a real socket rather than a mocked transport: retries, timeouts, Retry-After and resets
are behaviours of the whole HTTP stack (openai → httpx2 → tenacity → instructor), and only a
real server exercises all of it. Each POST /v1/chat/completions takes the next scripted
`Reply`; the request bodies are recorded for the tests to inspect. Loopback only, port 0.

A request with `"stream": true` gets its 200 reply as server-sent events, the way llama.cpp
sends them: headers with the first token (after `delay`), then one event per few characters;
`stall_after=N` stops sending after N pieces and waits for the client to hang up, which the
server records (`disconnects`), as it records how many requests were ever in flight at once.
"""

from __future__ import annotations

import json
import select
import socket
import socketserver
import struct
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

HOST = "127.0.0.1"


@dataclass
class Reply:
    """One scripted answer: an HTTP response, optionally late, or a connection reset."""

    status: int = 200
    body: dict[str, Any] | str | bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a timeout when longer than the client's)
    reset: bool = False  # close the socket with RST instead of answering
    stall_after: int | None = None  # streaming: send this many pieces, then nothing
    token_delay: float = 0.0  # streaming: seconds between pieces


def completion(
    content: str | dict[str, Any],
    *,
    finish_reason: str = "stop",
    prompt_tokens: int = 100,
    completion_tokens: int = 20,
    model: str = "m",
) -> dict[str, Any]:
    """An OpenAI-format chat.completion body whose message content is `content` (dicts become JSON)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {"role": "assistant", "content": text},
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def ok(
    content: str | dict[str, Any],
    *,
    delay: float = 0.0,
    stall_after: int | None = None,
    token_delay: float = 0.0,
    **kw: Any,
) -> Reply:
    """A 200 chat.completion (keyword arguments as for `completion`), optionally late or stalling."""
    return Reply(
        200,
        completion(content, **kw),
        delay=delay,
        stall_after=stall_after,
        token_delay=token_delay,
    )


PIECE = 6  # characters per streamed event: several events for even a short answer


def sse_events(body: dict[str, Any]) -> list[bytes]:
    """A chat.completion as llama.cpp streams it: content pieces, the finish, usage, [DONE]."""
    choice = body["choices"][0]
    text = choice["message"]["content"] or ""
    base = {k: body[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        chunk = base | {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return b"data: " + json.dumps(chunk | extra).encode() + b"\n\n"

    pieces = [text[i : i + PIECE] for i in range(0, len(text), PIECE)]
    events = [event({"role": "assistant", "content": p}) for p in pieces]
    events.append(event({}, choice["finish_reason"]))
    usage = base | {"choices": [], "usage": body["usage"]}
    events.append(b"data: " + json.dumps(usage).encode() + b"\n\n")
    return [*events, b"data: [DONE]\n\n"]


def error(
    status: int, message: str = "scripted failure", headers: dict[str, str] | None = None
) -> Reply:
    """An OpenAI-style error body (no usage: a failed request costs no tokens)."""
    return Reply(
        status,
        {"error": {"message": message, "type": "fake_error", "code": None}},
        dict(headers or {}),
    )


RESET = Reply(reset=True)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False


class FakeLLMServer:
    """Start with `start()`, script with `queue(...)`, inspect `requests`, stop with `stop()`."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []  # parsed JSON bodies, in arrival order
        self.headers: list[dict[str, str]] = []  # request headers, lower-cased names
        self.disconnects: list[tuple[int, float]] = []  # (request number, when) of hang-ups
        self.arrivals: list[float] = []  # when each request arrived (time.monotonic)
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ control
    def queue(self, *replies: Reply) -> FakeLLMServer:
        with self._lock:
            self.replies.extend(replies)
        return self

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """The base_url an OpenAI client needs (…/v1)."""
        return f"http://{HOST}:{self.port}/v1"

    def start(self) -> FakeLLMServer:
        self._server = _Server((HOST, 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-llm-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Idempotent; wakes delayed handlers so teardown never waits for them."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def hung_up(self, count: int, timeout: float = 2.0) -> list[int]:
        """The numbers of the requests whose client hung up, once `count` did (or at `timeout`)."""
        deadline = time.monotonic() + timeout
        while len(self.disconnects) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return [n for n, _ in self.disconnects]

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            self.arrivals.append(time.monotonic())
            if self.replies:
                return self.replies.popleft()
        # 418 is not retried by the client, so a script that ran dry fails the test loudly.
        return error(418, f"fake server: no scripted reply left for request {len(self.requests)}")

    # ------------------------------------------------------------------ HTTP
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._send(error(404, f"unknown path {self.path}"))
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                reply = fake._next(body, {k.lower(): v for k, v in self.headers.items()})
                number = len(fake.requests)
                with fake._lock:
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    self._answer(reply, body, number)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def _answer(self, reply: Reply, body: dict[str, Any], number: int) -> None:
                if reply.delay and fake._stopping.wait(reply.delay):
                    self.close_connection = True
                    return
                if reply.reset:
                    # SO_LINGER 0 makes close() send RST: the client sees a reset, not a clean EOF.
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.close_connection = True
                    return
                if body.get("stream") and reply.status == 200 and isinstance(reply.body, dict):
                    return self._stream(reply, number)
                self._send(reply)

            def _stream(self, reply: Reply, number: int) -> None:
                assert isinstance(reply.body, dict)
                events = sse_events(reply.body)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for i, data in enumerate(events):
                        if reply.stall_after is not None and i >= reply.stall_after:
                            return self._await_hangup(number)
                        self.wfile.write(data)
                        self.wfile.flush()
                        if reply.token_delay and self._hung_up(number, reply.token_delay):
                            return
                except (BrokenPipeError, ConnectionResetError):
                    with fake._lock:
                        fake.disconnects.append((number, time.monotonic()))
                self.close_connection = True

            def _await_hangup(self, number: int) -> None:
                """Send nothing more until the client hangs up (or the server stops)."""
                self.close_connection = True
                while not fake._stopping.is_set() and not self._hung_up(number, 0.05):
                    pass

            def _hung_up(self, number: int, wait: float) -> bool:
                """Wait up to `wait` s, noting if the client closed its end (EOF on our socket)."""
                deadline = time.monotonic() + wait
                while (left := deadline - time.monotonic()) > 0 and not fake._stopping.is_set():
                    ready, _, _ = select.select([self.connection], [], [], min(left, 0.05))
                    if not ready:
                        continue
                    try:
                        gone = self.connection.recv(1, socket.MSG_PEEK) == b""
                    except OSError:
                        gone = True
                    if gone:
                        with fake._lock:
                            fake.disconnects.append((number, time.monotonic()))
                        self.close_connection = True
                        return True
                    time.sleep(min(left, 0.05))  # unread request bytes: not a hang-up
                return fake._stopping.is_set()

            def _send(self, reply: Reply) -> None:
                body = reply.body
                data = (
                    body
                    if isinstance(body, bytes)
                    else (body if isinstance(body, str) else json.dumps(body)).encode()
                )
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("Connection", "close")
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to answer
                self.close_connection = True

        return Handler


@pytest.fixture
def fake_llm() -> Iterator[FakeLLMServer]:
    """A started fake endpoint, always stopped at teardown."""
    server = FakeLLMServer().start()
    try:
        yield server
    finally:
        server.stop()
