"""A request's canonical questions (`--questions QSET.yaml`), so every reply in a batch shares ids.

```yaml
title: Adult & Children Social Care Software
questions:
  - id: "1"
    text: Name of system and supplier (or if built in-house)
  - id: "2"
    text: What you use the system for
    type: {list: {system: str, uses: "list[str]"}}   # optional typed value, see llm/typespec.py
```

A question's `type:` (`schema:` is accepted too) is checked when the file loads, so a
typo fails before any document is read. Python users can skip YAML and pass pydantic models:
`QuestionSet.from_models([("1", "Name of system", Systems), ("2", "Annual cost", Money)])`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

# yaml and the type language (pydantic models) load only when a question set is read or built


@dataclass(frozen=True)
class CanonicalQuestion:
    id: str
    text: str
    schema: Any | None = None  # raw `type:` spec or a python/pydantic type (llm.typespec)


@dataclass(frozen=True)
class QuestionSet:
    questions: tuple[CanonicalQuestion, ...]
    title: str | None = None
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions]

    @classmethod
    def from_models(cls, items: Iterable[tuple[Any, ...]], title: str | None = None) -> QuestionSet:
        """Build from `(id, text)` or `(id, text, type)` tuples; `type` is a pydantic model,
        a python type such as `list[MyModel]`, or a raw spec string/mapping as in YAML."""
        qs = []
        for i, item in enumerate(items):
            if not 2 <= len(item) <= 3:
                raise ConfigError(f"questions[{i}]: expected (id, text) or (id, text, type)")
            q = CanonicalQuestion(str(item[0]), str(item[1]), item[2] if len(item) == 3 else None)
            from .llm.typespec import value_model_for

            try:
                value_model_for(q)
            except ConfigError as exc:
                raise ConfigError(f"questions[{i}] (id {q.id!r}): {exc}") from None
            qs.append(q)
        if not qs:
            raise ConfigError("from_models: no questions given")
        if len({q.id for q in qs}) != len(qs):
            raise ConfigError("from_models: question ids must be unique")
        return cls(tuple(qs), title)


MAX_QSET_BYTES = 1024 * 1024


def _safe_yaml(text: str, path: str | os.PathLike[str]) -> Any:
    """yaml.safe_load without aliases: an alias bomb ('a: &a [*b, *b, …]') expands exponentially."""
    import yaml

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise ConfigError(f"{path}: YAML aliases (*name) are not allowed in a question set")
    return yaml.safe_load(text)


def load_question_set(path: str | os.PathLike[str]) -> QuestionSet:
    import yaml

    from .llm.typespec import parse_type

    if Path(path).exists() and not Path(path).is_file():
        raise ConfigError(f"{path}: not a regular file")
    try:
        if Path(path).stat().st_size > MAX_QSET_BYTES:
            raise ConfigError(f"{path}: over {MAX_QSET_BYTES:,} bytes: not a question set")
        data = _safe_yaml(Path(path).read_text(encoding="utf-8"), path)
    except FileNotFoundError:
        raise ConfigError(f"{path}: question set not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the question set ({exc})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("questions"), list)
        or not data["questions"]
    ):
        raise ConfigError(f"{path}: expected a mapping with a non-empty 'questions' list")
    qs = []
    for i, q in enumerate(data["questions"], 1):
        if not isinstance(q, dict) or "text" not in q:
            raise ConfigError(f"{path}: question {i} needs at least 'text'")
        if "type" in q and "schema" in q:
            raise ConfigError(f"{path}: question {i} has both 'type' and 'schema'; keep 'type'")
        spec = q.get("type", q.get("schema"))
        qid = str(q.get("id", i))
        if spec is not None:
            try:
                parse_type(spec, path=f"questions[{i - 1}].type")
            except ConfigError as exc:
                raise ConfigError(f"{path}: question {qid!r}: {exc}") from None
        qs.append(CanonicalQuestion(qid, str(q["text"]), spec))
    ids = [q.id for q in qs]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{path}: question ids must be unique")
    return QuestionSet(tuple(qs), data.get("title"), str(path))


def _words(text: str) -> set[str]:
    stop = {
        "the",
        "of",
        "and",
        "or",
        "for",
        "to",
        "in",
        "a",
        "an",
        "is",
        "are",
        "you",
        "your",
        "please",
        "what",
        "how",
        "by",
        "with",
        "on",
        "this",
        "that",
        "be",
        "if",
    }
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stop and len(w) > 1}


def coverage(question: str, text: str) -> float:
    """Share of a question's words found in `text`: robust when the reply restates it at length."""
    wq, wt = _words(question), _words(text)
    return len(wq & wt) / len(wq) if wq else 0.0
