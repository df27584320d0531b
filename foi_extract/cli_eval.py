"""`foi-extract eval`: score an engine against hand-labelled gold files, rules and llm side by side."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .cli_flags import (
    EXIT_CODES,
    engine_options,
    error,
    llm_flags,
    make_engine,
)
from .errors import ConfigError

if TYPE_CHECKING:  # imported by the commands that need them: `--help` stays fast
    from .evaluate.report import EvalReport


def _eval_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="foi-extract eval",
        description="Score the extractor against hand-labelled gold files.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("gold", metavar="GOLD_DIR", help="folder of gold YAML files (or one file)")
    p.add_argument("--engine", "-e", default="rules")
    llm_flags(p)
    p.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    p.add_argument(
        "--check", action="store_true", help="exit 3 unless the acceptance thresholds are met"
    )
    p.add_argument(
        "--replay",
        metavar="DIR",
        help="with --engine llm: answer LLM requests from recordings in DIR "
        "(fixtures/llm_eval: one folder per --llm-scope); scores rules and the llm at each "
        "recorded scope side by side on the documents recorded in all of them",
    )
    return p


def cmd_eval(argv: Sequence[str]) -> int:
    from .evaluate import format_report, run_eval, thresholds_met

    args = _eval_parser().parse_args(argv)
    if not Path(args.gold).exists():
        raise ConfigError(f"{args.gold}: no such gold folder")
    if args.replay:
        report = _eval_replay(args)
    else:
        engine = make_engine(args.engine, engine_options(args))
        try:
            report = run_eval(args.gold, engine=engine, json_path=args.json)
        finally:
            getattr(engine, "close", lambda: None)()
    print(format_report(report))
    if args.check:
        failed = thresholds_met(report)
        for line in failed:
            error(f"threshold not met: {line}")
        return 3 if failed else 0
    return 0


def _eval_replay(args: argparse.Namespace) -> EvalReport:
    from .evaluate import format_report
    from .evaluate.side_by_side import eval_replay, format_table, worse_fields

    if args.engine not in ("llm", "auto"):
        raise ConfigError("--replay replays the llm engine: use --engine llm")
    columns = eval_replay(args.gold, args.replay, args.json)
    rules = columns[0][1]
    print(format_report(rules))
    print(format_table(columns))
    for label, report, _ in columns[1:]:
        for line in worse_fields(rules, report):
            print(f"  {label} below rules: {line}")
    return columns[-1][1]
