"""The LLM engine in a batch: documents run in threads, at most `--llm-concurrency` at a time.

A document's time is the model's latency, not our CPU, so threads are the right tool; each
thread has its own `LLMEngine` (its own client and usage counter, so each document's tokens are
its own, failed attempts included) over one shared configuration. For `--engine local` the one
model server is started once and every thread talks to it.

Every 200 response is kept in the run store, keyed by the request (path and body; never the
key or the host). A request the store has already answered is replayed, not sent: after a kill,
the document that was half-way through its requests costs nothing for the half it had done.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx

from ..llm.gate import Gate, GateClosed
from .hints_pool import HintsPool
from .store import Store
from .worker import EngineSpec

NOT_SENT = "not_sent"  # the run stopped first: not stored, left for the next run


@dataclass
class Counter:
    """Requests and tokens this run really sent (replays excluded): what the run spent."""

    sent: int = 0
    replayed: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0

    def add_usage(self, body: bytes) -> None:
        usage = _usage_of(body)
        self.prompt_tokens += int(usage.get("prompt_tokens") or 0)
        self.completion_tokens += int(usage.get("completion_tokens") or 0)
        details = usage.get("prompt_tokens_details") or {}
        self.cached_tokens += (
            int(details.get("cached_tokens") or 0) if isinstance(details, dict) else 0
        )


def _usage_of(body: bytes) -> dict[str, Any]:
    """The usage object of a JSON reply, or of a streamed one (its last event that has one)."""
    if body.lstrip().startswith(b"data:"):
        for line in reversed(body.splitlines()):
            if line.startswith(b"data: {") and b'"usage"' in line:
                body = line[len(b"data: ") :]
                break
    try:
        usage = json.loads(body).get("usage")
    except (ValueError, AttributeError):
        return {}
    return usage if isinstance(usage, dict) else {}


class _Tee(httpx.SyncByteStream):
    """Pass a streamed reply through as it arrives; store it only once it arrived whole."""

    def __init__(self, response: httpx.Response, done: Callable[[bytes], None]) -> None:
        self.response, self.done = response, done
        self.stored = False

    def __iter__(self) -> Iterator[bytes]:
        parts: list[bytes] = []
        for part in self.response.iter_raw():
            parts.append(part)
            if b"".join(parts[-2:]).rstrip().endswith(b"data: [DONE]"):
                self._store(parts)  # the reader stops at [DONE] and may never come back
            yield part
        self._store(parts)

    def _store(self, parts: list[bytes]) -> None:
        if not self.stored:
            self.stored = True
            self.done(b"".join(parts))

    def close(self) -> None:
        self.response.close()  # a stream abandoned half-way closes the connection: nothing stored


def request_key(request: httpx.Request, body: bytes) -> str:
    return hashlib.sha256(
        request.method.encode() + b" " + request.url.path.encode() + b"\n" + body
    ).hexdigest()


class CachingTransport(httpx.BaseTransport):
    def __init__(
        self,
        inner: httpx.BaseTransport,
        store: Store | None,
        counter: Counter,
        lock: threading.Lock,
    ) -> None:
        self.inner = inner
        self.store = store
        self.counter = counter
        self.lock = lock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        key = request_key(request, body)
        cached = self.store.llm_get(key) if self.store is not None else None
        if cached is not None:
            with self.lock:
                self.counter.replayed += 1
            streamed = cached.lstrip().startswith(b"data:")
            kind = "text/event-stream" if streamed else "application/json"
            return httpx.Response(
                200, headers={"content-type": kind}, content=cached, request=request
            )
        with self.lock:
            self.counter.sent += 1
        response = self.inner.handle_request(request)
        if response.status_code != 200:
            return response

        def done(content: bytes) -> None:
            with self.lock:
                self.counter.add_usage(content)
            if self.store is not None:
                self.store.llm_put(key, content)

        if "event-stream" not in response.headers.get("content-type", ""):
            done(response.read())
            return response
        return httpx.Response(
            200,
            headers=response.headers,
            stream=_Tee(response, done),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self.inner.close()


class ThreadEngines:
    """One LLMEngine per thread over a shared configuration and the shared run store."""

    def __init__(self, spec: EngineSpec, store: Store | None, slots: int = 0) -> None:
        """`slots`: requests in flight at most (`--llm-concurrency`); the run gives it twice
        as many threads (llm/gate.py). 0: no gate, one request per thread (run --batch)."""
        self.spec = spec
        self.store = store
        self.gate = Gate(slots) if slots else None
        self.counter = Counter()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._clients: list[httpx.Client] = []
        self.hints: HintsPool | None = None  # set by the run: loading and rules in other processes
        from ..llm.engine import LLMEngine
        from ..llm.engines import LocalEngine

        self.base = spec.make()
        # the local model server starts once
        llm = self.base._start() if isinstance(self.base, LocalEngine) else self.base
        if not isinstance(llm, LLMEngine):
            raise TypeError(f"engine {spec.name!r} is not an LLM engine")
        self.cfg = llm.cfg
        self.name = llm.name
        self.prompts = llm.prompts

    def transport(self) -> httpx.BaseTransport:
        """Each thread's transport: the run store's response cache over HTTP (run --batch defers instead)."""
        return CachingTransport(httpx.HTTPTransport(), self.store, self.counter, self._lock)

    def engine(self) -> Any:
        engine = getattr(self._local, "engine", None)
        if engine is None:
            from ..llm.client import LLMClient
            from ..llm.engine import LLMEngine
            from ..llm.progress import Progress

            http = httpx.Client(transport=self.transport())
            with self._lock:
                self._clients.append(http)
            engine = LLMEngine(
                self.cfg,
                client=LLMClient(self.cfg, http_client=http, gate=self.gate),
                prompts=self.prompts,
                progress=Progress(enabled=False),  # the run's own progress line speaks for all
            )
            engine.name = self.name
            self._local.engine = engine
        return engine

    def process(
        self, item: Any, qset: Any, load_options: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """One document; its usage is this thread's client's usage across the document, failures included."""
        from .worker import process

        engine = self.engine()
        before = engine.client.usage.as_dict()
        try:
            out = process(item, engine, qset, load_options, self.hints)
        except GateClosed:  # the run stopped before this document's request went out
            return {"path": item.path, "sha256": item.sha256, "outcome": NOT_SENT}
        used = {k: v - before.get(k, 0) for k, v in engine.client.usage.as_dict().items()}
        if out.get("usage") is None:
            out["usage"] = used  # a failed document's attempts still cost tokens
        return out

    def close(self, *, abandon: bool = False) -> None:
        for c in self._clients:
            c.close()
        if self.hints is not None:
            self.hints.close(abandon=abandon)
        getattr(self.base, "close", lambda: None)()
