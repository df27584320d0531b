"""classify(): the FOI status of one answer, from its wording and the grounds applied in it.

Synthetic answers in the styles UK councils, NHS trusts, police forces and US agencies use.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from foi_extract import extract
from foi_extract.rules.status import classify

S21 = [("FOIA", "21")]
S40 = [("FOIA", "40")]
S43 = [("FOIA", "43")]

CASES = [
    # answered
    pytest.param(
        "In 2022 the Council issued 1,204 penalty charge notices.",
        [],
        "answered",
        id="answered-number",
    ),
    pytest.param(
        "Please see the attached spreadsheet.", [], "answered", id="answered-attached-spreadsheet"
    ),
    pytest.param(
        "Yes, the Trust uses Microsoft Teams for clinical meetings.",
        [],
        "answered",
        id="answered-yes",
    ),
    pytest.param(
        "2021/22: 14\n2022/23: 9\n2023/24: 22", [], "answered", id="answered-figures-by-year"
    ),
    pytest.param(
        "We have considered whether section 43 applies and concluded that it does not. The full contract is attached.",
        [],
        "answered",
        id="answered-after-rejecting-an-exemption",
    ),
    # partially answered
    pytest.param(
        "The figures by ward are in the table below. Where a ward recorded fewer than five incidents the figure "
        "is shown as <5 to protect the identity of individuals.",
        [],
        "partially_answered",
        id="partial-small-numbers-shown-as-<5",
    ),
    pytest.param(
        "Ward A: 12\nWard B: <5\nWard C: 31\nFigures under five are suppressed under section 40(2).",
        S40,
        "partially_answered",
        id="partial-<5-suppressed-s40",
    ),
    pytest.param(
        "Please find attached the contract. Unit pricing has been redacted under section 43(2).",
        S43,
        "partially_answered",
        id="partial-redacted-s43",
    ),
    pytest.param(
        "Figures for 2021 and 2022 are given in the table below. Figures for 2020 are not held.",
        [],
        "partially_answered",
        id="partial-some-years-not-held",
    ),
    # published elsewhere
    pytest.param(
        "This information is exempt under section 21 as it is reasonably accessible to you.",
        S21,
        "published_elsewhere",
        id="published-s21",
    ),
    pytest.param(
        "This information is available on our website at www.northbridge.gov.uk/budget.",
        [],
        "published_elsewhere",
        id="published-available-on-our-website-at",
    ),
    pytest.param(
        "The response to an identical request is published in our disclosure log.",
        [],
        "published_elsewhere",
        id="published-disclosure-log",
    ),
    # withheld
    pytest.param(
        "The information requested is withheld under section 43(2) as its disclosure would prejudice the "
        "commercial interests of the Council.",
        S43,
        "withheld",
        id="withheld-s43",
    ),
    pytest.param(
        "The information is exempt from disclosure and is therefore withheld in full.",
        [],
        "withheld",
        id="withheld-no-section",
    ),
    # not held
    pytest.param(
        "The Council does not hold this information.", [], "not_held", id="not-held-does-not-hold"
    ),
    pytest.param("This information is not held.", [], "not_held", id="not-held-is-not-held"),
    pytest.param(
        "Unfortunately we do not hold this information as it is not recorded centrally.",
        [],
        "not_held",
        id="not-held-not-recorded",
    ),
    pytest.param(
        "A search of our records system found no responsive records.",
        [],
        "not_held",
        id="not-held-us-no-responsive-records",
    ),
    # refused
    pytest.param(
        "We estimate that complying with this request would exceed the appropriate limit of £450.",
        [("FOIA", "12")],
        "refused",
        id="refused-s12-with-ground",
    ),
    pytest.param(
        "Locating and extracting this information would exceed the appropriate limit.",
        [],
        "refused",
        id="refused-appropriate-limit-wording-only",
    ),
    pytest.param(
        "The request is considered vexatious under section 14(1) and is refused.",
        [("FOIA", "14")],
        "refused",
        id="refused-s14-vexatious",
    ),
    pytest.param(
        "Your request has been deemed vexatious.",
        [],
        "refused",
        id="refused-vexatious-wording-only",
    ),
    # ncnd
    pytest.param(
        "The Force can neither confirm nor deny that it holds any information relevant to your request.",
        [("FOIA", "23")],
        "ncnd",
        id="ncnd-force",
    ),
    pytest.param(
        "The Department neither confirms nor denies the existence of records responsive to your request.",
        [],
        "ncnd",
        id="ncnd-us-glomar",
    ),
    # clarification
    pytest.param(
        "Could you please clarify which financial years you are interested in?",
        [],
        "clarification_requested",
        id="clarify-could-you",
    ),
    pytest.param(
        "Before we can process your request we require clarification of the term 'incident'.",
        [],
        "clarification_requested",
        id="clarify-before-we-can-process",
    ),
    # not answered
    pytest.param("", [], "not_answered", id="not-answered-empty"),
    pytest.param("  \n\t ", [], "not_answered", id="not-answered-whitespace"),
]


@pytest.mark.parametrize("answer, grounds, expected", CASES)
def test_classify(answer: str, grounds: list, expected: str) -> None:
    assert classify(answer, grounds) == expected


def test_ground_outweighs_neutral_wording() -> None:
    # The same sentence flips from answered to refused when s.12 is applied in it.
    text = "We have looked at the records held by the service."
    assert classify(text, []) == "answered"
    assert classify(text, [("FOIA", "12")]) == "refused"


def test_ncnd_beats_other_grounds() -> None:
    text = (
        "By virtue of section 31(3) the Force can neither confirm nor deny whether it holds the information, "
        "and any such information would be withheld under section 31(1)."
    )
    assert classify(text, [("FOIA", "31")]) == "ncnd"


def test_figure_given_and_part_exempt_is_partial() -> None:
    assert (
        classify(
            "The total spend was £12,400. Individual invoice values are exempt under section 43(2).",
            S43,
        )
        == "partially_answered"
    )


def test_data_attached_and_names_withheld_is_partial() -> None:
    assert (
        classify(
            "The monitoring data is attached. The names of field staff have been withheld under "
            "regulation 13 as personal data.",
            [("EIR", "13")],
        )
        == "partially_answered"
    )


def test_rejected_exemption_wording_is_not_withheld() -> None:
    assert (
        classify(
            "We considered whether the report is exempt under section 36 and concluded that it is not. "
            "The report is attached in full.",
            [],
        )
        == "answered"
    )


def test_statuses_end_to_end(tmp_path: Path) -> None:
    """One letter, one status per question, as a user sees them in the output."""
    letter = """Kestrel Valley Police
