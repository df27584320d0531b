"""Compare the extractor with hand-labelled gold files (fixtures/gold) and report per field."""

from __future__ import annotations

from .report import EvalReport, format_report
from .runner import run_eval, thresholds_met

__all__ = ["run_eval", "format_report", "thresholds_met", "EvalReport"]
