"""What the LLM spent per document in a replayed eval, against what the document itself weighs.

Why: issue 8's token target is stated per document: prompt tokens at most 1.3x the document's
own tokens plus one fixed prefix, and one request for a reply that fits the context. The
recordings carry the server's usage; tokens.yaml carries the server's own count of each
document, of the question lists its requests carried and of the prefix, so this is measured,
not estimated. The fixed prefix is what every request of a run repeats byte for byte: the
system prompt and few-shot turns, and, in a run with a question set, that set (it opens the user
turn, whole, whatever is asked; prompts/extract.md). Two checks are reported: the strict one,
and one that also allows the text of the questions a request names (a reply's own questions,
when there is no set).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PROMPT_FACTOR = 1.3  # prompt tokens <= PROMPT_FACTOR x document tokens + one prefix
TEMPLATE_SLACK = 200  # tokens the engine keeps free for the chat template and hints


@dataclass(frozen=True)
class Spend:
    documents: int
    requests: float  # per document, mean
    prompt_tokens: float
    completion_tokens: float
    no_request: int  # documents the model was not asked about (nothing in scope)
    fallbacks: int  # documents whose replay failed over to the rules
    within_prompt_target: int  # prompt <= 1.3 x doc + prefix (+ the run's question set, once)
    within_with_questions: int  # ... + the questions named (and listed, without a set)
    measured: int  # documents with a token count in tokens.yaml
    fits: int  # documents that fit the context in one request
    fits_one_request: int  # ... and were sent at most one request
    prefix_tokens: int  # system prompt + few-shot turns
    question_set_tokens: int  # the run's question set, when there is one (0 without)


def spend(
    usage: list[tuple[str, dict[str, Any]]], counts: dict[str, Any], settings: dict[str, Any]
) -> Spend:
    """Per-document means and the two token checks over the replayed documents."""
    prefix = int(counts.get("prefix_tokens") or 0)
    doc_tokens: dict[str, dict[str, int]] = counts.get("documents") or {}
    room = (
        int(settings.get("context_tokens", 8192))
        - int(settings.get("max_output_tokens", 1536))
        - TEMPLATE_SLACK
    )
    n = len(usage) or 1
    within = within_q = measured = fits = fits_one = question_set = 0
    for name, u in usage:
        entry = doc_tokens.get(name)
        if entry is None:
            continue
        tokens, questions = entry["document"], entry["questions"]
        fixed = prefix + int(entry.get("question_set", 0))
        question_set = max(question_set, int(entry.get("question_set", 0)))
        measured += 1
        prompt = u.get("prompt_tokens", 0)
        within += prompt <= PROMPT_FACTOR * tokens + fixed
        within_q += prompt <= PROMPT_FACTOR * tokens + fixed + questions
        if tokens + fixed <= room:
            fits += 1
            fits_one += u.get("requests", 0) <= 1
    return Spend(
        documents=len(usage),
        requests=sum(u.get("requests", 0) for _, u in usage) / n,
        prompt_tokens=sum(u.get("prompt_tokens", 0) for _, u in usage) / n,
        completion_tokens=sum(u.get("completion_tokens", 0) for _, u in usage) / n,
        no_request=sum(1 for _, u in usage if not u.get("requests")),
        fallbacks=sum(u.get("fallback", 0) for _, u in usage),
        within_prompt_target=within,
        within_with_questions=within_q,
        measured=measured,
        fits=fits,
        fits_one_request=fits_one,
        prefix_tokens=prefix,
        question_set_tokens=question_set,
    )
