"""load -> segment -> extract -> ground; writing is the caller's (CLI or library user)."""

from __future__ import annotations

import os
from typing import Any, Optional, Union

from .engines import Engine, get_engine
from .ground import ground
from .load import load
from .models import Extraction
from .questionset import QuestionSet, load_question_set


def extract(
    path: Union[str, "os.PathLike[str]"],
    *,
    engine: Union[str, Engine] = "rules",
    questions: Optional[Union[str, "os.PathLike[str]", QuestionSet]] = None,
    **engine_options: Any,
) -> Extraction:
    """Extract one document. Raises FoiExtractError (one-line message) for unreadable input.

    `engine` is a name ("rules", "auto", "llm", "local") or an engine made once with
    `foi_extract.engines.get_engine(...)` and reused across a batch (then close it yourself).
    """
    qset = load_question_set(questions) if isinstance(questions, (str, os.PathLike)) else questions
    doc = load(path)
    if isinstance(engine, str):
        made = get_engine(resolve_engine(engine, engine_options), **engine_options)
        try:
            result = made.run(doc, qset)
        finally:
            getattr(made, "close", lambda: None)()
    else:
        result = engine.run(doc, qset)
    return ground(result, doc)


def resolve_engine(name: str, options: Optional[dict[str, Any]] = None) -> str:
    """`auto` is the LLM engine when one is configured (flags, environment, config file), else rules."""
    if name != "auto":
        return name
    from .llm.config import load_config

    return "llm" if load_config({k: v for k, v in (options or {}).items() if k in ("model", "base_url", "api_key")}).configured else "rules"
