"""`foi-extract run`: discover, reuse what the store has, extract the rest in parallel, write everything.

The order of events, and what a stop at any point leaves behind:
1. discover PATHs (files, folders, globs, zip members, email zip attachments), hash each file;
2. record the run and its items in the store; documents whose key is already there are done;
3. extract the others in parallel; each outcome is committed to the store as it arrives
   (`kill -9` here: rerun the command and it does only what is left, asking the LLM nothing twice);
4. on the end, Ctrl-C or --max-cost: write every output from the store, atomically, and the summary.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..write.records import FAILED, SKIPPED
from .cost import cost_of, load_prices, price_for
from .discover import discover
from .items import Discovery, Item
from .options import RunOptions, cores, qset_hash
from .outputs import format_for, write_run_outputs
from .store import Store, config_key, default_store_path, item_key
from .worker import EngineSpec

if TYPE_CHECKING:
    from .llm_threads import ThreadEngines

# Nothing here imports the models, the engines, multiprocessing or the progress bar until there is
# something to extract: an unchanged re-run costs discovery, a few queries and the summary.

EXIT_BUDGET = 4
EXIT_INTERRUPTED = 130


class Batch:
    def __init__(self, opts: RunOptions, *, out: Any = None, err: Any = None) -> None:
        if not opts.outputs and not opts.store:
            raise ConfigError("run needs -o OUT (the format from its extension) or --store FILE")
        self.opts = opts
        self._out, self._err = out, err
        self.targets = [
            (p, format_for(p, opts.format if len(opts.outputs) == 1 else None))
            for p in opts.outputs
        ]
        if opts.format and len(opts.outputs) > 1:
            raise ConfigError(
                "--format applies to one -o; with several, each takes the format of its extension"
            )
        self.store_path = opts.store or default_store_path(opts.outputs[0])
        self._qset: Any = None
        options = opts.engine_options
        if opts.batch_api:  # a batch answers whole completions: the engine must not stream
            options = {**options, "stream": False}
        self.spec = EngineSpec.resolve(opts.engine, options)
        if self.spec.name == "llm" and not self.spec.llm_config().configured:
            raise ConfigError(
                "the llm engine needs a model and an endpoint or key: --model and --base-url, "
                "OPENAI_API_KEY/OPENAI_BASE_URL/FOI_EXTRACT_MODEL, or the config file (see --help)"
            )
        ident = self.spec.identity()
        ident["question_set_hash"] = qset_hash(opts.questions)
        if opts.load_options:
            ident["load"] = dict(sorted(opts.load_options.items()))
        self.identity = {**ident, "question_set": opts.questions}
        self.cfg_key = config_key(
            {k: v for k, v in ident.items()}
        )  # the file's path is not part of the key
        self.prices = load_prices(opts.prices)
        self.price = (
            {"input": 0.0, "output": 0.0}
            if self.spec.name == "local"
            else price_for(ident.get("model"), self.prices, batch=opts.batch_api)
        )
        if opts.max_cost is not None and self.spec.is_llm and self.price is None:
            raise ConfigError(
                f"--max-cost: no price for model {ident.get('model')!r} in the price table; "
                "give one with --prices FILE"
            )
        self.jobs = opts.jobs or cores()
        self.batch_jobs: Any = None  # run --batch: foi_extract.run.batch_jobs.BatchJobs

    @property
    def out(self) -> Any:
        if self._out is None:
            from rich.console import Console

            self._out = Console(soft_wrap=True)
        return self._out

    @property
    def err(self) -> Any:
        if self._err is None:
            from rich.console import Console

            self._err = Console(stderr=True, soft_wrap=True)
        return self._err

    @property
    def qset(self) -> Any:
        """The question set, loaded (and its types checked) the first time it is needed."""
        if self._qset is None and self.opts.questions:
            from ..questionset import load_question_set

            self._qset = load_question_set(self.opts.questions)
        return self._qset

    def qset_info(self, store: Store) -> tuple[list[str] | None, str | None]:
        """Question ids and title for the outputs, without loading the set when the store knows them."""
        if not self.opts.questions:
            return None, None
        key = "qset:" + str(self.identity["question_set_hash"])
        known = store.get_meta(key)
        if known:
            ids, title = json.loads(known)
            return ids, title
        ids, title = self.qset.ids, self.qset.title
        store.set_meta(key, json.dumps([ids, title]))
        return ids, title

    # ------------------------------------------------------------------ discovery
    def discover(self) -> Discovery:
        exclude = [p for p, _ in self.targets] + [
            self.store_path,
            self.store_path + "-wal",
            self.store_path + "-shm",
        ]
        return discover(self.opts.paths, exclude=exclude)

    def cost(self, usage: Mapping[str, int] | None) -> float | None:
        return cost_of(usage, self.price, self.prices.get("per", 1_000_000))

    # ------------------------------------------------------------------ run
    def run(self) -> int:
        found = self.discover()
        if not found.items:
            raise ConfigError("no files found in " + ", ".join(self.opts.paths))
        if self.opts.dry_run:
            from .dry_run import dry_run

            return dry_run(self, found)
        store = Store(self.store_path)
        try:
            return self._run(store, found)
        finally:
            store.close()

    def _run(self, store: Store, found: Discovery) -> int:
        if self.opts.batch_api:
            from .batch_jobs import BatchJobs

            self.batch_jobs = BatchJobs(
                self.spec,
                store,
                self.cfg_key,
                lambda m: self.err.print(m, markup=False, highlight=False),
                self.cost,
            )
            if not self.batch_jobs.collect(self.opts.batch_wait):
                return 0  # the batch is still running: nothing to extract yet
        items = found.items
        keys = [
            None if it.skip else (item_key(self.cfg_key, it) or f"unhashed:{uuid.uuid4().hex}")
            for it in items
        ]
        run_id = store.begin_run(self.cfg_key, self.identity, self.opts.command, items, keys)
        # the same bytes at two paths (a file and its copy in a zip) are extracted once
        todo: list[tuple[Item, str]] = []
        twins: dict[str, int] = {}
        for it, k in zip(items, keys):
            if (
                it.skip is None
                and k is not None  # always, for an item not skipped
                and not store.reusable(k, retry_failed=self.opts.retry_failed)
            ):
                if k in twins:
                    twins[k] += 1
                else:
                    twins[k] = 0
                    todo.append((it, k))
        key_of = {id(it): k for it, k in todo}
        documents = [it for it in items if it.skip is None]
        status = "finished"
        if todo:
            status = self._extract(store, run_id, items, keys, todo, twins, key_of, len(documents))
        send = self.batch_jobs is not None and status != "abandoned"
        if send and not self.batch_jobs.within(self.opts.max_cost):
            send = False  # the next batch would go over --max-cost
            if status == "finished":
                status = "budget"
        store.end_run(
            run_id,
            {
                "finished": "finished",
                "interrupted": "interrupted",
                "abandoned": "interrupted",
                "budget": "budget",
            }[status],
        )
        qids, title = self.qset_info(store)
        records = write_run_outputs(
            store,
            run_id,
            self.targets,
            wide=self.opts.wide,
            redact=self.opts.redact_personal,
            question_ids=qids,
            title=title,
        )
        if self.opts.summary:
            self.summary(store, run_id, records)
        if send:
            self.batch_jobs.submit(self.opts.command)
        if status == "budget":
            self.err.print(
                f"foi-extract: stopped at --max-cost {self.opts.max_cost}: finished documents are kept; "
                "run again with a higher limit to go on",
                markup=False,
                highlight=False,
            )
        if status in ("interrupted", "abandoned"):
            self.err.print(
                f"foi-extract: interrupted: {store.result_count(run_id)} of {len(documents)} documents are "
                "in the store and written; the same command goes on from there",
                markup=False,
                highlight=False,
            )
        if status == "abandoned" and self.spec.is_llm:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)  # abandoned LLM threads cannot be joined
        if status in ("interrupted", "abandoned"):
            return EXIT_INTERRUPTED
        if status == "budget":
            return EXIT_BUDGET
        return store.first_failure(run_id)

    def summary(self, store: Store, run_id: int, records: list[Any] | None) -> None:
        """The summary table; for outputs the store has summarized before, from that summary."""
        from .summary import Summary, render, summarize

        key = "summary:" + store.fingerprint(run_id)
        known = store.get_meta(key)
        if known and records is None:
            s = Summary.from_dict(json.loads(known))
        else:
            s = summarize(records if records is not None else store.records(run_id))
            store.set_meta(key, json.dumps(s.as_dict()))
        s.extracted, s.cached = store.extracted_counts(run_id)
        render(s, self.out)
        where = ", ".join(p for p, _ in self.targets)
        self.out.print(
            f"store: {self.store_path}" + (f"   outputs: {where}" if where else ""),
            markup=False,
            highlight=False,
        )

    def _extract(
        self,
        store: Store,
        run_id: int,
        items: list[Item],
        keys: list[str | None],
        todo: list[tuple[Item, str]],
        twins: dict[str, int],
        key_of: dict[int, str],
        total: int,
    ) -> str:
        from . import scheduler
        from .progress import BatchProgress

        status = scheduler.FINISHED
        qset = self.qset
        progress = BatchProgress(total, enabled=self.opts.progress, console=self.err)
        threads: ThreadEngines | None = None
        with progress:
            redo = {it.path for it, k in zip(items, keys) if k in twins}
            for rec in store.records(run_id):  # what the store already has counts at once
                if rec.path in redo:
                    continue
                if rec.outcome == SKIPPED:
                    progress.record(SKIPPED, advance=False)
                else:
                    progress.record(
                        rec.outcome,
                        pages=rec.extraction.source.pages if rec.extraction else 0,
                        tokens=_tokens(rec.usage),
                        cost=rec.cost,
                        cached=True,
                    )

            def on_done(item: Item, outcome: dict[str, Any]) -> None:
                if self.batch_jobs is not None and self.batch_jobs.on_pending(outcome):
                    return  # waits for the Batch API: not failed, not stored, not written
                if outcome.get("outcome") == "not_sent":
                    return  # the run stopped before its request went out: for the next run
                outcome["cost"] = self.cost(outcome.get("usage"))
                store.put(key_of[id(item)], outcome, run_id)
                ex = outcome.get("extraction")
                progress.record(
                    outcome["outcome"],
                    pages=ex["source"]["pages"] if ex else 0,
                    tokens=_tokens(outcome.get("usage")),
                    cost=outcome["cost"],
                )
                for _ in range(twins.get(key_of[id(item)], 0)):
                    progress.record(
                        outcome["outcome"], pages=ex["source"]["pages"] if ex else 0, cached=True
                    )
                if outcome["outcome"] == FAILED:
                    progress.note(f"foi-extract: failed: {item.path}: {outcome.get('message')}")

            def on_crash(item: Item, why: str) -> dict[str, Any]:
                return {
                    "path": item.path,
                    "sha256": item.sha256,
                    "outcome": FAILED,
                    "exit_code": 1,
                    "error_code": "internal",
                    "message": f"internal error: {why} (a bug: please report it with the file)",
                }

            def over_budget() -> str | None:
                reason = None
                if self.opts.max_cost is not None:
                    used: dict[str, int] = threads.counter.__dict__ if threads is not None else {}
                    reason = "budget" if (self.cost(used) or 0.0) >= self.opts.max_cost else None
                if (reason or stop.requested) and threads is not None and threads.gate:
                    threads.gate.close()  # what waits for a slot is not sent (llm/gate.py)
                return reason

            if todo:
                with scheduler.Stop(progress.note) as stop:
                    if self.spec.is_llm:
                        from .llm_threads import ThreadEngines

                        slots = max(1, self.opts.llm_concurrency)
                        threads = (
                            self.batch_jobs.threads()
                            if self.batch_jobs is not None
                            else ThreadEngines(self.spec, store, slots)
                        )
                        if self.jobs > 1 and len(todo) > self.jobs:  # fewer: not worth the start
                            from .hints_pool import HintsPool

                            threads.hints = HintsPool(self.jobs, qset, self.opts.load_options)
                        try:
                            status = scheduler.run(
                                [it for it, _ in todo],
                                make_executor=scheduler.thread_pool(),
                                # with a gate, twice the threads: the next request is built
                                # while the slots are busy (llm/gate.py)
                                workers=slots * 2 if threads.gate else slots,
                                task=lambda it: threads.process(it, qset, self.opts.load_options),
                                on_done=on_done,
                                stop=stop,
                                should_stop=over_budget,
                                on_crash=on_crash,
                            )
                        finally:
                            if status != scheduler.ABANDONED:
                                threads.close()
                            elif threads.hints is not None:
                                threads.hints.close(abandon=True)
                    else:
                        from .worker import init_process, process_in_pool

                        status = scheduler.run(
                            [it for it, _ in todo],
                            make_executor=scheduler.process_pool(
                                init_process, (self.spec, qset, self.opts.load_options)
                            ),
                            workers=max(1, min(self.jobs, len(todo))),
                            task=process_in_pool,
                            on_done=on_done,
                            stop=stop,
                            on_crash=on_crash,
                        )
        return status


def _tokens(usage: dict[str, int] | None) -> int:
    if not usage:
        return 0
    return int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0))


def run_batch(opts: RunOptions) -> int:
    return Batch(opts).run()


__all__ = ["Batch", "RunOptions", "run_batch", "qset_hash"]
