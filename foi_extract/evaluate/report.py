"""The evaluation report: JSON for machines (CI, trend tracking), a plain-text table for people."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PRF(BaseModel):
    """Counts plus precision/recall/F1; an empty denominator reads as 1.0 (nothing to get wrong)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float = 1.0
    recall: float = 1.0
    f1: float = 1.0


class Accuracy(BaseModel):
    correct: int = 0
    total: int = 0
    rate: float = 1.0


class Grounding(BaseModel):
    spans: int = 0
    grounded: int = 0
    rate: float = 1.0
    ungrounded: list[str] = Field(
        default_factory=list, description="\"doc: p1 12:30 'text'\", first few per document"
    )


class FailedDocument(BaseModel):
    document: str
    gold_file: str
    error: str


class DocumentRow(BaseModel):
    """One document's own figures, so a bad aggregate can be traced to the documents behind it."""

    document: str
    gold_file: str = ""
    error: str | None = None
    exemption_tp: int = 0
    exemption_fp: int = 0
    exemption_fn: int = 0
    missed_exemptions: list[str] = Field(default_factory=list)
    spurious_exemptions: list[str] = Field(default_factory=list)
    trap_hits: list[str] = Field(default_factory=list)
    status_correct: int = 0
    status_total: int = 0
    status_errors: list[str] = Field(default_factory=list, description='"q2: not_held -> answered"')
    questions_gold: int = 0
    questions_predicted: int | None = None
    question_ids_found: int = 0
    urls_missed: list[str] = Field(default_factory=list)
    urls_spurious: list[str] = Field(default_factory=list)
    references_missed: list[str] = Field(default_factory=list)
    letter_errors: list[str] = Field(default_factory=list)
    spans: int = 0
    spans_grounded: int = 0

    @property
    def problems(self) -> int:
        """A rough badness score used only to pick the worst documents for the text report."""
        if self.error:
            return 1000
        return (
            self.exemption_fp
            + self.exemption_fn
            + 2 * len(self.trap_hits)
            + (self.status_total - self.status_correct)
            + (self.questions_predicted != self.questions_gold)
            + len(self.urls_missed)
            + len(self.urls_spurious)
            + len(self.references_missed)
            + len(self.letter_errors)
            + (self.spans - self.spans_grounded)
        )


class EvalReport(BaseModel):
    engine: str
    gold_dir: str = ""
    documents: int = 0
    failed: list[FailedDocument] = Field(default_factory=list)
    exemptions: PRF = Field(
        default_factory=PRF, description="(law, section) per document, micro-averaged"
    )
    question_exemptions: PRF = Field(default_factory=PRF, description="(question id, law, section)")
    trap_hit_count: int = 0
    trap_hits: list[str] = Field(default_factory=list, description='"doc:law:section"')
    status: Accuracy = Field(default_factory=Accuracy)
    status_found: Accuracy = Field(
        default_factory=Accuracy, description="status where the question was found"
    )
    status_unflagged: Accuracy = Field(
        default_factory=Accuracy, description="found questions with no review reason"
    )
    status_flagged: Accuracy = Field(
        default_factory=Accuracy, description="found questions with a review reason"
    )
    flag_rate: float = Field(
        default=0.0, description="share of found questions with a review reason"
    )
    question_exemptions_unflagged: PRF = Field(
        default_factory=PRF, description="precision on unflagged questions"
    )
    question_exemptions_flagged: PRF = Field(default_factory=PRF)
    question_ids: Accuracy = Field(
        default_factory=Accuracy, description="labelled question ids found in the output"
    )
    kind: Accuracy = Field(
        default_factory=Accuracy, description="letter.kind, where the gold file labels it"
    )
    status_confusion: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="gold -> predicted -> n"
    )
    question_count: Accuracy = Field(default_factory=Accuracy)
    urls: PRF = Field(default_factory=PRF)
    references: Accuracy = Field(
        default_factory=Accuracy, description="recall of non-URL references"
    )
    letter: dict[str, Accuracy] = Field(
        default_factory=dict, description="authority, reference, date"
    )
    grounding: Grounding = Field(default_factory=Grounding)
    rows: list[DocumentRow] = Field(default_factory=list)


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def _prf_line(name: str, m: PRF) -> str:
    return (
        f"{name:<22} P {_pct(m.precision)}  R {_pct(m.recall)}  F1 {_pct(m.f1)}"
        f"   (tp {m.tp}, fp {m.fp}, fn {m.fn})"
    )


