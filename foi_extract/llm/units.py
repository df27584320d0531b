"""What reply text each asked question is sent with: its answer, from the rules' segmentation.

Why: a chunk is built from these units, and every character in them is paid for. Questions
whose answers overlap (a shared "we are monitoring..." paragraph, one answer covering 2 and 3)
form one unit holding the overlapping text once; a question the rules found no answer for needs
the whole reply, and then the whole reply is the one unit for every asked question, since it
already holds the other answers. Closing boilerplate is left out (boilerplate.py).
"""

from __future__ import annotations

from typing import Any

from ..document import Document
from ..models import Extraction, Span
from ..rules.letter import default_law
from . import boilerplate
from .chunking import Unit


def answer_units(doc: Document, rules: Extraction, asked: dict[str, tuple[str, Any]]) -> list[Unit]:
    law = default_law(rules.letter.legislation)
    found = {q.id: q.evidence for q in rules.questions if q.id in asked and q.evidence}
    if len(found) < len(asked):  # some question has no answer of its own: send the whole reply
        whole = boilerplate.strip("\n\n".join(doc.pages), law)
        known = [q.id for q in rules.questions if q.id in asked]
        ids = known + [qid for qid in asked if qid not in known]
        return [Unit(ids, whole, list(range(1, len(doc.pages) + 1)))]
    units: list[Unit] = []
    for group in _overlapping(found):
        spans = [s for qid in group for s in found[qid]]
        text = _text(doc, [found[qid] for qid in group])
        units.append(Unit(group, boilerplate.strip(text, law), sorted({s.page for s in spans})))
    return units


def _overlapping(found: dict[str, list[Span]]) -> list[list[str]]:
    """Questions in reply order, grouped where any of their evidence spans share a character."""
    groups: list[list[str]] = []
    for qid, spans in found.items():
        touching = [
            g for g in groups if any(_meet(a, b) for o in g for a in found[o] for b in spans)
        ]
        merged = [i for g in touching for i in g] + [qid]
        groups = [g for g in groups if g not in touching]
        groups.append(merged)
    order = list(found)
    return sorted((sorted(g, key=order.index) for g in groups), key=lambda g: order.index(g[0]))


def _meet(a: Span, b: Span) -> bool:
    return a.page == b.page and a.start < b.end and b.start < a.end


def _text(doc: Document, evidence: list[list[Span]]) -> str:
    """One question's evidence (or several questions' identical evidence) exactly as it reads;
    a group's overlapping evidence in reply order, each character once."""
    if all(e == evidence[0] for e in evidence):
        return "\n".join(s.text for s in evidence[0])
    merged: list[list[int]] = []
    for p, s, e in sorted({(s.page, s.start, s.end) for spans in evidence for s in spans}):
        if merged and merged[-1][0] == p and s < merged[-1][2]:
            merged[-1][2] = max(merged[-1][2], e)
        else:
            merged.append([p, s, e])
    return "\n".join(doc.pages[p - 1][s:e] for p, s, e in merged)
