"""The embedded engine: deterministic rules, offline, free. Every value carries its span."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from .. import __version__, review
from ..document import Document
from ..models import (
    Cue,
    EngineInfo,
    Exemption,
    Extraction,
    Letter,
    Notice,
    Question,
    Reference,
    Source,
    Span,
)
from ..questionset import QuestionSet
from ..rules import statutes
from ..rules.applied import annex_start, is_applied
from ..rules.authority import authority
from ..rules.citations import Citation, find_citations
from ..rules.joint import split_joint
from ..rules.kind import document_kind
from ..rules.letter import default_law, detect_legislation, letter_date, request_title
from ..rules.references import Found, find_references
from ..rules.regions import Regions, find_regions
from ..rules.segments import QA, align, quoted_requests, single_question
from ..rules.status import StatusDecision, decide
from ..rules.unnumbered import unnumbered
from ..textview import TextView, page_lines
from . import register_engine
from .by_start import ByStart
from .canonical import map_to_question_set
from .doc_review import NOT_ANSWERING, document_review, truncated
from .doc_review import unanswered as _unanswered

Range = tuple[int, int]


def _inside(pos: int, ranges: Iterable[Range]) -> bool:
    return any(s <= pos < e for s, e in ranges)


class RulesEngine:
    name = "rules"

    def close(self) -> None:
        """Nothing to release."""

    def run(self, doc: Document, questions: QuestionSet | None = None) -> Extraction:
        lines = page_lines(doc)
        # letterheads and footers dropped: for segmentation and judgement
        view = TextView(doc, lines=lines)
        full = TextView(doc, drop_boilerplate=False, lines=lines)  # for metadata and references
        text = view.text
        regions = found_regions = find_regions(text)
        annex_at = annex_start(text)
        if regions.response[0] < annex_at < regions.response[1]:
            # statutory extracts in an annex are neither questions nor answers
            regions = replace(regions, response=(regions.response[0], annex_at))
        legislation = detect_legislation(text)
        law = default_law(legislation)
        qas = align(text, regions.response, regions.request)
        ids_inferred = False
        if not qas and not regions.request:
            qas = unnumbered(text, regions.response)
            ids_inferred = bool(qas)
        qas = qas or [single_question(text, regions.response, regions.request)]
        outgoing = [m.body for m in regions.messages if m.direction == "outgoing"]
        request_ranges = (
            outgoing
            + [qa.question for qa in qas if qa.question]
            + quoted_requests(text, *regions.response)
        )
        if questions is not None:
            qas = _share_by_sentence(text, qas, questions)
        if regions.request:
            request_ranges.append(regions.request)
        citations = find_citations(text, law)
        applied = [
            c
            for c in citations
            if not _inside(c.start, request_ranges) and is_applied(c, text, annex_at=annex_at)
        ]
        found_refs = find_references(text)
        same = full.text == text  # nothing was dropped as boilerplate: reuse what the view found
        full_regions = found_regions if same else find_regions(full.text)
        full_refs = found_refs if same else find_references(full.text)

        applied_at, refs_at = ByStart(applied), ByStart(found_refs)
        built = [self._question(view, qa, applied_at, refs_at) for qa in qas]
        for q in built if ids_inferred else []:
            q.review.append(review.IDS_INFERRED)
        self._inherit(qas, built)
        self._preamble_grounds(view, qas, built, applied, regions.response)
        self._trailing_grounds(view, qas, built, applied, regions.response)
        if len(built) > 1 and built[-1].answer is None and truncated(text):
            built.pop()  # an excerpt that stops inside the last question: only visible answers count
        outgoing_only = bool(regions.messages) and all(
            m.direction == "outgoing" for m in regions.messages
        )
        kind, kind_cue = document_kind(text, built, outgoing_only=outgoing_only)
        warnings = list(doc.warnings)
        if kind in NOT_ANSWERING:
            warnings.append(
                Notice(
                    code=kind,
                    message=f"{doc.path}: read as {kind.replace('_', ' ')} ({kind_cue}): no question is reported as answered",
                )
            )
            built = (
                [] if kind in ("not_a_reply", "request_only") else [_unanswered(q) for q in built]
            )
        extraction = Extraction(
            source=Source(
                path=doc.path,
                sha256=doc.sha256,
                media_type=doc.media_type,
                pages=len(doc.pages),
                sections=doc.sections,
            ),
            letter=self._letter(full, full_regions, legislation, full_refs),
            questions=built,
            exemptions=[]
            if kind in NOT_ANSWERING
            else _exemptions(view, applied),  # nothing was withheld yet
            references=_references(full, full_refs),
            engine=EngineInfo(name=self.name, version=__version__),
            warnings=warnings,
        )
        extraction.letter.kind = kind  # type: ignore[assignment]
        if kind == "request_only":  # no reply yet: the request's own date is no response date
            extraction.letter.date = None
            extraction.letter.evidence.pop("date", None)
        extraction.review = document_review(
            extraction, view.text, single=len(qas) == 1 and not qas[0].question
        )
        if questions is not None:
            extraction = map_to_question_set(extraction, questions)
        return extraction

    # ------------------------------------------------------------ questions
    def _question(
        self, view: TextView, qa: QA, applied: ByStart[Citation], refs: ByStart[Found]
    ) -> Question:
        text = view.text
        evidence: list[Span] = []
        qtext = answer = None
        if qa.question:
            qtext = _clean(text[qa.question[0] : qa.question[1]])
            evidence += view.spans(*qa.question)
        grounds: list[Citation] = []
        found: list[Found] = []
        ranges = ([qa.answer] if qa.answer else []) + qa.extra_answers
        if ranges:
            answer = "\n".join(_clean(text[s:e]) for s, e in ranges)
            for r in ranges:
                evidence += view.spans(*r)
            grounds, found = applied.inside(ranges), refs.inside(ranges)
        decision = decide(text, ranges, [(c.law, c.section, c.subsection) for c in grounds])
        return Question(
            id=qa.id,
            text=qtext or None,
            answer=answer or None,
            status=decision.status,
            exemptions=_exemptions(view, grounds),
            references=_references(view, found),
            evidence=evidence,
            review=list(decision.review),
            cues=_cues(view, decision),
        )

    @staticmethod
    def _inherit(qas: list[QA], built: list[Question]) -> None:
        """'Please refer to Question 3': take question 3's status, grounds and references."""
        by_id = {q.id: q for q in built}
        for qa, q in zip(qas, built):
            target = by_id.get(qa.refers_to or "")
            if target is None or target is q:
                continue
            q.status = target.status
            q.review = list(target.review)
            q.cues = [c.model_copy(deep=True) for c in target.cues]
            q.exemptions = [e.model_copy(deep=True) for e in target.exemptions] or q.exemptions
            known = {(r.kind, r.value) for r in q.references}
            q.references += [r for r in target.references if (r.kind, r.value) not in known]

    @staticmethod
    def _preamble_grounds(
        view: TextView,
        qas: list[QA],
        built: list[Question],
        applied: list[Citation],
        response: Range,
    ) -> None:
        """Grounds stated before the first answer ('small numbers are withheld under s.40(2)') apply to all."""
        starts = [qa.answer[0] for qa in qas if qa.answer] + [
            qa.question[0] for qa in qas if qa.question
        ]
        if not starts or any(q.exemptions for q in built):
            return
        first = min(starts)
        pre = [c for c in applied if response[0] <= c.start < first]
        if not pre:
            return
        for qa, q in zip(qas, built):
            if q.answer:
                ranges = ([qa.answer] if qa.answer else []) + qa.extra_answers
                decision = decide(
                    view.text, ranges, [(c.law, c.section, c.subsection) for c in pre]
                )
                q.exemptions = _exemptions(view, pre)
                # use_enum_values: the model stores the status as a plain string, not a Status
                q.status = decision.status  # type: ignore[assignment]
                q.review, q.cues = list(decision.review), _cues(view, decision)

    @staticmethod
    def _trailing_grounds(
        view: TextView,
        qas: list[QA],
        built: list[Question],
        applied: list[Citation],
        response: Range,
    ) -> None:
        """A reasons paragraph after the answers ('withheld pursuant to Exemptions 6 and 7(C)') grounds the
        answers that withhold or redact 'as described below' without naming a ground themselves."""
        ends = [r[1] for qa in qas for r in ([qa.answer] if qa.answer else []) + qa.extra_answers]
        if not ends:
            return
        last = max(ends)
        after = [c for c in applied if last <= c.start < response[1]]
        if not after:
            return
        for qa, q in zip(qas, built):
            if q.exemptions or q.status not in ("withheld", "partially_answered") or not qa.answer:
                continue
            ranges = [qa.answer] + qa.extra_answers
            decision = decide(view.text, ranges, [(c.law, c.section, c.subsection) for c in after])
            q.exemptions = _exemptions(view, after)
            q.status = decision.status  # type: ignore[assignment]  # stored as a str, as above
            q.cues = _cues(view, decision)
            q.review = list(decision.review)
            review.add(q.review, review.EXEMPTION_FROM_LIST_CONTEXT)

    # ------------------------------------------------------------ letter
    def _letter(
        self, view: TextView, regions: Regions, legislation: list[str], refs: list[Found]
    ) -> Letter:
        text = view.text
        evidence: dict[str, Span] = {}
        rs, re_ = regions.response
        head_start = regions.response_header[0] if regions.response_header else rs

        def put(name: str, start: int, end: int) -> None:
            span = view.span(start, end)
            if span:
                evidence[name] = span

        auth = authority(text[rs:re_]) or authority(text)
        auth_value = None
        if auth:
            name, s, e = auth
            base = rs if text[rs + s : rs + e] == name else 0
            auth_value = name
            put("authority", base + s, base + e)
        when = None
        if regions.response_header:
            hs, he = regions.response_header
            m = re.search(r"(\d{4}-\d\d-\d\d)", text[hs:he])
            if m:
                when = m.group(1)
                put("date", hs + m.start(1), hs + m.end(1))
        if when is None:
            d = letter_date(text[rs:re_])
            if d:
                when = d.iso
                put("date", rs + d.start, rs + d.end)
        ref_value = None
        request_refs = [f for f in refs if f.kind == "request_reference" and f.rank > 0]
        in_response = [f for f in request_refs if head_start <= f.start < re_] or request_refs
        if in_response:
            f = max(in_response, key=lambda f: (f.rank, -f.start))
            ref_value = f.value
            put("reference", f.start, f.end)
        title = request_title(text[rs:re_])
        title_value = None
        if title:
            title_value = title[0]
            put("request_title", rs + title[1], rs + title[2])
        return Letter(
            authority=auth_value,
            reference=ref_value,
            date=when,
            request_title=title_value,
            legislation=legislation,
            evidence=evidence,
        )


