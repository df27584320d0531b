"""load -> segment -> extract -> ground -> (caller writes)."""

from __future__ import annotations

import os
from typing import Optional

from .models import Extraction


def extract(path: str | os.PathLike[str], *, engine: str = "rules", questions: Optional[str] = None) -> Extraction:
    """Extract one document. Raises FoiExtractError (one-line message) for unreadable input."""
    raise NotImplementedError("pipeline under construction")
