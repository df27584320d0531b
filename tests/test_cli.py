"""The CLI as people run it: the seed letter, its PDF rendering, bad files in a batch, formats."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from conftest import corpus_path

from foi_extract.cli import main
from foi_extract.load import load

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.bad_inputs import make_bad_inputs  # noqa: E402
from fixtures.render import render_pdf  # noqa: E402

SEED = "seed/coventry_foi445227294.txt"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def all_spans(result: dict) -> list[dict]:
    spans = list(result["letter"]["evidence"].values())
    for q in result["questions"]:
        spans += q["evidence"]
        for e in q["exemptions"] + q["references"]:
            spans += e["evidence"]
    for e in result["exemptions"] + result["references"]:
        spans += e["evidence"]
    return spans


def check_seed(result: dict, path: Path) -> None:
    assert result["letter"]["authority"] == "Coventry City Council"
    assert result["letter"]["reference"] == "FOI445227294"
    assert result["letter"]["date"] == "2022-09-23"
    statuses = {q["id"]: q["status"] for q in result["questions"]}
    assert list(statuses) == [str(i) for i in range(1, 9)]
    for qid in ("1", "2", "5", "6", "8"):
        assert statuses[qid] == "answered", qid
    for qid in ("3", "4", "7"):
        assert statuses[qid] == "published_elsewhere", qid
        q = next(q for q in result["questions"] if q["id"] == qid)
        assert [(e["law"], e["section"]) for e in q["exemptions"]] == [("FOIA", "21")], qid
    for qid in ("1", "2", "5", "6", "8"):
        q = next(q for q in result["questions"] if q["id"] == qid)
        assert q["exemptions"] == [], qid
    assert {(e["law"], e["section"]) for e in result["exemptions"]} == {("FOIA", "21")}
    refs = {(r["kind"], r["value"]) for r in result["references"]}
    assert ("contracts_register", "COV CG/002/Adult") in refs
    assert ("contracts_register", "COV - 10304") in refs
    assert ("url", "https://www.coventry.gov.uk/contractsregister") in refs
    q3 = next(q for q in result["questions"] if q["id"] == "3")
    assert {r["value"] for r in q3["references"]} >= {
        "COV CG/002/Adult",
        "COV - 10304",
        "https://www.coventry.gov.uk/contractsregister",
    }
    pages = load(path).pages
    spans = all_spans(result)
    assert spans, "every value needs evidence"
    for s in spans:
        assert pages[s["page"] - 1][s["start"] : s["end"]] == s["text"]


def test_seed_letter_json(capsys: pytest.CaptureFixture[str]) -> None:
    seed = corpus_path(SEED)
    code, out, _ = run([str(seed), "--format", "json"], capsys)
    assert code == 0
    check_seed(json.loads(out), seed)


def test_seed_letter_rendered_to_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same letter as a multi-page PDF with a repeated letterhead and page footers."""
    seed = corpus_path(SEED)
    pdf = render_pdf(
        seed.read_text(encoding="utf-8"),
        tmp_path / "seed.pdf",
        letterhead="Coventry City Council - Information Governance",
        footer="FOI445227294",
    )
    assert len(load(pdf).pages) > 1
    code, out, _ = run([str(pdf), "--format", "json"], capsys)
    assert code == 0
    check_seed(json.loads(out), pdf)


@pytest.mark.parametrize(
    "name, exit_code, cause",
    [
        ("not_a_pdf.pdf", 12, "not a PDF"),
        ("truncated.pdf", 12, "truncated"),
        ("encrypted.pdf", 13, "password"),
        ("empty.pdf", 14, "empty"),
        ("image_only.pdf", 15, "OCR"),
    ],
)
def test_bad_file_alone_gives_one_line_and_its_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, exit_code: int, cause: str
) -> None:
    files = make_bad_inputs(tmp_path)
    code, out, err = run([str(files[name])], capsys)
    assert code == exit_code
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert str(files[name]) in lines[0] and cause.lower() in lines[0].lower()


