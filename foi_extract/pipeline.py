"""load -> segment -> extract -> ground; writing is the caller's (CLI or library user)."""

from __future__ import annotations

import os
from typing import Optional, Union

from .engines import get_engine
from .ground import ground
from .load import load
from .models import Extraction
from .questionset import QuestionSet, load_question_set


def extract(
    path: Union[str, "os.PathLike[str]"],
    *,
    engine: str = "rules",
    questions: Optional[Union[str, "os.PathLike[str]", QuestionSet]] = None,
) -> Extraction:
    """Extract one document. Raises FoiExtractError (one-line message) for unreadable input."""
    qset = load_question_set(questions) if isinstance(questions, (str, os.PathLike)) else questions
    doc = load(path)
    result = get_engine(engine).run(doc, qset)
    return ground(result, doc)
