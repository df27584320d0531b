"""A readable terminal table per document: what a person checks first."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TextIO

from ..models import Extraction
from . import exemption_label, register_writer


def _cut(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


@register_writer("table")
def write_table(results: Sequence[Extraction], out: TextIO) -> None:
    for r in results:
        L = r.letter
        out.write(f"{r.source.path}\n")
        out.write(
            f"  authority: {L.authority or '-'}   reference: {L.reference or '-'}   date: {L.date or '-'}\n"
        )
        out.write(
            f"  kind: {L.kind}   legislation: {', '.join(L.legislation) or '-'}   engine: {r.engine.name}\n"
        )
        applied = (
            ", ".join(exemption_label(e.law, e.section, e.subsection) for e in r.exemptions)
            or "none"
        )
        out.write(f"  exemptions applied: {applied}\n")
        if r.review:
            out.write(f"  review: {', '.join(r.review)}\n")
        out.write(f"  {'Q':<5} {'status':<24} {'exemptions':<22} {'review':<18} answer\n")
        for q in r.questions:
            ex = ", ".join(exemption_label(e.law, e.section, e.subsection) for e in q.exemptions)
            flag = ", ".join(q.review)
            out.write(
                f"  {q.id:<5} {q.status:<24} {_cut(ex, 22):<22} {_cut(flag, 18):<18} {_cut(q.answer, 60)}\n"
            )
        refs = [f"{x.kind}: {x.value}" for x in r.references]
        if refs:
            out.write("  references:\n")
            for line in refs:
                out.write(textwrap.indent(_cut(line, 100), "    ") + "\n")
        for t in r.tables:
            where = f" in {t.source}" if t.source else ""
            out.write(
                f"  table {_cut(t.name, 40)}{where}, p.{t.page}: {len(t.rows)} rows"
                f"{', columns: ' + _cut(', '.join(c.text for c in t.header), 60) if t.header else ''}\n"
            )
        for w in r.warnings:
            out.write(f"  warning [{w.code}]{f' p.{w.page}' if w.page else ''}: {w.message}\n")
        out.write("\n")
