"""A small YAML type language for a question's typed value, turned into pydantic types.

A question set may say what shape of answer it wants (`type:` on a question), so the LLM
engine can ask for - and validate - a typed value instead of free text:

```yaml
type:
  list:                          # a mapping whose ONLY key is `list` = list of that
    name: str
    supplier: str
    service_area: enum[adults, children, both]
```

Scalars: `str`, `int`, `float`, `bool`, `date` (ISO), `money` ({amount, currency, period}),
`enum[a, b, c]`; `list[T]` nests; a mapping of field -> type is an object (flow style works
too: `{hours: float, delivery: "enum[in person, remote]"}`). Everything is Optional with a
None default - the top-level value and every field - because replies often answer only part
of a question and the tool must leave the rest empty rather than invent it.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from enum import Enum
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from ..errors import ConfigError

__all__ = ["Money", "parse_type", "value_model_for", "describe"]

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_EXPECTED = (
    "expected str, int, float, bool, date, money, enum[...], list[...] or a mapping of fields"
)


class Money(BaseModel):
    """An amount of money: replies give costs as "£1,200.50 per annum", so keep the period."""

    model_config = ConfigDict(extra="forbid")

    amount: float | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217 code")
    period: str | None = Field(default=None, description='e.g. "per year"; null when not stated')

    @field_validator("amount", mode="before")
    @classmethod
    def _plain_number(cls, v: Any) -> Any:
        """Accept "£1,200.50" as well as 1200.5: models and people both write the former."""
        return re.sub(r"[£$€,\s]", "", v) if isinstance(v, str) else v

    @field_validator("currency", mode="before")
    @classmethod
    def _iso_code(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = v.strip()
            return {"£": "GBP", "$": "USD", "€": "EUR"}.get(v, v.upper())
        return v


_SCALARS: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "date": dt.date,
    "money": Money,
}


def parse_type(spec: Any, name: str = "Value", path: str = "type") -> Any:
    """The Optional python type (usable as a pydantic annotation) that `spec` describes.

    `name` seeds the names of generated models (they appear in the JSON schema's `$defs`);
    `path` is where `spec` sits in its file, so a ConfigError can point at the bad part.
    """
    return Optional[_parse(spec, name, path)]  # noqa: UP045 - built at run time


def _parse(spec: Any, name: str, path: str) -> Any:
    if isinstance(spec, str):
        return _parse_str(spec.strip(), name, path)
    if isinstance(spec, dict):
        if list(spec) == ["list"]:
            return types.GenericAlias(list, _parse(spec["list"], f"{name}Item", f"{path}.list"))
        return _object(spec, name, path)
    if spec is None:
        raise ConfigError(f"missing type at {path}")
    raise ConfigError(f"unknown type {spec!r} at {path} ({_EXPECTED})")


def _parse_str(spec: str, name: str, path: str) -> Any:
    if spec in _SCALARS:
        return _SCALARS[spec]
    m = re.fullmatch(r"(\w+)\s*\[(.*)\]", spec, re.S)
    if m and m.group(1) == "list":
        return types.GenericAlias(list, _parse_str(m.group(2).strip(), f"{name}Item", path))
    if m and m.group(1) == "enum":
        members = [s.strip().strip("'\"") for s in m.group(2).split(",")]
        if not all(members) or any(c in s for s in members for c in "[]"):
            raise ConfigError(f"bad enum members {m.group(2)!r} at {path} (write enum[a, b, c])")
        if len(set(members)) != len(members):
            raise ConfigError(f"repeated enum member in {spec!r} at {path}")
        return Literal[tuple(members)]
    if not spec:
        raise ConfigError(f"missing type at {path}")
    raise ConfigError(f"unknown type {spec!r} at {path} ({_EXPECTED})")


def _object(spec: dict[Any, Any], name: str, path: str) -> type[BaseModel]:
    if not spec:
        raise ConfigError(f"empty object at {path} (give at least one field: type)")
    fields: dict[str, Any] = {}
    for key, sub in spec.items():
        field = str(key)
        if not isinstance(key, str) or not _NAME.match(field):
            raise ConfigError(f"bad field name {field!r} at {path} (use letters, digits and _)")
        if field.startswith("model_") or hasattr(BaseModel, field):
            raise ConfigError(f"field name {field!r} at {path} clashes with pydantic; rename it")
        sub_name = name + "".join(p.capitalize() for p in field.split("_"))
        fields[field] = (Optional[_parse(sub, sub_name, f"{path}.{field}")], None)  # noqa: UP045
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


def value_model_for(question: Any) -> Any:
    """The type of `question.schema`: a raw spec is parsed; a python type is used as given."""
    schema = getattr(question, "schema", None)
    if schema is None:
        return None
    if isinstance(schema, type) or typing.get_origin(schema) is not None:
        return schema
    safe = re.sub(r"\W", "_", str(getattr(question, "id", "")))
    return parse_type(schema, name=f"Q{safe}Value")


_WORDS = {
    str: "text",
    int: "whole number",
    float: "number",
    bool: "yes/no",
    dt.date: "date (YYYY-MM-DD)",
    Money: "money {amount: number, currency: ISO 4217 code e.g. GBP, period: e.g. per year}",
}


def describe(tp: Any) -> str:
    """A compact rendering for prompts, e.g. `list of {name: text, kind: one of a|b}`."""
    if tp in _WORDS:
        return _WORDS[tp]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return describe(args[0])
    if origin in (Union, types.UnionType):
        parts = [describe(a) for a in args if a is not type(None)]
        return " or ".join(parts) if parts else "nothing"
    if origin is Literal:
        return "one of " + "|".join(str(a) for a in args)
    if origin in (list, tuple, set, frozenset) and args:
        return "list of " + describe(args[0])
    if origin is dict and len(args) == 2:
        return f"mapping of {describe(args[0])} to {describe(args[1])}"
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "one of " + "|".join(str(m.value) for m in tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return (
            "{"
            + ", ".join(f"{k}: {describe(f.annotation)}" for k, f in tp.model_fields.items())
            + "}"
        )
    return getattr(tp, "__name__", None) or str(tp)
