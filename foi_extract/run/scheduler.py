"""Run documents in parallel and hand each outcome back the moment it is done.

- Rules engine: a `ProcessPoolExecutor` of `--jobs` processes (spawned, each with its own engine).
- LLM engines: a thread pool of twice `--llm-concurrency` threads, at most `--llm-concurrency`
  requests in flight (`llm_threads.ThreadEngines`, `llm/gate.py`).

At most a few documents per worker are in flight, so stopping is prompt. Ctrl-C (or SIGTERM)
stops submitting, lets the documents in progress finish and returns "interrupted"; a second
Ctrl-C abandons them. `should_stop()` (the --max-cost check) stops the same way with its reason.
A worker process that dies (a crash in a native library, the OOM killer) breaks the pool: the
documents it was running are retried one at a time in a fresh pool, and the one that kills its
worker again is recorded as failed; the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .items import Item

FINISHED = "finished"
INTERRUPTED = "interrupted"
ABANDONED = "abandoned"

Done = Callable[[Item, dict[str, Any]], None]


class Stop:
    """Ctrl-C and SIGTERM as flags, so no handler ever interrupts a store write half-way."""

    def __init__(self, notify: Callable[[str], None]) -> None:
        self.requested: str | None = None
        self.abandon = False
        self._notify = notify
        self._old: dict[int, Any] = {}

    def __enter__(self) -> Stop:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: Any) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested is None:
            self.requested = INTERRUPTED
            self._notify(
                "stopping: finishing the documents in progress (Ctrl-C again to abandon them)"
            )
        else:
            self.abandon = True


def run(
    todo: list[Item],
    *,
    make_executor: Callable[[int], Executor],
    workers: int,
    task: Callable[..., dict[str, Any]],
    on_done: Done,
    stop: Stop,
    should_stop: Callable[[], str | None] = lambda: None,
    on_crash: Callable[[Item, str], dict[str, Any]],
) -> str:
    """Submit `task(item)` for each item; `on_done(item, outcome)` in the calling thread, in finishing order."""
    pending: deque[Item] = deque(todo)
    solo: deque[Item] = deque()  # suspects of a dead worker, run alone
    crashes: dict[int, int] = {}
    inflight: dict[Future[dict[str, Any]], Item] = {}
    executor = make_executor(workers)
    status = FINISHED
    try:
        while pending or solo or inflight:
            budget = should_stop()  # every round, even after Ctrl-C: it also closes the LLM gate
            reason = stop.requested or budget
            if reason and status == FINISHED:
                status = reason
            if stop.abandon:
                return ABANDONED
            if status == FINISHED:
                limit = 1 if solo else workers * 2
                while (solo or pending) and len(inflight) < limit:
                    item = solo.popleft() if solo else pending.popleft()
                    inflight[executor.submit(task, item)] = item
            else:
                for fut in [
                    f for f in inflight if f.cancel()
                ]:  # queued, not started: leave them for the next run
                    inflight.pop(fut)
                if not inflight:
                    break
            done, _ = wait(list(inflight), timeout=0.2, return_when=FIRST_COMPLETED)
            affected: list[Item] = []
            for fut in done:
                item = inflight.pop(fut)
                try:
                    outcome = fut.result()
                except BrokenProcessPool:
                    affected.append(item)
                    continue
                except Exception as exc:
                    outcome = on_crash(item, f"{type(exc).__name__}: {exc}")
                on_done(item, outcome)
            if affected:
                affected += list(inflight.values())
                inflight.clear()
                for item in affected:
                    crashes[id(item)] = crashes.get(id(item), 0) + 1
                    if (
                        len(affected) == 1 or crashes[id(item)] >= 2
                    ):  # alone when it died: the culprit
                        on_done(item, on_crash(item, "its worker process died while reading it"))
                    else:
                        solo.append(item)
                executor.shutdown(wait=False, cancel_futures=True)
                executor = make_executor(workers)
        return status
    finally:
        _shutdown(executor, abandon=stop.abandon)


def _shutdown(executor: Executor, *, abandon: bool) -> None:
    if abandon and isinstance(executor, ProcessPoolExecutor):
        for proc in list(
            getattr(executor, "_processes", {}).values()
        ):  # no public API to stop a running worker
            proc.terminate()
    executor.shutdown(wait=not abandon, cancel_futures=True)


def process_pool(
    initializer: Callable[..., None], initargs: tuple[Any, ...]
) -> Callable[[int], Executor]:
    # spawn, not fork: the parent has threads (progress display, sqlite) a forked child could deadlock on
    ctx = multiprocessing.get_context("spawn")
    return lambda n: ProcessPoolExecutor(
        max_workers=n, mp_context=ctx, initializer=initializer, initargs=initargs
    )


def thread_pool() -> Callable[[int], Executor]:
    return lambda n: ThreadPoolExecutor(max_workers=n, thread_name_prefix="foi-llm")
