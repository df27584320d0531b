"""Grounding: every span must equal the page text at its offsets, or it is not reported.

Quotes from an LLM are located in the pages (exact, then whitespace/quote/hyphen-normalised);
a value whose evidence cannot be found becomes null plus a warning, never a guess.
"""

from __future__ import annotations

import re
from typing import TypeVar

from .document import Document
from .models import Exemption, Extraction, Notice, Reference, Span

_Evidenced = TypeVar("_Evidenced", Exemption, Reference)

FUZZY_MIN_CHARS = 20
FUZZY_RATIO = 0.9  # a typo or a dropped letter, not a paraphrase
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def _normalise(text: str) -> tuple[str, list[int]]:
    """Collapse whitespace, unify quotes and dashes, join end-of-line hyphenation; keep an index map."""
    out: list[str] = []
    index: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i].translate(_QUOTES)
        if ch == "-" and i + 1 < len(text) and text[i + 1] == "\n":
            i += 2
            continue
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                index.append(i)
            i += 1
            continue
        out.append(ch.lower())
        index.append(i)
        i += 1
    return "".join(out), index


_NUMBER_WORDS = r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred|thousand|million"


def _figures(text: str) -> list[str]:
    """Digits and number words: a near-match may fix a typo, never change a figure."""
    return re.findall(rf"\d+|\b(?:{_NUMBER_WORDS})\b", text)


def locate(doc: Document, quote: str, page_hint: int | None = None) -> Span | None:
    """Find `quote` in the document's pages; the hinted page is searched first."""
    quote = quote.strip()
    if not quote:
        return None
    order = list(range(1, len(doc.pages) + 1))
    if page_hint and 1 <= page_hint <= len(doc.pages):
        order.remove(page_hint)
        order.insert(0, page_hint)
    for pno in order:
        i = doc.pages[pno - 1].find(quote)
        if i >= 0:
            return doc.span(pno, i, i + len(quote))
    nq, _ = _normalise(quote)
    nq = nq.strip()
    for pno in order:
        norm, index = _normalise(doc.pages[pno - 1])
        i = norm.find(nq)
        if i >= 0:
            start = index[i]
            end = index[i + len(nq) - 1] + 1
            return doc.span(pno, start, end)
    if len(nq) >= FUZZY_MIN_CHARS:
        from difflib import SequenceMatcher  # only a quote that is not on the page pays for difflib

        for pno in order:
            norm, index = _normalise(doc.pages[pno - 1])
            m = SequenceMatcher(None, norm, nq, autojunk=False).find_longest_match(
                0, len(norm), 0, len(nq)
            )
            if m.size < 8:
                continue
            ws = max(0, m.a - m.b)  # align the quote on its longest exact run
            we = min(len(norm), ws + len(nq))
            window = norm[ws:we]
            if (
                _figures(window) == _figures(nq)
                and SequenceMatcher(None, window, nq, autojunk=False).ratio() >= FUZZY_RATIO
            ):
                # the page's own words, not the quote's: evidence stays verbatim
                return doc.span(pno, index[ws], index[we - 1] + 1)
    return None


def ground(ex: Extraction, doc: Document) -> Extraction:
    """Re-check every span; relocate or drop the ones that do not match, with a warning each."""
    warnings = list(ex.warnings)

    def fix(spans: list[Span], what: str) -> list[Span]:
        kept: list[Span] = []
        for span in spans:
            if doc.is_grounded(span):
                kept.append(span)
                continue
            moved = locate(doc, span.text, span.page)
            if moved:
                kept.append(moved)
            else:
                warnings.append(
                    Notice(
                        code="ungrounded",
                        message=f"{what}: quote not found in the text: {span.text[:60]!r}",
                        page=span.page,
                    )
                )
        return kept

    letter = ex.letter
    evidence = {}
    updates: dict[str, None] = {}
    for name, span in letter.evidence.items():
        kept = fix([span], f"letter.{name}")
        if kept:
            evidence[name] = kept[0]
        elif getattr(letter, name, None) is not None:
            updates[name] = None
    letter = letter.model_copy(update={"evidence": evidence, **updates})

    def evidenced(items: list[_Evidenced], where: str) -> list[_Evidenced]:
        """Exemptions and references keep only grounded evidence; one with none left is dropped."""
        out: list[_Evidenced] = []
        for item in items:
            label = f"{item.law} {item.section}" if isinstance(item, Exemption) else item.value
            spans = fix(item.evidence, f"{where} {label}")
            if spans:
                out.append(item.model_copy(update={"evidence": spans}))
            else:
                warnings.append(
                    Notice(
                        code="evidence_dropped",
                        message=f"{where}: {label} has no evidence in the text; dropped",
                    )
                )
        return out

    questions = []
    for q in ex.questions:
        value_evidence = fix(q.value_evidence, f"question {q.id} value")
        value = q.value if value_evidence or q.value is None else None
        if q.value is not None and value is None:
            warnings.append(
                Notice(
                    code="value_dropped",
                    message=f"question {q.id}: the value has no evidence in the text; null",
                )
            )
        questions.append(
            q.model_copy(
                update={
                    "value": value,
                    "value_evidence": value_evidence,
                    "evidence": fix(q.evidence, f"question {q.id}"),
                    "exemptions": evidenced(q.exemptions, f"question {q.id}"),
                    "references": evidenced(q.references, f"question {q.id}"),
                    "cues": [
                        c.model_copy(
                            update={"evidence": fix(c.evidence, f"question {q.id} cue {c.name}")}
                        )
                        for c in q.cues
                    ],
                }
            )
        )
    return ex.model_copy(
        update={
            "letter": letter,
            "questions": questions,
            "exemptions": evidenced(ex.exemptions, "letter"),
            "references": evidenced(ex.references, "letter"),
            "warnings": warnings,
        }
    )
