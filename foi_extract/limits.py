"""Limits that keep one hostile file from costing unbounded memory or time.

Every limit has a sane default and an environment variable; the README's hostile-input table
lists them. Work is bounded where it happens (decompressed sizes, page and cell counts, part
sizes) rather than by killing processes; the per-document time budget is a deadline that the
stages check between units of work (pages, sheets, attachments, stages). In the main thread the
same deadline is also an interval timer (SIGALRM) whose handler raises OverBudget inside whatever
Python code is running, so a stage that is slow on some input (a rule that is super-linear on a
30 MB text) still ends at the deadline, and only that document fails.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import CodeType, FrameType

from .errors import OverBudget


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # the input file (FOI_EXTRACT_MAX_BYTES)
    max_pages: int  # pages of one document, attachments included
    max_text_chars: int  # characters of page text for one document
    max_unpacked: int  # bytes unpacked from one container (zip members, PDF streams)
    max_part_bytes: int  # one XML part of an Office file
    max_cells: int  # spreadsheet cells of one workbook
    max_page_content: (
        int  # decoded content stream of one PDF page (PDFium holds ~110x that for a text flood)
    )
    max_attachment_depth: int  # emails inside emails
    seconds: float  # per-document time budget


def current() -> Limits:
    """Read the environment each time, so a test (or a long-running caller) can change a limit."""
    return Limits(
        max_bytes=_env_int("FOI_EXTRACT_MAX_BYTES", 100 * 1024 * 1024),
        max_pages=_env_int("FOI_EXTRACT_MAX_PAGES", 5000),
        max_text_chars=_env_int("FOI_EXTRACT_MAX_CHARS", 20_000_000),
        max_unpacked=_env_int("FOI_EXTRACT_MAX_UNPACKED", 256 * 1024 * 1024),
        max_part_bytes=_env_int("FOI_EXTRACT_MAX_PART_BYTES", 16 * 1024 * 1024),
        max_cells=_env_int("FOI_EXTRACT_MAX_CELLS", 200_000),
        max_page_content=_env_int("FOI_EXTRACT_MAX_PAGE_CONTENT", 3 * 1024 * 1024),
        max_attachment_depth=_env_int("FOI_EXTRACT_MAX_DEPTH", 5),
        seconds=_env_float("FOI_EXTRACT_TIME_BUDGET", 120.0),
    )


@dataclass
class _Budget:
    path: str
    deadline: float


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "foi_extract_budget", default=None
)


@contextmanager
def budget(path: str, seconds: float | None = None) -> Iterator[None]:
    """Run one document's stages under a deadline (nested calls keep the outer, earlier one)."""
    outer = _BUDGET.get()
    secs = current().seconds if seconds is None else seconds
    if outer is not None or secs <= 0:  # nested, or FOI_EXTRACT_TIME_BUDGET=0: no budget
        yield
        return
    token = _BUDGET.set(_Budget(path, time.monotonic() + secs))
    alarm = _arm(path, secs)
    try:
        yield
    finally:
        if alarm is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, alarm)
        _BUDGET.reset(token)


_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


def _arm(path: str, secs: float) -> _Handler:
    """Start the interval timer when this is the main thread and nobody else uses SIGALRM."""
    if (
        secs <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return None
    previous = signal.getsignal(signal.SIGALRM)
    if previous not in (signal.SIG_DFL, signal.SIG_IGN):  # None: a handler installed by C code
        return None

    def expired(signum: int, frame: FrameType | None) -> None:
        where = _interrupted(frame)
        if where == "budget":
            return  # entering or leaving the budget: the timer fires again, or is being stopped
        if where == "finalizer":
            signal.setitimer(signal.ITIMER_REAL, 0.01, 0.5)  # again once it has returned
            return
        raise OverBudget(
            path, f"over the {current().seconds:g}-second time budget (FOI_EXTRACT_TIME_BUDGET)"
        )

    signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, secs, 0.5)  # fires again if some library swallowed it
    return previous


# Where an OverBudget from the alarm would skip the code that stops the timer (the budget's own
# frame, _arm, contextlib's __enter__/__exit__ around it): the timer would go on firing after the
# document, into whatever runs next (a gc callback, the next test)
_UNGUARDED: frozenset[CodeType] = frozenset(
    {
        # __wrapped__ is set by contextmanager (functools.wraps); its stub does not declare it
        budget.__wrapped__.__code__,  # type: ignore[attr-defined]
        _arm.__code__,
        contextlib._GeneratorContextManager.__enter__.__code__,
        contextlib._GeneratorContextManager.__exit__.__code__,
    }
)


def _interrupted(frame: FrameType | None) -> str | None:
    """Where the alarm landed: "budget" (entering or leaving it), "finalizer" (a gc callback or a
    __del__, where Python prints and drops an exception instead of raising it), else None."""
    gc_callbacks = {getattr(cb, "__code__", None) for cb in gc.callbacks}
    where = None
    while frame is not None:
        code = frame.f_code
        if code in _UNGUARDED:
            return "budget"
        if code in gc_callbacks or code.co_name == "__del__":
            where = "finalizer"
        frame = frame.f_back
    return where


def check(stage: str) -> None:
    """Raise OverBudget once the current document's deadline has passed (a no-op outside `budget`)."""
    b = _BUDGET.get()
    if b is not None and time.monotonic() > b.deadline:
        raise OverBudget(
            b.path,
            f"over the {current().seconds:g}-second time budget while {stage} "
            "(FOI_EXTRACT_TIME_BUDGET)",
        )
