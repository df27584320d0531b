"""Citation forms real FOI replies use, parsed into (law, section, subsection) with exact offsets.

All snippets are synthetic: invented councils, trusts, forces and agencies.
"""

from __future__ import annotations

import pytest

from foi_extract.rules.citations import find_citations

# (snippet, letter's default law, expected [(law, section, subsection, printed text)])
CASES = [
    pytest.param(
        "The contract is exempt under Section 21 as it is reasonably accessible to you.",
        "FOIA",
        [("FOIA", "21", None, "Section 21")],
        id="Section 21",
    ),
    pytest.param(
        "This information is exempt by virtue of s.21 of the Act.",
        "FOIA",
        [("FOIA", "21", None, "s.21")],
        id="s.21",
    ),
    pytest.param(
        "We are applying s21 because the report is on our website.",
        "FOIA",
        [("FOIA", "21", None, "s21")],
        id="s21",
    ),
    pytest.param(
        "Unit rates are withheld under S43 (commercial interests).",
        "FOIA",
        [("FOIA", "43", None, "S43")],
        id="S43",
    ),
    pytest.param(
        "Staff names are exempt under section 40,2 of the Act.",
        "FOIA",
        [("FOIA", "40", "(2)", "section 40,2")],
        id="section 40,2",
    ),
    pytest.param(
        "Staff names are exempt under Section 40(2) and (3) of the Act.",
        "FOIA",
        [("FOIA", "40", "(2)", "Section 40(2)"), ("FOIA", "40", "(3)", "(3)")],
        id="Section 40(2) and (3)",
    ),
    pytest.param(
        "The tactical plans are withheld under sections 31 and 43 of the Act.",
        "FOIA",
        [("FOIA", "31", None, "sections 31"), ("FOIA", "43", None, "43")],
        id="sections 31 and 43",
    ),
    pytest.param(
        "Parts of the tender are exempt under sections 40(2) and 43(2) of FOIA.",
        "FOIA",
        [("FOIA", "40", "(2)", "sections 40(2)"), ("FOIA", "43", "(2)", "43(2)")],
        id="sections 40(2) and 43(2) of FOIA",
    ),
    pytest.param(
        "Sections 40(2), 41 and 43 apply to the redacted passages.",
        "FOIA",
        [
            ("FOIA", "40", "(2)", "Sections 40(2)"),
            ("FOIA", "41", None, "41"),
            ("FOIA", "43", None, "43"),
        ],
        id="three-item list",
    ),
    pytest.param(
        "The Force relies on Sec. 31(1)(a) for the deployment data.",
        "FOIA",
        [("FOIA", "31", "(1)(a)", "Sec. 31(1)(a)")],
        id="Sec. 31(1)(a)",
    ),
    pytest.param(
        "The pricing schedule is excepted under regulation 12(5)(e) of the EIR.",
        "EIR",
        [("EIR", "12", "(5)(e)", "regulation 12(5)(e)")],
        id="regulation 12(5)(e)",
    ),
    pytest.param(
        "We consider the request manifestly unreasonable under Reg. 12(4)(b).",
        "EIR",
        [("EIR", "12", "(4)(b)", "Reg. 12(4)(b)")],
        id="Reg. 12(4)(b)",
    ),
    pytest.param(
        "The request is refused under regulations 12(4)(b) and 12(5)(e).",
        "EIR",
        [("EIR", "12", "(4)(b)", "regulations 12(4)(b)"), ("EIR", "12", "(5)(e)", "12(5)(e)")],
        id="regulations 12(4)(b) and 12(5)(e)",
    ),
    pytest.param(
        "Regulation 12(4)(a) applies because the survey was never carried out.",
        "FOIA",
        [("EIR", "12", "(4)(a)", "Regulation 12(4)(a)")],
        id="regulation in a letter defaulting to FOIA is EIR",
    ),
    pytest.param(
        "Telephone numbers of employees were redacted under exemption (b)(6).",
        "US-FOIA",
        [("US-FOIA", "b6", None, "(b)(6)")],
        id="exemption (b)(6)",
    ),
    pytest.param(
        "Witness names are withheld pursuant to 5 U.S.C. § 552(b)(7)(C).",
        "US-FOIA",
        [("US-FOIA", "b7", "(C)", "(b)(7)(C)")],
        id="5 U.S.C. § 552(b)(7)(C)",
    ),
    pytest.param(
        "Portions of the memoranda are withheld under FOIA Exemptions 5 and 6.",
        "US-FOIA",
        [("US-FOIA", "b5", None, "Exemptions 5"), ("US-FOIA", "b6", None, "6")],
        id="Exemptions 5 and 6",
    ),
    pytest.param(
        "Home addresses are exempt under 5 ILCS 140/7(1)(c).",
        "IL-FOIA",
        [("IL-FOIA", "7", "(1)(c)", "5 ILCS 140/7(1)(c)")],
        id="5 ILCS 140/7(1)(c)",
    ),
    pytest.param(
        "Draft memoranda are withheld under D.C. Official Code § 2-534(a)(2).",
        "DC-FOIA",
        [("DC-FOIA", "2-534", "(a)(2)", "§ 2-534(a)(2)")],
        id="D.C. Official Code § 2-534(a)(2)",
    ),
    pytest.param(
        "The report is exempt under section 25(1) of FOISA because it is published.",
        "FOISA",
        [("FOISA", "25", "(1)", "section 25(1)")],
        id="section 25(1) of FOISA",
    ),
    pytest.param(
        "The report is exempt under section 25(1) of FOISA because it is published.",
        "FOIA",
        [("FOISA", "25", "(1)", "section 25(1)")],
        id="'of FOISA' overrides a FOIA default",
    ),
    pytest.param(
        "The Trust funds aftercare under Section 117 of the Mental Health Act 1983.",
        "FOIA",
        [("other", "117", None, "Section 117")],
        id="Mental Health Act s.117 is another law",
    ),
    pytest.param(
        "Documents are exempt under section 47F of the Freedom of Information Act 1982.",
        "FOIA",
        [("AU-FOI", "47F", None, "section 47F")],
        id="FOI Act 1982 is Australian",
    ),
]


