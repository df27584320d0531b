"""Question segmentation and question↔answer alignment over the text view.

Layouts handled: inline answers under each numbered question; the request restated once or
twice and answered in a second numbered run; "Q1"/"Question 1"/"Request 1" headings with
"Response:"/"Answer:" labels; one joint answer after the restated request; joint answers that
name several questions; thread replies whose questions live in an earlier message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .markers import Marker, find_markers, find_runs

_ANSWER_LABEL = re.compile(
    r"^[ \t>*]*(?:\*\*)?(?:(?:Our|The\s+Trust['’]?s?|Trust|Council['’]?s?|Force|Service['’]?s?|Department['’]?s?|Organisation['’]?s?)\s+)?"
    r"(?:Response|Answer|Reply|Answers|Responses|Information\s+provided)(?:\s+to\s+(?:question|Q)\s*\d+)?"
    r"(?:\*\*)?[ \t]*(?:[:\-–][ \t]*|$)",
    re.M | re.I,
)
_INLINE_LABEL = re.compile(r"(?<=[?.:)])[ \t]*\n?[ \t]*(?:Our\s+)?(?:Response|Answer|Reply)\s*[:\-–][ \t]*", re.I)
_REQUEST_INTRO = re.compile(
    r"(?:you\s+(?:have\s+)?(?:requested|asked(?:\s+for)?)|your\s+(?:original\s+)?request(?:\s+(?:was|read|stated))?\s*[:\-]|"
    r"^\s*(?:original\s+)?request(?:ed)?\s*[:\-]?\s*$|requested\s+the\s+following|you\s+wrote|"
    r"the\s+following\s+information\s*[:\-]|I\s+would\s+like\s+to\s+request|under\s+the\s+freedom\s+of\s+information\s+act.{0,40}\s+the\s+following)",
    re.I | re.M,
)
_CLOSING = re.compile(
    r"^[ \t]*(?:If\s+you\s+(?:are|have|remain|feel|wish|would|disagree)|Any\s+contact\s+details|We\s+hope|I\s+hope|"
    r"You\s+(?:have|may\s+have|also\s+have)\s+(?:a|the)\s+right|You\s+may\s+(?:appeal|ask\s+for\s+(?:a|an)\s+(?:internal\s+)?review|request\s+(?:a|an)\s+(?:internal\s+)?review)|"
    r"Sincerely,?\s*$|Respectfully,?\s*$|Thank\s+you\s+for\s+your\s+(?:interest|patience)|"
    r"Yours\s+(?:sincerely|faithfully)|Kind\s+regards|Best\s+regards|Regards,?$|Many\s+thanks|The\s+supply\s+of\s+information|"
    r"Please\s+remember\s+to\s+quote|(?:Your\s+)?[Rr]ight\s+(?:of|to)\s+(?:appeal|complain|review)|Complaints?\s*(?:procedure|and\s+appeals)?\s*:?$|"
    r"Re-?use\s+of|Copyright|This\s+(?:letter|response|e-?mail)\s+(?:concludes|completes|is|constitutes|serves\s+as)\s+(?:a\s+|the\s+|our\s+)?(?:refusal|formal|response|request)|I\s+confirm\s+that\s+the\s+information\s+above|"
    r"For\s+information,\s+we\s+publish|\*+\s*(?:Please\s+)?note\b|Internal\s+review|Appeal\s+rights|How\s+to\s+appeal|Review\s*$|Advice\s+and\s+Assistance\s*$)",
    re.M | re.I,
)
_REQUEST_LIKE = re.compile(
    r"^\s*(?:please\s+(?:could|can|would|use|provide|include|send|break|let|also)|(?:could|can|would)\s+you|i\s+would|i\s+am\s+|"
    r"in\s+(?:the\s+)?form\s+of|for\s+(?:the\s+)?(?:following|each|years?|period)|\d{1,2}(?:st|nd|rd|th)?\s+\w+\s+\d{4}\s+to|"
    r"(?:and|or)\s*$|if\s+(?:possible|available|any)|where\s+possible|e\.?g\.?|i\.?e\.?|"
    r"\(?[a-z]\)|\(?[ivx]+\)|•|-\s)",
    re.I,
)
_ANSWER_CUE = re.compile(
    r"^[ \t]*(?:See\s+(?:the\s+)?(?:attached|enclosed|below|appendix|table)|Please\s+(?:see|find|note|refer)|"
    r"(?:This|The)\s+(?:information|data)\s+(?:is|are|requested\s+is|you\s+have\s+requested)|(?:Information\s+)?Not\s+held|"
    r"N/?A\b|Nil\b|Unfortunately|I\s+(?:can|am\s+able\s+to)\s+confirm|"
    r"(?:The\s+)?(?:Trust|Council|Force|Department|Board|Service|Authority)\s+(?:does|do|is|has|have|can|cannot|holds?|would|uses?|records?)\b|"
    r"We\s+(?:do|have|are|can|hold|would|don['’]t|cannot|use|record|can\s+confirm)\b|"
    r"(?:For|In\s+(?:response|relation|reply)\s+to)\s+(?:all\s+(?:of\s+)?)?(?:your\s+)?(?:questions?|Qs?)\s*\d)",
    re.I | re.M,
)
_NAMED_QUESTIONS = re.compile(
    r"(?:for|in\s+(?:response|relation|reply)\s+to|regarding|re:?|to)?\s*(?:questions?|Qs?)\s*(?P<a>\d{1,2}[a-z]?)"
    r"(?P<rest>(?:\s*(?:,|and|&|to|-|–)\s*(?:Q|question)?\s*\d{1,2}[a-z]?)*)",
    re.I,
)
_REFERS = re.compile(
    r"(?:please\s+)?(?:refer|see|as\s+(?:per|in|stated\s+in|detailed\s+in)|same\s+as)\s+(?:to\s+)?(?:the\s+|our\s+)?(?:answer|response|reply)?\s*"
    r"(?:to|for|at|in|of)?\s*(?:question|Q)\s*\.?\s*(?P<n>\d{1,2}[a-z]?)\b",
    re.I,
)


_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\b(?:No|Mr|Ms|Dr|St|Co))(?<!\bMrs)(?<!\bInc)[.?](?=\s+[A-Z(])")


@dataclass
class QA:
    id: str
    question: tuple[int, int] | None = None
    answer: tuple[int, int] | None = None
    joint: bool = False  # answer shared with other questions
    refers_to: str | None = None  # "Please refer to Question 3"
    extra_answers: list[tuple[int, int]] = field(default_factory=list)


def _blank_split(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Paragraphs of text[s:e] (separated by blank lines), as offset pairs."""
    out: list[tuple[int, int]] = []
    pos = s
    for m in re.finditer(r"\n[ \t\u00a0]*\n", text[s:e]):
        out.append((pos, s + m.start()))
        pos = s + m.end()
    out.append((pos, e))
    return [(a, b) for a, b in out if text[a:b].strip()]


