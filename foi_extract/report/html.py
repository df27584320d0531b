"""One self-contained HTML page to review a batch: no network, no CDN, open it from disk.

It lists every document × question (a failed document gets its row with the error), with
filters for status, exemption, authority, review flag and outcome (failed…). Selecting a row
shows the question, the answer, the typed value, and the page text with each piece of evidence
highlighted where it was read (`<mark>`: answer, value, exemption, reference). "Next flagged"
jumps to the next visible question with a review reason.

The data travel inside the page as JSON; the page builds its rows with DOM text nodes only, so a
document's text can never inject markup or script.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..write import exemption_label
from ..write.records import DocRecord

TEMPLATE = Path(__file__).with_name("template.html")


def _label(e: Any) -> str:
    return exemption_label(e.law, e.section, e.subsection)


def _spans(spans: Sequence[Any], kind: str, label: str) -> list[dict[str, Any]]:
    return [
        {
            "page": s.page,
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "kind": kind,
            "label": label,
        }
        for s in spans
    ]


def report_data(records: Sequence[DocRecord], title: str | None = None) -> dict[str, Any]:
    docs = []
    for n, rec in enumerate(records):
        r = rec.extraction
        doc: dict[str, Any] = {
            "id": n,
            "path": rec.path,
            "outcome": rec.outcome,
            "error": rec.message,
            "exit_code": rec.exit_code,
            "error_code": rec.error_code,
            "pages": rec.pages or [],
            "questions": [],
            "review": [],
            "exemptions": [],
            "mentioned": [],
            "kind": None,
            "authority": None,
            "reference": None,
            "date": None,
            "evidence": [],
        }
        if r is not None:
            L = r.letter
            doc.update(
                kind=L.kind,
                authority=L.authority,
                reference=L.reference,
                date=L.date,
                review=list(r.review),
                exemptions=[_label(e) for e in r.exemptions],
                mentioned=[_label(e) for e in rec.mentioned],
                engine=r.engine.name,
                model=r.engine.model,
            )
            letter_ev = []
            for field, span in L.evidence.items():
                letter_ev += _spans([span], "letter", field)
            doc["evidence"] = letter_ev
            for q in r.questions:
                ev = _spans(q.evidence, "answer", "answer") + _spans(
                    q.value_evidence, "value", "value"
                )
                for e in q.exemptions:
                    ev += _spans(e.evidence, "exemption", _label(e))
                for ref in q.references:
                    ev += _spans(ref.evidence, "reference", ref.value)
                doc["questions"].append(
                    {
                        "id": q.id,
                        "text": q.text,
                        "status": q.status,
                        "answer": q.answer,
                        "review": list(q.review),
                        "exemptions": [_label(e) for e in q.exemptions],
                        "references": [x.value for x in q.references],
                        "value": q.value,
                        "evidence": ev,
                    }
                )
        docs.append(doc)
    return {
        "title": title or "foi-extract review",
        "generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "documents": docs,
    }


def _script_json(data: Any) -> str:
    """JSON safe inside <script>: no '</script>' or '<!--' can end or confuse the element."""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def build_report(records: Sequence[DocRecord], title: str | None = None) -> str:
    data = report_data(records, title)
    page = TEMPLATE.read_text(encoding="utf-8")
    return page.replace("__TITLE__", html.escape(data["title"])).replace(
        "__DATA__", _script_json(data)
    )
