"""Grounding: the model's findings for a document, checked against its pages and merged into
the rules result.

Why its own module: what the model said is only a claim; this is where each status, ground,
quote and value is kept or dropped (with a warning saying why), apart from how it was asked.
"""

from __future__ import annotations

from typing import Any

from .. import review
from ..document import Document
from ..ground import locate
from ..models import EngineInfo, Exemption, Extraction, Notice, Question
from ..rules.letter import default_law
from .guard import AppliedIndex, adjudicate, ground_exemption, keep_rules_grounds, quote_counts
from .values import ground_value


def assemble(
    doc: Document,
    rules: Extraction,
    asked: dict[str, tuple[str, Any]],
    findings: dict[str, dict[str, Any]],
    warnings: list[Notice],
    engine: EngineInfo,
    index: AppliedIndex | None = None,
) -> Extraction:
    """The rules result with the model's findings adopted where the reply's own words bear them out."""
    law = default_law(rules.letter.legislation)
    by_id = {q.id: q for q in rules.questions}
    index = index if index is not None and index.law == law else AppliedIndex(doc, law)
    built: list[Question] = []
    for qid, (_text, vtype) in asked.items():
        base = by_id.get(qid) or Question(id=qid, text=None, status="not_answered")
        f = findings.get(qid)
        if f is None:
            built.append(base)
            continue
        page_hint = base.evidence[0].page if base.evidence else None
        exemptions: list[Exemption] = []
        for cited in f.get("exemptions_applied") or []:
            ex = ground_exemption(doc, cited, law, base, index)
            if ex is None:
                warnings.append(
                    Notice(
                        code="llm_exemption_dropped",
                        message=f"question {qid}: {cited!r} is not a ground cited for this question in the reply; dropped",
                    )
                )
            elif all((e.law, e.section) != (ex.law, ex.section) for e in exemptions):
                exemptions.append(ex)
        evidence = list(base.evidence)
        quote = f.get("answer_quote")
        span = locate(doc, quote, page_hint) if quote else None
        if quote and span is None:
            warnings.append(
                Notice(
                    code="llm_quote_not_found",
                    message=f"question {qid}: answer quote not found in the text: {quote[:60]!r}",
                )
            )
        elif span is not None and not quote_counts(span, base):
            warnings.append(
                Notice(
                    code="llm_quote_outside_answer",
                    message=f"question {qid}: answer quote is not in this question's answer: {str(quote)[:60]!r}",
                )
            )
            span = None
        elif span is not None and not any(
            s.page == span.page and s.start <= span.start and span.end <= s.end for s in evidence
        ):
            evidence.append(span)
        shown = span is not None or bool(exemptions)  # the model's own evidence, found
        status = adjudicate(f["status"], base, span, exemptions)
        exemptions = keep_rules_grounds(status, base, exemptions)
        if status != f["status"]:
            warnings.append(
                Notice(
                    code="llm_status_unsupported",
                    message=f"question {qid}: the model said {f['status']} but quoted nothing that says so; kept {status}",
                )
            )
        update: dict[str, Any] = {
            "status": status,
            "exemptions": exemptions,
            "evidence": evidence,
        }
        if status != f["status"] and base.review:
            # the model read a decision the rules were unsure of otherwise and could not show
            # it: a person should look. (A question asked only for its typed value keeps its
            # unflagged status: an unshown disagreement of the model is no evidence.)
            update["review"] = list(dict.fromkeys([*base.review, review.LLM_DISAGREES]))
        elif shown:  # adjudication adopted the model's reading and its evidence: settled
            update["review"] = [r for r in base.review if r not in review.DECISION_REASONS]
        if vtype is not None:
            update.update(_ground_value(doc, qid, f, page_hint, warnings))
        built.append(base.model_copy(update=update))
    top: dict[tuple[str, str], Exemption] = {}
    on_questions = {(e.law, e.section) for q in rules.questions for e in q.exemptions}
    for e in rules.exemptions:  # grounds the rules tied to no question: not the model's to drop
        if (e.law, e.section) not in on_questions:
            top.setdefault((e.law, e.section), e)
    for q in built:
        for e in q.exemptions:
            top.setdefault((e.law, e.section), e)
    return rules.model_copy(
        update={
            "questions": built,
            "exemptions": list(top.values()),
            "engine": engine,
            "warnings": warnings,
        }
    )


def _ground_value(
    doc: Document, qid: str, f: dict[str, Any], page_hint: int | None, warnings: list[Notice]
) -> dict[str, Any]:
    """The value stands only where its quote is in the reply and states each part of it."""
    value, quote = f.get("value"), f.get("value_quote")
    if value in (None, [], {}):
        return {"value": None, "value_evidence": []}
    span = locate(doc, quote, page_hint) if quote else None
    if span is None:
        warnings.append(
            Notice(
                code="llm_value_dropped",
                message=f"question {qid}: the value's quote is not in the text, so the value is null: {str(quote)[:60]!r}",
            )
        )
        return {"value": None, "value_evidence": []}
    grounded, dropped = ground_value(value, span.text)
    if dropped:
        warnings.append(
            Notice(
                code="llm_value_part_dropped",
                message=f"question {qid}: not stated in the quoted text, set to null: {', '.join(dropped[:6])}",
            )
        )
    if grounded in (None, [], {}) and value not in (None, [], {}):
        return {"value": None, "value_evidence": []}
    return {"value": grounded, "value_evidence": [span]}
