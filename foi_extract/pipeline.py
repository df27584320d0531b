"""load -> segment -> extract -> ground; writing is the caller's (CLI or library user)."""

from __future__ import annotations

import os
from typing import Any, Optional, Union

from . import review
from .document import Document
from .engines import Engine, get_engine
from .ground import ground
from .load import load
from .load.ocr import LOW_CONFIDENCE
from .models import Extraction, PageInfo, Span
from .questionset import QuestionSet, load_question_set


def extract(
    path: Union[str, "os.PathLike[str]"],
    *,
    engine: Union[str, Engine] = "rules",
    questions: Optional[Union[str, "os.PathLike[str]", QuestionSet]] = None,
    ocr: str = "auto",
    **engine_options: Any,
) -> Extraction:
    """Extract one document. Raises FoiExtractError (one-line message) for unreadable input.

    `engine` is a name ("rules", "auto", "llm", "local") or an engine made once with
    `foi_extract.engines.get_engine(...)` and reused across a batch (then close it yourself).
    `ocr` is "auto" (PDF pages with no text layer are read by Tesseract), "never" or "always".
    """
    qset = load_question_set(questions) if isinstance(questions, (str, os.PathLike)) else questions
    doc = load(path, ocr=ocr)
    if isinstance(engine, str):
        made = get_engine(resolve_engine(engine, engine_options), **engine_options)
        try:
            result = made.run(doc, qset)
        finally:
            getattr(made, "close", lambda: None)()
    else:
        result = engine.run(doc, qset)
    return mark_ocr(ground(result, doc), doc)


def mark_ocr(ex: Extraction, doc: Document) -> Extraction:
    """Say which pages were read by OCR: `source.page_info`, `ocr: true` on every span of such a
    page, and review reasons where the OCR confidence is low (the document's, and each question
    whose evidence lies on such a page)."""
    conf = doc.ocr_confidence
    info = [PageInfo(page=n, ocr=n in conf, ocr_confidence=conf.get(n)) for n in range(1, len(doc.pages) + 1)]
    ex.source.page_info = info
    if not conf:
        return ex
    low = {n for n, c in conf.items() if c < LOW_CONFIDENCE}

    def mark(spans: list[Span]) -> bool:
        hit = False
        for span in spans:
            if span.page in conf:
                span.ocr = True
            hit = hit or span.page in low
        return hit

    for span in ex.letter.evidence.values():
        mark([span])
    for item in [*ex.exemptions, *ex.references]:
        mark(item.evidence)
    for q in ex.questions:
        hit = mark(q.evidence) | mark(q.value_evidence)
        for item in [*q.exemptions, *q.references, *q.cues]:
            hit = mark(item.evidence) | hit
        if hit:
            review.add(q.review, review.OCR_TEXT)
    if low:
        review.add(ex.review, review.OCR_LOW_CONFIDENCE)
    return ex


def resolve_engine(name: str, options: Optional[dict[str, Any]] = None) -> str:
    """`auto` is the LLM engine when one is configured (flags, environment, config file), else rules."""
    if name != "auto":
        return name
    from .llm.config import load_config

    return "llm" if load_config({k: v for k, v in (options or {}).items() if k in ("model", "base_url", "api_key")}).configured else "rules"
