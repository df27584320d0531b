"""Run the extractor over every gold file and score it; `thresholds_met` backs `eval --check`.

A document that cannot be found, loaded or extracted is recorded as failed (and scored as
all-wrong) rather than stopping the run, so one bad file never hides the figures of the rest.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..document import Document
from ..errors import FoiExtractError
from ..load import load
from ..models import Extraction
from .gold import GoldDocument, load_gold_dir, resolve_document
from .metrics import accuracy, prf, score_document
from .report import EvalReport, FailedDocument, Grounding

ExtractFn = Callable[..., Extraction]
Case = tuple[GoldDocument, Extraction | None, Document | None]
UNGROUNDED_SAMPLES = 3  # per document, in the report


def score_cases(
    cases: Sequence[Case],
    *,
    errors: Sequence[str | None] | None = None,
    gold_files: Sequence[str] | None = None,
    engine: str = "",
    gold_dir: str = "",
) -> EvalReport:
    """Aggregate per-document scores into one report (micro-averaged: counts summed first).

    `errors` and `gold_files`, when given, run parallel to `cases` (None = no error)."""
    for name, extra in (("errors", errors), ("gold_files", gold_files)):
        if extra is not None and len(extra) != len(cases):
            raise ValueError(f"{name} has {len(extra)} entries for {len(cases)} cases")
    scores = [
        score_document(
            gold,
            ex,
            doc,
            error=errors[i] if errors else None,
            gold_file=gold_files[i] if gold_files else "",
        )
        for i, (gold, ex, doc) in enumerate(cases)
    ]
    rows = [s.row for s in scores]

    confusion: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in scores:
        for g, p in s.status_pairs:
            confusion[g][p] += 1

    letter = {
        name: accuracy(sum(s.letter[name] for s in scores), len(scores))
        for name in ("authority", "reference", "date")
    }

    spans = sum(r.spans for r in rows)
    grounded = sum(r.spans_grounded for r in rows)
    samples = [
        f"{s.row.document}: p{sp.page} {sp.start}:{sp.end} {sp.text[:60]!r}"
        for s in scores
        for sp in s.ungrounded[:UNGROUNDED_SAMPLES]
    ]

    found = [p for s in scores for p in s.found_pairs]
    unflagged = [(g, p) for g, p, f in found if not f]
    flagged = [(g, p) for g, p, f in found if f]
    by_flag = {
        flag: prf(
            sum(s.q_exemptions_by_flag.get(flag, (0, 0))[0] for s in scores),
            sum(s.q_exemptions_by_flag.get(flag, (0, 0))[1] for s in scores),
            0,
        )
        for flag in (False, True)
    }
    kinds = [s.kind for s in scores if s.kind is not None]
    traps = [hit for r in rows for hit in r.trap_hits]
    url_fp = sum(len(r.urls_spurious) for r in rows)
    url_fn = sum(len(r.urls_missed) for r in rows)
    return EvalReport(
        engine=engine,
        gold_dir=gold_dir,
        documents=len(rows),
        failed=[
            FailedDocument(document=r.document, gold_file=r.gold_file, error=r.error)
            for r in rows
            if r.error
        ],
        exemptions=prf(
            sum(r.exemption_tp for r in rows),
            sum(r.exemption_fp for r in rows),
            sum(r.exemption_fn for r in rows),
        ),
        question_exemptions=prf(
            sum(s.q_exemptions.tp for s in scores),
            sum(s.q_exemptions.fp for s in scores),
            sum(s.q_exemptions.fn for s in scores),
        ),
        trap_hit_count=len(traps),
        trap_hits=traps,
        status=accuracy(sum(r.status_correct for r in rows), sum(r.status_total for r in rows)),
        status_found=accuracy(sum(g == p for g, p, _ in found), len(found)),
        status_unflagged=accuracy(sum(g == p for g, p in unflagged), len(unflagged)),
        status_flagged=accuracy(sum(g == p for g, p in flagged), len(flagged)),
        flag_rate=len(flagged) / len(found) if found else 0.0,
        question_exemptions_unflagged=by_flag[False],
        question_exemptions_flagged=by_flag[True],
        question_ids=accuracy(
            sum(r.question_ids_found for r in rows), sum(r.questions_gold for r in rows)
        ),
        kind=accuracy(sum(g == p for g, p in kinds), len(kinds)),
        status_confusion={g: dict(ps) for g, ps in confusion.items()},
        question_count=accuracy(
            sum(r.questions_predicted == r.questions_gold for r in rows), len(rows)
        ),
        urls=prf(sum(s.url_tp for s in scores), url_fp, url_fn),
        references=accuracy(sum(s.refs_found for s in scores), sum(s.refs_total for s in scores)),
        letter=letter,
        grounding=Grounding(
            spans=spans,
            grounded=grounded,
            rate=grounded / spans if spans else 1.0,
            ungrounded=samples,
        ),
        rows=rows,
    )


def _default_extract() -> ExtractFn:
    from .. import extract

    return extract


def run_eval(
    gold_dir: str | os.PathLike[str],
    *,
    engine: Any = "rules",
    extract_fn: ExtractFn | None = None,
    json_path: str | os.PathLike[str] | None = None,
    select: Callable[[Path, Any], bool] | None = None,
) -> EvalReport:
    """Extract every gold file's document with `extract_fn(path, engine=engine)` and score it.

    Missing documents and FoiExtractError are recorded per document; any other exception is a
    bug in the extractor and propagates.
    """
    fn = extract_fn or _default_extract()
    cases: list[Case] = []
    errors: list[str | None] = []
    gold_files: list[str] = []
    for gold_file, gold in load_gold_dir(gold_dir):
        if select is not None and not select(gold_file, gold):
            continue
        ex: Extraction | None = None
        doc: Document | None = None
        error: str | None = None
        try:
            path = resolve_document(gold_file, gold.document)
            doc = load(path)
            if gold.question_set:
                qset = resolve_document(gold_file, gold.question_set)
                ex = fn(str(path), engine=engine, questions=str(qset))
            else:
                ex = fn(str(path), engine=engine)
        except FileNotFoundError as err:
            error = f"not_found: {err}"
        except FoiExtractError as err:
            error = f"{err.code}: {err}"
        cases.append((gold, ex, doc))
        errors.append(error)
        gold_files.append(str(gold_file))
    label = engine if isinstance(engine, str) else getattr(engine, "name", type(engine).__name__)
    report = score_cases(
        cases, errors=errors, gold_files=gold_files, engine=label, gold_dir=str(gold_dir)
    )
    if json_path is not None:
        out = Path(json_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return report


def thresholds_met(
    report: EvalReport,
    exemption_f1: float = 0.90,
    status_acc: float = 0.85,
    question_count_acc: float = 0.85,
    grounding: float = 1.0,
    max_trap_hits: int = 0,
) -> list[str]:
    """The checks that failed, one readable line each; an empty list means the run passes."""
    failed: list[str] = []
    if report.documents == 0:
        failed.append("no gold documents were evaluated")
    if report.exemptions.f1 < exemption_f1:
        failed.append(f"exemption F1 {report.exemptions.f1:.3f} < {exemption_f1:.3f}")
    if report.status.rate < status_acc:
        failed.append(f"status accuracy {report.status.rate:.3f} < {status_acc:.3f}")
    if report.question_count.rate < question_count_acc:
        failed.append(
            f"question-count accuracy {report.question_count.rate:.3f} < {question_count_acc:.3f}"
        )
    if report.grounding.rate < grounding:
        failed.append(
            f"grounding {report.grounding.rate:.3f} < {grounding:.3f}"
            f" ({report.grounding.spans - report.grounding.grounded} ungrounded spans)"
        )
    if report.trap_hit_count > max_trap_hits:
        failed.append(
            f"trap hits {report.trap_hit_count} > {max_trap_hits}: {', '.join(report.trap_hits)}"
        )
    return failed
