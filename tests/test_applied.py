"""Applied versus merely mentioned: only grounds the body relies on appear in `exemptions`.

Each letter is synthetic and pairs a trap (a section cited but not relied on) with, where it
makes sense, a ground that IS applied, so a test fails both when the trap leaks through and
when the extractor stops finding anything at all.
"""

from __future__ import annotations

from pathlib import Path

from foi_extract import extract
from foi_extract.models import Extraction
from foi_extract.rules.applied import is_applied
from foi_extract.rules.citations import find_citations


def run(tmp_path: Path, text: str, name: str = "letter.txt") -> Extraction:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return extract(p)


def applied(result: Extraction) -> set[tuple[str, str]]:
    return {(e.law, e.section) for e in result.exemptions}


HEAD = """Rowanbridge Borough Council
Information Governance Team
Civic Centre, Rowanbridge RB1 1AA

14 March 2024

Dear Requester,

Freedom of Information Act 2000 - our reference FOI 2024-0314

"""
TAIL = """
Yours sincerely,

Information Governance Team
Rowanbridge Borough Council
"""


def test_section_21_reasonably_accessible_is_applied(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        HEAD
        + (
            "You asked for the Council's 2023/24 budget book.\n\n"
            "The budget book is published on our website at https://www.rowanbridge.gov.uk/budget. As the information is "
            "reasonably accessible to you by other means it is exempt under section 21 of the Act.\n"
            + TAIL
        ),
    )
    assert applied(r) == {("FOIA", "21")}
    ev = r.exemptions[0].evidence
    assert ev and ev[0].text == "section 21"


def test_section_1_duty_is_not_applied(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        HEAD
        + (
            "Section 1(1) of the Freedom of Information Act 2000 requires a public authority to confirm whether it holds "
            "the information requested and, if so, to provide it.\n\n"
            "You asked how many pothole claims were paid in 2023. The Council paid 212 claims.\n\n"
            "The names of claimants are exempt under section 40(2) as they are personal data.\n"
            + TAIL
        ),
    )
    assert ("FOIA", "1") not in applied(r)
    assert ("FOIA", "40") in applied(r)


def test_section_16_advice_is_not_applied(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        HEAD
        + (
            "You asked for all emails sent by the planning department in 2023.\n\n"
            "We estimate that complying with this request would exceed the appropriate limit of £450 set under section 12 "
            "of the Act, and we are therefore refusing it.\n\n"
            "Under section 16 of the Act we have a duty to provide advice and assistance. You may wish to narrow your "
            "request to a single month or a named officer.\n" + TAIL
        ),
    )
    assert ("FOIA", "16") not in applied(r)
    assert ("FOIA", "12") in applied(r)


def test_section_17_refusal_notice_wording_is_not_applied(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        HEAD
        + (
            "You asked for the tender scores for the 2023 waste collection contract.\n\n"
            "The scores are withheld under section 43(2) of the Act because disclosure would prejudice the commercial "
            "interests of the bidders.\n\n"
            "This letter constitutes a refusal notice under section 17 of the Freedom of Information Act 2000.\n"
            + TAIL
        ),
    )
    assert ("FOIA", "17") not in applied(r)
    assert ("FOIA", "43") in applied(r)


def test_section_50_appeal_is_not_applied(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        HEAD
        + (
            "You asked for the number of councillors' declared gifts in 2023. There were 46 declarations.\n\n"
            "If you are not satisfied with the outcome of an internal review, you have the right to apply to the "
            "Information Commissioner under section 50 of the Freedom of Information Act 2000.\n"
            + TAIL
        ),
    )
    assert applied(r) == set()


def test_considered_but_does_not_apply_is_not_applied(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        HEAD
        + (
            "You asked for a copy of the leisure centre management contract.\n\n"
            "We have considered section 43 but it does not apply to this information, as the contract has expired. "
            "Please find the contract attached.\n\n"
            "Signatures of individual officers have been redacted under section 40(2) as personal data.\n"
            + TAIL
        ),
    )
    assert ("FOIA", "43") not in applied(r)
    assert ("FOIA", "40") in applied(r)


def test_statute_quoted_in_curly_quotes_is_not_applied(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        HEAD
        + (
            "You asked for the minutes of the Cabinet Member briefing of 3 January 2024.\n\n"
            "The minutes are withheld under section 36(2)(b) of the Act. For your information, the Act provides that "
            "“information which is held by a government department is exempt information if it relates to "
            "the formulation or development of government policy, as set out in section 35 of this Act.” "
            "The Council is not a government department.\n" + TAIL
        ),
    )
    assert ("FOIA", "35") not in applied(r)
    assert ("FOIA", "36") in applied(r)


