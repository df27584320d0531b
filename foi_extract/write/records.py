"""A batch's documents as the writers see them: every document, whatever became of it.

`Extraction` (the output contract) only exists for documents that were read; a batch also has
failed documents (with their exit code and message) and skipped files (with the reason), and
the tabular outputs give those their rows too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the models load only where an Extraction is built or read
    from ..models import Exemption, Extraction

OK = "ok"
NEEDS_REVIEW = "needs_review"
FAILED = "failed"
SKIPPED = "skipped"
OUTCOMES = (OK, NEEDS_REVIEW, FAILED, SKIPPED)


@dataclass
class DocRecord:
    path: str
    outcome: str
    sha256: str | None = None
    extraction: Extraction | None = None
    exit_code: int | None = None
    error_code: str | None = None
    message: str | None = None  # the error's one line, or why the file was skipped
    pages: list[str] | None = None  # the page text every span refers to (the review page shows it)
    mentioned: list[Exemption] = field(default_factory=list)  # grounds cited but not applied
    usage: dict[str, int] | None = None  # LLM tokens and requests, failed attempts included
    cost: float | None = None  # USD, from the price table; None when unknown
    duration: float | None = None
    run_id: int | None = None  # the run that extracted it
    cached: bool = False  # reused from the store by this run

    @property
    def extracted(self) -> bool:
        return self.extraction is not None


def outcome_of(result: Extraction) -> str:
    """`needs_review` when the document or any question carries a review reason."""
    if result.review or any(q.review for q in result.questions):
        return NEEDS_REVIEW
    return OK


def from_extraction(result: Extraction) -> DocRecord:
    return DocRecord(
        path=result.source.path,
        outcome=outcome_of(result),
        sha256=result.source.sha256,
        extraction=result,
        usage=result.engine.usage,
    )


def failed(path: str, exit_code: int, error_code: str, message: str, **kw: Any) -> DocRecord:
    return DocRecord(
        path=path, outcome=FAILED, exit_code=exit_code, error_code=error_code, message=message, **kw
    )