def closing_start(text: str, s: int, e: int) -> int:
    m = _CLOSING.search(text, s, e)
    return m.start() if m else e


def _para_key(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())[:80]


def _templates(text: str, blocks: list[tuple[Marker, int, int]]) -> set[str]:
    """Paragraphs repeated in several blocks are the request's own wording, not answers."""
    seen: dict[str, int] = {}
    for m, s, e in blocks:
        for a, b in {(_para_key(text[a:b]), 0) for a, b in _blank_split(text, m.end, e)}:
            if len(a) >= 40:
                seen[a] = seen.get(a, 0) + 1
    return {k for k, n in seen.items() if n >= 2}


def _request_like(text: str, para: tuple[int, int], templates: set[str]) -> bool:
    chunk = text[para[0] : para[1]]
    return bool(_REQUEST_LIKE.match(chunk)) or _para_key(chunk) in templates


def _split_block(text: str, s: int, e: int, marker_end: int, templates: frozenset[str] | set[str] = frozenset()
                 ) -> tuple[tuple[int, int] | None, tuple[int, int] | None, bool]:
    """Split one numbered block into (question, answer, answer_was_labelled)."""
    quoted = _quoted_question(text, marker_end, e)
    if quoted:
        return quoted[0], quoted[1], False
    lab = _ANSWER_LABEL.search(text, marker_end, e)
    if lab and lab.start() > s:
        q = (marker_end, lab.start())
        a = (lab.end(), e)
        return (q if text[q[0] : q[1]].strip() else None), (a if text[a[0] : a[1]].strip() else None), True
    inline = _INLINE_LABEL.search(text, marker_end, e)
    if inline:  # "1. How many …? Response: The Service attended …" in one paragraph
        q = (marker_end, inline.start())
        a = (inline.end(), e)
        return (q if text[q[0] : q[1]].strip() else None), (a if text[a[0] : a[1]].strip() else None), True
    first_nl = text.find("\n", marker_end, e)
    cue = _ANSWER_CUE.search(text, first_nl, e) if first_nl >= 0 else None
    if cue:
        return (marker_end, cue.start()), (cue.start(), e), False
    paras = _blank_split(text, marker_end, e)
    if not paras:
        return None, None, False
    first = paras[0]
    if _bare_heading(text, marker_end) and not _asks(text[first[0] : first[1]]):
        return None, (first[0], e), False  # "Question 1a" alone on its line, then the answer
    if len(paras) == 1:
        lines = [m for m in re.finditer(r"[^\n]+", text[first[0] : first[1]])]
        cut = None
        for i, ln in enumerate(lines[:-1]):
            if re.search(r"[?.:;)]\s*$", ln.group(0)) and not _REQUEST_LIKE.match(lines[i + 1].group(0)):
                cut = i
                break
        if cut is None:
            # "… in 2022/23? GBP 6,412,930." — a table row read across: answer after the question mark
            ask = re.search(r"\?[ \t]+(?=\S)", text[first[0] : first[1]])
            if ask:
                return (first[0], first[0] + ask.start() + 1), (first[0] + ask.end(), first[1]), False
            return first, None, False
        qend = first[0] + lines[cut].end()
        return (first[0], qend), (first[0] + lines[cut + 1].start(), first[1]), False
    answer_paras = list(paras[1:])
    while answer_paras and _request_like(text, answer_paras[0], templates):
        answer_paras.pop(0)
    if not answer_paras:
        return (first[0], paras[-1][1]), None, False
    return (first[0], answer_paras[0][0]), (answer_paras[0][0], e), False


