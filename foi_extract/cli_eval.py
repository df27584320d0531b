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
    from .evaluate.gold import GoldDocument
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
        "(fixtures/llm_eval); scores rules and llm side by side on the recorded documents",
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