def _acc_line(name: str, m: Accuracy) -> str:
    return f"{name:<22} {_pct(m.rate)}   ({m.correct}/{m.total})"


def _confusion(table: dict[str, dict[str, int]]) -> list[str]:
    if not table:
        return ["  (no gold questions)"]
    cols = sorted({p for row in table.values() for p in row})
    width = max([len("gold \\ predicted")] + [len(g) for g in table])
    cw = [max(len(c), 3) for c in cols]
    lines = [
        "  "
        + "gold \\ predicted".ljust(width)
        + "  "
        + "  ".join(c.rjust(w) for c, w in zip(cols, cw))
    ]
    for gold in sorted(table):
        cells = [str(table[gold].get(c, 0) or ".").rjust(w) for c, w in zip(cols, cw)]
        lines.append("  " + gold.ljust(width) + "  " + "  ".join(cells))
    return lines


def _row_details(row: DocumentRow) -> list[str]:
    if row.error:
        return [f"    failed: {row.error}"]
    out: list[str] = []
    pairs = [
        ("traps applied", row.trap_hits),
        ("missed exemptions", row.missed_exemptions),
        ("spurious exemptions", row.spurious_exemptions),
        ("wrong statuses", row.status_errors),
        ("missed urls", row.urls_missed),
        ("spurious urls", row.urls_spurious),
        ("missed references", row.references_missed),
        ("letter", row.letter_errors),
    ]
    for label, items in pairs:
        if items:
            out.append(f"    {label}: " + "; ".join(items))
    if row.questions_predicted != row.questions_gold:
        out.append(
            f"    question count: gold {row.questions_gold}, predicted {row.questions_predicted}"
        )
    if row.spans_grounded != row.spans:
        out.append(f"    ungrounded spans: {row.spans - row.spans_grounded} of {row.spans}")
    return out


def format_report(report: EvalReport, worst: int = 10) -> str:
    """A plain-text summary: the figures per field, the status confusion table, the worst documents."""
    lines = [
        f"foi-extract eval: engine {report.engine}, {report.documents} documents"
        + (f" from {report.gold_dir}" if report.gold_dir else "")
        + (f", {len(report.failed)} failed to extract" if report.failed else ""),
        "",
        _prf_line("exemptions", report.exemptions),
        _prf_line("exemptions/question", report.question_exemptions),
        f"{'trap hits':<22} {report.trap_hit_count}"
        + (f"   ({', '.join(report.trap_hits)})" if report.trap_hits else ""),
        _acc_line("status", report.status),
        _acc_line("  where found", report.status_found),
        _acc_line("  unflagged", report.status_unflagged),
        _acc_line("  flagged", report.status_flagged),
        f"{'flag rate':<22} {_pct(report.flag_rate)}",
        f"{'exemption P unflagged':<22} {_pct(report.question_exemptions_unflagged.precision)}"
        f"   (tp {report.question_exemptions_unflagged.tp}, fp {report.question_exemptions_unflagged.fp});"
        f" flagged {_pct(report.question_exemptions_flagged.precision)}"
        f" (tp {report.question_exemptions_flagged.tp}, fp {report.question_exemptions_flagged.fp})",
        _acc_line("question ids found", report.question_ids),
        _acc_line("question count", report.question_count),
        _acc_line("letter.kind", report.kind),
        _prf_line("urls", report.urls),
        _acc_line("references (recall)", report.references),
    ]
    for name, acc in report.letter.items():
        lines.append(_acc_line(f"letter.{name}", acc))
    g = report.grounding
    lines.append(f"{'grounding':<22} {_pct(g.rate)}   ({g.grounded}/{g.spans} spans)")
    lines += ["", "status confusion (rows gold, columns predicted):"] + _confusion(
        report.status_confusion
    )
    if report.failed:
        lines += ["", "failed documents:"] + [f"  {f.document}: {f.error}" for f in report.failed]
    bad = sorted((r for r in report.rows if r.problems), key=lambda r: -r.problems)[:worst]
    if bad:
        lines += ["", f"worst documents (up to {worst}):"]
        for row in bad:
            tag = "failed" if row.error else f"{row.problems} problems"
            lines.append(f"  {row.document}  [{tag}]")
            lines += _row_details(row)
    return "\n".join(lines) + "\n"
