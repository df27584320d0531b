"""`foi-extract run --batch`: the LLM engine's requests go through the OpenAI Batch API.

A run extracts as usual, but a request the run store has not answered is recorded, not sent
(`DeferringTransport`); a document with such requests is "pending batch": not failed, not
written. The requests go up as one batch, whose ids are kept in the run store, and the run exits.
The next run polls that batch; once it has finished, each answer goes into the store's response
cache under its custom_id (the request key) and the documents are extracted again: answered
requests replay from the cache, and what is new (the re-ask of an invalid answer, a smaller chunk
after a cut one, a failed or expired line asked again) goes into a follow-up batch.

Spend: the run sends nothing itself, so `--max-cost` counts what the batches cost: the tokens of
every answer collected (kept per batch in the store) and an estimate of the next batch, at the
batch price. A batch that would take the spend over the limit is not sent.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter as Tally
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

import httpx2 as httpx

from ..errors import ConfigError
from ..llm import batch_api
from ..llm.batch_api import Deferred, Pending
from .cost import estimate_request
from .llm_threads import CachingTransport, Counter, ThreadEngines, request_key
from .store import Store
from .worker import EngineSpec

PENDING = "pending_batch"
META = "batch_api:"  # + the run's config key: {"current": batch or null, "done": [batches]}
POLL_ENV = "FOI_EXTRACT_BATCH_POLL"  # seconds before the first re-poll (then doubling, capped)
MAX_FAILURES = 3  # batches a request may go unanswered in before its document falls back to rules


class DeferringTransport(CachingTransport):
    """Answers from the run store's cache; any other request is added to `pending` and deferred.

    A request that went unanswered in MAX_FAILURES batches is answered 400 with the last reason,
    so the engine's usual fallback (the rules result, `llm_fallback`) ends the loop."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        store: Store,
        counter: Counter,
        lock: threading.Lock,
        pending: Pending,
        given_up: dict[str, str],
    ) -> None:
        super().__init__(inner, store, counter, lock)
        self.pending = pending
        self.given_up = given_up

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        key = request_key(request, body)
        if key in self.given_up:
            why = f"the Batch API gave no answer in {MAX_FAILURES} batches (last: {self.given_up[key]})"
            return httpx.Response(
                400, json={"error": {"message": why, "type": "batch_api"}}, request=request
            )
        if self.store is None or self.store.llm_get(key) is None:
            with self.lock:
                self.pending.add(key, body)
            raise Deferred([key])
        return super().handle_request(request)


