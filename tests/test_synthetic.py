"""The project's synthetic letters, rendered to PDF the way real replies arrive (tables, two
columns, page breaks inside answers, repeated letterheads, EIR), extracted end to end."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import foi_extract  # noqa: E402
from fixtures.build import build_one, manifest  # noqa: E402
from foi_extract.evaluate.metrics import all_spans, norm_url  # noqa: E402
from foi_extract.load import load  # noqa: E402

ENTRIES = manifest()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_synthetic_letter_extracts_as_labelled(entry: dict[str, Any], tmp_path: Path) -> None:
    pdf = build_one(entry, tmp_path)  # a PDF, or the file itself for as-is entries (.html, .eml)
    result = foi_extract.extract(pdf)
    expect = entry["expect"]
    assert [(q.id, q.status) for q in result.questions] == [
        (q["id"], q["status"]) for q in expect["questions"]
    ]
    for q, want in zip(result.questions, expect["questions"]):
        assert {e.section for e in q.exemptions} == {
            e["section"] for e in want.get("exemptions") or []
        }, q.id
    assert {(e.law, e.section) for e in result.exemptions} == {
        (e["law"], e["section"]) for e in expect["exemptions"]
    }
    applied = {(e.law, e.section, e.subsection) for e in result.exemptions}
    for trap in expect.get("mentioned_not_applied") or []:
        sub = trap.get("subsection")
        hit = any(
            (law, sec) == (trap["law"], trap["section"]) and (sub is None or s == sub)
            for law, sec, s in applied
        )
        assert not hit, f"mentioned only, reported as applied: {trap}"
    urls = {norm_url(r.value) for r in result.references if r.kind == "url"}
    assert {norm_url(u) for u in expect.get("urls") or []} <= urls
    letter = expect["letter"]
    assert result.letter.reference == letter["reference"]
    assert result.letter.date == (str(letter["date"]) if letter.get("date") else None)
    if letter.get("kind"):
        assert result.letter.kind == letter["kind"]
    pages = load(pdf).pages
    for span in all_spans(result):
        assert pages[span.page - 1][span.start : span.end] == span.text
