"""foi-extract: Freedom of Information replies in, one comparable evidence-grounded dataset out."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import FoiExtractError
from .models import Extraction, json_schema
from .pipeline import extract, extract_bundle

__all__ = [
    "extract",
    "extract_bundle",
    "Extraction",
    "FoiExtractError",
    "json_schema",
    "__version__",
]
