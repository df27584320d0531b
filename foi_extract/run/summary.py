"""The end-of-run summary: documents by outcome, questions by status, top exemptions, review flags, cost."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..write import exemption_label
from ..write.records import OUTCOMES, DocRecord

if TYPE_CHECKING:
    from rich.table import Table


@dataclass
class Summary:
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # error code -> documents
    statuses: Counter[str] = field(default_factory=Counter)
    exemptions: Counter[str] = field(
        default_factory=Counter
    )  # label -> questions it was applied to
    exemption_docs: Counter[str] = field(default_factory=Counter)  # label -> documents applying it
    question_flags: Counter[str] = field(default_factory=Counter)
    document_flags: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    cached: int = 0
    extracted: int = 0
    pages: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    cost: float = 0.0
    cost_unknown: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {k: dict(v) if isinstance(v, Counter) else v for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        s = cls()
        for k, v in data.items():
            setattr(s, k, Counter(v) if isinstance(getattr(s, k, None), Counter) else v)
        return s


def summarize(records: Sequence[DocRecord]) -> Summary:
    s = Summary()
    for rec in records:
        s.outcomes[rec.outcome] += 1
        if rec.outcome == "skipped":
            s.skipped[rec.message or "?"] += 1
            continue
        if rec.outcome == "failed":
            s.failures[rec.error_code or "error"] += 1
        s.cached += rec.cached
        s.extracted += not rec.cached
        usage = rec.usage or {}
        s.prompt_tokens += usage.get("prompt_tokens", 0)
        s.completion_tokens += usage.get("completion_tokens", 0)
        s.requests += usage.get("requests", 0)
        if rec.cost is None and usage.get("prompt_tokens"):
            s.cost_unknown += 1
        else:
            s.cost += rec.cost or 0.0
        r = rec.extraction
        if r is None:
            continue
        s.pages += r.source.pages
        for reason in r.review:
            s.document_flags[reason] += 1
        for e in r.exemptions:
            s.exemption_docs[exemption_label(e.law, e.section, e.subsection)] += 1
        for q in r.questions:
            s.statuses[q.status] += 1
            for reason in q.review:
                s.question_flags[reason] += 1
            for e in q.exemptions:
                s.exemptions[exemption_label(e.law, e.section, e.subsection)] += 1
    return s


def _table(title: str, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Table:
    from rich.table import Table

    t = Table(
        title=title, title_justify="left", show_edge=False, pad_edge=False, header_style="bold"
    )
    for i, h in enumerate(header):
        t.add_column(h, justify="right" if i else "left")
    for row in rows:
        t.add_row(*(str(c) for c in row))
    return t


def render(s: Summary, console: Any = None, *, top: int = 10) -> None:
    if console is None:
        from rich.console import Console

        console = Console()
    docs = [(o, s.outcomes.get(o, 0)) for o in OUTCOMES]
    docs.append(("total", sum(s.outcomes.values())))
    console.print(_table("Documents", ("outcome", "documents"), docs))
    if s.failures:
        console.print(_table("Failed documents", ("cause", "documents"), s.failures.most_common()))
    if s.skipped:
        console.print(_table("Skipped files", ("reason", "files"), s.skipped.most_common()))
    if s.statuses:
        console.print(_table("Questions", ("status", "questions"), s.statuses.most_common()))
    if s.exemption_docs:
        rows = [
            (label, n, s.exemptions.get(label, 0)) for label, n in s.exemption_docs.most_common(top)
        ]
        console.print(
            _table(
                f"Top exemptions applied (of {len(s.exemption_docs)})",
                ("exemption", "documents", "questions"),
                rows,
            )
        )
    flags = [(f"question: {k}", v) for k, v in s.question_flags.most_common()] + [
        (f"document: {k}", v) for k, v in s.document_flags.most_common()
    ]
    if flags:
        console.print(_table("Review flags", ("reason", "count"), flags))
    cost = f"${s.cost:.4f}" + (
        f" + unknown for {s.cost_unknown} document(s) (model not in the price table)"
        if s.cost_unknown
        else ""
    )
    console.print(
        _table(
            "Work",
            ("", ""),
            [
                ("extracted this run", s.extracted),
                ("reused from the store", s.cached),
                ("pages", s.pages),
                ("LLM requests", s.requests),
                ("prompt tokens", f"{s.prompt_tokens:,}"),
                ("completion tokens", f"{s.completion_tokens:,}"),
                ("cost", cost),
            ],
        )
    )
