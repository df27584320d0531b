"""One status line on stderr while a document is with the model, only when stderr is a terminal.

Why: a small local model on a busy machine takes minutes per document; tokens per second and
questions done show that it is working, and how fast. Nothing is written to a pipe or a file.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

MIN_INTERVAL = 0.25  # seconds between redraws


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.name, self.total, self.done = "", 0, 0
        self.tokens, self.rate = 0, 0.0
        self._drawn = 0.0
        self._width = 0

    def start(self, name: str, total: int) -> None:
        self.name, self.total, self.done, self.tokens, self.rate = name, total, 0, 0, 0.0
        self._draw(force=True)

    def token(self, count: int, rate: float) -> None:
        self.tokens, self.rate = count, rate
        self._draw()

    def answered(self, count: int) -> None:
        self.done = min(self.total, self.done + count)
        self._draw(force=True)

    def end(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self._drawn < MIN_INTERVAL):
            return
        self._drawn = now
        line = f"{self.name}: questions {self.done}/{self.total}"
        if self.tokens:
            line += f" · {self.tokens} tokens at {self.rate:.1f} tok/s"
        line = line[-100:]
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = max(self._width, len(line))
