"""`foi-extract`: extract a batch of replies, print page text, print the schema, evaluate.

The commands live beside this module: `cli_batch` (run, report), `cli_eval` (eval) and
`cli_flags` (what they share); `main` dispatches."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import __version__, limits
from .cli_batch import cmd_report, cmd_run
from .cli_eval import cmd_eval
from .cli_flags import (
    ENGINES_HELP,
    EXIT_CODES,
    check_output_path,
    engine_options,
    error,
    llm_flags,
    make_engine,
    ocr_flag,
    open_out,
    redact_flag,
)
from .errors import ConfigError, FoiExtractError, printable
from .write import FORMATS

if TYPE_CHECKING:  # imported by the commands that need them: `--help` stays fast
    from .models import Extraction
    from .write.csv_writer import LongCSV


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
    ocr_flag(p)
    redact_flag(p)
    llm_flags(p)
    p.add_argument("--version", action="version", version=f"foi-extract {__version__}")
    return p


def _text_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="foi-extract text",
        description="Print the page text every evidence offset refers to.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", "-f", choices=("json", "plain"), default="plain")
    ocr_flag(p)
    redact_flag(p)
    return p


def cmd_extract(argv: Sequence[str]) -> int:
    from .questionset import load_question_set
    from .run.discover import discover
    from .run.worker import process

    args = _extract_parser().parse_args(argv)
    check_output_path(args.output)
    qset = load_question_set(args.questions) if args.questions else None
    engine = make_engine(args.engine, engine_options(args))
    found = discover(args.files, exclude=[args.output] if args.output else [])
    for item in found.skipped:
        print(f"foi-extract: skipped: {item.path}: {item.skip}", file=sys.stderr)
    stream = _Stream(args.format, args.output)
    first_failure = 0
    try:
        for item in found.documents:
            outcome = process(item, engine, qset, {"ocr": args.ocr})
            if args.redact_personal:
                from .redact import redact_outcome

                outcome = redact_outcome(outcome)
            if outcome["outcome"] == "failed":
                error(f"{item.path}: {outcome['message']}")
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
            self.out = open_out(self.path)
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
        error(str(exc))
        return exc.exit_code
    except ConfigError as exc:
        error(str(exc))
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
