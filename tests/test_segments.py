"""Question segmentation and answer alignment, end to end through `foi_extract.extract()`.

One synthetic letter per layout real replies use; each test checks the question ids, the status
of each question and, through `run()`, that every span in the result is verbatim page text.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from foi_extract import extract
from foi_extract.evaluate.metrics import all_spans
from foi_extract.load import load
from foi_extract.models import Extraction


def run(
    tmp_path: Path, text: str, questions: str | None = None, name: str = "letter.txt"
) -> Extraction:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    qpath = None
    if questions is not None:
        qpath = tmp_path / "questions.yaml"
        qpath.write_text(textwrap.dedent(questions).lstrip("\n"), encoding="utf-8")
    r = extract(p, questions=qpath)
    doc = load(p)
    for span in all_spans(r):
        assert doc.pages[span.page - 1][span.start : span.end] == span.text, span
    assert not [w for w in r.warnings if w.code in ("ungrounded", "evidence_dropped")], r.warnings
    return r


def statuses(r: Extraction) -> dict[str, str]:
    return {q.id: q.status for q in r.questions}


def grounds(r: Extraction, qid: str) -> list[tuple[str, str]]:
    (q,) = [q for q in r.questions if q.id == qid]
    return [(e.law, e.section) for e in q.exemptions]


INLINE = """
    Ashcombe District Council

    5 September 2023

    Dear Mr Reid,

    Freedom of Information Act 2000 - Reference FOI 2023-901

    Thank you for your request. Our response to each question is below.

    1. How many empty homes were there in the district on 1 April 2023?
    There were 612 long-term empty homes on 1 April 2023.

    2. How many empty homes premium charges were levied in 2022/23?
    The Council does not hold this information in a reportable format.

    3. Please provide a copy of your empty homes strategy.
    The strategy is published on our website at https://www.ashcombe.gov.uk/emptyhomes and is exempt under section 21 as it is reasonably accessible.

    Yours sincerely,
    Revenues Team
"""


def test_inline_numbered_answers(tmp_path: Path) -> None:
    r = run(tmp_path, INLINE)
    assert statuses(r) == {"1": "answered", "2": "not_held", "3": "published_elsewhere"}
    by_id = {q.id: q for q in r.questions}
    assert by_id["1"].text == "How many empty homes were there in the district on 1 April 2023?"
    assert by_id["1"].answer == "There were 612 long-term empty homes on 1 April 2023."
    assert grounds(r, "3") == [("FOIA", "21")]
    assert [x.value for x in by_id["3"].references if x.kind == "url"] == [
        "https://www.ashcombe.gov.uk/emptyhomes"
    ]
    # the closing lines are not part of the last answer
    assert "Yours sincerely" not in (by_id["3"].answer or "")


JOINT = """
    Brackley Community NHS Trust

    7 October 2023

    Dear Requester,

    Ref: FOI-4471

    You asked:

    1. The name of your electronic patient record system.
    2. The annual cost of the system.
    3. The contract end date.

    Our response:

    The Trust uses SystmOne, supplied by TPP. The annual cost is £214,000 and the contract ends on 31 March 2026.

    Yours faithfully,
    Information Governance
"""


def test_restated_request_then_joint_response(tmp_path: Path) -> None:
    r = run(tmp_path, JOINT)
    assert statuses(r) == {"1": "answered", "2": "answered", "3": "answered"}
    by_id = {q.id: q for q in r.questions}
    assert by_id["2"].text == "The annual cost of the system."
    for q in r.questions:
        assert q.answer is not None and q.answer.startswith("The Trust uses SystmOne")
        assert "Yours faithfully" not in q.answer


HEADINGS = """
    Fenwick Metropolitan Borough Council

    19 January 2024

    Reference: FOI 24-0032

    Question 1
    How many social workers did the Council employ on 31 December 2023?

    Response
    The Council employed 148 qualified social workers.

    Question 2
    How much was spent on agency social workers in 2023?

    Response
    We estimate that collating this information would exceed the appropriate limit under section 12 of the Act and we are therefore refusing this part of your request.

    Question 3
    Please provide the names of the agencies used.

    Response
    The Council does not hold a central record of this.

    Yours sincerely,
    Children's Services