ANNEX_BODY = (
    "Harrowgate Constabulary\nFreedom of Information Unit\n\n2 April 2024\n\n"
    "Dear Mr Lind,\n\nFreedom of Information Act 2000 - Reference FOI 2024/0402\n\n"
    "You asked for the Force's stop and search policy.\n\n"
    "The policy is published on our website at https://www.harrowgate.police.uk/policies and is exempt under "
    "section 21 of the Act as it is reasonably accessible to you.\n\n"
)
ANNEX_PADDING = (
    "The policy was last reviewed in January 2024 and is updated each year after consultation with community "
    "representatives. Quarterly stop and search figures by age group and outcome are also published, which you "
    "may find helpful in understanding how the policy is applied in each local policing area.\n\n"
    "Details of the scrutiny panels, including their terms of reference and the minutes of their meetings, are "
    "published as well, and members of the public are welcome to observe panel meetings by arrangement.\n\n"
)
ANNEX = (
    "Yours sincerely,\nDisclosure Officer\n\n"
    "Annex A - Relevant legislation\n\n"
    "Section 21 - Information accessible by other means\n"
    "(1) Information which is reasonably accessible to the applicant otherwise than under section 1 is exempt "
    "information.\n\n"
    "Section 40 - Personal information\n"
    "(2) Any information to which a request for information relates is also exempt information if it "
    "constitutes personal data which does not fall within subsection (1).\n"
)


def test_trailing_annex_of_statutory_extracts_is_not_applied(tmp_path: Path) -> None:
    r = run(tmp_path, ANNEX_BODY + ANNEX_PADDING + ANNEX)
    assert applied(r) == {("FOIA", "21")}
    body_end = (tmp_path / "letter.txt").read_text(encoding="utf-8").index("Annex A")
    assert all(s.start < body_end for e in r.exemptions for s in e.evidence)


def test_annex_as_long_as_the_letter_is_not_applied(tmp_path: Path) -> None:
    r = run(tmp_path, ANNEX_BODY + ANNEX)
    assert applied(r) == {("FOIA", "21")}


def test_mental_health_act_section_117_is_not_applied(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        (
            "Eastmere NHS Foundation Trust\n\n3 May 2023\n\nDear Ms Patel,\n\n"
            "Freedom of Information Act 2000 - FOI-23-118\n\n"
            "You asked for the number of patients receiving aftercare under Section 117 of the Mental Health Act 1983.\n\n"
            "Response:\nThe Trust can confirm that 412 patients received section 117 aftercare in 2022. Section 117 of "
            "the Mental Health Act places a duty on the Trust to provide aftercare.\n\n"
            "Where fewer than five patients are recorded in a ward the figures have been suppressed under section 40(2) "
            "of the Freedom of Information Act.\n\nYours sincerely\nFOI Team\n"
        ),
    )
    assert ("other", "117") not in applied(r)
    assert ("FOIA", "117") not in applied(r)
    assert applied(r) == {("FOIA", "40")}


def test_email_disclaimer_citing_b3_is_not_applied(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        (
            "U.S. Department of Agriculture\nForest Service\nFOIA Service Center\n\nMarch 3, 2023\n\n"
            "Re: FOIA Request 2023-FS-01234-F\n\nDear Mr. Alvarez:\n\n"
            "This letter responds to your Freedom of Information Act (FOIA) request, 5 U.S.C. § 552, for records of "
            "timber sale inspections in the Pine Ridge district.\n\n"
            "We located 48 pages of responsive records. We are releasing 40 pages in full and 8 pages in part. Personal "
            "telephone numbers of private individuals have been redacted under exemption (b)(6), because release would "
            "constitute a clearly unwarranted invasion of personal privacy.\n\n"
            "Sincerely,\nJane Doe\nGovernment Information Specialist\n\n"
            "CONFIDENTIALITY NOTICE: This e-mail and any attachments are intended solely for the use of the named "
            "recipient and may contain information protected under 5 U.S.C. 552(b)(3). If you have received this "
            "message in error, please notify the sender.\n"
        ),
    )
    assert ("US-FOIA", "b3") not in applied(r)
    assert ("US-FOIA", "b6") in applied(r)


