"""What the model is asked to return for a chunk, as pydantic models built per question set.

Each question gets its own typed finding (status from the fixed vocabulary, verbatim quotes,
cited grounds, and the typed value when the question set asks for one), so the JSON schema the
endpoint enforces is exactly the output we can validate and ground.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..models import Status

# built at run time from Status (one list of statuses): a type mypy cannot check statically
StatusLiteral = Literal[tuple(s.value for s in Status)]  # type: ignore[valid-type]


class _Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: StatusLiteral  # type: ignore[valid-type]
    answer_quote: str | None = Field(
        default=None, description="verbatim reply text answering the question"
    )
    exemptions_applied: list[str] = Field(
        default_factory=list, description="grounds relied on, quoted as printed"
    )


def field_name(qid: str) -> str:
    """'2a' -> 'q_2a'; ids become JSON keys the model can echo back."""
    return "q_" + re.sub(r"\W+", "_", qid)


def finding_model(qid: str, value_type: Any = None) -> type[BaseModel]:
    if value_type is None:
        return _Finding
    # The value is required (its parts stay optional): small models otherwise answer null every time.
    # Grounding turns a value whose quote is not in the reply into null with a warning.
    return create_model(
        f"Finding_{field_name(qid)}",
        __base__=_Finding,
        value_quote=(
            str | None,
            Field(default=None, description="shortest verbatim reply text supporting the value"),
        ),
        value=(
            _required(value_type),
            Field(description="typed value read from the reply; parts it does not state are null"),
        ),
    )


def _required(value_type: Any) -> Any:
    """Optional[X] -> X, so the schema asks for the value itself."""
    from typing import Union, get_args, get_origin

    if get_origin(value_type) is Union:
        args = [a for a in get_args(value_type) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return value_type


def chunk_model(questions: list[tuple[str, Any]]) -> type[BaseModel]:
    """One required finding per question id in the chunk (built once per set of questions)."""
    return _chunk_model(tuple(questions))


class _Findings(BaseModel):
    """The chunk's answer model; its JSON schema is built once per model, not per request.

    Why: instructor asks for `model_json_schema()` on every request, and pydantic builds it anew
    each time (about 2 ms of the GIL per request, which a batch at --llm-concurrency 16 queues on)."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if args or kwargs:
            return super().model_json_schema(*args, **kwargs)
        cached = cls.__dict__.get("_schema_json")
        if cached is None:
            cached = json.dumps(super().model_json_schema())
            type.__setattr__(cls, "_schema_json", cached)
        schema: dict[str, Any] = json.loads(cached)  # a fresh copy: callers may edit theirs
        return schema


@lru_cache(maxsize=64)
def _chunk_model(questions: tuple[tuple[str, Any], ...]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        field_name(qid): (finding_model(qid, vt), ...) for qid, vt in questions
    }
    return create_model("Findings", __base__=_Findings, **fields)


def merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Findings for one question from two chunks of a long answer: keep what each one saw."""
    out = dict(a)
    if out.get("status") == "not_answered" and b.get("status") != "not_answered":
        out["status"] = b.get("status")
    elif (
        b.get("status") not in (None, "not_answered", "answered")
        and out.get("status") == "answered"
    ):
        out["status"] = (
            "partially_answered" if b["status"] in ("withheld", "not_held") else b["status"]
        )
    out["answer_quote"] = out.get("answer_quote") or b.get("answer_quote")
    out["exemptions_applied"] = list(
        dict.fromkeys((out.get("exemptions_applied") or []) + (b.get("exemptions_applied") or []))
    )
    if out.get("value") is None and b.get("value") is not None:
        out["value"], out["value_quote"] = b.get("value"), b.get("value_quote")
    return out
