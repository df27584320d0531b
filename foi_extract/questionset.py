"""A request's canonical questions (`--questions QSET.yaml`), so every reply in a batch shares ids.

```yaml
title: Adult & Children Social Care Software
questions:
  - id: "1"
    text: Name of system and supplier (or if built in-house)
  - id: "2"
    text: What you use the system for
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from .errors import ConfigError


@dataclass(frozen=True)
class CanonicalQuestion:
    id: str
    text: str
    schema: Optional[Any] = None  # typed-value schema (used by the LLM engine)


@dataclass(frozen=True)
class QuestionSet:
    questions: tuple[CanonicalQuestion, ...]
    title: Optional[str] = None
    source: Optional[str] = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions]


def load_question_set(path: str | Path) -> QuestionSet:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: question set not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list) or not data["questions"]:
        raise ConfigError(f"{path}: expected a mapping with a non-empty 'questions' list")
    qs = []
    for i, q in enumerate(data["questions"], 1):
        if not isinstance(q, dict) or "text" not in q:
            raise ConfigError(f"{path}: question {i} needs at least 'text'")
        qs.append(CanonicalQuestion(str(q.get("id", i)), str(q["text"]), q.get("schema")))
    ids = [q.id for q in qs]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{path}: question ids must be unique")
    return QuestionSet(tuple(qs), data.get("title"), str(path))


def _words(text: str) -> set[str]:
    stop = {"the", "of", "and", "or", "for", "to", "in", "a", "an", "is", "are", "you", "your", "please", "what", "how", "by", "with", "on", "this", "that", "be", "if"}
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stop and len(w) > 1}


def coverage(question: str, text: str) -> float:
    """Share of a question's words found in `text`: robust when the reply restates it at length."""
    wq, wt = _words(question), _words(text)
    return len(wq & wt) / len(wq) if wq else 0.0
