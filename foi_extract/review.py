"""Review reasons: the machine-readable words for "a person should look at this before publishing".

A question's `review` list is empty when its decision is clear. Each reason names what made it
unclear, so a user can filter on it (`csv: review` column) and a maintainer can measure it
(`foi-extract eval` reports accuracy on flagged and unflagged questions separately).
"""

from __future__ import annotations

# ---- per question -------------------------------------------------------------------------
CONFLICTING_CUES = "conflicting_cues"  # cues for two statuses came close in weight
WEAK_CUE = "weak_cue"  # the winning status rests on a weak cue only
NO_ANSWER_FOUND = "no_answer_found"  # the question was found but no answer to it
IDS_INFERRED = "ids_inferred"  # ids were given by order, not printed
EXEMPTION_FROM_LIST_CONTEXT = "exemption_from_list_context"  # a ground read from a list of sections
ANSWER_CUT_OFF = "answer_cut_off"  # the document stops inside this answer
OCR_TEXT = "ocr_text"  # read from a scan
LLM_DISAGREES = "llm_disagrees"  # the model's reading differs and could not be adjudicated
# What a model's reading settles when adjudication adopts it with its evidence (the rest are
# about the input, which no reading changes); they put a question in `--llm-scope review`.
DECISION_REASONS = (CONFLICTING_CUES, WEAK_CUE, NO_ANSWER_FOUND, EXEMPTION_FROM_LIST_CONTEXT)


# ---- per document -------------------------------------------------------------------------
NOT_A_REPLY = "not_a_reply"  # letter.kind is not a reply: no answered rows
TRUNCATED = "truncated"  # the text stops mid-reply (a web excerpt)
NO_QUESTIONS_FOUND = "no_questions_found"  # no question structure: one question "1" stands for all
METADATA_MISSING = "metadata_missing"  # authority, reference or date could not be read
UNTIED_EXEMPTIONS = "untied_exemptions"  # a ground applied in the letter is tied to no question
FALLBACK_RULES = "fallback_rules"  # the LLM failed; the rules result stands
OCR_LOW_CONFIDENCE = "ocr_low_confidence"  # a page was read by OCR with low confidence


def add(reasons: list[str], *new: str) -> None:
    """Append reasons once each, keeping first-seen order (the order a reader sees them)."""
    for r in new:
        if r not in reasons:
            reasons.append(r)
