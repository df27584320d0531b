"""Gold files: what a person read in a document, in the format of fixtures/gold/README.md.

The models are strict (unknown keys, unknown statuses or law codes and non-ISO dates are
errors) because a typo in a gold file silently skews every figure computed from it.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..models import Law, ReferenceKind, Status


class GoldError(ValueError):
    """A gold file that cannot be read or does not match the format; names the file."""


class _Gold(BaseModel):
    # Numbers are coerced to str because YAML reads `id: 1` and `section: 21` as ints.
    model_config = ConfigDict(extra="forbid", use_enum_values=True, coerce_numbers_to_str=True)


class GoldExemption(_Gold):
    law: Law
    section: str
    subsection: str | None = None


class GoldQuestion(_Gold):
    id: str
    status: Status
    exemptions: list[GoldExemption] = Field(default_factory=list)


LetterKindName = Literal[
    "response",
    "refusal_notice",
    "internal_review",
    "acknowledgement",
    "clarification",
    "request_only",
    "not_a_reply",
]


class GoldLetter(_Gold):
    kind: LetterKindName | None = (
        None  # what the document is; null in files labelled before it existed
    )
    authority: str | None = None
    reference: str | None = None
    date: str | None = None
    legislation: list[Law] = Field(default_factory=list)

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        """YAML turns 2022-09-23 into a date; anything that is not ISO is a labelling mistake."""
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                dt.date.fromisoformat(value.strip())
            except ValueError as err:
                raise ValueError(f"date {value!r} is not an ISO date (YYYY-MM-DD)") from err
            return value.strip()
        return value


class GoldReference(_Gold):
    kind: ReferenceKind
    value: str


class GoldDocument(_Gold):
    document: str
    role: str | None = None
    question_set: str | None = None  # the request as sent (`--questions`), when the batch has one
    letter: GoldLetter = Field(default_factory=GoldLetter)
    questions: list[GoldQuestion] = Field(default_factory=list)
    exemptions: list[GoldExemption] = Field(default_factory=list)
    mentioned_not_applied: list[GoldExemption] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    references: list[GoldReference] = Field(default_factory=list)
    notes: str | None = None

    @field_validator(
        "questions", "exemptions", "mentioned_not_applied", "urls", "references", mode="before"
    )
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        """`exemptions:` with nothing after it reads as null in YAML; it means an empty list."""
        return [] if value is None else value

    @model_validator(mode="after")
    def _unique_question_ids(self) -> GoldDocument:
        seen: set[str] = set()
        for q in self.questions:
            if q.id in seen:
                raise ValueError(f"question id {q.id!r} appears twice")
            seen.add(q.id)
        return self


def load_gold_file(path: str | os.PathLike[str]) -> GoldDocument:
    """Parse one gold file; errors name the file so a broken label is quick to find."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise GoldError(f"{p}: cannot read gold file: {err}") from err
    if not isinstance(data, dict):
        raise GoldError(f"{p}: gold file must be a YAML mapping, got {type(data).__name__}")
    try:
        return GoldDocument.model_validate(data)
    except ValidationError as err:
        raise GoldError(f"{p}: {err}") from err


def load_gold_dir(path: str | os.PathLike[str]) -> list[tuple[Path, GoldDocument]]:
    """Every *.yaml / *.yml in the folder (not recursive), sorted by name; a single file also works."""
    root = Path(path)
    if root.is_file():
        return [(root, load_gold_file(root))]
    if not root.is_dir():
        raise FileNotFoundError(f"gold folder not found: {root}")
    files = sorted(
        p for p in root.iterdir() if p.is_file() and p.suffix.lower() in (".yaml", ".yml")
    )
    return [(p, load_gold_file(p)) for p in files]


def resolve_document(gold_file: str | os.PathLike[str], doc: str) -> Path:
    """Find a gold file's document: absolute as is, else cwd/doc, else relative to the gold
    file's folder or any folder above it (so `../shared/corpus/...` works from the project root
    or from fixtures/gold)."""
    target = Path(doc).expanduser()
    if target.is_absolute():
        if target.exists():
            return target
        raise FileNotFoundError(f"{gold_file}: document not found: {doc}")
    gold_dir = Path(gold_file).resolve().parent
    candidates = [Path.cwd() / target, gold_dir / target]
    candidates += [parent / target for parent in gold_dir.parents]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        f"{gold_file}: document not found: {doc} (looked in {Path.cwd()} and the folders above {gold_dir})"
    )
