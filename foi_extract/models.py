"""The output contract: one `Extraction` per document.

Everything a user or a downstream tool relies on lives here, and `foi-extract schema`
prints the JSON Schema generated from these models, so the two can never drift apart.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

SCHEMA_VERSION = "1.2"


class Status(str, Enum):
    """How the body dealt with one question."""

    answered = "answered"
    partially_answered = "partially_answered"
    published_elsewhere = "published_elsewhere"
    withheld = "withheld"
    not_held = "not_held"
    refused = "refused"
    ncnd = "ncnd"
    clarification_requested = "clarification_requested"
    not_answered = "not_answered"


class LetterKind(str, Enum):
    """What the document is: only a reply's rows say how a body answered."""

    response = "response"
    refusal_notice = "refusal_notice"
    internal_review = "internal_review"
    acknowledgement = "acknowledgement"
    clarification = "clarification"
    request_only = "request_only"
    not_a_reply = "not_a_reply"


class Law(str, Enum):
    """The access-to-information regime a citation belongs to."""

    FOIA = "FOIA"
    EIR = "EIR"
    FOISA = "FOISA"
    EISR = "EISR"
    DPA = "DPA"
    US_FOIA = "US-FOIA"
    IL_FOIA = "IL-FOIA"
    MI_FOIA = "MI-FOIA"
    DC_FOIA = "DC-FOIA"
    AU_FOI = "AU-FOI"
    other = "other"


class ReferenceKind(str, Enum):
    url = "url"
    contracts_register = "contracts_register"
    request_reference = "request_reference"
    email = "email"
    document = "document"


class _Model(BaseModel):
    model_config = ConfigDict(use_enum_values=True, extra="forbid", defer_build=True)


class Span(_Model):
    """Verbatim evidence: `text == pages[page - 1][start:end]`, always."""

    page: int = Field(ge=1, description="1-based page number")
    start: int = Field(ge=0, description="character offset into that page's text")
    end: int = Field(ge=0)
    text: str
    ocr: bool = Field(
        default=False,
        description="the page was read by OCR from a scan: the text may hold misread characters",
    )
    redacted: bool = Field(
        default=False,
        description="--redact-personal masked personal data in this text (and in the page it quotes); "
        "printed only when true",
    )

    @model_serializer(mode="wrap")
    def _omit_unredacted(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Output without --redact-personal stays exactly as it was: the flag appears only when set."""
        data: dict[str, Any] = handler(self)
        if not self.redacted:
            data.pop("redacted", None)
        return data


class Exemption(_Model):
    law: Law
    section: str = Field(description='top-level number: "40", EIR reg "12", US "b6"')
    subsection: str | None = Field(default=None, description='"(2)", "(5)(e)", "(C)" or null')
    title: str | None = None
    evidence: list[Span] = Field(default_factory=list)


class Reference(_Model):
    kind: ReferenceKind
    value: str
    evidence: list[Span] = Field(default_factory=list)


class Cue(_Model):
    """One piece of wording a decision weighed: its name in the cue table, its weight, where it was read."""

    name: str = Field(description='the cue table entry, e.g. "status.not_held.do_not_hold"')
    weight: float
    evidence: list[Span] = Field(default_factory=list)


class Question(_Model):
    id: str = Field(description='the request\'s own numbering: "1", "2a", "iii"')
    text: str | None = None
    answer: str | None = None
    status: Status
    exemptions: list[Exemption] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    value: Any | None = Field(
        default=None, description="typed value when a question set asks for one"
    )
    value_evidence: list[Span] = Field(default_factory=list, description="where the value was read")
    evidence: list[Span] = Field(default_factory=list)
    review: list[str] = Field(
        default_factory=list,
        description="why a person should check this question before publishing; empty when the decision is clear "
        "(reasons: foi_extract.review)",
    )
    cues: list[Cue] = Field(
        default_factory=list, description="the wording the status decision weighed"
    )


class Letter(_Model):
    kind: LetterKind = LetterKind.response
    authority: str | None = None
    reference: str | None = Field(default=None, description="the body's own request reference")
    date: str | None = Field(default=None, description="ISO 8601 date of the response")
    request_title: str | None = None
    legislation: list[Law] = Field(default_factory=list)
    evidence: dict[str, Span] = Field(
        default_factory=dict, description="field name -> where it was read"
    )


class Section(_Model):
    """A named part of a multi-part source (an email body, each attachment)."""

    name: str
    first_page: int
    last_page: int


class TableCell(_Model):
    """One non-empty cell: its coordinate in the sheet and where its text is on the page."""

    ref: str = Field(
        description='spreadsheet coordinate, "B4" (CSV files are lettered the same way)'
    )
    text: str = Field(description="the cell as rendered on the page; equals evidence.text")
    evidence: Span


class Table(_Model):
    """A sheet of a spreadsheet (or a CSV file): one page of text, and its cells with coordinates."""

    name: str = Field(description="sheet name (the file name for a CSV)")
    source: str | None = Field(
        default=None, description="the attachment it came from, within an email"
    )
    page: int = Field(ge=1, description="the page that renders this sheet")
    header: list[TableCell] = Field(
        default_factory=list, description="the header row, when the first row is labels"
    )
    rows: list[list[TableCell]] = Field(
        default_factory=list, description="the data rows, non-empty cells only"
    )


class PageInfo(_Model):
    """How one page's text was obtained."""

    page: int = Field(ge=1)
    ocr: bool = Field(
        default=False,
        description="read by OCR from the page image (no text layer, or --ocr always)",
    )
    ocr_confidence: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Tesseract's word confidence averaged over the page's characters (OCR pages only)",
    )


class Source(_Model):
    path: str
    sha256: str
    media_type: str
    pages: int
    sections: list[Section] = Field(default_factory=list)
    page_info: list[PageInfo] = Field(
        default_factory=list, description="one entry per page, in order"
    )


class EngineInfo(_Model):
    name: str
    version: str
    model: str | None = None
    prompt_version: str | None = None
    usage: dict[str, int] | None = Field(
        default=None,
        description="LLM tokens and requests for this document, failed attempts included",
    )
    fallback: str | None = Field(
        default=None,
        description='"rules" when the LLM failed for this document and the rules result was kept',
    )


class Notice(_Model):
    """A warning: something the user should know about this result."""

    code: str
    message: str
    page: int | None = None


class Extraction(_Model):
    schema_version: str = SCHEMA_VERSION
    source: Source
    letter: Letter
    questions: list[Question] = Field(default_factory=list)
    exemptions: list[Exemption] = Field(
        default_factory=list, description="every ground APPLIED anywhere"
    )
    references: list[Reference] = Field(default_factory=list)
    engine: EngineInfo
    warnings: list[Notice] = Field(default_factory=list)
    tables: list[Table] = Field(
        default_factory=list, description="spreadsheet sheets and CSV tables, cell by cell"
    )
    review: list[str] = Field(
        default_factory=list,
        description="document-level review reasons (foi_extract.review): not_a_reply, truncated …",
    )


def json_schema() -> dict[str, Any]:
    """The JSON Schema of `Extraction`, generated, never hand-written."""
    return Extraction.model_json_schema()