class DeferringEngines(ThreadEngines):
    """ThreadEngines whose documents wait for the batch instead of calling the endpoint."""

    def __init__(self, spec: EngineSpec, store: Store, given_up: dict[str, str]) -> None:
        super().__init__(spec, store)
        self.pending = Pending()
        self.given_up = given_up

    def transport(self) -> httpx.BaseTransport:
        assert self.store is not None
        return DeferringTransport(
            httpx.HTTPTransport(), self.store, self.counter, self._lock, self.pending, self.given_up
        )

    def process(
        self, item: Any, qset: Any, load_options: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        try:
            return super().process(item, qset, load_options)
        except Deferred as later:
            return {
                "path": item.path,
                "sha256": item.sha256,
                "outcome": PENDING,
                "requests": len(later.keys),
            }


class BatchJobs:
    """The run's one outstanding batch: collect it before extracting, submit the next one after."""

    def __init__(
        self,
        spec: EngineSpec,
        store: Store,
        cfg_key: str,
        note: Callable[[str], None],
        cost: Callable[[Mapping[str, int] | None], float | None],
    ) -> None:
        if spec.name != "llm":
            raise ConfigError(
                "--batch sends the requests through the OpenAI Batch API: use it with --engine llm"
            )
        self.spec, self.store, self.note, self.cost = spec, store, note, cost
        self.meta_key = META + cfg_key
        self.cfg = spec.llm_config()
        self._client: Any = None
        self.engines: DeferringEngines | None = None
        self.waiting_documents = 0

    @property
    def client(self) -> Any:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                api_key=self.cfg.api_key or "not-needed",
                base_url=self.cfg.base_url,
                timeout=min(self.cfg.timeout, 120.0),
                max_retries=2,
            )
        return self._client

    def state(self) -> dict[str, Any]:
        saved = self.store.get_meta(self.meta_key)
        state = json.loads(saved) if saved else {}
        return {"current": None, "done": [], "failures": {}, **state}

    def _save(self, state: dict[str, Any]) -> None:
        self.store.set_meta(self.meta_key, json.dumps(state))

    # ------------------------------------------------------------------ before extracting
    def collect(self, wait: float) -> bool:
        """Poll the outstanding batch and take in its answers; False while it is still running."""
        state = self.state()
        current = state["current"]
        if not current:
            return True
        try:
            interval = float(os.environ.get(POLL_ENV) or batch_api.POLL_START)
        except ValueError:
            raise ConfigError(f"{POLL_ENV} must be a number of seconds") from None
        batch = batch_api.poll(self.client, current["batch_id"], wait=wait, interval=interval)
        counts = getattr(batch, "request_counts", None)
        done = f"{counts.completed + counts.failed}/{counts.total} requests done" if counts else ""
        if batch.status in batch_api.ACTIVE:
            self.note(
                f"foi-extract: batch {batch.id} is {batch.status} ({done}); run the same command "
                "again later to collect it (--wait SECONDS waits here)"
            )
            return False
        outcome = batch_api.collect(self.client, batch, current["keys"])
        failures = state["failures"]  # key -> [batches it went unanswered in, last reason]
        used = Counter()  # what the answers cost: the provider bills each one it returns
        for key, body in outcome.answered.items():
            self.store.llm_put(key, body)
            used.add_usage(body)
            failures.pop(key, None)
        for key, why in outcome.failed.items():
            failures[key] = [failures.get(key, [0])[0] + 1, why]
        self.note(
            f"foi-extract: batch {batch.id} {batch.status}: {len(outcome.answered)} of "
            f"{len(current['keys'])} requests answered"
        )
        given_up = {key for key in outcome.failed if failures[key][0] >= MAX_FAILURES}
        again = (why for key, why in outcome.failed.items() if key not in given_up)
        for why, n in Tally(again).most_common():
            self.note(
                f"foi-extract: {n} request(s) got no answer ({why}): asked again in the next batch"
            )
        if given_up:
            self.note(
                f"foi-extract: {len(given_up)} request(s) went unanswered in {MAX_FAILURES} batches: "
                "not asked again; their documents keep the rules engine's result (llm_fallback)"
            )
        state["done"].append(
            {
                **{k: v for k, v in current.items() if k != "keys"},
                "status": batch.status,
                "output_file_id": batch.output_file_id,
                "error_file_id": batch.error_file_id,
                "answered": len(outcome.answered),
                "failed": len(outcome.failed),
                "usage": {k: v for k, v in asdict(used).items() if k.endswith("_tokens")},
            }
        )
        state["current"] = None
        self._save(state)
        return True

    # ------------------------------------------------------------------ extracting
    def threads(self) -> DeferringEngines:
        given_up = {
            key: why for key, (n, why) in self.state()["failures"].items() if n >= MAX_FAILURES
        }
        self.engines = DeferringEngines(self.spec, self.store, given_up)
        return self.engines

    def on_pending(self, outcome: dict[str, Any]) -> bool:
        """True (and counted) when a document's outcome is 'waits for the batch': nothing to store."""
        if outcome.get("outcome") != PENDING:
            return False
        self.waiting_documents += 1
        return True

    # ------------------------------------------------------------------ after extracting
    def within(self, max_cost: float | None) -> bool:
        """False (and said why) when sending the next batch could take the spend over `max_cost`:
        the answers of every collected batch plus the next batch's estimate, at the batch price."""
        pending = self.engines.pending if self.engines else Pending()
        if max_cost is None or not pending.bodies:
            return True
        done = self.state()["done"]
        spent = sum(self.cost(b.get("usage")) or 0.0 for b in done)
        estimate = {"prompt_tokens": 0, "completion_tokens": 0}
        for body in pending.bodies.values():
            for k, v in estimate_request(json.loads(body)).items():
                estimate[k] += v
        next_cost = self.cost(estimate) or 0.0
        if spent + next_cost <= max_cost:
            return True
        self.note(
            f"foi-extract: --max-cost {max_cost}: the Batch API has cost ${spent:.4f} in "
            f"{len(done)} batch(es) and the next one ({len(pending.bodies)} request(s) for "
            f"{self.waiting_documents} document(s), est. ${next_cost:.4f} at the batch price) "
            "would go over it: not sent"
        )
        return False

    def submit(self, command: str) -> None:
        """Send what the documents are waiting for as one batch and keep its ids in the store."""
        pending = self.engines.pending if self.engines else Pending()
        if not pending.bodies:
            return
        ids = batch_api.submit(self.client, pending, description=command)
        state = self.state()
        state["current"] = {**ids, "keys": sorted(pending.bodies)}
        self._save(state)
        self.note(
            f"foi-extract: {ids['requests']} request(s) for {self.waiting_documents} document(s) sent "
            f"as batch {ids['batch_id']} (file {ids['input_file_id']}; results within "
            f"{batch_api.WINDOW}); run the same command again to collect them"
        )
