"""load -> segment -> extract -> ground; writing is the caller's (CLI or library user).

One document's stages run under its time budget (limits.budget); an unexpected exception
in any of them becomes that document's InternalError, with the traceback in the error log,
so a batch never loses its other documents to one bad file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from . import limits, review
from .attached import link_tables
from .document import Document
from .engines import Engine, get_engine
from .errors import ConfigError, FoiExtractError, InternalError
from .ground import ground
from .load import load
from .load.ocr import LOW_CONFIDENCE
from .models import Cue, Exemption, Extraction, PageInfo, Reference, Span
from .questionset import QuestionSet, load_question_set


def extract(
    path: str | os.PathLike[str],
    *,
    engine: str | Engine = "rules",
    questions: str | os.PathLike[str] | QuestionSet | None = None,
    ocr: str = "auto",
    redact_personal: bool = False,
    **engine_options: Any,
) -> Extraction:
    """Extract one document. Raises FoiExtractError (one-line message) for unreadable input.

    `engine` is a name ("rules", "auto", "llm", "local") or an engine made once with
    `foi_extract.engines.get_engine(...)` and reused across a batch (then close it yourself).
    `ocr` is "auto" (PDF pages with no text layer are read by Tesseract), "never" or "always".
    `redact_personal` masks emails, phone numbers and signatories' names (foi_extract.redact);
    spans then refer to the page text `foi-extract text --redact-personal` prints.
    Anything else that goes wrong for this document is raised as InternalError (exit code 1).
    """
    qset = load_question_set(questions) if isinstance(questions, (str, os.PathLike)) else questions
    return _isolated(
        str(path),
        lambda: _extract(
            path, engine, qset, engine_options, lambda p: load(p, ocr=ocr), redact_personal
        ),
    )


def extract_bundle(
    paths: Sequence[str | os.PathLike[str]],
    *,
    engine: str | Engine = "rules",
    questions: str | os.PathLike[str] | QuestionSet | None = None,
    ocr: str = "auto",
    redact_personal: bool = False,
    **engine_options: Any,
) -> Extraction:
    """Extract one reply saved as several files (the letter first, then what it attaches) as one
    document, as if they were one email: evidence for "see the attached spreadsheet" is in its cells."""
    from .load.bundle import load_bundle

    qset = load_question_set(questions) if isinstance(questions, (str, os.PathLike)) else questions
    first = str(paths[0]) if paths else "bundle"
    return _isolated(
        first,
        lambda: _extract(
            first,
            engine,
            qset,
            engine_options,
            lambda _: load_bundle(paths, ocr=ocr),
            redact_personal,
        ),
    )


def _isolated(path: str, run: Callable[[], Extraction]) -> Extraction:
    """Documented errors pass through; anything else is this document's InternalError (exit 1)."""
    try:
        return run()
    except (FoiExtractError, ConfigError):
        raise
    except Exception as exc:  # a bug or a library failure on this file: it costs this document only
        from .errorlog import log_internal_error

        raise InternalError(
            path, f"internal error ({type(exc).__name__}); {log_internal_error(path, exc)}"
        ) from exc


def _extract(
    path: str | os.PathLike[str],
    engine: str | Engine,
    qset: QuestionSet | None,
    engine_options: dict[str, Any],
    loader: Callable[[Any], Document],
    redact: bool = False,
) -> Extraction:
    made = (
        get_engine(resolve_engine(engine, engine_options), **engine_options)
        if isinstance(engine, str)
        else engine
    )
    try:
        doc, result = run_stages(str(path), lambda: loader(path), made, qset)
    finally:
        if isinstance(engine, str):
            getattr(made, "close", lambda: None)()
    if redact:
        from .redact import redact_personal

        return redact_personal(result, doc.pages)[0]
    return result


def run_stages(
    path: str, loader: Callable[[], Document], engine: Engine, qset: QuestionSet | None
) -> tuple[Document, Extraction]:
    """load -> engine -> tables -> ground -> OCR marks, under the document's time budget (loading
    and the rules engine; the LLM engines have their own timeouts and retry caps). Used by
    `extract` and by `run`'s workers, so both get the same limits."""
    seconds, started = limits.current().seconds, time.monotonic()
    with limits.budget(path, seconds):
        doc = loader()
    if getattr(engine, "name", "") != "rules":
        return doc, _finish(engine.run(doc, qset), doc)
    left = max(0.01, seconds - (time.monotonic() - started)) if seconds > 0 else 0
    with limits.budget(path, left):  # what loading left of the budget
        return doc, _finish(engine.run(doc, qset), doc)


def _finish(result: Extraction, doc: Document) -> Extraction:
    result.tables = doc.tables
    return mark_ocr(ground(link_tables(result, doc), doc), doc)


def mark_ocr(ex: Extraction, doc: Document) -> Extraction:
    """Say which pages were read by OCR: `source.page_info`, `ocr: true` on every span of such a
    page, and review reasons where the OCR confidence is low (the document's, and each question
    whose evidence lies on such a page)."""
    conf = doc.ocr_confidence
    info = [
        PageInfo(page=n, ocr=n in conf, ocr_confidence=conf.get(n))
        for n in range(1, len(doc.pages) + 1)
    ]
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
    items: list[Exemption | Reference | Cue] = [*ex.exemptions, *ex.references]
    for item in items:
        mark(item.evidence)
    for q in ex.questions:
        hit = mark(q.evidence) | mark(q.value_evidence)
        items = [*q.exemptions, *q.references, *q.cues]
        for item in items:
            hit = mark(item.evidence) | hit
        if hit:
            review.add(q.review, review.OCR_TEXT)
    if low:
        review.add(ex.review, review.OCR_LOW_CONFIDENCE)
    return ex


def resolve_engine(name: str, options: dict[str, Any] | None = None) -> str:
    """`auto` is the LLM engine when one is configured (flags, environment, config file), else rules."""
    if name != "auto":
        return name
    from .llm.config import load_config

    return (
        "llm"
        if load_config(
            {k: v for k, v in (options or {}).items() if k in ("model", "base_url", "api_key")}
        ).configured
        else "rules"
    )
