"""The live progress line of a batch (rich): documents done / failed / skipped, pages, tokens, cost, ETA.

On a terminal it redraws in place on stderr; elsewhere (CI logs, a pipe) it is silent and only
failures and the final summary are printed, so logs stay readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


@dataclass
class Tally:
    done: int = 0
    needs_review: int = 0
    failed: int = 0
    skipped: int = 0
    cached: int = 0
    pages: int = 0
    tokens: int = 0
    cost: float = 0.0
    cost_unknown: bool = False

    def line(self) -> str:
        cost = "cost ?" if self.cost_unknown else f"${self.cost:.4f}"
        cached = f" cached {self.cached}" if self.cached else ""
        return (
            f"done {self.done} (review {self.needs_review}) failed {self.failed} skipped {self.skipped}{cached} · "
            f"{self.pages} pages · {self.tokens:,} tokens · {cost}"
        )


class BatchProgress:
    def __init__(
        self, total: int, *, enabled: bool | None = None, console: Console | None = None
    ) -> None:
        self.console = console or Console(stderr=True)
        self.enabled = self.console.is_terminal if enabled is None else enabled
        self.tally = Tally()
        self._progress = Progress(
            TextColumn("[bold]extracting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[stats]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=self.console,
            disable=not self.enabled,
            transient=False,
            refresh_per_second=4,
        )
        self._task = self._progress.add_task("extract", total=total, stats=self.tally.line())

    def __enter__(self) -> BatchProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._progress.stop()

    def record(
        self,
        outcome: str,
        *,
        pages: int = 0,
        tokens: int = 0,
        cost: float | None = 0.0,
        cached: bool = False,
        advance: bool = True,
    ) -> None:
        t = self.tally
        if outcome == "failed":
            t.failed += 1
        elif outcome == "skipped":
            t.skipped += 1
        else:
            t.done += 1
            t.needs_review += outcome == "needs_review"
        t.cached += cached
        t.pages += pages
        t.tokens += tokens
        if cost is None:
            t.cost_unknown = True
        else:
            t.cost += cost
        self._progress.update(self._task, advance=1 if advance else 0, stats=t.line())

    def note(self, message: str) -> None:
        """A line above the bar (a failure, a stop); plain stderr when the bar is off."""
        if self.enabled:
            self._progress.console.print(message, markup=False, highlight=False)
        else:
            self.console.print(message, markup=False, highlight=False, soft_wrap=True)
