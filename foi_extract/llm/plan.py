"""What the LLM engine will send for one document: the questions asked, the chunks, and each
request's messages and answer model.

Why one place: the engine sends these requests and `--dry-run` prices them, so both must see the
same questions (the scope), the same chunks and the same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..document import Document
from ..models import Extraction, Question
from ..questionset import QuestionSet
from .chunking import Chunk, make_chunks, tokens
from .config import LLMConfig
from .findings import chunk_model
from .prompts import PromptSet, example_messages
from .units import answer_units

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam
    from pydantic import BaseModel

# tokens kept free beside the prompt and the answer: the chat template's own markers
MARGIN = 200


@dataclass
class Plan:
    every: dict[str, tuple[str, Any]]  # id -> (text, value type): every question
    asked: dict[str, tuple[str, Any]]  # the ones in scope
    header: str
    hints: dict[str, str]
    budget: int  # tokens of reply text one request may carry
    chunks: list[Chunk]
    run_wide: bool  # a question set: every request of the run lists all of it, first

    def request(
        self, chunk: Chunk, prompts: PromptSet
    ) -> tuple[list[str], list[ChatCompletionMessageParam], type[BaseModel]]:
        """The asked ids a chunk holds, its messages (stable prefix first) and the answer model."""
        ids = [i for i in chunk.ids if i in self.asked]
        user = _user(prompts, self, ids, chunk.text)
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": prompts.system},
            *example_messages(prompts),
            {"role": "user", "content": user},
        ]
        return ids, messages, chunk_model([(i, self.asked[i][1]) for i in ids])


def _user(prompts: PromptSet, plan: Plan, ids: list[str], chunk: str) -> str:
    """The user turn. With a question set, the set comes first and whole, whatever is asked,
    so it is byte-identical in every request of the run: part of the fixed prefix that
    providers' prefix caches reuse. Without one, only the chunk's asked questions are listed:
    they are the reply's own, different in every reply."""
    listed = plan.every if plan.run_wide else plan.asked
    shown = list(listed) if plan.run_wide else ids
    return prompts.render(
        questions=question_lines(listed, shown),
        typed_note=" [value: type]" if any(listed[i][1] is not None for i in shown) else "",
        header=plan.header,
        ids=", ".join(ids),
        hints="\n".join(plan.hints[i] for i in ids if i in plan.hints) or "(none)",
        chunk=chunk,
    )


def make_plan(
    doc: Document,
    rules: Extraction,
    questions: QuestionSet | None,
    cfg: LLMConfig,
    prompts: PromptSet,
) -> Plan:
    every = _questions(rules, questions)
    asked = _in_scope(every, rules, cfg.scope)
    header = _header(doc, rules)
    hints = {q.id: _hint(q) for q in rules.questions}
    plan = Plan(every, asked, header, hints, 0, [], run_wide=questions is not None)
    # the text the model reads (the chat template's markers are in MARGIN), not its JSON form:
    # escaped quotes, line breaks and non-ASCII letters cost the estimate tokens the model never sees
    fixed = "".join(
        (
            prompts.system,
            *(str(m["content"]) for m in example_messages(prompts)),
            _user(prompts, plan, list(asked), ""),
        )
    )
    plan.budget = max(200, cfg.context_tokens - cfg.max_output_tokens - tokens(fixed) - MARGIN)
    plan.chunks = make_chunks(answer_units(doc, rules, asked), plan.budget, cfg.max_questions)
    return plan


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


def question_lines(asked: dict[str, tuple[str, Any]], ids: list[str]) -> str:
    lines = []
    for qid in ids:
        text, vtype = asked[qid]
        line = f"{qid}: {text}"
        if vtype is not None:
            from .typespec import describe

            line += f" [value: {describe(vtype)}]"
        lines.append(line)
    return "\n".join(lines)