Freedom of Information Unit

6 June 2024

Freedom of Information Act 2000 - Our ref: FOI 2024-0606

1. How many officers were assaulted on duty in 2023?
In 2023, 214 officers were assaulted on duty.

2. Please provide the Force's body-worn video policy.
The policy is available on our website at https://www.kestrelvalley.police.uk/bwv and is therefore exempt under section 21 of the Act.

3. How many body-worn video cameras were lost in 2023?
The Force does not hold this information.

4. Please provide every email sent by the Chief Constable in 2023.
We estimate that complying with this part would exceed the appropriate limit under section 12 of the Act.

5. Which covert surveillance devices does the Force own?
The Force can neither confirm nor deny that it holds this information by virtue of section 24(2) of the Act.

6. Please provide the regional allocation of the drone budget.
The term "regional allocation" is not one the Force uses. Could you please clarify which regions you mean?

Yours sincerely,
Disclosure Unit
"""
    p = tmp_path / "letter.txt"
    p.write_text(letter, encoding="utf-8")
    r = extract(p)
    got = {q.id: q.status for q in r.questions}
    assert got == {
        "1": "answered",
        "2": "published_elsewhere",
        "3": "not_held",
        "4": "refused",
        "5": "ncnd",
        "6": "clarification_requested",
    }
    by_id = {q.id: q for q in r.questions}
    assert [(e.law, e.section) for e in by_id["2"].exemptions] == [("FOIA", "21")]
    assert [(e.law, e.section) for e in by_id["4"].exemptions] == [("FOIA", "12")]
    assert by_id["1"].exemptions == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The Council does not hold 14 of the 2019 reports you asked for.",
        "The 2021 figures are withheld in full.",
        "The request for 12 contracts is refused as vexatious.",
    ],
)
def test_figures_in_a_negative_sentence_are_not_given(sentence: str) -> None:
    """A number inside a not-held, withheld or refused sentence is not information handed over."""
    from foi_extract.rules.status import decide

    hits = decide(sentence, [(0, len(sentence))], []).hits
    assert hits and not [h for h in hits if h.name == "answered.figure_given"]