"""


def test_question_and_response_headings(tmp_path: Path) -> None:
    r = run(tmp_path, HEADINGS)
    assert statuses(r) == {"1": "answered", "2": "refused", "3": "not_held"}
    assert grounds(r, "2") == [("FOIA", "12")]
    assert grounds(r, "1") == [] and grounds(r, "3") == []
    by_id = {q.id: q for q in r.questions}
    assert by_id["1"].text == "How many social workers did the Council employ on 31 December 2023?"
    assert by_id["1"].answer == "The Council employed 148 qualified social workers."


QA_STYLE = """
    Marlow Vale Police

    2 February 2024

    Our ref: FOI 2024-118

    Q1. How many drones does the force own?
    A1. The force owns 14 drones.

    Q2. What was the total cost of the drones?
    A2. The total cost was £186,400.

    Q3. Where are the drones deployed?
    A3. Marlow Vale Police can neither confirm nor deny whether it holds information on operational deployment, by virtue of section 31(3) of the Act.

    Yours sincerely,
    Freedom of Information Unit
"""


def test_q1_a1_style(tmp_path: Path) -> None:
    r = run(tmp_path, QA_STYLE)
    assert statuses(r) == {"1": "answered", "2": "answered", "3": "ncnd"}
    assert grounds(r, "3") == [("FOIA", "31")]
    by_id = {q.id: q for q in r.questions}
    assert by_id["2"].text == "What was the total cost of the drones?"
    assert "186,400" in (by_id["2"].answer or "")
    assert "14 drones" not in (by_id["2"].answer or "")


NUMBERED_TWICE = """
    Greystone City Council

    11 March 2024

    Reference number: RFI-2207

    Your request:

    1. How many public toilets does the Council maintain?
    2. How many were closed in 2023?
    3. What is the annual cleaning budget?

    Our response:

    1. The Council maintains 23 public toilets.
    2. The Council does not hold a record of closures before its 2024 asset review.
    3. The cleaning contract value is commercially sensitive and is withheld under section 43(2) of the Freedom of Information Act 2000.

    Yours sincerely,
    Facilities Management
"""


def test_request_numbered_twice_restated_then_answered(tmp_path: Path) -> None:
    r = run(tmp_path, NUMBERED_TWICE)
    assert statuses(r) == {"1": "answered", "2": "not_held", "3": "withheld"}
    by_id = {q.id: q for q in r.questions}
    # questions come from the restated request, answers from the second numbered run
    assert by_id["1"].text == "How many public toilets does the Council maintain?"
    assert by_id["1"].answer == "The Council maintains 23 public toilets."
    assert by_id["2"].text == "How many were closed in 2023?"
    assert grounds(r, "3") == [("FOIA", "43")]
    assert grounds(r, "1") == [] and grounds(r, "2") == []


RESTATED_IN_ANSWERS = """
    Hollins Park NHS Foundation Trust

    22 May 2024

    FOI Reference: FOI 24/331

    Your request:

    1. How many patients were discharged with section 117 aftercare in 2023?
    2. How many section 117 aftercare packages were jointly funded with the local authority?
    3. Please provide the Trust's section 117 aftercare policy.

    Response:

    1. How many patients were discharged with section 117 aftercare in 2023?
    In 2023, 268 patients were discharged with aftercare under section 117 of the Mental Health Act 1983.

    2. How many section 117 aftercare packages were jointly funded with the local authority?
    The Trust does not hold this information; funding decisions are recorded by the local authority.

    3. Please provide the Trust's section 117 aftercare policy.
    Please see the attached policy document.

    Yours sincerely,
    Information Governance Team
