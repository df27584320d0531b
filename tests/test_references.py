"""References a reply cites: URLs, emails, contracts-register and request references, as printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from foi_extract import extract
from foi_extract.load import load
from foi_extract.rules.references import find_references


def refs(text: str, kind: str | None = None) -> list[tuple[str, str]]:
    found = find_references(text)
    for f in found:
        assert 0 <= f.start < f.end <= len(text)
    return [(f.kind, f.value) for f in found if kind is None or f.kind == kind]


@pytest.mark.parametrize(
    "text, url",
    [
        pytest.param(
            "The report is at https://www.fernhill.gov.uk/foi/report-2022 for you.",
            "https://www.fernhill.gov.uk/foi/report-2022",
            id="plain",
        ),
        pytest.param(
            "Please visit <https://www.fernhill.gov.uk/transparency/spend> for the data.",
            "https://www.fernhill.gov.uk/transparency/spend",
            id="angle-brackets",
        ),
        pytest.param(
            "The data is already published (see www.x.gov.uk/foi).",
            "www.x.gov.uk/foi",
            id="bracket-and-full-stop",
        ),
        pytest.param(
            "It is published at https://www.x.gov.uk/foi.",
            "https://www.x.gov.uk/foi",
            id="full-stop",
        ),
        pytest.param(
            "Spend data: https://www.fernhill.gov.uk/spend?year=2023&type=all, updated monthly.",
            "https://www.fernhill.gov.uk/spend?year=2023&type=all",
            id="query-string-and-comma",
        ),
        pytest.param(
            "See “https://www.fernhill.gov.uk/policies”; it lists all current policies.",
            "https://www.fernhill.gov.uk/policies",
            id="curly-quotes-and-semicolon",
        ),
        pytest.param(
            "You can complain via https://ico.org.uk/make-a-complaint/ or in writing.",
            "https://ico.org.uk/make-a-complaint/",
            id="trailing-slash-kept",
        ),
    ],
)
def test_urls_as_printed(text: str, url: str) -> None:
    assert refs(text, "url") == [("url", url)]


def test_url_evidence_is_the_printed_url() -> None:
    text = "The data is already published (see www.x.gov.uk/foi)."
    (f,) = [f for f in find_references(text) if f.kind == "url"]
    assert text[f.start : f.end] == "www.x.gov.uk/foi"


def test_line_wrapped_url_is_joined() -> None:
    text = "The log is at https://www.example.gov.uk/foi/\ndisclosure-log.pdf\nThank you for your interest."
    (f,) = [f for f in find_references(text) if f.kind == "url"]
    assert f.value == "https://www.example.gov.uk/foi/disclosure-log.pdf"
    assert text[f.start : f.end] == "https://www.example.gov.uk/foi/\ndisclosure-log.pdf"


def test_url_at_line_end_does_not_swallow_next_sentence() -> None:
    text = "Our policies are at https://www.example.gov.uk/policies\nThe Council also publishes its budget."
    assert refs(text, "url") == [("url", "https://www.example.gov.uk/policies")]


def test_wrapped_url_end_to_end_evidence_covers_both_lines(tmp_path: Path) -> None:
    letter = (
        "Pendle Vale District Council\n\n2 February 2024\n\nDear Requester,\n\n"
        "Freedom of Information Act 2000 - Our ref: FOI 2024-0202\n\n"
        "You asked for last year's responses about parking.\n\n"
        "These are published in our disclosure log at https://www.example.gov.uk/foi/\n"
        "disclosure-log.pdf and the information is therefore exempt under section 21 of the Act.\n\n"
        "Yours sincerely,\nInformation Governance\n"
    )
    p = tmp_path / "letter.txt"
    p.write_text(letter, encoding="utf-8")
    r = extract(p)
    doc = load(p)
    urls = [x for x in r.references if x.kind == "url"]
    assert [u.value for u in urls] == ["https://www.example.gov.uk/foi/disclosure-log.pdf"]
    ev = urls[0].evidence
    assert ev
    joined = "".join(s.text for s in ev)
    assert "https://www.example.gov.uk/foi/" in joined and "disclosure-log.pdf" in joined
    for s in ev:
        assert doc.pages[s.page - 1][s.start : s.end] == s.text
    # the answer to the question carries the URL too
    assert any(x.value.endswith("disclosure-log.pdf") for q in r.questions for x in q.references)


@pytest.mark.parametrize(
    "text, email",
    [
        ("Email foi@pendlevale.gov.uk if you have any questions.", "foi@pendlevale.gov.uk"),
        (
            "Contact us at information.governance@kestrel.nhs.uk.",
            "information.governance@kestrel.nhs.uk",
        ),
        (
            "Write to <foi-requests@harrow-valley.police.uk> quoting your reference.",
            "foi-requests@harrow-valley.police.uk",
        ),
    ],
)
def test_emails(text: str, email: str) -> None:
    assert refs(text, "email") == [("email", email)]


def test_email_inside_mailto_url_reported_once() -> None:
    got = refs("Please write to foi@pendlevale.gov.uk or visit https://www.pendlevale.gov.uk/foi.")
    assert ("email", "foi@pendlevale.gov.uk") in got
    assert ("url", "https://www.pendlevale.gov.uk/foi") in got
    assert len(got) == 2


@pytest.mark.parametrize(
    "text, value",
    [
        pytest.param(
            "The system is Care Director; contracts register ref: COV CG/002/Adult",
            "COV CG/002/Adult",
            id="COV CG/002/Adult",
        ),
        pytest.param(
            "Contracts Register ref: ABC - 10304 (Liquid Logic Ltd, expires 2026)",
            "ABC - 10304",
            id="ABC - 10304 (...)",
        ),
        pytest.param(
            "See Contracts Register reference: HSC/2021/118.",
            "HSC/2021/118",
            id="reference-full-stop",
        ),
    ],
)
def test_contracts_register_refs(text: str, value: str) -> None:
    found = [f for f in find_references(text) if f.kind == "contracts_register"]
    assert [f.value for f in found] == [value]
    assert text[found[0].start : found[0].end] == value


def test_contracts_register_without_a_reference_is_ignored() -> None:
    assert (
        refs(
            "All contracts over £5,000 are listed on our contracts register.", "contracts_register"
        )
        == []
    )


@pytest.mark.parametrize(
    "text, value",
    [
        pytest.param("Request ID: FOI445227294", "FOI445227294", id="Request ID"),
        pytest.param("Our ref: FOI 2021-315\nDate: 4 May 2021", "FOI 2021-315", id="Our ref"),
        pytest.param("Reference number: RFI-2207", "RFI-2207", id="Reference number"),
        pytest.param(
            "Thank you for your request FOI #981926, which we received on 2 May.",
            "FOI #981926",
            id="FOI #n inline",
        ),
        pytest.param("Our Ref: FOI/2023/00456", "FOI/2023/00456", id="slashes"),
    ],
)
def test_request_references(text: str, value: str) -> None:
    found = [f for f in find_references(text) if f.kind == "request_reference"]
    assert [f.value for f in found] == [value]
    assert text[found[0].start : found[0].end] == value


def test_your_ref_without_digits_is_not_a_reference() -> None:
    assert refs("Your ref: none given", "request_reference") == []


def test_request_reference_is_the_letter_reference(tmp_path: Path) -> None:
    p = tmp_path / "letter.txt"
    p.write_text(
        "Ormsby Metropolitan Borough Council\n\n3 March 2022\n\nOur ref: FOI 2021-315\n\nDear Requester,\n\n"
        "You asked how many libraries the Council runs. The Council runs 11 libraries.\n\n"
        "Yours sincerely,\nLibraries Service\n",
        encoding="utf-8",
    )
    r = extract(p)
    assert r.letter.reference == "FOI 2021-315"
    ev = r.letter.evidence["reference"]
    assert ev.text == "FOI 2021-315"


def test_reference_at_sentence_end_stops_at_the_full_stop() -> None:
    text = "Your request has been logged under reference FOI 2024-0007. We will respond within 20 working days."
    assert refs(text, "request_reference") == [("request_reference", "FOI 2024-0007")]


def test_url_with_balanced_parenthesis_evidence_matches_value() -> None:
    text = "Background is at https://en.wikipedia.org/wiki/Stop_and_search_(UK)."
    (f,) = [f for f in find_references(text) if f.kind == "url"]
    assert f.value == "https://en.wikipedia.org/wiki/Stop_and_search_(UK)"
    assert text[f.start : f.end] == f.value


@pytest.mark.parametrize(
    "label, rank",
    [
        ("Request ID:", 3),
        ("Our ref:", 3),
        ("Reference no.", 3),
        ("FOI reference", 3),
        ("EIR case", 3),
        ("Information Request file", 3),
        ("FOIA File no.", 3),
        ("Case ref", 3),
        ("tracking number", 3),
        ("Ref:", 2),
        ("In Reply Refer To:", 1),
        ("Your ref:", 0),
        ("your REFERENCE", 0),
    ],
)
def test_every_reference_label_is_read_with_its_rank(label: str, rank: int) -> None:
    """Each label form marks the value after it (the label pattern is checked by first letter)."""
    text = f"Dear Ms Hale,\n{label} KX/2024/815\nThank you for your request."
    found = [f for f in find_references(text) if f.kind == "request_reference"]
    assert [(f.value, f.rank) for f in found] == [("KX/2024/815", rank)]
