"""The LLM engine: rules output as hints, schema-constrained findings per chunk, then grounding.

The model decides each question's status, which cited grounds were applied and the typed value,
quoting its evidence; everything it says is checked against the page text. A status needs no
quote, but an exemption needs a real citation in the reply, and a value needs its quote found
(grounding.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, review
from ..document import Document
from ..errors import FoiExtractError
from ..models import EngineInfo, Extraction, Notice, Question
from ..questionset import QuestionSet
from ..rules.letter import default_law
from . import boilerplate
from .batch_api import Deferred
from .chunking import Chunk, Unit, halve, make_chunks, tokens
from .client import AuthError, LLMClient, LLMError, TruncatedOutput
from .config import LLMConfig
from .findings import chunk_model, field_name, merge
from .grounding import assemble
from .progress import Progress
from .prompts import PromptSet, example_messages, load_prompts
from .stream import OUTPUT_PER_QUESTION

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
    def run(
        self,
        doc: Document,
        questions: QuestionSet | None = None,
        *,
        rules: Extraction | None = None,
    ) -> Extraction:
        """`rules`: the rules engine's result for `doc` and `questions`, when already computed."""
        if rules is None:
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
        return assemble(doc, rules, every, findings, warnings, self._info(used))

    def _info(self, usage: dict[str, int], **extra: Any) -> EngineInfo:
        """What ran, for the result's `engine` field (`fallback="rules"` when the LLM failed)."""
        return EngineInfo(
            name=self.name,
            version=__version__,
            model=self.cfg.model,
            prompt_version=self.prompts.version,
            usage=usage,
            **extra,
        )

    def _fallback(self, rules: Extraction, exc: LLMFailed, usage: dict[str, int]) -> Extraction:
        """The LLM failed for this document: keep the rules result, say so, and flag it for review."""
        notice = Notice(code="llm_fallback", message=f"{exc}; the rules engine's result is kept")
        return rules.model_copy(
            update={
                "engine": self._info(usage, fallback="rules"),
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
            # a quote that is not verbatim is no reason to pay for the prompt again: grounding
            # turns it into null with a warning, and it cannot move a rules decision (guard.py)
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
