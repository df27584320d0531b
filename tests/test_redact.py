"""--redact-personal: emails, phone numbers and signatories' names masked in every output, offsets kept."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import corpus_path

from foi_extract import extract
from foi_extract.cli import main
from foi_extract.personal import looks_like_name
from foi_extract.redact import MASK, mask_pages
from foi_extract.rules.references import _EMAIL
from foi_extract.run.store import Store

LETTER = """Northshire County Council
Information Governance Team
County Hall, Northtown NT1 2AB

Our ref: FOI/2024/0457
Date: 12 March 2024

Dear Mr Harold Blenkinsop,

Freedom of Information Act 2000 - request for information

Thank you for your request for information about adult social care software.

1. Which case management system do you use?
We use CareSuite. For questions about the contract please contact our team on
0121 303 4567 or priya.ramaswamy@northshire.gov.uk.

2. How much did it cost in 2022/23?
The cost was £125,000 (invoice 0113 2456). Details are at https://www.northshire.gov.uk/contracts
(contracts register ref: NCC/2022/114).

3. Please provide the names of staff who use the system.
This information is withheld under section 40(2) of the Freedom of Information Act 2000.

If you are dissatisfied you may ask for an internal review by writing to
foi@northshire.gov.uk or calling +44 (0)20 7946 0321 ext. 215.

Yours sincerely

Gwendolyn Fairweather-Hughes
Information Governance Officer
Direct line: 01632 960 123
Mobile: 07700 900 456
Email: g.fairweather-hughes@northshire.gov.uk
"""
PERSONAL = [
    "Mr Harold Blenkinsop",
    "0121 303 4567",
    "priya.ramaswamy@northshire.gov.uk",
    "foi@northshire.gov.uk",
    "+44 (0)20 7946 0321 ext. 215",
    "Gwendolyn Fairweather-Hughes",
    "01632 960 123",
    "07700 900 456",
    "g.fairweather-hughes@northshire.gov.uk",
]
KEPT = [
    "Northshire County Council",
    "Information Governance Team",
    "Information Governance Officer",
    "FOI/2024/0457",
    "12 March 2024",
    "2022/23",
    "£125,000 (invoice 0113 2456)",
    "https://www.northshire.gov.uk/contracts",
    "NCC/2022/114",
    "section 40(2) of the Freedom of Information Act 2000",
]

US_LETTER = """CITY OF LAKEVIEW
DEPARTMENT OF POLICE
Office of Legal Affairs - FOIA Unit

FOIA Request No. P-2016-04417
July 7, 2016

Dear Ms. Okonkwo-Reyes:

The Department has reviewed your request under the Illinois Freedom of Information Act,
5 ILCS 140/1 et seq. Records responsive to item 1 are enclosed. Portions are withheld under
5 ILCS 140/7(1)(c). If you have questions, call (312) 745-5308 or 312-907-0008 x4410.

Sincerely,

