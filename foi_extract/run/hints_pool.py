"""The LLM engine's CPU work on every core: each document is loaded and given its rules pass (the
hints the model is shown) in a process pool, while the run's threads wait on the endpoint.

Why: `run --engine llm` runs documents in threads of one interpreter, so their CPU work is
serialised by the GIL on one core while the other idles; the rules pass is half of it (~19 ms of
~40 ms a document). A document's text and its rules result come back pickled (a fraction of a
millisecond) and the model is asked exactly as before: the same rules result, the same request.

A worker that dies (a crash in a native loader) breaks the pool: it is replaced and the document
asked again once; a document that breaks the fresh pool too fails as its own.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from .discover import Item

if TYPE_CHECKING:
    from ..document import Document
    from ..llm.guard import AppliedIndex
    from ..models import Extraction
    from ..questionset import QuestionSet


Prepared = tuple["Document", "Extraction", "AppliedIndex"]


def prepare(item: Item, qset: QuestionSet | None, load_options: dict[str, Any] | None) -> Prepared:
    """In a worker: the document as `run_stages` loads it (under the time budget), its rules pass,
    and the citations applied on each page (the LLM guard's page work, done here off the GIL)."""
    from .. import limits
    from ..engines.rules import RulesEngine
    from ..llm.guard import AppliedIndex
    from ..rules.letter import default_law
    from .worker import load_item

    with limits.budget(item.path):
        doc = load_item(item, load_options)
    rules = RulesEngine().run(doc, qset)
    return doc, rules, AppliedIndex(doc, default_law(rules.letter.legislation)).warm()


class HintsPool:
    """`workers` processes that prepare documents for the LLM threads; `get(item)` blocks its thread."""

    def __init__(
        self, workers: int, qset: QuestionSet | None, load_options: dict[str, Any] | None
    ) -> None:
        self.workers, self.qset, self.load_options = workers, qset, load_options
        self._lock = threading.Lock()
        self._pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        from .worker import detach

        # spawn, not fork: the run has threads (progress, sqlite) a forked child could deadlock on
        return ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=detach
        )

    def get(self, item: Item) -> Prepared:
        """The document, its rules result and applied-citation index; raises what loading raised
        (FoiExtractError...)."""
        pool = self._pool
        try:
            return pool.submit(prepare, item, self.qset, self.load_options).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:  # the first thread to see it replaces it
                    pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = self._new()
                retry = self._pool
            try:
                return retry.submit(prepare, item, self.qset, self.load_options).result()
            except BrokenProcessPool:
                raise RuntimeError("its worker process died while reading it") from None

    def close(self, *, abandon: bool = False) -> None:
        if abandon:
            for proc in list(getattr(self._pool, "_processes", {}).values()):
                proc.terminate()  # no public API to stop a running worker
        self._pool.shutdown(wait=not abandon, cancel_futures=True)


class Hinted:
    """An LLM engine whose rules pass is already done: `run` hands it over instead of redoing it."""

    def __init__(self, engine: Any, rules: Extraction, applied: AppliedIndex | None = None) -> None:
        self.engine, self.rules, self.applied = engine, rules, applied
        self.name = engine.name

    def run(self, doc: Document, questions: QuestionSet | None = None) -> Extraction:
        return self.engine.run(  # type: ignore[no-any-return]
            doc, questions, rules=self.rules, applied=self.applied
        )

    def close(self) -> None:
        """The thread's engine outlives the document: nothing is released here."""