def test_bad_files_do_not_cost_the_good_one_its_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = make_bad_inputs(tmp_path)
    bad = [
        files[n]
        for n in ("not_a_pdf.pdf", "truncated.pdf", "encrypted.pdf", "empty.pdf", "image_only.pdf")
    ]
    out_file = tmp_path / "out.jsonl"
    code, _, err = run(
        [str(p) for p in bad] + [str(files["good.txt"]), "-f", "jsonl", "-o", str(out_file)], capsys
    )
    assert code == 12, "the first failure's exit code"
    assert len(err.strip().splitlines()) == 5
    rows = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [r["source"]["path"] for r in rows] == [str(files["good.txt"])]
    assert rows[0]["questions"][0]["answer"].startswith("The council runs 9 libraries")


def test_missing_file_and_unknown_engine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run([str(tmp_path / "nope.pdf")], capsys)
    assert code == 10 and "no such file" in err
    good = make_bad_inputs(tmp_path)["good.txt"]
    code, _, err = run([str(good), "--engine", "magic"], capsys)
    assert code == 2 and "unknown engine" in err


def test_csv_has_one_row_per_question(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = corpus_path(SEED)
    code, out, _ = run([str(seed), "-f", "csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["question_id"] for r in rows] == [str(i) for i in range(1, 9)]
    assert rows[2]["exemptions"] == "FOIA s.21" and rows[2]["status"] == "published_elsewhere"
    assert rows[0]["authority"] == "Coventry City Council"


def test_table_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(corpus_path(SEED)), "-f", "table"], capsys)
    assert code == 0
    assert "exemptions applied: FOIA s.21" in out
    assert "published_elsewhere" in out


def test_text_command_prints_the_pages_offsets_refer_to(capsys: pytest.CaptureFixture[str]) -> None:
    seed = corpus_path(SEED)
    code, out, _ = run(["text", str(seed), "--format", "json"], capsys)
    assert code == 0
    pages = json.loads(out)["pages"]
    code, out, _ = run([str(seed)], capsys)
    for span in all_spans(json.loads(out)):
        assert pages[span["page"] - 1][span["start"] : span["end"]] == span["text"]


def test_schema_is_generated_from_the_models(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schema"], capsys)
    schema = json.loads(out)
    assert code == 0
    assert {
        "schema_version",
        "source",
        "letter",
        "questions",
        "exemptions",
        "references",
        "engine",
        "warnings",
    } <= set(schema["properties"])
    status = schema["$defs"]["Status"]["enum"]
    assert "published_elsewhere" in status and "ncnd" in status


def test_question_set_gives_canonical_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = tmp_path / "reply.txt"
    letter.write_text(
        "Eastfield Council\nOur ref: FOI-77\n\nDear Sir\n\nThank you for your request.\n\n"
        "Please find attached the data for your first two questions. Information about agency staff "
        "spending is not held by the council.\n\nYours sincerely\nFOI Team\n",
        encoding="utf-8",
    )
    qset = tmp_path / "q.yaml"
    qset.write_text(
        'questions:\n  - {id: "A", text: "How many permanent social workers did you employ?"}\n'
        '  - {id: "B", text: "How many vacancies were open?"}\n'
        '  - {id: "C", text: "How much did you spend on agency staff?"}\n',
        encoding="utf-8",
    )
    code, out, _ = run([str(letter), "--questions", str(qset)], capsys)
    assert code == 0
    statuses = {q["id"]: q["status"] for q in json.loads(out)["questions"]}
    assert statuses == {"A": "answered", "B": "answered", "C": "not_held"}


def test_eval_on_the_gold_set_meets_the_acceptance_thresholds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus_path("corpus/MANIFEST.tsv")
    report = tmp_path / "report.json"
    code, out, err = run(
        ["eval", str(ROOT / "fixtures" / "gold"), "--json", str(report), "--check"], capsys
    )
    assert code == 0, err + out
    data = json.loads(report.read_text())
    assert data["documents"] >= 30 and not data["failed"]
    assert data["trap_hit_count"] == 0
    assert data["grounding"]["rate"] == 1.0
