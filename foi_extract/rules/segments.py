"""Question segmentation and question↔answer alignment over the text view.

Layouts handled: inline answers under each numbered question; the request restated once or
twice and answered in a second numbered run; "Q1"/"Question 1"/"Request 1" headings with
"Response:"/"Answer:" labels; one joint answer after the restated request; joint answers that
name several questions; thread replies whose questions live in an earlier message.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy_compile
from .blocks import _split_block, _templates
from .markers import Marker, find_markers, find_runs
from .reply_words import _ANSWER_LABEL, _NAMED_QUESTIONS, _REFERS, QA, closing_start
from .request_text import quoted_requests, single_question

__all__ = ["QA", "align", "closing_start", "quoted_requests", "single_question"]


def _run_end(text: str, run: list[Marker], limit: int) -> int:
    last = run[-1]
    first_line_end = text.find("\n", last.end)
    return closing_start(text, first_line_end if first_line_end >= 0 else last.end, limit)


def _blocks(text: str, run: list[Marker], end: int) -> list[tuple[Marker, int, int]]:
    out = []
    for i, m in enumerate(run):
        e = run[i + 1].start if i + 1 < len(run) else end
        out.append((m, m.start, max(m.start, e)))
    return out


def _named(text: str) -> list[str]:
    m = _NAMED_QUESTIONS.search(text[:200])
    if not m:
        return []
    return _expand_ids(m.group("a") + (m.group("rest") or ""))


def _legal_list(text: str, run: list[Marker]) -> bool:
    """'(a) a person has made a complaint …; or (b) …': the conditions of a quoted provision, not questions."""
    if run[0].family == "num" or len(run) < 2:
        return False
    ends = [text[m.end : n.start].rstrip() for m, n in zip(run, run[1:])]
    return all(re.search(r"(?:;|,|:)\s*(?:or|and)?$", e) for e in ends)


def align(text: str, response: tuple[int, int], request: tuple[int, int] | None) -> list[QA]:
    """Questions with their question and answer ranges (view offsets)."""
    rs, re_ = response
    runs = [r for r in find_runs(find_markers(text, rs, re_)) if not _legal_list(text, r)]
    req_runs = (
        [r for r in find_runs(find_markers(text, *request)) if not _legal_list(text, r)]
        if request
        else []
    )
    if request and req_runs:
        canon = max(req_runs, key=len)
        qas = {m.id: QA(m.id) for m in canon}
        for qa, (m, _s, e) in zip(
            qas.values(), _blocks(text, canon, closing_start(text, canon[-1].end, request[1]))
        ):
            qa.question = (m.end, e)
        _fill_answers(text, runs, qas, response)
        return list(qas.values())
    if not runs:
        return []
    canon = max(runs, key=lambda r: (len(r), -r[0].start))
    qas = {m.id: QA(m.id) for m in canon}
    ordered = sorted(runs, key=lambda r: r[0].start)
    question_runs = [r for r in ordered if {m.id for m in r} <= set(qas)]
    if len(question_runs) >= 2:
        # restated request first, numbered answers last
        first, last = question_runs[0], question_runs[-1]
        for m, s, e in _blocks(text, first, last[0].start):
            qas[m.id].question = _split_block(text, s, e, m.end)[0]
        _fill_answers(text, [last], qas, (last[0].start, re_))
        return list(qas.values())
    joint_at = _joint_answer_start(text, canon, re_)
    if joint_at is not None:
        # the request restated as one list, then one reply for all of it ("DWP Response: …")
        for m, _s, e in _blocks(text, canon, joint_at[0]):
            qas[m.id].question = (m.end, e) if text[m.end : e].strip() else None
        _joint_answer(text, qas, joint_at[1], re_)
        return list(qas.values())
    _fill_answers(text, [canon], qas, response, set_questions=True)
    return list(qas.values())


def _joint_answer_start(text: str, run: list[Marker], limit: int) -> tuple[int, int] | None:
    """(end of the request, start of the reply) when a numbered list is the request and one reply follows.

    Two forms: a reply label after the last item only ("Response:" under item 7 but under no
    other item), or the list quoted in full (“ before item 1, ” after the last item).
    """
    blocks = _blocks(text, run, limit)
    labelled = [(m, _ANSWER_LABEL.search(text, m.end, e)) for m, s, e in blocks]
    if (
        len(run) >= 2
        and all(lab is None for _, lab in labelled[:-1])
        and labelled[-1][1] is not None
    ):
        lab = labelled[-1][1]
        line_start = text.rfind("\n", 0, lab.start()) + 1
        if not text[line_start : lab.start()].strip(" \t>*") or re.match(
            r"[ \t]*[A-Z][\w&'’ ]{1,40}$", text[line_start : lab.start()]
        ):
            return line_start, lab.end()
    opener = text.rfind("“", max(0, run[0].start - 400), run[0].start)
    if opener >= 0 and "”" not in text[opener : run[0].start]:
        close = text.find("”", run[-1].end, limit)
        if close >= 0 and text[close + 1 : limit].strip():
            return close + 1, close + 1
    return None


def _fill_answers(
    text: str,
    runs: list[list[Marker]],
    qas: dict[str, QA],
    response: tuple[int, int],
    set_questions: bool = False,
) -> None:
    rs, re_ = response
    answer_run = next(
        (r for r in sorted(runs, key=len, reverse=True) if {m.id for m in r} & set(qas)), None
    )
    if answer_run is None:
        _joint_answer(text, qas, rs, re_)
        return
    end = _run_end(text, answer_run, re_)
    blocks = _blocks(text, answer_run, end)
    templates = _templates(text, blocks)
    for m, s, e in blocks:
        qa = qas.get(m.id)
        if qa is None:
            continue
        q, a, _ = _split_block(text, s, e, m.end, templates)
        if set_questions:
            qa.question, qa.answer = q, a
        elif q and not _same_start(text, qa.question, q):
            qa.answer = (q[0], (a or q)[1])  # the block restates nothing: it is all answer
        else:
            qa.answer = a
    _trim_last(text, [qas[m.id] for m, _, _ in blocks if m.id in qas])
    for m, s, e in blocks:  # "Response to questions 2 and 3": the block answers every id it names
        if m.id in qas and qas[m.id].answer:
            for other in _named(text[s : min(e, s + 200)]):
                if other in qas and qas[other].answer is None:
                    qas[other].answer, qas[other].joint = qas[m.id].answer, True
    _share_joint(text, qas, answer_run)
    if all(qa.answer is None for qa in qas.values()):
        _joint_answer(text, qas, answer_run[-1].end, re_)


def _trim_last(text: str, ordered: list[QA]) -> None:
    """Short one-line answers ("Item 3: released in full.") then general text: the last answer is its first line.

    What follows the last short answer ("The withheld information consists of … Exemptions 6 and 7(C)")
    speaks for all items, not for the last one.
    """
    answers = [qa.answer for qa in ordered if qa.answer]
    if len(answers) < 3 or any(b - a > 300 or "\n\n" in text[a:b].strip() for a, b in answers[:-1]):
        return
    a, b = answers[-1]
    cut = re.compile(r"[.!?][ \t]*\n").search(text, a, b)
    if cut and text[cut.end() : b].strip():
        ordered[-1].answer = (a, cut.start() + 1)


def _same_start(text: str, a: tuple[int, int] | None, b: tuple[int, int]) -> bool:
    if a is None:
        return False

    def norm(s: str) -> str:
        return re.sub(r"\W+", "", s.lower())[:40]

    return norm(text[a[0] : a[1]]) == norm(text[b[0] : b[1]])


def _share_joint(text: str, qas: dict[str, QA], run: list[Marker]) -> None:
    """Questions left without an answer take the next answer ('For Questions 3 and 4 …')."""
    ids = [m.id for m in run if m.id in qas]
    pending: list[str] = []
    for qid in ids:
        qa = qas[qid]
        if qa.answer is None:
            pending.append(qid)
            continue
        named = _named(text[qa.answer[0] : qa.answer[1]])
        if len(named) > 1 and qid in named:
            # "For all of your questions 1 - 3 above, please see Appendix 1"
            for other in named:
                if other in qas and other != qid and other in ids[: ids.index(qid)]:
                    qas[other].answer = qa.answer
                    qas[other].joint = qa.joint = True
        for p in pending:
            if not named or p in named:
                qas[p].answer = qa.answer
                qas[p].joint = qa.joint = True
        pending = []
    shared: dict[tuple[int, int], list[str]] = {}
    for qid in ids:
        answer = qas[qid].answer
        if qas[qid].joint and answer:
            shared.setdefault(answer, []).append(qid)
    for (s, e), members in shared.items():
        for qid, part in _parts_by_id(text, {m: qas[m] for m in members}, s, e).items():
            qas[qid].answer, qas[qid].joint = part, False
    for qa in qas.values():
        if qa.answer:
            ref = _REFERS.search(text[qa.answer[0] : qa.answer[1]][:300])
            if ref and ref.group("n") in qas and ref.group("n") != qa.id:
                qa.refers_to = ref.group("n")


_ID_LEAD = lazy_compile(
    r"^[ \t]*(?:(?:Q|Questions?|Parts?)\s*)?(?P<ids>\d{1,2}[a-z]?(?:\s*(?:,|and|&|to|-|–)\s*\d{1,2}[a-z]?)*)\s*[:.)\-–]\s",
    re.M | re.I,
)


def _joint_answer(text: str, qas: dict[str, QA], s: int, e: int) -> None:
    """One answer for every question: text after an 'Our response' label, or the reply body.

    A joint answer often splits itself again ('1 and 2: … / 3. …'): such lines give the
    questions they name their own part of it.
    """
    lab = _ANSWER_LABEL.search(text, s, e)
    start = lab.end() if lab else s
    end = closing_start(text, start + 1, e)
    if not text[start:end].strip():
        return
    for qid, part in _parts_by_id(text, qas, start, end).items():
        if qas[qid].answer is None:
            qas[qid].answer = part
    for qa in qas.values():
        if qa.answer is None:
            qa.answer = (start, end)
            qa.joint = True


def _parts_by_id(text: str, qas: dict[str, QA], start: int, end: int) -> dict[str, tuple[int, int]]:
    """Sub-answers inside a shared answer, keyed by the question ids their lines name."""
    parts: list[tuple[list[str], int]] = []
    for m in _ID_LEAD.finditer(text, start, end):
        ids = [i for i in _expand_ids(m.group("ids")) if i in qas]
        if ids:
            parts.append((ids, m.start()))
    out: dict[str, tuple[int, int]] = {}
    for k, (ids, ps) in enumerate(parts):
        pe = parts[k + 1][1] if k + 1 < len(parts) else end
        for qid in ids:
            out.setdefault(qid, (ps, pe))
    return out


def _expand_ids(raw: str) -> list[str]:
    nums = re.findall(r"\d{1,2}[a-z]?", raw)
    if len(nums) == 2 and re.search(r"\bto\b|-|–", raw) and nums[0].isdigit() and nums[1].isdigit():
        lo, hi = int(nums[0]), int(nums[1])
        if 0 < hi - lo < 30:
            return [str(i) for i in range(lo, hi + 1)]
    return nums