def _share_by_sentence(text: str, qas: list[QA], qset: QuestionSet) -> list[QA]:
    """An un-numbered reply to a numbered request: give each canonical question its sentences."""
    if len(qas) != 1 or qas[0].answer is None or len(qset.questions) < 2:
        return qas
    start, end = qas[0].answer
    parts = split_joint(text, start, end, [(q.id, q.text) for q in qset.questions])
    question = None
    out = []
    for q in qset.questions:
        ranges = parts.get(q.id) or [(start, end)]
        out.append(
            QA(q.id, question=question, answer=ranges[0], joint=True, extra_answers=ranges[1:])
        )
    return out


def _cues(view: TextView, decision: StatusDecision) -> list[Cue]:
    """The decision's cues with their evidence; figures beyond the first three add nothing to read."""
    out: list[Cue] = []
    figures = 0
    for h in decision.hits:
        if h.name == "answered.figure_given":
            figures += 1
            if figures > 3:
                continue
        spans = view.spans(h.start, h.end) if h.start >= 0 else []
        out.append(Cue(name=h.name, weight=h.weight, evidence=spans))
    return out


def _clean(text: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", re.sub(r"\s*\n\s*", "\n", text)).strip()


def _exemptions(view: TextView, cites: list[Citation]) -> list[Exemption]:
    """One Exemption per (law, section, subsection); a bare '40' merges into '40(2)' when both appear."""
    grouped: dict[tuple[str, str, str | None], list[Span]] = {}
    for c in cites:
        spans = view.spans(c.start, c.end)  # a citation split by a page break keeps both parts
        if spans:
            grouped.setdefault((c.law, c.section, c.subsection), []).extend(spans)
    for law, sec, sub in list(grouped):
        if sub is None:
            richer = [k for k in grouped if k[0] == law and k[1] == sec and k[2] is not None]
            if richer:
                grouped[richer[0]].extend(grouped.pop((law, sec, None)))
    return [
        Exemption(
            law=law,
            section=sec,
            subsection=sub,
            title=statutes.title(law, sec, sub),
            evidence=spans[:5],
        )
        for (law, sec, sub), spans in grouped.items()
    ]


def _references(view: TextView, found: list[Found]) -> list[Reference]:
    out: dict[tuple[str, str], Reference] = {}
    for f in found:
        spans = view.spans(f.start, f.end)
        if not spans:
            continue
        key = (f.kind, f.value.lower() if f.kind in ("url", "email") else f.value)
        if key in out:
            if len(out[key].evidence) < 5:
                out[key].evidence.extend(spans)
        else:
            out[key] = Reference(kind=f.kind, value=f.value, evidence=spans)
    return list(out.values())


@register_engine("rules")
def _factory(**_: object) -> RulesEngine:
    return RulesEngine()