s/Thaddeus Whitcombe
Thaddeus J. Whitcombe
Freedom of Information Officer
Name: Marguerite Delacroix-Smith
"""


def _text(pages: list[str]) -> str:
    return "\n".join(pages)


def test_every_email_phone_and_signatory_is_masked_and_nothing_else() -> None:
    (masked,) = mask_pages([LETTER])
    assert len(masked) == len(LETTER)  # one mask per character: every offset stays true
    for item in PERSONAL:
        start = LETTER.index(item)
        assert masked[start : start + len(item)] == MASK * len(item), item
        assert item not in masked
    for item in KEPT:
        assert item in masked, item
    changed = [i for i, (a, b) in enumerate(zip(LETTER, masked, strict=True)) if a != b]
    assert len(changed) == sum(len(p) for p in PERSONAL)  # nothing but the personal items


def test_us_letter_signature_labels_and_phones() -> None:
    (masked,) = mask_pages([US_LETTER])
    for item in [
        "Okonkwo-Reyes",
        "Thaddeus Whitcombe",
        "Thaddeus J. Whitcombe",
        "(312) 745-5308",
        "312-907-0008 x4410",
        "Marguerite Delacroix-Smith",
    ]:
        assert item not in masked, item
    for item in [
        "CITY OF LAKEVIEW",
        "P-2016-04417",
        "July 7, 2016",
        "5 ILCS 140/7(1)(c)",
        "5 ILCS 140/1",
        "Freedom of Information Officer",
    ]:
        assert item in masked, item


def test_a_signature_on_the_next_page_and_its_name_elsewhere() -> None:
    pages = [
        "Dear Requester,\nThe information is not held.\nSincerely,\n",
        "Rosalind Featherstonehaugh\nRecords Officer\n\ncc: Rosalind Featherstonehaugh, file\n"
        "Signed image: RosalindFeatherstonehaugh",
    ]
    masked = mask_pages(pages)
    assert "Featherstonehaugh" not in _text(masked)
    assert "Records Officer" in masked[1] and "Dear Requester," in masked[0]


def test_a_signature_run_together_on_one_line() -> None:
    page = (
        "Dear Mr. Okafor: the records are enclosed. Sincerely, Adam C. Siple Chief, Disclosure Division "
        "Sincerely Daniel J. Dial Government Information Specialist Kind regards The FOIA Office"
    )
    (masked,) = mask_pages([page])
    assert "Siple" not in masked and "Dial" not in masked and "Okafor" not in masked
    assert "Chief, Disclosure Division" in masked and "Government Information Specialist" in masked
    assert "Kind regards The FOIA Office" in masked


@pytest.mark.parametrize(
    "sign_off",
    [
        "Yours sincerely\n\nFOI Team\nNorthshire County Council\n",
        "Kind regards,\nInformation Governance\n",
        "Yours faithfully\n\nThe Freedom of Information Team\nNHS Northshire Trust\n",
        "Regards\n\nDWP Central Freedom of Information Team\nDepartment for Work and Pensions\n",
    ],
)
def test_an_office_signing_off_is_kept(sign_off: str) -> None:
    page = "1. Do you hold the data?\nWe do not hold this information.\n\n" + sign_off
    assert mask_pages([page]) == [page]


@pytest.mark.parametrize(
    "line, name",
    [
        ("Paul A. Castiglione", "Paul A. Castiglione"),
        ("Ann O’Flynn, Service Director", "Ann O’Flynn"),
        ("Victor H Castillo Jr.", "Victor H Castillo Jr."),
        ("Mr M. McCullagh", "Mr M. McCullagh"),
        ("Information Governance Manager", None),
        ("Sheffield City Council", None),
        ("Dear Sir or Madam", None),
        ("Professional Standards", None),
        ("We do not hold this", None),
    ],
)
def test_what_reads_as_a_person(line: str, name: str | None) -> None:
    assert looks_like_name(line) == name


@pytest.mark.parametrize(
    "text",
    [
        "The figures were 120 345 6789 across the three years.",
        "Between 01.04.2020 and 31.03.2021 there were 1,234,567 contacts.",
        "Request CBP-2014-011363 was closed; see 5 ILCS 140/7(1)(c).",
        "Our ref: 01234567890",
    ],
)
def test_figures_references_and_dates_are_not_phones(text: str) -> None:
    assert mask_pages([text]) == [text]


# ---------------------------------------------------------------------- the command line
def _letter(tmp_path: Path) -> Path:
    path = tmp_path / "letter.txt"
    path.write_text(LETTER, encoding="utf-8")
    return path


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out, _ = capsys.readouterr()
    return code, out


def _spans(result: dict[str, Any]) -> list[dict[str, Any]]:
    spans = list(result["letter"]["evidence"].values())
    for owner in [result, *result["questions"]]:
        for key in ("evidence", "value_evidence"):
            spans += owner.get(key, [])
        for e in owner["exemptions"] + owner["references"] + owner.get("cues", []):
            spans += e["evidence"]
    return spans


def test_json_spans_keep_the_contract_on_the_redacted_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _letter(tmp_path)
    code, out = _cli([str(path), "--redact-personal", "--engine", "rules"], capsys)
    assert code == 0
    result = json.loads(out)
    code, text_out = _cli(["text", str(path), "--redact-personal", "--format", "json"], capsys)
    pages = json.loads(text_out)["pages"]
    assert pages == mask_pages([LETTER])
    spans = _spans(result)
    assert spans and all(pages[s["page"] - 1][s["start"] : s["end"]] == s["text"] for s in spans)
    redacted = [s for s in spans if s.get("redacted")]
    assert redacted and all(MASK in s["text"] for s in redacted)
    assert all(MASK not in s["text"] for s in spans if not s.get("redacted"))
    for item in PERSONAL:
        assert item not in out and item not in text_out, item
    assert result["letter"]["authority"] == "Northshire County Council"
    assert result["letter"]["reference"] == "FOI/2024/0457"
    assert {e["section"] for e in result["exemptions"]} == {"40"}
    assert "0121 303 4567" not in (result["questions"][0]["answer"] or "")
    assert MASK in result["questions"][0]["answer"]


def test_default_output_keeps_the_text_as_published(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _letter(tmp_path)
    _, out = _cli([str(path), "--engine", "rules"], capsys)
    assert MASK not in out and '"redacted"' not in out
    assert "priya.ramaswamy@northshire.gov.uk" in out
    result = json.loads(out)
    assert all(LETTER[s["start"] : s["end"]] == s["text"] for s in _spans(result))
    _, redacted = _cli([str(path), "--engine", "rules", "--redact-personal"], capsys)
    same = json.loads(redacted)  # the same extraction, only its personal text masked
    assert [q["status"] for q in same["questions"]] == [q["status"] for q in result["questions"]]
    assert len(_spans(same)) == len(_spans(result))


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "table"])
def test_every_extract_format_is_redacted(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"out.{fmt}"
    code, _ = _cli(
        [str(_letter(tmp_path)), "--redact-personal", "-e", "rules", "-f", fmt, "-o", str(out)],
        capsys,
    )
    written = out.read_text(encoding="utf-8")
    assert code == 0 and "CareSuite" in written
    assert not _EMAIL.search(written)
    for item in PERSONAL:
        assert item not in written, item


def test_library_option(tmp_path: Path) -> None:
    result = extract(_letter(tmp_path), redact_personal=True)
    dumped = result.model_dump_json()
    assert not _EMAIL.search(dumped) and "Fairweather" not in dumped
    assert result.letter.authority == "Northshire County Council"
    plain = extract(_letter(tmp_path))
    assert "priya.ramaswamy@northshire.gov.uk" in plain.model_dump_json()


# ---------------------------------------------------------------------- run
def _sqlite_text(path: Path) -> str:
    db = sqlite3.connect(path)
    chunks = []
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        for row in db.execute(f'SELECT * FROM "{table}"'):
            chunks += [str(v) for v in row if v is not None]
    return "\n".join(chunks)


def test_run_writes_no_personal_data_and_the_store_keeps_the_published_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "replies"
    folder.mkdir()
    (folder / "northshire.txt").write_text(LETTER, encoding="utf-8")
    (folder / "lakeview.txt").write_text(US_LETTER, encoding="utf-8")
    outs = [tmp_path / n for n in ("out.sqlite", "out.csv", "out.jsonl", "report.html")]
    base = ["run", str(folder), "-e", "rules", "-j", "1", "--no-progress", "--quiet"]
    args = [*base, "--store", str(tmp_path / "run.foi.sqlite")]
    args += [a for o in outs for a in ("-o", str(o))]
    assert main([*args, "--redact-personal"]) == 0
    texts = {o.name: _sqlite_text(o) if o.suffix == ".sqlite" else o.read_text() for o in outs}
    for name, text in texts.items():
        assert "CareSuite" in text, name
        assert not _EMAIL.search(text), name
        for item in [*PERSONAL, "Thaddeus J. Whitcombe", "(312) 745-5308"]:
            assert item not in text, (name, item)
    db = sqlite3.connect(outs[0])
    rows = db.execute(
        'SELECT e.text, substr(p.text, e.start + 1, e."end" - e.start), e.redacted FROM evidence e '
        "JOIN pages p ON p.document_id = e.document_id AND p.page = e.page"
    ).fetchall()
    assert rows and all(text == page_text for text, page_text, _ in rows)
    assert any(redacted for _, _, redacted in rows)
    wide = tmp_path / "wide.csv"
    assert (
        main(
            [
                *base,
                "--store",
                str(tmp_path / "run.foi.sqlite"),
                "-o",
                str(wide),
                "--wide",
                "--redact-personal",
            ]
        )
        == 0
    )
    assert not _EMAIL.search(wide.read_text()) and "CareSuite" in wide.read_text()

    page = tmp_path / "page.html"
    assert (
        main(["report", str(tmp_path / "run.foi.sqlite"), "-o", str(page), "--redact-personal"])
        == 0
    )
    assert "CareSuite" in page.read_text() and not _EMAIL.search(page.read_text())

    # the flag off again: the outputs are rewritten as published, nothing is extracted again
    assert main(args) == 0
    assert "priya.ramaswamy@northshire.gov.uk" in outs[2].read_text()
    with open(outs[1], newline="", encoding="utf-8") as fh:
        assert any("0121 303 4567" in (r["answer"] or "") for r in csv.DictReader(fh))
    store = Store(str(tmp_path / "run.foi.sqlite"))
    try:
        first_run = min(r["id"] for r in store.runs())
        assert {r.run_id for r in store.records()} == {first_run}
    finally:
        store.close()
    capsys.readouterr()


# ---------------------------------------------------------------------- the real corpus
@pytest.mark.corpus
def test_no_email_survives_in_the_redacted_corpus(tmp_path: Path) -> None:
    """Every text-layer corpus document, redacted: no email address in its JSON, every span grounded."""
    corpus = corpus_path("corpus")
    jsonl, db_path = tmp_path / "out.jsonl", tmp_path / "out.sqlite"
    code = main(
        ["run", str(corpus), "-e", "rules", "--ocr", "never", "--no-progress", "--quiet"]
        + ["--redact-personal", "-o", str(jsonl), "-o", str(db_path)]
    )
    assert code == 15  # the scans, unread with OCR off; every other document is written
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 80
    leaks = [
        (json.loads(line)["source"]["path"], m.group(0))
        for line in lines
        for m in _EMAIL.finditer(line)
    ]
    assert not leaks
    assert sum(line.count(MASK) > 0 for line in lines) >= 40  # most replies print a contact
    db = sqlite3.connect(db_path)
    bad = db.execute(
        "SELECT count(*) FROM evidence e JOIN pages p ON p.document_id = e.document_id AND p.page = e.page "
        'WHERE e.text != substr(p.text, e.start + 1, e."end" - e.start)'
    ).fetchone()[0]
    assert bad == 0
    assert not any(_EMAIL.search(t) for (t,) in db.execute("SELECT text FROM pages"))


def test_a_document_whose_redaction_fails_is_a_failure_never_published_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import foi_extract.redact as redact

    real = redact.find_personal

    def broken_for_lakeview(pages):  # type: ignore[no-untyped-def]
        if "LAKEVIEW" in pages[0]:
            raise RuntimeError("a bug")
        return real(pages)

    monkeypatch.setattr(redact, "find_personal", broken_for_lakeview)
    monkeypatch.setenv("FOI_EXTRACT_ERROR_LOG", str(tmp_path / "errors.log"))
    (tmp_path / "a_northshire.txt").write_text(LETTER, encoding="utf-8")
    (tmp_path / "b_lakeview.txt").write_text(US_LETTER, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = main([str(tmp_path), "--redact-personal", "-e", "rules", "-f", "jsonl", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "b_lakeview.txt: internal error while redacting (RuntimeError)" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    written = out.read_text(encoding="utf-8")
    assert len(written.splitlines()) == 1 and "CareSuite" in written
    assert "Whitcombe" not in written and not _EMAIL.search(written)


def test_spreadsheet_cells_are_masked_and_keep_their_coordinates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "contacts.csv"
    sheet.write_text(
        "Team,Email,Phone,Count\n"
        "Libraries,libraries.team@northshire.gov.uk,0121 303 4567,12\n"
        "Archives,archives@northshire.gov.uk,(312) 745-5308,7\n",
        encoding="utf-8",
    )
    code, out = _cli([str(sheet), "--redact-personal", "-e", "rules"], capsys)
    assert code == 0 and not _EMAIL.search(out) and "745-5308" not in out
    _, text_out = _cli(["text", str(sheet), "--redact-personal", "--format", "json"], capsys)
    pages = json.loads(text_out)["pages"]
    cells = {c["ref"]: c for t in json.loads(out)["tables"] for row in t["rows"] for c in row}
    assert cells["A2"]["text"] == "Libraries" and cells["D3"]["text"] == "7"
    assert cells["B2"]["text"] == MASK * len("libraries.team@northshire.gov.uk")
    assert cells["C3"]["evidence"]["redacted"] and "redacted" not in cells["A2"]["evidence"]
    for c in cells.values():
        s = c["evidence"]
        assert c["text"] == s["text"] == pages[s["page"] - 1][s["start"] : s["end"]]
