"""Decide an answer's FOI status by weighing every cue in it (the table is status_cues.py).

Each sentence of the answer is matched against the cue table; grounds applied in the answer and
figures handed over add their own weight. The negative status with the most weight (not held,
withheld, refused, …) is then combined with what was given: a refusal beside figures is partial.
The decision keeps its cues (name, weight, offsets) as evidence and says when a person should
look: the winner rests on a weak cue, or a rival status came close.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .. import review as R
from ..lazy_re import lazy_compile
from . import status_cues as C
from .prefilter import fold, search

Range = tuple[int, int]
Ground = tuple[str, str] | tuple[str, str, str | None]  # (law, section[, subsection])
# Tie-break between negative statuses of equal weight: the more specific statement first.
_PRECEDENCE = (
    "ncnd",
    "refused",
    "published_elsewhere",
    "not_held",
    "withheld",
    "clarification_requested",
)
_NEGATIVE = frozenset(_PRECEDENCE)
_UK = frozenset({"FOIA", "FOISA", "EIR", "EISR"})


@dataclass(frozen=True)
class Hit:
    name: str
    status: str
    weight: float
    start: int
    end: int


@dataclass
class StatusDecision:
    status: str
    hits: list[Hit] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)


_SECTION_NUMBER = lazy_compile(
    r"(?:section|regulation|s\.)\s*\d", re.I
)  # compiled once: per sentence
_SENTENCE = lazy_compile(r"(?<=[.!?])\s+(?=\S)|\n[ \t\u00a0]*\n")


def _sentences(text: str, r: Range) -> list[Range]:
    out: list[Range] = []
    pos = r[0]
    for m in _SENTENCE.finditer(text, r[0], r[1]):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, r[1]))
    return [(s, e) for s, e in out if text[s:e].strip()]


# The cues whose match makes a sentence negative (not held, withheld, refused): no figure in such
# a sentence counts as given. Their patterns are in the cue table, so the cue loop already knows.
_NEGATIVE_CUES = frozenset(
    c.name
    for c in C.STATUS_CUES
    if any(c.pattern is p for p in (C.NOT_HELD, C.WITHHELD, C.REFUSED))
)


def decide(text: str, ranges: Sequence[Range], grounds: Iterable[Ground]) -> StatusDecision:
    """Status of the answer text[r] for r in `ranges`; `grounds` are (law, section[, subsection]) applied in it."""
    sentences = [s for r in ranges for s in _sentences(text, r)]
    folds = {r: fold(text[r[0] : r[1]]) for r in sentences}
    kept = [
        (s, e)
        for s, e in sentences
        if not any(search(p, text[s:e], folds[s, e]) for p in C.IGNORED)
    ]
    if not kept:
        return StatusDecision("not_answered", review=[R.NO_ANSWER_FOUND] if not sentences else [])
    body = " ".join(text[s:e] for s, e in kept)
    hits: list[Hit] = []
    for s, e in kept:
        sentence, folded = text[s:e], folds[s, e]
        argument = bool(search(C.ARGUMENT, sentence, folded))
        negative = False  # read only when not `argument`: then every cue was searched
        for cue in C.STATUS_CUES:
            if argument and cue.name in C.ARGUMENT_BLIND:
                continue
            m = search(cue.pattern, sentence, folded)
            if m:
                hits.append(Hit(cue.name, cue.status, cue.weight, s + m.start(), s + m.end()))
                negative = negative or cue.name in _NEGATIVE_CUES
        if not argument and not negative and not _SECTION_NUMBER.search(sentence):
            for m in C.FIGURE.finditer(sentence):
                hits.append(
                    Hit(
                        "answered.figure_given",
                        "given",
                        C.FIGURE_WEIGHT,
                        s + m.start(),
                        s + m.end(),
                    )
                )
    for ground in dict.fromkeys(grounds):  # first-seen order: the output must not vary run to run
        law, section, *rest = ground
        sub = rest[0] if rest else None
        status = C.ground_status(law, section, sub)
        weight = C.OTHER_GROUND[1] if status == "withheld" else C.GROUND_WEIGHT
        hits.append(Hit(f"{status}.ground_applied.{law}", status, weight, -1, -1))
    if re.search(
        r"attached|enclosed|below", body, re.I
    ):  # a pointer to the web beside a copy: given
        hits = [h for h in hits if h.name != "published_elsewhere.wording"]
    hits = _drop_trailing_pointer(text, kept, hits)
    if len(body) >= 1200:  # a long answer that asks one thing in passing still answers
        hits = [h for h in hits if h.status != "clarification_requested"]
    scores = _score(hits)
    status, review = _combine(scores, hits, body)
    return StatusDecision(status, hits, review, scores)


def _drop_trailing_pointer(text: str, kept: Sequence[Range], hits: list[Hit]) -> list[Hit]:
    """'All three firms were appointed under … . Details of the contracts are published on …':
    an answer that first states the information and then points to more is answered, not a
    pointer. Only when two or more sentences come before the pointer, none with a cue of its own
    ("The council holds the assessments in its files. They are published …" stays a pointer),
    and no s.21-type ground applies."""
    pointers = [h.start for h in hits if h.name == "published_elsewhere.wording"]
    if not pointers or len(kept) < 2:
        return hits
    if any(h.status == "published_elsewhere" and h.start < 0 for h in hits):
        return hits  # an s.21-type ground applied in the answer (ground hits have no offset)
    first = min(pointers)
    before = [(s, e) for s, e in kept if e <= first]
    words = sum(len(text[s:e].split()) for s, e in before)
    if len(before) < 2 or words < 20 or any(0 <= h.start < before[-1][1] for h in hits):
        return hits
    return [h for h in hits if h.name != "published_elsewhere.wording"]


def _score(hits: list[Hit]) -> dict[str, float]:
    """A cue counts fully once; repeats of the same cue add half its weight, at most one more weight."""
    by_cue: dict[str, list[Hit]] = {}
    for h in hits:
        by_cue.setdefault(h.name, []).append(h)
    scores: dict[str, float] = {}
    for name, group in by_cue.items():
        w = group[0].weight
        if name == "answered.figure_given":
            total = min(len(group), C.FIGURE_CAP) * w
        else:
            total = w + min(w, 0.5 * w * (len(group) - 1))
        scores[group[0].status] = scores.get(group[0].status, 0.0) + total
    return scores


def _combine(scores: dict[str, float], hits: list[Hit], body: str) -> tuple[str, list[str]]:
    given, partial = scores.get("given", 0.0), scores.get("partial", 0.0)
    ranked = sorted(
        (st for st in _NEGATIVE if scores.get(st, 0.0) > 0),
        key=lambda st: (-scores[st], _PRECEDENCE.index(st)),
    )
    review: list[str] = []
    if scores.get("ncnd", 0.0) >= 6.0:
        return "ncnd", review
    if not ranked:
        suppressed = any(h.name == "partially_answered.small_numbers_suppressed" for h in hits)
        if suppressed:
            return "partially_answered", review
        if any(h.name == "partially_answered.released_in_part" for h in hits):
            return "partially_answered", review
        if any(
            h.name == "partially_answered.coverage" for h in hits
        ):  # "we hold information for 2019 onwards only"
            return "partially_answered", [R.WEAK_CUE]
        if not hits and _fragment(
            body
        ):  # "the timeframe to be searched;": a list item, not an answer
            return "answered", [R.WEAK_CUE]
        return "answered", review
    top = ranked[0]
    if scores[top] < C.WEAK_BELOW:
        review.append(R.WEAK_CUE)
    rivals = [
        st
        for st in ranked[1:]
        if scores[st] >= min(3.0, C.CONFLICT_RATIO * scores[top]) and scores[st] >= 2.5
    ]
    # a refusal that also says the information is withheld is no conflict; any other decisive rival is
    if rivals and (top != "refused" or any(r != "withheld" for r in rivals)):
        review.append(R.CONFLICTING_CUES)
    if top == "refused":
        if given >= 2.5:
            R.add(review, R.CONFLICTING_CUES)
        handed_over = any(h.name == "answered.information_given" for h in hits)
        # a UK cost or vexatious refusal refuses the question; elsewhere records can be released beside it
        cost_ground = any(
            h.name.startswith("refused.ground_applied.") and h.name.rsplit(".", 1)[1] in _UK
            for h in hits
        )
        if handed_over and not cost_ground:
            return "partially_answered", review
        return "refused", review
    if top == "published_elsewhere":
        if (
            scores[top] < 5.0 and given >= 2.5
        ):  # "see our publication scheme" beside the figures themselves
            R.add(review, R.WEAK_CUE)
            return "answered", review
        return "published_elsewhere", review
    if top == "not_held":
        # figures beside a "not held" make it partial, unless the not-held wording outweighs stray numbers
        return (
            "partially_answered" if given >= (1.0 if scores[top] <= 3.0 else 2.5) else "not_held"
        ), review
    if top == "withheld":
        if any(h.name == "withheld.in_full" for h in hits):
            return "withheld", review
        pointed = (
            scores.get("published_elsewhere", 0.0) > 0
        )  # "…is already published; the rest is withheld"
        return ("partially_answered" if partial > 0 or given > 0 or pointed else "withheld"), review
    return top, review


def _fragment(body: str) -> bool:
    b = body.strip()
    return bool(b) and (b[0].islower() or bool(re.search(r"(?:;|,|\band|\bor)\s*$", b)))


def classify(answer: str, grounds: Iterable[Ground]) -> str:
    """Status for one answer string; `grounds` are the (law, section) keys applied in it."""
    return decide(answer, [(0, len(answer))], grounds).status
