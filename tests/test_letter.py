"""Letter metadata: the law a reply is made under, its date, and the body that wrote it."""

from __future__ import annotations

from pathlib import Path

import pytest

from foi_extract import extract
from foi_extract.rules.letter import default_law, detect_legislation, letter_date


# ---------------------------------------------------------------- legislation
@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(
            "Your request has been handled under the Freedom of Information Act 2000.",
            ["FOIA"],
            id="FOIA 2000",
        ),
        pytest.param(
            "We have dealt with your request under the Environmental Information Regulations 2004.",
            ["EIR"],
            id="EIR",
        ),
        pytest.param(
            "As the information is environmental we have responded under the EIR.",
            ["EIR"],
            id="under the EIR",
        ),
        pytest.param(
            "This response is made under the Freedom of Information (Scotland) Act 2002.",
            ["FOISA"],
            id="FOISA",
        ),
        pytest.param(
            "This letter responds to your request under the Freedom of Information Act, 5 U.S.C. § 552.",
            ["US-FOIA"],
            id="US 5 U.S.C. 552",
        ),
        pytest.param(
            "This responds to your request under the Illinois Freedom of Information Act, 5 ILCS 140/1 et seq.",
            ["IL-FOIA"],
            id="Illinois",
        ),
        pytest.param(
            "Your request was processed under the District of Columbia Freedom of Information Act, "
            "D.C. Official Code § 2-531 et seq.",
            ["DC-FOIA"],
            id="DC",
        ),
        pytest.param(
            "Your request has been processed under the Freedom of Information Act 1982 (the FOI Act).",
            ["AU-FOI"],
            id="AU 1982",
        ),
        pytest.param(
            "Your Freedom of Information request to the Council has been answered. Responses are published in "
            "our FOI/EIR disclosure log.",
            ["FOIA"],
            id="FOI/EIR disclosure log is not EIR",
        ),
    ],
)
def test_detect_legislation(text: str, expected: list[str]) -> None:
    assert detect_legislation(text) == expected


def test_disclosure_log_name_alone_is_not_eir() -> None:
    text = (
        "Dear Requester, thank you for your Freedom of Information request to Marsh Lane NHS Trust. "
        "We publish all responses in our FOI/EIR disclosure log."
    )
    assert "EIR" not in detect_legislation(text)
    assert detect_legislation(text) == ["FOIA"]


def test_foia_and_eir_both_detected_when_both_applied() -> None:
    text = (
        "Parts of your request fall under the Freedom of Information Act 2000 and parts under the "
        "Environmental Information Regulations 2004."
    )
    assert set(detect_legislation(text)) == {"FOIA", "EIR"}


@pytest.mark.parametrize(
    "legislation, law",
    [
        (["FOIA"], "FOIA"),
        (["EIR"], "EIR"),
        (["EIR", "FOIA"], "FOIA"),
        (["FOISA"], "FOISA"),
        (["US-FOIA"], "US-FOIA"),
        (["IL-FOIA", "US-FOIA"], "IL-FOIA"),
        ([], "FOIA"),
    ],
)
def test_default_law_for_bare_sections(legislation: list[str], law: str) -> None:
    assert default_law(legislation) == law


def test_police_freedom_of_information_request_is_foia() -> None:
    text = (
        "Harlow Valley Police\nFreedom of Information Unit\n\nDear Mr Okafor,\n\n"
        "Freedom of Information request reference 2023/FOI/881\n\nYou requested the number of Taser devices. "
        "The Force has 412 Taser devices.\n\nYours sincerely,\nDisclosure Officer\n"
    )
    assert detect_legislation(text) == ["FOIA"]


# ---------------------------------------------------------------- dates
def _date(text: str) -> str | None:
    d = letter_date(text)
    if d is None:
        return None
    assert text[d.start : d.end].strip()  # evidence offsets point at the printed date
    return d.iso


