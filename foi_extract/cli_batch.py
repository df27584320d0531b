"""`foi-extract run` (a folder of replies into one dataset, resumable) and `foi-extract report`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .cli_flags import (
    ENGINES_HELP,
    EXIT_CODES,
    engine_options,
    llm_flags,
    ocr_flag,
    redact_flag,
)
from .errors import ConfigError


def _run_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="foi-extract run",
        description="Extract a batch of replies into a resumable run store and write datasets from it.\n\n"
        "PATHs are files, folders (walked recursively), globs ('replies/**/*.pdf') and .zip archives; an email's "
        ".zip attachments are opened too. Files that are not replies (images, spreadsheets, manifests) are listed "
        "as skipped with the reason. Each document's outcome is committed to the store (OUT.foi.sqlite) as it "
        "finishes: re-running extracts only new or changed documents, and after a crash or kill the same command "
        "goes on where it stopped. Outputs are written from the store, atomically, in the format their extension "
        "names: .jsonl, .json, .csv (long; --wide for one row per document), .sqlite (tables for Datasette: "
        "datasette out.sqlite), .html (the review page).",
        epilog=ENGINES_HELP + "\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "-o",
        "--output",
        action="append",
        default=[],
        metavar="OUT",
        help="an output file; repeat for several (out.sqlite, out.csv, out.jsonl, report.html)",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=("jsonl", "json", "csv", "sqlite", "html"),
        help="the format of a single -o whose extension does not say",
    )
    p.add_argument(
        "--wide",
        action="store_true",
        help="CSV: one row per document, status and value columns per question",
    )
    p.add_argument(
        "--store",
        metavar="FILE",
        help="the run store (default: OUT.foi.sqlite beside the first -o)",
    )
    p.add_argument(
        "--questions", "-q", metavar="QSET.yaml", help="canonical questions of the request"
    )
    p.add_argument("--engine", "-e", default="auto", help="auto (default), rules, llm or local")
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        metavar="N",
        help="documents in parallel processes (default: the number of cores)",
    )
    p.add_argument(
        "--llm-concurrency",
        type=int,
        default=4,
        metavar="N",
        help="LLM engine: requests in flight at once (default 4); 2N documents are prepared",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="list documents, pages, estimated prompt tokens and cost; extract nothing",
    )
    p.add_argument(
        "--max-cost",
        type=float,
        metavar="USD",
        help="LLM engine: stop cleanly once this much has been spent",
    )
    p.add_argument(
        "--prices",
        metavar="FILE",
        help="price table overriding foi_extract/data/prices.yaml (FOI_EXTRACT_PRICES)",
    )
    p.add_argument(
        "--retry-failed",
        action="store_true",
        help="extract failed documents again (LLM and internal failures always are)",
    )
    p.add_argument(
        "--no-progress", dest="progress", action="store_false", default=None, help="no progress bar"
    )
    p.add_argument("--quiet", action="store_true", help="no summary")
    p.add_argument(
        "--batch",
        action="store_true",
        help="LLM engine: send the requests through the OpenAI Batch API (half price, results "
        "within 24 h) and exit; run the same command again to collect them",
    )
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="with --batch: wait up to this long for the outstanding batch (default 0: look once)",
    )
    ocr_flag(p)
    redact_flag(p)
    llm_flags(p)
    return p


def cmd_run(argv: Sequence[str]) -> int:
    from .run.batch import RunOptions, run_batch

    args = _run_parser().parse_args(argv)
    if args.jobs < 0 or args.llm_concurrency < 1:
        raise ConfigError(
            "--jobs must be 0 (the number of cores) or more, --llm-concurrency 1 or more"
        )
    if args.max_cost is not None and args.max_cost < 0:
        raise ConfigError("--max-cost must not be negative")
    if args.wait < 0 or (args.wait and not args.batch):
        raise ConfigError("--wait SECONDS (0 or more) goes with --batch")
    opts = RunOptions(
        paths=args.paths,
        outputs=args.output,
        format=args.format,
        wide=args.wide,
        store=args.store,
        questions=args.questions,
        engine=args.engine,
        engine_options=engine_options(args),
        jobs=args.jobs,
        llm_concurrency=args.llm_concurrency,
        dry_run=args.dry_run,
        max_cost=args.max_cost,
        prices=args.prices,
        retry_failed=args.retry_failed,
        progress=args.progress,
        summary=not args.quiet,
        command=" ".join(["foi-extract", "run", *argv]),
        load_options={"ocr": args.ocr} if args.ocr != "auto" else {},
        batch_api=args.batch,
        batch_wait=args.wait,
        redact_personal=args.redact_personal,
    )
    return run_batch(opts)


def _report_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="foi-extract report",
        description="Write the review page of a run: one self-contained HTML file (no network).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "run",
        metavar="OUT",
        help="the run store (OUT.foi.sqlite), or a run output beside it (out.sqlite, out.csv)",
    )
    p.add_argument("-o", "--output", required=True, metavar="report.html")
    p.add_argument("--title", help="page title (default: the question set's title)")
    redact_flag(p)
    return p


def cmd_report(argv: Sequence[str]) -> int:
    from .run.outputs import write_output
    from .run.store import Store, StoreError, default_store_path

    args = _report_parser().parse_args(argv)
    path = args.run
    if not path.endswith(".foi.sqlite"):
        path = default_store_path(path)
    if not Path(path).exists():
        raise ConfigError(f"{path}: no run store (run foi-extract run ... -o {args.run} first)")
    try:
        store = Store(path)
    except StoreError as exc:
        raise ConfigError(str(exc)) from None
    try:
        records = store.records(pages=True)
        runs = store.runs()
    finally:
        store.close()
    title = args.title
    if title is None and runs and runs[-1].get("question_set"):
        try:
            from .questionset import load_question_set

            title = load_question_set(runs[-1]["question_set"]).title
        except ConfigError:
            title = None
    if args.redact_personal:
        from .redact import redact_record

        records = [redact_record(r) for r in records]
    write_output(args.output, "html", records, title=title)
    print(f"foi-extract: wrote {args.output} ({len(records)} documents)", file=sys.stderr)
    return 0