_QUOTED_LEAD = re.compile(r"[^\"“\n]{0,80}?(?:seeks?|asked|requested|request(?:ed)?\s+(?:was|reads?)|states?)[^\"“\n]{0,30}?[\"“]", re.I)


def _quoted_question(text: str, start: int, end: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """'Portion 2 of your request seeks, "…". In response …': the quotation asks, the rest answers."""
    m = _QUOTED_LEAD.match(text, start, end)
    if not m:
        return None
    close = re.compile(r"[\"”]").search(text, m.end(), end)
    if close is None or len(text[close.end() : end].strip(" .\n\t")) < 20:
        return None
    return (m.end(), close.start()), (close.end(), end)


_ASKING = re.compile(r"\?|^\s*(?:please|provide|how|what|which|when|where|who|whether|why|is|are|does|do|did|has|have|can|could|would|will|list|details?\s+of|copies?\s+of|a\s+copy|the\s+number|any\s+(?:and\s+all\s+)?)\b", re.I)


def _asks(paragraph: str) -> bool:
    return bool(_ASKING.search(paragraph)) or bool(_REQUEST_LIKE.match(paragraph))


def _bare_heading(text: str, marker_end: int) -> bool:
    """The marker is a heading on a line of its own ("Question 1a", "Response to item 3")."""
    line_end = text.find("\n", marker_end)
    return not text[marker_end : line_end if line_end >= 0 else len(text)].strip(" \t:.-–")


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
    req_runs = [r for r in find_runs(find_markers(text, *request)) if not _legal_list(text, r)] if request else []
    if request and req_runs:
        canon = max(req_runs, key=len)
        qas = {m.id: QA(m.id) for m in canon}
        for qa, (m, s, e) in zip(qas.values(), _blocks(text, canon, closing_start(text, canon[-1].end, request[1]))):
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
        for m, s, e in _blocks(text, canon, joint_at[0]):
            qas[m.id].question = (m.end, e) if text[m.end:e].strip() else None
        _joint_answer(text, qas, joint_at[1], re_)
        return list(qas.values())
    _fill_answers(text, [canon], qas, response, set_questions=True)
    return list(qas.values())


_QUOTE_CLOSE = re.compile(r"[”\"][ \t]*$", re.M)


def _joint_answer_start(text: str, run: list[Marker], limit: int) -> tuple[int, int] | None:
    """(end of the request, start of the reply) when a numbered list is the request and one reply follows.

    Two forms: a reply label after the last item only ("Response:" under item 7 but under no
    other item), or the list quoted in full (“ before item 1, ” after the last item).
    """
    blocks = _blocks(text, run, limit)
    labelled = [(m, _ANSWER_LABEL.search(text, m.end, e)) for m, s, e in blocks]
    if len(run) >= 2 and all(lab is None for _, lab in labelled[:-1]) and labelled[-1][1] is not None:
        lab = labelled[-1][1]
        line_start = text.rfind("\n", 0, lab.start()) + 1
        if not text[line_start : lab.start()].strip(" \t>*") or re.match(r"[ \t]*[A-Z][\w&'’ ]{1,40}$", text[line_start : lab.start()]):
            return line_start, lab.end()
    opener = text.rfind("“", max(0, run[0].start - 400), run[0].start)
    if opener >= 0 and "”" not in text[opener : run[0].start]:
        close = text.find("”", run[-1].end, limit)
        if close >= 0 and text[close + 1 : limit].strip():
            return close + 1, close + 1
    return None


def _fill_answers(text: str, runs: list[list[Marker]], qas: dict[str, QA], response: tuple[int, int],
                  set_questions: bool = False) -> None:
    rs, re_ = response
    answer_run = next((r for r in sorted(runs, key=len, reverse=True) if {m.id for m in r} & set(qas)), None)
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
    norm = lambda s: re.sub(r"\W+", "", s.lower())[:40]  # noqa: E731
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
        if qas[qid].joint and qas[qid].answer:
            shared.setdefault(qas[qid].answer, []).append(qid)
    for (s, e), members in shared.items():
        for qid, part in _parts_by_id(text, {m: qas[m] for m in members}, s, e).items():
            qas[qid].answer, qas[qid].joint = part, False
    for qa in qas.values():
        if qa.answer:
            ref = _REFERS.search(text[qa.answer[0] : qa.answer[1]][:300])
            if ref and ref.group("n") in qas and ref.group("n") != qa.id:
                qa.refers_to = ref.group("n")


_ID_LEAD = re.compile(
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


def single_question(text: str, response: tuple[int, int], request: tuple[int, int] | None) -> QA:
    """An un-numbered request: one question "1" whose answer is the reply's body."""
    rs, re_ = response
    qa = QA("1")
    intro = next((m for m in _REQUEST_INTRO.finditer(text, rs, re_) if _sentence_start(text, m.start())), None)
    if request:
        qa.question = (request[0], closing_start(text, request[0] + 1, request[1]))
    lab = _ANSWER_LABEL.search(text, rs, re_)
    dear = re.compile(r"^[ \t]*Dear\b[^\n]{0,80}$", re.M).search(text, rs, rs + max(600, (re_ - rs) // 3))
    body_start = lab.end() if lab else (dear.end() if dear else rs)  # the letterhead above "Dear …" answers nothing
    if intro and not request and (not lab or intro.start() < lab.start()):
        paras = _blank_split(text, intro.end(), lab.start() if lab else re_)
        if paras:
            first = _first_request(text, paras[0])
            qa.question = first if not lab else (first[0], paras[-1][1])
            body_start = lab.end() if lab else first[1]
    end = closing_start(text, body_start + 1, re_)
    if end - body_start < 40:
        end = re_
    qa.answer = (body_start, end) if text[body_start:end].strip() else None
    return qa


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos]
    return pos == 0 or "\n" in before or bool(re.search(r"[.:!?]\s+$", before))


def _first_request(text: str, para: tuple[int, int]) -> tuple[int, int]:
    """The request inside a long run-on paragraph: a quotation, else its first sentence."""
    s, e = para
    if e - s <= 700:
        return para
    chunk = text[s:e]
    lead = len(chunk) - len(chunk.lstrip(' :\n"“'))
    if chunk[lead - 1 : lead] in ('"', "“"):
        close = re.search(r'["”](?=\s|$)', chunk[lead:])
        if close:
            return s, s + lead + close.end()
    m = _SENTENCE_END.search(chunk[40:])
    return (s, s + 40 + m.end()) if m else para


_QUOTE_OPEN = re.compile(r"(?:^|(?<=:)|(?<=:\s))[ \t]*[“\"]", re.M)
_QUOTE_INTRO = re.compile(r"request|asked|wrote|reproduced|as\s+follows|stated|below|read", re.I)


def quoted_requests(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The requester's words quoted in the reply (“…” after 'your request is reproduced below:').

    What sits inside is the request, whoever's letter it is printed in: a section named there
    ("I suspect you will say section 43 applies") is no ground the body applied.
    """
    out: list[tuple[int, int]] = []
    for m in _QUOTE_OPEN.finditer(text, start, end):
        if out and m.start() < out[-1][1]:
            continue
        if not _QUOTE_INTRO.search(text[max(start, m.start() - 300) : m.start()]):
            continue
        opener = text[m.end() - 1]
        closer = "”" if opener == "“" else '"'
        close = re.compile(re.escape(closer) + r"[ \t.]*(?:\n|$)").search(text, m.end(), min(end, m.end() + 8000))
        if close and close.start() - m.end() >= 80:
            out.append((m.end() - 1, close.start() + 1))
    return out
