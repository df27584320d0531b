"""Spreadsheets and Outlook messages as replies: each sheet a page, cells with coordinates as evidence."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from foi_extract.cli import main
from foi_extract.load import load
from foi_extract.pipeline import extract

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.msgfile import write_msg  # noqa: E402
from fixtures.sheets import BEDS, LETTER, bundle_eml, ods_bytes, xlsx_bytes  # noqa: E402


def grounded(doc, span) -> bool:  # type: ignore[no-untyped-def]
    return doc.pages[span.page - 1][span.start : span.end] == span.text


def test_xlsx_sheet_is_a_page_and_a_table(tmp_path: Path) -> None:
    p = tmp_path / "reply.xlsx"
    p.write_bytes(
        xlsx_bytes(
            {
                "Beds": [["Year", "Beds"], ["2021/22", 48], ["2022/23", 52.5]],
                "Notes": [["Figures as at 31 March"]],
            }
        )
    )
    doc = load(p)
    assert doc.media_type.endswith("spreadsheetml.sheet")
    assert doc.pages == ["Year\tBeds\n2021/22\t48\n2022/23\t52.5", "Figures as at 31 March"]
    beds = doc.tables[0]
    assert (beds.name, beds.page) == ("Beds", 1)
    assert [c.ref for c in beds.header] == ["A1", "B1"]
    assert [[c.ref, c.text] for c in beds.rows[1]] == [["A3", "2022/23"], ["B3", "52.5"]]
    for t in doc.tables:
        for c in [*t.header, *(c for r in t.rows for c in r)]:
            assert grounded(doc, c.evidence) and c.evidence.text == c.text


def test_ods_reads_like_xlsx(tmp_path: Path) -> None:
    p = tmp_path / "reply.ods"
    p.write_bytes(ods_bytes(BEDS))
    doc = load(p)
    assert doc.pages[0] == "Year\tBeds\n2021/22\t48\n2022/23\t52\n2023/24\t57"
    assert doc.tables[0].rows[2][1].ref == "B4"


def test_csv_with_semicolons_and_bom(tmp_path: Path) -> None:
    p = tmp_path / "answers.csv"
    p.write_bytes('\ufeffQuestion;Answer\n1;Not held\n2;"12; rising"\n'.encode("utf-8"))
    doc = load(p)
    assert doc.pages[0] == "Question\tAnswer\n1\tNot held\n2\t12; rising"
    assert doc.tables[0].rows[1][1].ref == "B3"


def test_spreadsheet_in_an_email_answers_the_question(tmp_path: Path) -> None:
    """The acceptance bundle: a letter saying 'see attached' and the .xlsx that holds the answer."""
    p = tmp_path / "reply.eml"
    p.write_bytes(bundle_eml())
    r = extract(p)
    doc = load(p)
    q1 = next(q for q in r.questions if q.id == "1")
    sheet_spans = [s for s in q1.evidence if s.page == 2]
    assert [s.text for s in sheet_spans] == [
        "Year",
        "Beds",
        "2021/22",
        "48",
        "2022/23",
        "52",
        "2023/24",
        "57",
    ]
    assert "57" in (q1.answer or "")
    assert all(grounded(doc, s) for s in q1.evidence)
    q2 = next(q for q in r.questions if q.id == "2")
    assert all(s.page == 1 for s in q2.evidence)  # answered in the letter: no sheet evidence
    assert r.tables[0].source == "FOI-2024-0917 beds.xlsx" and r.tables[0].page == 2
    assert [s.name for s in r.source.sections] == ["message", "FOI-2024-0917 beds.xlsx"]


def test_row_labelled_with_the_question_id(tmp_path: Path) -> None:
    sheet = {"Responses": [["Question", "Response"], ["1", "48 beds in 2023/24"], ["2", "Yes"]]}
    letter = LETTER.replace("Yes, we use an external provider.", "See the attached spreadsheet.")
    p = tmp_path / "reply.eml"
    p.write_bytes(bundle_eml(letter, "answers.xlsx", xlsx_bytes(sheet)))
    r = extract(p)
    by_id = {q.id: [s.text for s in q.evidence if s.page == 2] for q in r.questions}
    assert by_id["1"] == ["48 beds in 2023/24"]
    assert by_id["2"] == ["Yes"]


def test_msg_with_a_spreadsheet_attachment(tmp_path: Path) -> None:
    p = write_msg(
        tmp_path / "reply.msg",
        subject="FOI-2024-0917 response",
        body=LETTER.replace("\n", "\r\n"),
        attachments=[("beds.xlsx", xlsx_bytes(BEDS)), ("../../etc/cron.d/evil.txt", b"not a path")],
    )
    doc = load(p)
    assert doc.media_type == "application/vnd.ms-outlook"
    assert doc.pages[0].startswith("From: foi@example.gov.uk\nTo: requester@example.org")
    assert "Subject: FOI-2024-0917 response" in doc.pages[0]
    assert [s.name for s in doc.sections] == ["message", "beds.xlsx", "evil.txt"]  # never a path
    r = extract(p)
    q1 = next(q for q in r.questions if q.id == "1")
    assert "57" in [s.text for s in q1.evidence if s.page == 2]


def test_msg_was_read_as_word_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write_msg(
        tmp_path / "reply.msg",
        subject="Re: FOI",
        body="1. Is the information held?\r\nNo, it is not held.\r\n",
    )
    assert main([str(p), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["source"]["media_type"] == "application/vnd.ms-outlook"


def test_tables_in_csv_output_and_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "reply.eml"
    p.write_bytes(bundle_eml())
    assert main([str(p), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert "2" in rows[0]["evidence_pages"].split()
    assert main(["schema"]) == 0
    assert "tables" in json.loads(capsys.readouterr().out)["properties"]


def test_xls_is_told_from_word_by_its_streams(tmp_path: Path) -> None:
    """Word, Excel and Outlook files are all OLE2: the streams inside say which (a damaged .xls is exit 12)."""
    import struct

    from fixtures.msgfile import compound_file
    from foi_extract.errors import CorruptDocument, TooLarge

    def biff(*cells: tuple[int, int]) -> bytes:
        out = struct.pack("<HH", 0x0809, 16) + bytes(16)  # BOF
        for row, col in cells:
            out += struct.pack("<HHHHHd", 0x0203, 14, row, col, 0, 1.0)  # NUMBER
        return out

    far = tmp_path / "far.xls"
    far.write_bytes(compound_file({"Workbook": biff((0, 0), (65535, 255)) + bytes(4096)}))
    with pytest.raises(TooLarge, match="16,777,216 cells"):
        load(far)
    from foi_extract.load import XLS, sniff

    misnamed = compound_file({"Workbook": biff((0, 0)) + bytes(4096)})
    assert (
        sniff(misnamed, "report.doc") == XLS
    )  # the Workbook stream makes it a spreadsheet, whatever its name
    with pytest.raises(CorruptDocument, match="OLE compound file"):
        sniff(misnamed[:600], "report.xls")


def test_xls_workbook(tmp_path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Beds")
    for r, row in enumerate(BEDS["Q1"]):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    p = tmp_path / "reply.xls"
    wb.save(str(p))
    doc = load(p)
    assert doc.media_type == "application/vnd.ms-excel"
    assert doc.pages[0] == "Year\tBeds\n2021/22\t48\n2022/23\t52\n2023/24\t57"
    assert doc.tables[0].rows[2][1].ref == "B4"


def test_folder_bundle_letter_and_sheet_side_by_side(tmp_path: Path) -> None:
    """A letter and its spreadsheet saved as two files give the same evidence as the email does."""
    import foi_extract

    letter = tmp_path / "letter.txt"
    letter.write_text(LETTER)
    sheet = tmp_path / "beds.xlsx"
    sheet.write_bytes(xlsx_bytes(BEDS))
    r = foi_extract.extract_bundle([letter, sheet])
    assert [(s.name, s.first_page) for s in r.source.sections] == [("message", 1), ("beds.xlsx", 2)]
    q1 = next(q for q in r.questions if q.id == "1")
    assert [s.text for s in q1.evidence if s.page == 2][-1] == "57"
    assert r.tables[0].source == "beds.xlsx" and r.tables[0].rows[0][0].evidence.page == 2