"""


def test_request_numbered_twice_with_questions_repeated_above_answers(tmp_path: Path) -> None:
    r = run(tmp_path, RESTATED_IN_ANSWERS)
    assert statuses(r) == {"1": "answered", "2": "not_held", "3": "answered"}
    by_id = {q.id: q for q in r.questions}
    assert by_id["1"].answer is not None and by_id["1"].answer.startswith("In 2023, 268 patients")
    # Mental Health Act s.117 is never an exemption
    assert r.exemptions == []


JOINT_NAMED = """
    Calder Valley Council

    4 April 2024

    Our ref: FOI 2024-210

    1. How many fixed penalty notices for fly-tipping were issued in 2023?
    1,032 fixed penalty notices were issued.

    2. How many prosecutions for fly-tipping were brought in 2023?
    There were 17 prosecutions.

    3. What was the total cost of clearing fly-tipping in 2023?

    4. What was the cost of clearing fly-tipping in 2022?

    For Questions 3 and 4, the Council does not hold clearance costs separately from its general street cleansing budget.

    Yours sincerely,
    Environmental Services
"""


def test_joint_answer_for_questions_3_and_4(tmp_path: Path) -> None:
    r = run(tmp_path, JOINT_NAMED)
    assert statuses(r) == {"1": "answered", "2": "answered", "3": "not_held", "4": "not_held"}
    by_id = {q.id: q for q in r.questions}
    assert by_id["3"].answer == by_id["4"].answer
    assert by_id["4"].answer is not None and by_id["4"].answer.startswith("For Questions 3 and 4")
    assert by_id["4"].text == "What was the cost of clearing fly-tipping in 2022?"


REFERS = """
    Calder Valley Council

    4 April 2024

    Our ref: FOI 2024-211

    1. How many staff are employed in your parking team?
    There are 22 staff.

    2. How many parking suspensions were granted in 2023?
    There were 311 suspensions.

    3. Please provide the parking enforcement contract.
    The contract pricing schedule is withheld under section 43(2) of the Freedom of Information Act 2000 as its disclosure would prejudice the commercial interests of the contractor.

    4. Please provide the contract variation pricing.
    Please refer to Question 3.

    Yours sincerely,
    Parking Services
"""


def test_please_refer_to_question_inherits_status_and_exemptions(tmp_path: Path) -> None:
    r = run(tmp_path, REFERS)
    assert statuses(r) == {"1": "answered", "2": "answered", "3": "withheld", "4": "withheld"}
    assert grounds(r, "3") == [("FOIA", "43")]
    assert grounds(r, "4") == [("FOIA", "43")]
    by_id = {q.id: q for q in r.questions}
    assert by_id["4"].answer == "Please refer to Question 3."


LETTERED = """
    Dunmore Health Board

    9 May 2024

    Ref: FOI-9912

    You asked for information about physiotherapy waiting lists:

    (a) How many patients were waiting for physiotherapy on 31 March 2024?
    The number waiting was 2,341.

    (b) What was the longest waiting time in weeks?
    The longest wait was 38 weeks.

    (c) What are the names of the physiotherapists on each waiting list?
    This information is exempt under section 40(2) of the Freedom of Information Act 2000 as it is the personal data of staff.

    Yours sincerely
    FOI Team
"""


def test_lettered_list(tmp_path: Path) -> None:
    r = run(tmp_path, LETTERED)
    assert statuses(r) == {"a": "answered", "b": "answered", "c": "withheld"}
    assert grounds(r, "c") == [("FOIA", "40")]
    assert grounds(r, "a") == [] and grounds(r, "b") == []
    by_id = {q.id: q for q in r.questions}
    assert by_id["b"].text == "What was the longest waiting time in weeks?"
    assert by_id["b"].answer == "The longest wait was 38 weeks."


def test_lettered_list_items_ending_in_semicolons(tmp_path: Path) -> None:
    text = LETTERED.replace(
        "(a) How many patients were waiting for physiotherapy on 31 March 2024?",
        "(a) the number of patients waiting for physiotherapy on 31 March 2024;",
    ).replace(
        "(b) What was the longest waiting time in weeks?", "(b) the longest waiting time in weeks;"
    )
    r = run(tmp_path, text)
    assert statuses(r) == {"a": "answered", "b": "answered", "c": "withheld"}
    assert grounds(r, "a") == []


ROMAN = """
    Dunmore Health Board

    9 May 2024

    Ref: FOI-9913

    (i) How many ambulances were delayed at handover for more than one hour in 2023?
    There were 4,112 such handovers.

    (ii) What is the average handover time?
    The Board does not hold this information.

    (iii) Please provide the handover escalation policy.
    The policy is published on our website at www.dunmore.nhs.uk/policies and is therefore exempt under section 21.

    Yours sincerely
    FOI Team