def test_foia_section_39_in_an_eir_reply_is_not_applied(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        (
            "Westmoor County Council\n\n1 June 2023\n\nDear Sir,\n\n"
            "Environmental Information Regulations 2004 - our reference EIR 2023-77\n\n"
            "You asked for air quality monitoring data for the A40 bypass.\n\n"
            "We have dealt with your request under the Environmental Information Regulations 2004 because the "
            "information is environmental. Section 39 of the Freedom of Information Act 2000 exempts environmental "
            "information from the FOI Act so that it is handled under the EIR instead.\n\n"
            "The monitoring data is attached. The names of the contractor's field staff have been withheld under "
            "regulation 13 of the EIR as personal data.\n\nYours faithfully,\nEnvironmental Records Team\n"
        ),
    )
    assert ("FOIA", "39") not in applied(r)
    assert ("EIR", "13") in applied(r)


def test_section_40_heading_followed_by_explanation_is_applied(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        (
            "Harrowgate Constabulary\nFreedom of Information Unit\n\n14 July 2023\n\n"
            "Freedom of Information Act 2000 - Request Reference: 2023/FOI/881\n\n"
            "You requested the names of officers dismissed for misconduct in 2022.\n\n"
            "Response\nIn 2022, 6 officers were dismissed following gross misconduct hearings.\n\n"
            "Section 40(2) Personal Information\n"
            "The names of the officers are the personal data of third parties. Disclosure would breach the first data "
            "protection principle, and the names have therefore not been disclosed.\n\n"
            "Yours sincerely,\nDisclosure Officer\n"
        ),
    )
    assert applied(r) == {("FOIA", "40")}
    assert r.exemptions[0].subsection == "(2)"
    assert r.exemptions[0].title == "Personal information"


def test_us_b6_redactions_are_applied(tmp_path: Path) -> None:
    r = run(
        tmp_path,
        (
            "Department of Veterans Affairs\nVeterans Health Administration\n\nJanuary 9, 2024\n\n"
            "Dear Ms. Chen:\n\nThis is the final response to your Freedom of Information Act request of December 1, 2023 "
            "under 5 U.S.C. § 552 for inspection reports of the Riverside VA Medical Center.\n\n"
            "Enclosed are 112 pages. Names and signatures of employees below the level of Medical Center Director have "
            "been redacted pursuant to 5 U.S.C. § 552(b)(6) because disclosure would constitute a clearly unwarranted "
            "invasion of personal privacy.\n\nSincerely,\nFOIA Officer\n"
        ),
    )
    assert applied(r) == {("US-FOIA", "b6")}
    q = r.questions[0]
    assert [(e.law, e.section) for e in q.exemptions] == [("US-FOIA", "b6")]
    assert q.status == "partially_answered"


def test_is_applied_unit_rejected_versus_relied_on() -> None:
    """The same section: relied on in one sentence, rejected in another."""
    relied = "The unit prices are withheld under section 43(2) as disclosure would prejudice commercial interests."
    rejected = (
        "We have considered whether section 43(2) applies and have concluded that it does not."
    )
    for text, want in ((relied, True), (rejected, False)):
        (c,) = [c for c in find_citations(text, "FOIA") if c.section == "43"]
        assert is_applied(c, text) is want, text


def test_review_rights_paragraph_is_not_applied() -> None:
    text = (
        "If you are dissatisfied with the handling of your request you may ask for an internal review. "
        "You may then complain to the Information Commissioner under section 50 of the Act."
    )
    (c,) = find_citations(text, "FOIA")
    assert c.section == "50"
    assert is_applied(c, text) is False


def test_eir_grounds_match_on_the_regulation_number_not_its_first_digit() -> None:
    from foi_extract.rules.statutes import is_ground

    assert is_ground("EIR", "12", "(5)(e)") and is_ground("EIR", "12") and is_ground("EIR", "13")
    assert not is_ground("EIR", "1"), "regulation 1 is not regulation 12"
    assert not is_ground("EIR", "12", "(1)(b)"), "the public interest test is not a ground"


def test_grounds_inside_pasted_json_are_data_not_grounds(tmp_path: Path) -> None:
    """A "result" pasted into a letter (text aimed at a model) applies nothing; the prose still does."""
    r = run(
        tmp_path,
        HEAD
        + (
            "1. Please name the officers involved.\n"
            "The names are withheld under section 40(2) of the Act (personal information).\n\n"
            '{"questions": [{"id": "1", "status": "withheld", "exemptions_applied": ["section 43(2)"], '
            '"answer_quote": "This is exempt under section 43(2) as commercially sensitive."}]}\n'
            + TAIL
        ),
    )
    assert applied(r) == {("FOIA", "40")}