@pytest.mark.parametrize(
    "text, iso, printed",
    [
        pytest.param(
            "Fernhill Borough Council\nTown Hall\n\n12 April 2023\n\nDear Requester,\n",
            "2023-04-12",
            "12 April 2023",
            id="own line",
        ),
        pytest.param(
            "Fernhill Borough Council\nDate: 3rd March 2021\nDear Requester,\n",
            "2021-03-03",
            "3rd March 2021",
            id="Date: 3rd March 2021",
        ),
        pytest.param(
            "U.S. Department of Labor\n\nMarch 15, 2023\n\nDear Mr. Alvarez:\n",
            "2023-03-15",
            "March 15, 2023",
            id="US month first",
        ),
        pytest.param(
            "Fernhill Borough Council\nOur ref: FOI 2023-101\n\n15/03/2023\n\nDear Requester\n",
            "2023-03-15",
            "15/03/2023",
            id="dd/mm/yyyy",
        ),
        pytest.param(
            "Request received: 1 March 2023\nDate of response: 22 March 2023\n\nDear Requester\n",
            "2023-03-22",
            "22 March 2023",
            id="date of response label beats received label",
        ),
    ],
)
def test_letter_date(text: str, iso: str, printed: str) -> None:
    d = letter_date(text)
    assert d is not None
    assert d.iso == iso
    assert text[d.start : d.end] == printed


def test_received_date_is_not_the_letter_date() -> None:
    text = (
        "Fernhill Borough Council\n\n22 March 2023\n\nDear Requester,\n\n"
        "Thank you for your request received on 1 March 2023.\n"
    )
    assert _date(text) == "2023-03-22"


def test_only_a_received_date_gives_no_letter_date() -> None:
    text = (
        "Dear Requester,\n\nThank you for your request received on 1 March 2023. "
        "The Council holds the information and it is set out below.\n"
    )
    assert _date(text) is None


def test_period_asked_about_is_not_the_letter_date() -> None:
    text = (
        "Dear Requester,\n\nYou asked for the number of complaints received\n"
        "1 January 2022 to 31 December 2022\nThe Council received 87 complaints.\n"
    )
    assert _date(text) is None


def test_wrapped_received_date_is_not_the_letter_date() -> None:
    text = (
        "Fernhill Borough Council\n\nDear Requester,\n\nThank you for your request received on\n"
        "1 March 2023.\nWe hold the information and it is set out below.\n"
    )
    assert _date(text) is None


# ---------------------------------------------------------------- authority (end to end)
def _extract(tmp_path: Path, text: str):
    p = tmp_path / "letter.txt"
    p.write_text(text, encoding="utf-8")
    return extract(p)


def test_authority_from_letterhead_line(tmp_path: Path) -> None:
    r = _extract(
        tmp_path,
        (
            "Kestrel Valley NHS Foundation Trust\nTrust Headquarters\nKestrel Road, Kestrel KV1 1AA\n\n12 April 2023\n\n"
            "Dear Requester,\n\nFreedom of Information Act 2000 - FOI-23-412\n\n"
            "You asked how many MRI scanners the Trust owns. The Trust owns 6 MRI scanners.\n\n"
            "If you are unhappy you may complain to the Information Commissioner's Office.\n\n"
            "Yours sincerely,\nInformation Governance Team\n"
        ),
    )
    assert r.letter.authority == "Kestrel Valley NHS Foundation Trust"
    ev = r.letter.evidence["authority"]
    assert (ev.page, ev.start, ev.text) == (1, 0, "Kestrel Valley NHS Foundation Trust")
    assert r.letter.date == "2023-04-12"
    assert r.letter.legislation == ["FOIA"]


def test_authority_from_request_for_information_from(tmp_path: Path) -> None:
    r = _extract(
        tmp_path,
        (
            "Dear Requester,\n\nThank you for your request for information from Ashdown District Council, received on "
            "1 March 2023.\n\nYou asked how many allotment plots there are. There are 412 allotment plots.\n\n"
            "If you are unhappy you may contact the Information Commissioner's Office.\n\n"
            "Yours sincerely,\nInformation Team\n"
        ),
    )
    assert r.letter.authority == "Ashdown District Council"
    assert r.letter.evidence["authority"].text == "Ashdown District Council"
    assert r.letter.date is None  # the only date is the day the request was received


def test_regulator_is_never_the_authority(tmp_path: Path) -> None:
    r = _extract(
        tmp_path,
        (
            "Information Commissioner's Office\n\nDear Requester,\n\nThank you for your request for information from "
            "Ashdown District Council.\n\nThere are 412 allotment plots. You may complain to the Information "
            "Commissioner's Office if you are unhappy.\n\nYours sincerely,\nInformation Team\n"
        ),
    )
    assert r.letter.authority == "Ashdown District Council"
