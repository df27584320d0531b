"""The LLM engine: rules output as hints, schema-constrained findings per chunk, then grounding.

The model decides each question's status, which cited grounds were applied and the typed value,
quoting its evidence; everything it says is checked against the page text. A status needs no
quote, but an exemption needs a real citation in the reply, and a value needs its quote found
(grounding.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, review
from ..document import Document
from ..errors import FoiExtractError
from ..models import EngineInfo, Extraction, Notice
from ..questionset import QuestionSet
from .batch_api import Deferred
from .chunking import Chunk, halve
from .client import AuthError, LLMClient, LLMError, TruncatedOutput
from .config import LLMConfig
from .findings import field_name, merge
from .grounding import assemble
from .guard import AppliedIndex
from .plan import MARGIN, Plan, make_plan
from .progress import Progress
from .prompts import PromptSet, load_prompts
from .stream import OUTPUT_PER_QUESTION

if TYPE_CHECKING:
    pass

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
        applied: AppliedIndex | None = None,
    ) -> Extraction:
        """`rules`: the rules engine's result for `doc` and `questions`, when already computed;
        `applied`: the citations applied on each page of `doc` (guard.py), when already worked out."""
        if rules is None:
            from ..engines.rules import RulesEngine

            rules = RulesEngine().run(doc, questions)
        plan = make_plan(doc, rules, questions, self.cfg, self.prompts)
        warnings = list(rules.warnings)
        before = self.client.usage.as_dict()
        findings: dict[str, dict[str, Any]] = {}
        prefix = self.cfg.context_tokens - self.cfg.max_output_tokens - MARGIN - plan.budget
        self.client.start_document(
            sum(prefix + c.size for c in plan.chunks), OUTPUT_PER_QUESTION * len(plan.asked)
        )
        asked = plan.asked
        self.progress.start(Path(doc.path).name, len(asked))
        deferred: list[str] = []
        try:
            for chunk in plan.chunks:
                try:
                    answered = self._ask(doc.path, plan, chunk, warnings, 0)
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
        return assemble(doc, rules, plan.every, findings, warnings, self._info(used), index=applied)

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

    def _ask(
        self, path: str, plan: Plan, chunk: Chunk, warnings: list[Notice], depth: int
    ) -> dict[str, dict[str, Any]]:
        ids, messages, model = plan.request(chunk, self.prompts)
        if not ids:
            return {}
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
                for qid, f in self._ask(path, plan, part, warnings, depth + 1).items():
                    out[qid] = merge(out[qid], f) if qid in out else f
            return out
        except AuthError as exc:
            raise LLMAuthFailed(path, str(exc)) from None
        except LLMError as exc:
            raise LLMFailed(path, str(exc)) from None
        data = result.model_dump()
        return {qid: data[field_name(qid)] for qid in ids if data.get(field_name(qid))}