"""


def test_roman_numbered_list(tmp_path: Path) -> None:
    r = run(tmp_path, ROMAN)
    assert statuses(r) == {"i": "answered", "ii": "not_held", "iii": "published_elsewhere"}
    assert grounds(r, "iii") == [("FOIA", "21")]
    by_id = {q.id: q for q in r.questions}
    assert by_id["ii"].text == "What is the average handover time?"
    assert by_id["ii"].answer == "The Board does not hold this information."


THREAD = """
    ===== OUTGOING 2024-01-01T10:00:00 =====
    From: A Requester
    To: FOI requests at Tillworth Borough Council

    Dear Tillworth Borough Council,

    Please provide:
    1. The number of CCTV cameras operated by the Council.
    2. The annual maintenance cost of the CCTV system.
    3. The locations of all cameras.

    Yours faithfully,
    A Requester

    ===== INCOMING 2024-01-03T09:12:00 =====
    Dear Requester,

    Thank you for your request, which has been logged under reference FOI 2024-0007. We will respond within 20 working days.

    Tillworth Borough Council

    ===== INCOMING 2024-01-29T14:30:00 =====
    Dear Requester,

    Freedom of Information Act 2000 - FOI 2024-0007

    1. The Council operates 186 CCTV cameras.
    2. The annual maintenance cost is £92,500.
    3. The camera locations are withheld under section 31(1)(a) of the Act as disclosure would prejudice the prevention of crime.

    Yours sincerely,
    Community Safety Team
    Tillworth Borough Council
"""


def test_whatdotheyknow_thread(tmp_path: Path) -> None:
    r = run(tmp_path, THREAD)
    assert statuses(r) == {"1": "answered", "2": "answered", "3": "withheld"}
    by_id = {q.id: q for q in r.questions}
    # questions from the requester's message, answers from the final substantive reply
    assert by_id["2"].text == "The annual maintenance cost of the CCTV system."
    assert by_id["2"].answer == "The annual maintenance cost is £92,500."
    assert grounds(r, "3") == [("FOIA", "31")]
    assert r.letter.date == "2024-01-29"
    assert r.letter.reference == "FOI 2024-0007"
    assert r.letter.authority == "Tillworth Borough Council"


PROSE_REPLY = """
    Hollins Park NHS Foundation Trust

    22 May 2024

    FOI Reference: FOI 24/332

    Thank you for your request for information about mental health aftercare.

    Please find attached the data for your first two questions. Information about the number of aftercare packages jointly funded with the local authority is not held by the Trust, as funding decisions are recorded by the local authority.

    Yours sincerely,
    Information Governance Team
"""
PROSE_QUESTIONS = """
    title: Section 117 aftercare
    questions:
      - id: "1"
        text: Number of patients discharged with section 117 aftercare
      - id: "2"
        text: Number of patients readmitted within 30 days of discharge
      - id: "3"
        text: Number of aftercare packages jointly funded with the local authority
