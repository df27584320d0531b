"""`eval --replay`: rules alone and the LLM engine at each recorded scope, on the same documents.

Why a module of its own: the question the table answers ("does the model pay for itself, and
at which scope?") needs every field in one place, each column scored on exactly the same
documents, and what each column cost in requests and tokens beside its scores.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .report import EvalReport
from .spend import PROMPT_FACTOR, Spend

Column = tuple[str, EvalReport, Spend | None]


def _letter(name: str) -> Callable[[EvalReport], float]:
    return lambda r: r.letter[name].rate if name in r.letter else 0.0


# (row label, how to read it from a report); every field the eval scores, one row each
FIELDS: list[tuple[str, Callable[[EvalReport], float | int]]] = [
    ("documents", lambda r: r.documents),
    ("exemption F1", lambda r: r.exemptions.f1),
    ("exemption precision", lambda r: r.exemptions.precision),
    ("exemption recall", lambda r: r.exemptions.recall),
    ("question exemption F1", lambda r: r.question_exemptions.f1),
    ("trap hits", lambda r: r.trap_hit_count),
    ("status accuracy", lambda r: r.status.rate),
    ("status where found", lambda r: r.status_found.rate),
    ("question-count accuracy", lambda r: r.question_count.rate),
    ("question ids found", lambda r: r.question_ids.rate),
    ("letter kind", lambda r: r.kind.rate),
    ("URL F1", lambda r: r.urls.f1),
    ("references recall", lambda r: r.references.rate),
    *((name, _letter(name)) for name in ("authority", "reference", "date")),
    ("grounding", lambda r: r.grounding.rate),
    ("review flag rate", lambda r: r.flag_rate),
]
LOWER_IS_BETTER = {"trap hits"}
NOT_A_SCORE = {"documents", "review flag rate"}  # a count, and a workload rather than a truth


def worse_fields(rules: EvalReport, llm: EvalReport) -> list[str]:
    """Fields on which `llm` scores below `rules` (the review flag rate is not a score of truth)."""
    out = []
    for name, get in FIELDS:
        if name in NOT_A_SCORE:
            continue
        a, b = get(rules), get(llm)
        if (b > a + 1e-9) if name in LOWER_IS_BETTER else (b < a - 1e-9):
            out.append(f"{name}: rules {a:.3f}, llm {b:.3f}")
    return out


def format_table(columns: list[Column]) -> str:
    """A plain-text table: one row per field, one column per engine/scope."""
    width = max(12, *(len(label) + 2 for label, _, _ in columns))
    spend = _spend_rows(columns)
    names = max(len(name) + 1 for name in [n for n, _ in FIELDS] + [n for n, _ in spend])
    head = f"  {'field':<{names}}" + "".join(f"{label:>{width}}" for label, _, _ in columns)
    out = ["", "side by side on the same documents:", head]
    for name, get in FIELDS:
        cells = []
        for _, report, _ in columns:
            v = get(report)
            cells.append(f"{v:>{width}.3f}" if isinstance(v, float) else f"{v:>{width}}")
        out.append(f"  {name:<{names}}" + "".join(cells))
    for name, cell in spend:
        out.append(f"  {name:<{names}}" + "".join(f"{c:>{width}}" for c in cell))
    return "\n".join(out)


def _spend_rows(columns: list[Column]) -> list[tuple[str, list[str]]]:
    def row(get: Callable[[Spend], str]) -> list[str]:
        return [get(s) if s is not None else "-" for _, _, s in columns]

    return [
        ("requests / document", row(lambda s: f"{s.requests:.2f}")),
        ("prompt tokens / document", row(lambda s: f"{s.prompt_tokens:.0f}")),
        ("output tokens / document", row(lambda s: f"{s.completion_tokens:.0f}")),
        ("documents not sent", row(lambda s: str(s.no_request))),
        ("rules fallbacks", row(lambda s: str(s.fallbacks))),
        (
            f"prompt <= {PROMPT_FACTOR}x doc + prefix",
            row(lambda s: f"{s.within_prompt_target}/{s.measured}"),
        ),
        ("  + the questions' text", row(lambda s: f"{s.within_with_questions}/{s.measured}")),
        ("fits: one request", row(lambda s: f"{s.fits_one_request}/{s.fits}")),
        ("prefix tokens", row(lambda s: str(s.prefix_tokens))),
        ("  + a question set's", row(lambda s: str(s.question_set_tokens))),
    ]


def eval_replay(
    gold: str | Path, replay: str | Path, json_path: str | Path | None = None
) -> list[Column]:
    """Score rules, then the LLM engine replayed from each recording folder under `replay`."""
    from ..llm.config import load_config
    from ..llm.engine import LLMEngine
    from .gold import GoldDocument, resolve_document
    from .replay import has_cassette, load_settings, load_token_counts, recording_dirs, replaying
    from .runner import run_eval
    from .spend import spend

    dirs = recording_dirs(replay)

    def recorded(gold_file: Path, doc: GoldDocument) -> bool:
        try:
            path = resolve_document(gold_file, doc.document)
        except FileNotFoundError:
            return False
        return all(has_cassette(d, path) for _, d in dirs)

    columns: list[Column] = [("rules", run_eval(gold, engine="rules", select=recorded), None)]
    for label, directory in dirs:
        settings = load_settings(directory)
        config = {**settings, "base_url": "http://127.0.0.1:9/v1", "api_key": "replay"}
        engine = LLMEngine(load_config(config, env={}))
        usage: list[tuple[str, dict[str, Any]]] = []
        out = None
        if json_path is not None:
            p = Path(json_path)
            out = p if len(dirs) == 1 else p.with_name(f"{p.stem}.{label}{p.suffix}")
        try:
            report = run_eval(
                gold,
                engine=engine,
                extract_fn=replaying(directory, engine, usage=usage),
                select=recorded,
                json_path=out,
            )
        finally:
            engine.close()
        counts = load_token_counts(directory)
        columns.append((f"llm ({label})", report, spend(usage, counts, settings)))
    return columns
