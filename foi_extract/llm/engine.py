"""The LLM engine: rules output as hints, schema-constrained findings per chunk, then grounding.

The model decides each question's status, which cited grounds were applied and the typed value,
quoting its evidence; everything it says is checked against the page text. A status needs no
quote, but an exemption needs a real citation in the reply, and a value needs its quote found.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, review
from ..document import Document
from ..errors import FoiExtractError
from ..ground import locate
from ..models import EngineInfo, Exemption, Extraction, Notice, Question
from ..questionset import QuestionSet
from ..rules.letter import default_law
from . import boilerplate
from .batch_api import Deferred
from .chunking import Chunk, Unit, halve, make_chunks, tokens
from .client import AuthError, InvalidOutput, LLMClient, LLMError, TruncatedOutput
from .config import LLMConfig
from .findings import chunk_model, field_name, merge
from .guard import adjudicate, ground_exemption, keep_rules_grounds, quote_counts
from .progress import Progress
from .prompts import PromptSet, example_messages, load_prompts
from .stream import OUTPUT_PER_QUESTION
from .values import ground_value

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

MAX_HALVINGS = 3


class LLMFailed(FoiExtractError):
    exit_code = 20
    code = "llm_failed"


class LLMAuthFailed(LLMFailed):
    """The endpoint refused the key: every document would fail the same way, so this one stops the run."""


class LLMEngine:
    name = "llm"

    def __init__(
        self,
        config: LLMConfig,
        *,
        client: LLMClient | None = None,
        prompts: PromptSet | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.cfg = config
        self.client = client or LLMClient(config)
        self.prompts = prompts or load_prompts()
        self.progress = progress or Progress()
        if self.client.streamer is not None:
            self.client.streamer.on_token = self.progress.token

    def close(self) -> None:
        """Nothing to release; the local engine stops its server here."""

    # ------------------------------------------------------------------ run
    def run(self, doc: Document, questions: QuestionSet | None = None) -> Extraction:
        from ..engines.rules import RulesEngine

        rules = RulesEngine().run(doc, questions)
        every = _questions(rules, questions)
        asked = _in_scope(every, rules, self.cfg.scope)
        warnings = list(rules.warnings)
        before = self.client.usage.as_dict()
        findings: dict[str, dict[str, Any]] = {}
        header = _header(doc, rules)
        hints = {q.id: _hint(q) for q in rules.questions}
        budget = self._budget(asked, header, hints)
        chunks = make_chunks(_units(doc, rules, asked), budget, self.cfg.max_questions)
        prefix = self.cfg.context_tokens - self.cfg.max_output_tokens - 200 - budget
        self.client.start_document(
            sum(prefix + c.size for c in chunks), OUTPUT_PER_QUESTION * len(asked)
        )
        self.progress.start(Path(doc.path).name, len(asked))
        deferred: list[str] = []
        try:
            for chunk in chunks:
                try:
                    answered = self._ask(doc.path, chunk, asked, header, hints, warnings, 0)
                except Deferred as later:  # Batch API: ask the other chunks too, in the same batch
                    deferred += later.keys
                    continue
                for qid, finding in answered.items():
                    findings[qid] = merge(findings[qid], finding) if qid in findings else finding
                self.progress.answered(len([i for i in chunk.ids if i in asked]))
        except LLMFailed as exc:
            if self.cfg.strict or isinstance(exc, LLMAuthFailed):
                raise
            used = {k: v - before.get(k, 0) for k, v in self.client.usage.as_dict().items()}
            return self._fallback(rules, exc, used)
        finally:
            self.client.end_document()
            self.progress.end()
        if deferred:
            raise Deferred(deferred)
        used = {k: v - before.get(k, 0) for k, v in self.client.usage.as_dict().items()}
        return self._assemble(doc, rules, every, findings, warnings, used)

    def _fallback(self, rules: Extraction, exc: LLMFailed, usage: dict[str, int]) -> Extraction:
        """The LLM failed for this document: keep the rules result, say so, and flag it for review."""
        notice = Notice(code="llm_fallback", message=f"{exc}; the rules engine's result is kept")
        return rules.model_copy(
            update={
                "engine": EngineInfo(
                    name=self.name,
                    version=__version__,
                    model=self.cfg.model,
                    prompt_version=self.prompts.version,
                    usage=usage,
                    fallback="rules",
                ),
                "warnings": [*rules.warnings, notice],
                "review": list(dict.fromkeys([*rules.review, review.FALLBACK_RULES])),
            }
        )

    def _budget(self, asked: dict[str, tuple[str, Any]], header: str, hints: dict[str, str]) -> int:
        fixed = (
            self.prompts.system
            + json.dumps(example_messages(self.prompts))
            + self.prompts.render(
                header=header,
                questions=_question_lines(asked, list(asked)),
                typed_note="",
                hints="\n".join(hints.values()),
                chunk="",
            )
        )
        return max(200, self.cfg.context_tokens - self.cfg.max_output_tokens - tokens(fixed) - 200)

    def _ask(
        self,
        path: str,
        chunk: Chunk,
        asked: dict[str, tuple[str, Any]],
        header: str,
        hints: dict[str, str],
        warnings: list[Notice],
        depth: int,
    ) -> dict[str, dict[str, Any]]:
        ids = [i for i in chunk.ids if i in asked]
        if not ids:
            return {}
        typed = any(asked[i][1] is not None for i in ids)
        user = self.prompts.render(
            header=header,
            questions=_question_lines(asked, ids),
            typed_note=" [value: type]" if typed else "",
            hints="\n".join(hints[i] for i in ids if i in hints) or "(none)",
            chunk=chunk.text,
        )
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": self.prompts.system},
            *example_messages(self.prompts),
            {"role": "user", "content": user},
        ]
        model = chunk_model([(i, asked[i][1]) for i in ids])
        try:
            try:
                result = self.client.structured(messages, model, context={"chunk": chunk.text})
            except InvalidOutput:
                # Quotes still not verbatim after re-asks: take the findings; grounding will judge each quote.
                warnings.append(
                    Notice(
                        code="llm_quotes_unverified",
                        message=f"questions {', '.join(ids)}: the model kept paraphrasing its quotes",
                    )
                )
                result = self.client.structured(messages, model)
        except TruncatedOutput:
            smaller = halve(chunk) if depth < MAX_HALVINGS else []
            if not smaller:
                warnings.append(
                    Notice(
                        code="llm_truncated",
                        message=f"questions {', '.join(ids)}: the model's answer did not fit even in the smallest chunk; rules result kept",
                    )
                )
                return {}
            out: dict[str, dict[str, Any]] = {}
            for part in smaller:
                for qid, f in self._ask(
                    path, part, asked, header, hints, warnings, depth + 1
                ).items():
                    out[qid] = merge(out[qid], f) if qid in out else f
            return out
        except AuthError as exc:
            raise LLMAuthFailed(path, str(exc)) from None
        except LLMError as exc:
            raise LLMFailed(path, str(exc)) from None
        data = result.model_dump()
        return {qid: data[field_name(qid)] for qid in ids if data.get(field_name(qid))}

    # ------------------------------------------------------------------ grounding
    def _assemble(
        self,
        doc: Document,
        rules: Extraction,
        asked: dict[str, tuple[str, Any]],
        findings: dict[str, dict[str, Any]],
        warnings: list[Notice],
        usage: dict[str, int],
    ) -> Extraction:
        law = default_law(rules.letter.legislation)
        by_id = {q.id: q for q in rules.questions}
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
                ex = ground_exemption(doc, cited, law, base)
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
                s.page == span.page and s.start <= span.start and span.end <= s.end
                for s in evidence
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
                "engine": EngineInfo(
                    name=self.name,
                    version=__version__,
                    model=self.cfg.model,
                    prompt_version=self.prompts.version,
                    usage=usage,
                ),
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


def _questions(rules: Extraction, qset: QuestionSet | None) -> dict[str, tuple[str, Any]]:
    """id -> (text, value type): the question set's when given, else the reply's own."""
    if qset is not None:
        from .typespec import value_model_for

        return {q.id: (q.text, value_model_for(q)) for q in qset.questions}
    return {
        q.id: ((q.text or f"question {q.id}").replace("\n", " "), None) for q in rules.questions
    }


def _in_scope(
    every: dict[str, tuple[str, Any]], rules: Extraction, scope: str
) -> dict[str, tuple[str, Any]]:
    """`review`: the questions the rules flagged for review, or whose question set asks for a
    typed value (only a model can read one); `all`: every question."""
    if scope == "all":
        return every
    flagged = {q.id for q in rules.questions if q.review}
    return {qid: v for qid, v in every.items() if qid in flagged or v[1] is not None}


def _units(doc: Document, rules: Extraction, asked: dict[str, tuple[str, Any]]) -> list[Unit]:
    """Each question's verbatim evidence; questions sharing evidence share a unit; orphans get the
    whole reply. Closing boilerplate is left out (boilerplate.py); quotes are located in the pages."""
    law = default_law(rules.letter.legislation)
    units: dict[str, Unit] = {}
    orphans = []
    for q in rules.questions:
        if q.id not in asked:
            continue
        if not q.evidence:
            orphans.append(q.id)
            continue
        key = json.dumps([(s.page, s.start, s.end) for s in q.evidence])
        if key in units:
            units[key].ids.append(q.id)
        else:
            text = boilerplate.strip("\n".join(s.text for s in q.evidence), law)
            units[key] = Unit([q.id], text, sorted({s.page for s in q.evidence}))
    orphans += [qid for qid in asked if qid not in {q.id for q in rules.questions}]
    out = list(units.values())
    if orphans:
        whole = boilerplate.strip("\n\n".join(doc.pages), law)
        out.append(Unit(orphans, whole, list(range(1, len(doc.pages) + 1))))
    return out


def _header(doc: Document, rules: Extraction) -> str:
    L = rules.letter
    facts = "; ".join(
        f"{k}: {v}"
        for k, v in (
            ("authority", L.authority),
            ("reference", L.reference),
            ("date", L.date),
            ("law", ", ".join(L.legislation)),
        )
        if v
    )
    return facts or doc.pages[0].strip()[:400]


def _hint(q: Question) -> str:
    cited = ", ".join(f"{e.law} {e.section}{e.subsection or ''}" for e in q.exemptions) or "none"
    return f"{q.id}: rules status {q.status}; grounds cited in its answer: {cited}"


def _question_lines(asked: dict[str, tuple[str, Any]], ids: list[str]) -> str:
    lines = []
    for qid in ids:
        text, vtype = asked[qid]
        line = f"{qid}: {text}"
        if vtype is not None:
            from .typespec import describe

            line += f" [value: {describe(vtype)}]"
        lines.append(line)
    return "\n".join(lines)
