"""The review page: `foi-extract report OUT -o report.html` (see report/html.py)."""

from .html import build_report, report_data

__all__ = ["build_report", "report_data"]