@pytest.mark.parametrize("text, law, expected", CASES)
def test_citation_forms(text: str, law: str, expected: list) -> None:
    got = [(c.law, c.section, c.subsection, c.text) for c in find_citations(text, law)]
    assert got == expected


@pytest.mark.parametrize("text, law, expected", CASES)
def test_citation_offsets_are_exact(text: str, law: str, expected: list) -> None:
    cites = find_citations(text, law)
    assert cites, "no citation found"
    for c in cites:
        assert text[c.start : c.end] == c.text


def test_offsets_exact_in_a_long_mixed_letter() -> None:
    text = (
        "Dear Requester,\n\nUnder section 1(1) of the Freedom of Information Act 2000 you are entitled to be told\n"
        "whether we hold the information. Parts are withheld under s.40(2), S43 and sections 31 and 38;\n"
        "the remainder is exempt under Section 21. The EIR (Environmental Information Regulations 2004)\n"
        "do not apply, and regulation 12(5)(e) was not relied upon.\n"
    )
    cites = find_citations(text, "FOIA")
    assert [(c.section, c.subsection) for c in cites] == [
        ("1", "(1)"),
        ("40", "(2)"),
        ("43", None),
        ("31", None),
        ("38", None),
        ("21", None),
        ("12", "(5)(e)"),
    ]
    for c in cites:
        assert text[c.start : c.end] == c.text


@pytest.mark.parametrize(
    "text",
    [
        "We have handled your request under the Environmental Information Regulations 2004.",
        "The Environmental Information Regulations 2004 (the Regulations 2004) apply to this data.",
    ],
)
def test_regulations_year_is_not_a_regulation_number(text: str) -> None:
    cites = find_citations(text, "EIR")
    assert not any(c.section in ("20", "2004", "200") for c in cites), cites
    assert cites == []


def test_regulations_year_followed_by_real_regulation() -> None:
    text = "Under the Environmental Information Regulations 2004, regulation 13 applies to staff names."
    got = [(c.law, c.section, c.subsection) for c in find_citations(text, "EIR")]
    assert got == [("EIR", "13", None)]


def test_us_exemption_numbers_only_in_us_letters() -> None:
    # "Exemption 5" in a UK letter is not a US FOIA citation.
    text = "Exemption 5 of our internal guidance lists the categories of data we retain."
    assert [c for c in find_citations(text, "FOIA") if c.law == "US-FOIA"] == []
    assert [c.section for c in find_citations(text, "US-FOIA")] == ["b5"]


def test_bare_section_in_illinois_letter_is_illinois() -> None:
    text = "The records are exempt under Section 7(1)(c) of the Act."
    got = [(c.law, c.section, c.subsection) for c in find_citations(text, "IL-FOIA")]
    assert got == [("IL-FOIA", "7", "(1)(c)")]


def test_exemption_followed_by_us_code_title_is_not_a_second_exemption() -> None:
    text = "Names of private individuals were redacted under FOIA Exemption 6, 5 U.S.C. § 552(b)(6), to protect privacy."
    sections = {c.section for c in find_citations(text, "US-FOIA")}
    assert sections == {"b6"}


def test_australian_s_space_form() -> None:
    text = "Parts of the document are conditionally exempt under s 47E(d) of the FOI Act 1982."
    got = [(c.law, c.section, c.subsection, c.text) for c in find_citations(text, "AU-FOI")]
    assert got == [("AU-FOI", "47E", "(d)", "s 47E(d)")]
