"""At most N requests in flight, however many documents are being prepared.

Why: in a batch each document needs CPU before its request (plan, request building) and after
its answer (grounding, the store). With one thread per allowed request, that CPU sits on the
critical path: a slot stays empty while its thread grounds the last answer and builds the next
request, and at 16 slots on two cores the threads queue for the interpreter. With twice as many
threads as slots and this gate around the send itself, the next request is already built when
a slot frees, and the after-work happens outside the slot. The time a request waits here is not
the model's, so the caller takes it off the document's time budget. A run that stops
(--max-cost, Ctrl-C) closes the gate: what waits here is never sent, and its document is left
for the next run, so twice the threads never means more spent past the limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class GateClosed(BaseException):
    """The run is stopping: this request was not sent. A BaseException, like batch_api.Deferred,
    so no retry, re-ask or rules fallback on the way up mistakes it for a failure."""


class Gate:
    def __init__(self, slots: int) -> None:
        self.slots = max(1, slots)
        self._sem = threading.BoundedSemaphore(self.slots)
        self.closed = False

    def close(self) -> None:
        """Send nothing more; requests already sent finish."""
        self.closed = True

    @contextmanager
    def held(self) -> Iterator[float]:
        """Hold a slot for one request; yields the seconds spent waiting for it."""
        started = time.monotonic()
        self._sem.acquire()  # bounded: every holder is one request with its own timeouts
        try:
            if self.closed:
                raise GateClosed("the run is stopping: request not sent")
            yield time.monotonic() - started
        finally:
            self._sem.release()
