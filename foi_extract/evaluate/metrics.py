"""Pure scoring functions: gold labels vs one Extraction (or None when extraction failed).

Nothing here reads files or calls the extractor, so every figure in a report can be
reproduced from hand-built objects in a unit test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..document import Document
from ..models import Extraction, Span
from .gold import GoldDocument
from .report import PRF, Accuracy, DocumentRow

MISSING = "<missing>"  # gold question the prediction does not have
FAILED = "<failed>"  # gold question of a document whose extraction failed


def prf(tp: int, fp: int, fn: int) -> PRF:
    """Precision/recall/F1; an empty denominator counts as 1.0 (nothing predicted, nothing wrong)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return PRF(tp=tp, fp=fp, fn=fn, precision=p, recall=r, f1=f1)


def accuracy(correct: int, total: int) -> Accuracy:
    return Accuracy(correct=correct, total=total, rate=correct / total if total else 1.0)


def _v(x: Any) -> str:
    return str(x.value if isinstance(x, Enum) else x)


def _section(section: Any) -> str:
    return re.sub(r"\s+", "", str(section)).lower()


def norm_qid(qid: Any) -> str:
    """ "1." / "(1)" / "Q1" all name question "1"; the request's own numbering otherwise."""
    s = re.sub(r"\s+", "", str(qid)).lower().strip("().:;-")
    return re.sub(r"^(question|q)(?=\d)", "", s)


def gold_exemption_keys(gold: GoldDocument) -> set[tuple[str, str]]:
    """Applied grounds: the top-level list plus any given only under a question."""
    items = list(gold.exemptions) + [e for q in gold.questions for e in q.exemptions]
    return {(_v(e.law), _section(e.section)) for e in items}


def predicted_exemption_keys(ex: Extraction | None) -> set[tuple[str, str]]:
    if ex is None:
        return set()
    items = list(ex.exemptions) + [e for q in ex.questions for e in q.exemptions]
    return {(_v(e.law), _section(e.section)) for e in items}


def trap_keys(gold: GoldDocument) -> set[tuple[str, str]]:
    """Cited-but-not-applied sections; a section that is also applied is not a trap."""
    traps = {(_v(e.law), _section(e.section)) for e in gold.mentioned_not_applied}
    return traps - gold_exemption_keys(gold)


def norm_url(url: str) -> str:
    """Compare URLs loosely: no scheme, no leading www., lowercase host, no trailing / or punctuation."""
    s = url.strip().lstrip("<([\"'")
    s = s.rstrip(".,;:!?)]}>\"'/")
    s = re.sub(r"^https?://", "", s, flags=re.I)
    s = re.sub(r"^www\.", "", s, flags=re.I)
    host, sep, rest = s.partition("/")
    return (host.lower() + sep + rest).rstrip("/")