"""


def test_unnumbered_reply_split_by_question_set(tmp_path: Path) -> None:
    r = run(tmp_path, PROSE_REPLY, questions=PROSE_QUESTIONS)
    assert statuses(r) == {"1": "answered", "2": "answered", "3": "not_held"}
    by_id = {q.id: q for q in r.questions}
    assert "first two questions" in (by_id["1"].answer or "")
    assert "not held" not in (by_id["1"].answer or "")
    assert "jointly funded" in (by_id["3"].answer or "")
    for q in r.questions:
        assert q.evidence, q.id


def test_unnumbered_reply_without_question_set_is_one_question(tmp_path: Path) -> None:
    r = run(tmp_path, PROSE_REPLY)
    assert [q.id for q in r.questions] == ["1"]


ALL_LAYOUTS = {
    "inline": INLINE,
    "joint": JOINT,
    "headings": HEADINGS,
    "qa": QA_STYLE,
    "twice": NUMBERED_TWICE,
    "restated": RESTATED_IN_ANSWERS,
    "joint_named": JOINT_NAMED,
    "refers": REFERS,
    "lettered": LETTERED,
    "roman": ROMAN,
    "thread": THREAD,
    "prose": PROSE_REPLY,
}


@pytest.mark.parametrize("layout", sorted(ALL_LAYOUTS))
def test_every_span_is_verbatim_page_text(tmp_path: Path, layout: str) -> None:
    r = run(tmp_path, ALL_LAYOUTS[layout])  # run() checks every span against the loaded pages
    spans = all_spans(r)
    assert spans, "no evidence at all"
    assert all(q.evidence for q in r.questions if q.answer), "an answered question has no evidence"


def test_every_span_is_verbatim_page_text_across_form_feed_pages(tmp_path: Path) -> None:
    head = "Calder Valley Council\nCouncil Offices, Calder CV1 1AA\n\n"
    pages = [
        head + "4 April 2024\n\nOur ref: FOI 2024-300\n\n1. How many bins were replaced in 2023?\n"
        "The Council replaced 9,140 bins.\n\n2. Please provide the bin supplier contract.\nThe contract is withheld "
        "under section 43(2) of the Act.\n\nPage 1 of 2\n",
        head
        + "3. How many missed collections were reported in 2023?\nThe Council does not hold this information.\n\n"
        "Yours sincerely,\nWaste Services\n\nPage 2 of 2\n",
    ]
    r = run(tmp_path, "\f".join(pages))
    assert statuses(r) == {"1": "answered", "2": "withheld", "3": "not_held"}
    q3 = [q for q in r.questions if q.id == "3"][0]
    assert {s.page for s in q3.evidence} == {2}


def test_statutory_annex_subsections_are_not_questions(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        """
        Harrowgate Constabulary
        Freedom of Information Unit

        2 April 2024

        Dear Mr Lind,

        Freedom of Information Act 2000 - Reference FOI 2024/0402

        You asked for the Force's stop and search policy.

        The policy is published on our website at https://www.harrowgate.police.uk/policies and is exempt under section 21 of the Act as it is reasonably accessible to you.

        Yours sincerely,
        Disclosure Officer

        Annex A - Relevant legislation

        Section 21 - Information accessible by other means
        (1) Information which is reasonably accessible to the applicant otherwise than under section 1 is exempt information.

        Section 40 - Personal information
        (2) Any information to which a request for information relates is also exempt information if it constitutes personal data.
    """,
    )
    assert statuses(r) == {"1": "published_elsewhere"}


def test_sub_question_ids_in_brackets_and_after_a_dot(tmp_path) -> None:
    """'1(a)' and '1.b' head answers as LABELING.md's '1a', '1b'."""
    from foi_extract import extract

    letter = tmp_path / "reply.txt"
    letter.write_text(
        "Dear Mr Pike\n\nYour request FOI 88123.\n\n1(a) How many bins were emptied in 2023?\n\nThe Council emptied "
        "1,204,000 bins in 2023.\n\n1.b How many were missed?\n\nWe do not record missed collections.\n\n2. What does a "
        "replacement bin cost?\n\nA replacement bin costs £35.\n\nYours sincerely\n\nWaste Services\n",
        encoding="utf-8",
    )
    assert [(q.id, q.status) for q in extract(letter).questions] == [
        ("1a", "answered"),
        ("1b", "not_held"),
        ("2", "answered"),
    ]
