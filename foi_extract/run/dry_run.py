"""`foi-extract run --dry-run`: what a run would extract and cost, from the very prompts it would send.

Loads every document the store does not already have (in parallel, like the run), builds the LLM
engine's chunks and prompts without sending them (foi_extract/run/cost.py) and prints a table.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .items import Discovery
from .store import Store, item_key

if TYPE_CHECKING:
    from .batch import Batch


def dry_run(batch: Batch, found: Discovery) -> int:
    """Per document: pages, and for an LLM engine requests, prompt tokens and cost; sends nothing."""
    from rich.table import Table

    from . import scheduler
    from .worker import estimate_in_pool, init_estimate

    store = Store(batch.store_path) if os.path.exists(batch.store_path) else None
    try:
        keys = [item_key(batch.cfg_key, it) for it in found.documents]
        todo = [
            it
            for it, k in zip(found.documents, keys)
            if not (store and store.reusable(k, retry_failed=batch.opts.retry_failed))
        ]
    finally:
        if store:
            store.close()
    estimates: list[dict[str, Any]] = []
    if todo:
        with scheduler.Stop(lambda m: batch.err.print(m)) as stop:
            scheduler.run(
                todo,
                make_executor=scheduler.process_pool(init_estimate, (batch.spec, batch.qset)),
                workers=max(1, min(batch.jobs, len(todo))),
                task=estimate_in_pool,
                on_done=lambda it, e: estimates.append(e),
                stop=stop,
                on_crash=lambda it, why: {
                    "path": it.path,
                    "pages": 0,
                    "failed": True,
                    "message": why,
                },
            )
    order = {it.path: i for i, it in enumerate(todo)}
    estimates.sort(key=lambda e: order.get(e["path"], 0))
    t = Table(
        title=f"Dry run: {batch.spec.name}"
        + (f" ({batch.identity.get('model')})" if batch.identity.get("model") else ""),
        title_justify="left",
        show_edge=False,
        header_style="bold",
    )
    for h in ("document", "pages", "requests", "prompt tokens", "est. cost"):
        t.add_column(h, justify="left" if h == "document" else "right")
    total = {"pages": 0, "requests": 0, "prompt_tokens": 0, "completion_tokens": 0}
    cost_total: float | None = 0.0
    for e in estimates:
        c = batch.cost(e) if batch.spec.is_llm else 0.0
        if e.get("failed"):
            t.add_row(e["path"], "-", "-", "-", f"fails: {e.get('message')}")
            continue
        for k in total:
            total[k] += e.get(k, 0)
        cost_total = None if c is None or cost_total is None else cost_total + c
        t.add_row(
            e["path"], str(e["pages"]), str(e["requests"]), f"{e['prompt_tokens']:,}", money(c)
        )
    batch.out.print(t)
    failing = sum(1 for e in estimates if e.get("failed"))
    batch.out.print(
        f"documents: {len(found.documents)} ({len(found.documents) - len(todo)} already in the store, "
        f"{len(todo)} to extract, {failing} would fail), skipped files: {len(found.skipped)}\n"
        f"pages: {total['pages']}   LLM requests: {total['requests']}   prompt tokens: {total['prompt_tokens']:,}   "
        f"completion tokens (allowance): {total['completion_tokens']:,}\n"
        f"estimated cost: {money(cost_total)}"
        + ("" if batch.spec.is_llm else " (the rules engine is free)")
        + (
            ""
            if cost_total is not None
            else f"  (no price for {batch.identity.get('model')!r}: --prices FILE)"
        ),
        markup=False,
        highlight=False,
    )
    for it in found.skipped:
        batch.out.print(f"skipped: {it.path}: {it.skip}", markup=False, highlight=False)
    return 0


def money(c: float | None) -> str:
    return "unknown" if c is None else f"${c:.4f}"