def norm_ref(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().casefold()


def _predicted_refs(ex: Extraction | None) -> list[tuple[str, str]]:
    if ex is None:
        return []
    refs = list(ex.references) + [r for q in ex.questions for r in q.references]
    return [(_v(r.kind), r.value) for r in refs]


_PUNCT = re.compile(r"[^\w\s]|_")  # any punctuation, typographic quotes and dashes included


def norm_authority(name: str | None) -> str:
    s = _PUNCT.sub(" ", (name or "").casefold())
    return " ".join(w for w in s.split() if w != "the")


def authority_match(gold: str | None, pred: str | None) -> bool:
    g, p = norm_authority(gold), norm_authority(pred)
    if not g or not p:
        return g == p
    return g in p or p in g


def reference_match(gold: str | None, pred: str | None) -> bool:
    def norm(s: str | None) -> str:
        return re.sub(r"[^0-9a-z]", "", (s or "").casefold())

    return norm(gold) == norm(pred)


def date_match(gold: str | None, pred: str | None) -> bool:
    return (gold or None) == (pred or None)


def all_spans(ex: Extraction) -> list[Span]:
    """Every evidence span anywhere in an Extraction."""
    spans: list[Span] = list(ex.letter.evidence.values())
    for q in ex.questions:
        spans += q.evidence + q.value_evidence
        for c in q.cues:
            spans += c.evidence
        for e in q.exemptions:
            spans += e.evidence
        for r in q.references:
            spans += r.evidence
    for e in ex.exemptions:
        spans += e.evidence
    for r in ex.references:
        spans += r.evidence
    return spans


def grounding(ex: Extraction | None, doc: Document | None) -> tuple[int, int, list[Span]]:
    """(total, grounded, ungrounded spans); without the Document nothing can be verified."""
    if ex is None:
        return 0, 0, []
    spans = all_spans(ex)
    bad = [s for s in spans if doc is None or not doc.is_grounded(s)]
    return len(spans), len(spans) - len(bad), bad


@dataclass
class DocScore:
    """One document's counts; `row` is what the report shows, the rest feeds the aggregates."""

    row: DocumentRow
    q_exemptions: PRF
    url_tp: int = 0
    refs_found: int = 0
    refs_total: int = 0
    status_pairs: list[tuple[str, str]] = field(default_factory=list)
    # (gold, predicted, flagged) for gold questions the prediction has: accuracy by review flag
    found_pairs: list[tuple[str, str, bool]] = field(default_factory=list)
    # per-question exemption (tp, fp) split by the question's review flag: {False: unflagged, True: flagged}
    q_exemptions_by_flag: dict[bool, tuple[int, int]] = field(default_factory=dict)
    kind: tuple[str, str] | None = None  # (gold, predicted) where the gold file labels letter.kind
    letter: dict[str, bool] = field(default_factory=dict)
    ungrounded: list[Span] = field(default_factory=list)


def _fmt(keys: Iterable[tuple[str, ...]]) -> list[str]:
    return [":".join(k) for k in sorted(keys)]


def score_document(
    gold: GoldDocument,
    ex: Extraction | None,
    doc: Document | None,
    *,
    error: str | None = None,
    gold_file: str = "",
) -> DocScore:
    """Score one document; `ex is None` means extraction failed and everything counts as wrong."""
    name = gold.document
    failed = ex is None
    row = DocumentRow(document=name, gold_file=gold_file, questions_gold=len(gold.questions))
    if failed:
        row.error = error or "extraction failed"

    g_ex, p_ex = gold_exemption_keys(gold), predicted_exemption_keys(ex)
    row.exemption_tp, row.exemption_fp, row.exemption_fn = (
        len(g_ex & p_ex),
        len(p_ex - g_ex),
        len(g_ex - p_ex),
    )
    row.missed_exemptions, row.spurious_exemptions = _fmt(g_ex - p_ex), _fmt(p_ex - g_ex)
    row.trap_hits = [f"{name}:{law}:{sec}" for law, sec in sorted(p_ex & trap_keys(gold))]

    g_qex = {
        (norm_qid(q.id), _v(e.law), _section(e.section))
        for q in gold.questions
        for e in q.exemptions
    }
    p_qex = set()
    if ex is not None:
        p_qex = {
            (norm_qid(q.id), _v(e.law), _section(e.section))
            for q in ex.questions
            for e in q.exemptions
        }
    q_prf = prf(len(g_qex & p_qex), len(p_qex - g_qex), len(g_qex - p_qex))

    predicted_status: dict[str, str] = {}
    flagged: dict[str, bool] = {}
    for q in ex.questions if ex is not None else []:
        predicted_status.setdefault(norm_qid(q.id), _v(q.status))
        flagged.setdefault(norm_qid(q.id), bool(q.review))
    pairs = []
    found_pairs = []
    for gq in gold.questions:
        pred = FAILED if failed else predicted_status.get(norm_qid(gq.id), MISSING)
        pairs.append((_v(gq.status), pred))
        if pred not in (FAILED, MISSING):
            found_pairs.append((_v(gq.status), pred, flagged[norm_qid(gq.id)]))
        if pred != _v(gq.status):
            row.status_errors.append(f"q{gq.id}: {_v(gq.status)} -> {pred}")
    row.question_ids_found = len(found_pairs)
    by_flag: dict[bool, tuple[int, int]] = {}
    for flag in (False, True):
        mine = {k for k in p_qex if flagged.get(k[0], False) == flag}
        by_flag[flag] = (len(mine & g_qex), len(mine - g_qex))
    row.status_total, row.status_correct = len(pairs), sum(g == p for g, p in pairs)
    row.questions_predicted = None if ex is None else len(ex.questions)

    preds = _predicted_refs(ex)
    gold_urls = {norm_url(u): u for u in gold.urls}
    gold_urls.update({norm_url(r.value): r.value for r in gold.references if _v(r.kind) == "url"})
    pred_urls = {norm_url(v): v for k, v in preds if k == "url"}
    row.urls_missed = [gold_urls[k] for k in sorted(gold_urls.keys() - pred_urls.keys())]
    row.urls_spurious = [pred_urls[k] for k in sorted(pred_urls.keys() - gold_urls.keys())]

    gold_refs = {norm_ref(r.value): r.value for r in gold.references if _v(r.kind) != "url"}
    pred_refs = {norm_ref(v) for k, v in preds if k != "url"}
    row.references_missed = [gold_refs[k] for k in sorted(gold_refs.keys() - pred_refs)]

    letter: dict[str, bool] = {}
    gl, pl = gold.letter, (ex.letter if ex is not None else None)
    for fname, match in (
        ("authority", authority_match),
        ("reference", reference_match),
        ("date", date_match),
    ):
        gv, pv = getattr(gl, fname), (getattr(pl, fname) if pl is not None else None)
        letter[fname] = (not failed) and match(gv, pv)
        if not letter[fname] and not failed:
            row.letter_errors.append(f"{fname}: {gv!r} -> {pv!r}")

    row.spans, row.spans_grounded, bad = grounding(ex, doc)
    return DocScore(
        row=row,
        q_exemptions=q_prf,
        url_tp=len(gold_urls.keys() & pred_urls.keys()),
        refs_found=len(gold_refs) - len(row.references_missed),
        refs_total=len(gold_refs),
        status_pairs=pairs,
        found_pairs=found_pairs,
        q_exemptions_by_flag=by_flag,
        kind=(gold.letter.kind, _v(ex.letter.kind) if ex is not None else FAILED)
        if gold.letter.kind
        else None,
        letter=letter,
        ungrounded=bad,
    )
