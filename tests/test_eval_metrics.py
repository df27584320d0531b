"""The evaluation harness: the figures users read (and `eval --check` gates on) are computed right."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from foi_extract.document import Document
from foi_extract.errors import CorruptDocument
from foi_extract.evaluate import EvalReport, format_report, run_eval, thresholds_met
from foi_extract.evaluate.gold import GoldDocument, GoldError, load_gold_dir, resolve_document
from foi_extract.evaluate.metrics import norm_url
from foi_extract.evaluate.runner import score_cases
from foi_extract.models import (
    EngineInfo,
    Exemption,
    Extraction,
    Letter,
    Question,
    Reference,
    Source,
    Span,
)

PAGE = "Dear Sir, information is withheld under section 40(2). See https://x.gov.uk/a."


def make_doc(pages: list[str] | None = None) -> Document:
    return Document(path="doc.txt", media_type="text/plain", sha256="x", pages=pages or [PAGE])


def make_ex(
    questions: list[Question] | None = None,
    exemptions: list[tuple[str, str]] | None = None,
    references: list[Reference] | None = None,
    letter: Letter | None = None,
) -> Extraction:
    return Extraction(
        source=Source(path="doc.txt", sha256="x", media_type="text/plain", pages=1),
        letter=letter or Letter(),
        questions=questions or [],
        exemptions=[Exemption(law=law, section=sec) for law, sec in exemptions or []],
        references=references or [],
        engine=EngineInfo(name="fake", version="0"),
    )


def make_gold(**kw: Any) -> GoldDocument:
    data: dict[str, Any] = {"document": "doc.txt", "questions": [{"id": "1", "status": "answered"}]}
    data.update(kw)
    return GoldDocument.model_validate(data)


def q(qid: str, status: str, exemptions: list[tuple[str, str]] | None = None) -> Question:
    return Question(
        id=qid,
        status=status,
        exemptions=[Exemption(law=law, section=s) for law, s in exemptions or []],
    )


def score(gold: GoldDocument, ex: Extraction | None, doc: Document | None = None) -> EvalReport:
    return score_cases([(gold, ex, doc or make_doc())], engine="fake")


# --- exemptions -------------------------------------------------------------------------------


def test_f1_arithmetic_two_tp_one_fp_one_fn() -> None:
    gold = make_gold(exemptions=[{"law": "FOIA", "section": s} for s in ("21", "40", "43")])
    ex = make_ex(
        questions=[q("1", "answered")], exemptions=[("FOIA", "21"), ("FOIA", "40"), ("FOIA", "12")]
    )
    m = score(gold, ex).exemptions
    assert (m.tp, m.fp, m.fn) == (2, 1, 1)
    assert m.precision == pytest.approx(2 / 3)
    assert m.recall == pytest.approx(2 / 3)
    assert m.f1 == pytest.approx(2 / 3)


def test_exemptions_are_micro_averaged_over_documents() -> None:
    g1 = make_gold(document="a", exemptions=[{"law": "FOIA", "section": "40"}])
    g2 = make_gold(
        document="b",
        exemptions=[{"law": "FOIA", "section": "21"}, {"law": "FOIA", "section": "43"}],
    )
    e1 = make_ex(questions=[q("1", "answered")], exemptions=[("FOIA", "40")])
    e2 = make_ex(questions=[q("1", "answered")], exemptions=[("FOIA", "21")])
    report = score_cases([(g1, e1, make_doc()), (g2, e2, make_doc())])
    assert (report.exemptions.tp, report.exemptions.fp, report.exemptions.fn) == (2, 0, 1)
    assert report.exemptions.recall == pytest.approx(2 / 3)  # not the mean of 1.0 and 0.5
    assert [(r.exemption_tp, r.exemption_fn) for r in report.rows] == [(1, 0), (1, 1)]


def test_trap_predicted_as_applied_is_a_trap_hit_and_lowers_precision() -> None:
    gold = make_gold(
        exemptions=[{"law": "FOIA", "section": "40"}],
        mentioned_not_applied=[{"law": "FOIA", "section": "1"}, {"law": "FOIA", "section": "17"}],
    )
    clean = score(gold, make_ex(questions=[q("1", "answered")], exemptions=[("FOIA", "40")]))
    trapped = score(
        gold, make_ex(questions=[q("1", "answered")], exemptions=[("FOIA", "40"), ("FOIA", "1")])
    )
    assert clean.trap_hit_count == 0 and clean.exemptions.precision == 1.0
    assert trapped.trap_hit_count == 1
    assert trapped.trap_hits == ["doc.txt:FOIA:1"]
    assert trapped.exemptions.precision == pytest.approx(0.5)
    assert trapped.exemptions.f1 == pytest.approx(2 / 3)  # harmonic mean of 0.5 and 1.0
    assert any("trap" in line for line in thresholds_met(trapped))
    assert "doc.txt:FOIA:1" in format_report(trapped)


def test_per_question_exemptions_need_the_right_question() -> None:
    gold = make_gold(
        questions=[
            {"id": "1", "status": "answered"},
            {"id": "2", "status": "withheld", "exemptions": [{"law": "FOIA", "section": "43"}]},
        ]
    )
    ex = make_ex(questions=[q("1", "withheld", [("FOIA", "43")]), q("2", "withheld")])
    report = score(gold, ex)
    assert report.exemptions.f1 == 1.0  # the document-level set is right
    assert (
        report.question_exemptions.tp,
        report.question_exemptions.fp,
        report.question_exemptions.fn,
    ) == (0, 1, 1)


# --- statuses and question counts ---------------------------------------------------------------


def test_missing_question_counts_as_wrong_status() -> None:
    gold = make_gold(
        questions=[{"id": "1", "status": "answered"}, {"id": "2", "status": "not_held"}]
    )
    report = score(gold, make_ex(questions=[q("1", "answered")]))
    assert (report.status.correct, report.status.total) == (1, 2)
    assert report.status_confusion["not_held"] == {"<missing>": 1}
    assert report.status_confusion["answered"] == {"answered": 1}
    assert report.question_count.rate == 0.0
    assert report.rows[0].status_errors == ["q2: not_held -> <missing>"]


def test_status_matches_question_ids_not_positions() -> None:
    gold = make_gold(questions=[{"id": 1, "status": "answered"}, {"id": "2a", "status": "refused"}])
    ex = make_ex(questions=[q("2a", "refused"), q("1.", "answered")])
    report = score(gold, ex)
    assert report.status.rate == 1.0
    assert report.question_count.rate == 1.0


# --- urls and references -----------------------------------------------------------------------


def test_url_normalisation() -> None:
    assert norm_url("http://www.x.gov.uk/a/") == norm_url("https://x.gov.uk/a")
    assert norm_url("https://X.GOV.UK/a).") == "x.gov.uk/a"
    assert norm_url("https://x.gov.uk/a") != norm_url("https://x.gov.uk/b")


def test_url_recall_and_precision() -> None:
    gold = make_gold(urls=["http://www.x.gov.uk/a/", "https://x.gov.uk/missing"])
    refs = [
        Reference(kind="url", value="https://x.gov.uk/a"),
        Reference(kind="url", value="https://y.org/z"),
    ]
    m = score(gold, make_ex(questions=[q("1", "answered")], references=refs)).urls
    assert (m.tp, m.fp, m.fn) == (1, 1, 1)
    assert m.recall == pytest.approx(0.5) and m.precision == pytest.approx(0.5)


def test_reference_recall_ignores_case_and_spacing() -> None:
    gold = make_gold(
        references=[
            {"kind": "contracts_register", "value": "COV CG/002/Adult"},
            {"kind": "document", "value": "Annex B"},
        ]
    )
    refs = [Reference(kind="contracts_register", value="cov  cg/002/adult")]
    report = score(gold, make_ex(questions=[q("1", "answered")], references=refs))
    assert (report.references.correct, report.references.total) == (1, 2)
    assert report.rows[0].references_missed == ["Annex B"]


# --- letter fields -----------------------------------------------------------------------------


def test_letter_fields() -> None:
    gold = make_gold(
        letter={
            "authority": "Coventry City Council",
            "reference": "FOI 445/227",
            "date": "2022-09-23",
        }
    )
    good = Letter(authority="The Coventry City Council.", reference="foi445227", date="2022-09-23")
    bad = Letter(authority="Warwickshire County Council", reference="FOI445228", date="2022-09-24")
    r_good = score(gold, make_ex(questions=[q("1", "answered")], letter=good))
    r_bad = score(gold, make_ex(questions=[q("1", "answered")], letter=bad))
    assert all(a.rate == 1.0 for a in r_good.letter.values())
    assert all(a.rate == 0.0 for a in r_bad.letter.values())
    assert len(r_bad.rows[0].letter_errors) == 3
    short = score(
        gold, make_ex(questions=[q("1", "answered")], letter=Letter(authority="Coventry"))
    )
    assert short.letter["authority"].rate == 1.0  # one name contains the other


def test_gold_date_read_by_yaml_as_a_date_compares_as_iso() -> None:
    import datetime as dt

    gold = make_gold(letter={"date": dt.date(2022, 9, 23)})
    assert gold.letter.date == "2022-09-23"
    with pytest.raises(ValueError):
        make_gold(letter={"date": "23/09/2022"})


# --- grounding ---------------------------------------------------------------------------------


def test_span_whose_text_differs_from_page_lowers_grounding() -> None:
    doc = make_doc()
    good = doc.span(1, 0, 8)
    bad = Span(page=1, start=0, end=8, text="Dear Sue")
    exemption = Exemption(law="FOIA", section="40", evidence=[good])
    ex_ok = make_ex(questions=[q("1", "answered")], letter=Letter(evidence={"authority": good}))
    ex_ok.exemptions = [exemption]
    ex_bad = ex_ok.model_copy(deep=True)
    ex_bad.questions[0].evidence = [bad]
    assert score(make_gold(), ex_ok, doc).grounding.rate == 1.0
    g = score(make_gold(), ex_bad, doc).grounding
    assert (g.spans, g.grounded) == (3, 2)
    assert g.rate < 1.0
    assert any("grounding" in line for line in thresholds_met(score(make_gold(), ex_bad, doc)))


# --- failures and the runner -------------------------------------------------------------------


def test_failed_extraction_counts_as_all_wrong() -> None:
    gold = make_gold(
        exemptions=[{"law": "FOIA", "section": "40"}], letter={"authority": "X Council"}
    )
    report = score_cases([(gold, None, None)], errors=["corrupt: doc.txt: bad"])
    assert report.failed[0].error == "corrupt: doc.txt: bad"
    assert report.exemptions.fn == 1 and report.exemptions.recall == 0.0
    assert report.status.rate == 0.0 and report.status_confusion["answered"] == {"<failed>": 1}
    assert report.question_count.rate == 0.0
    assert report.letter["authority"].rate == 0.0
    assert report.letter["reference"].rate == 0.0  # even though gold has none to find


def _write_case(root: Path, name: str, text: str, status: str) -> None:
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / f"{name}.txt").write_text(text, encoding="utf-8")
    (root / "fixtures" / "gold").mkdir(parents=True, exist_ok=True)
    (root / "fixtures" / "gold" / f"{name}.yaml").write_text(
        f"document: docs/{name}.txt\nrole: response-letter\n"
        f"letter: {{authority: Test Council, reference: null, date: 2024-01-02, legislation: [FOIA]}}\n"
        f"questions:\n  - id: 1\n    status: {status}\n    exemptions: [{{law: FOIA, section: 40}}]\n"
        f"exemptions: [{{law: FOIA, section: 40, subsection: '(2)'}}]\n"
        f"mentioned_not_applied: [{{law: FOIA, section: 1}}]\n",
        encoding="utf-8",
    )


def test_run_eval_with_fake_extractor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_case(
        tmp_path, "good", "Test Council\nInformation withheld under section 40(2).\n", "withheld"
    )
    _write_case(tmp_path, "broken", "Unreadable\n", "answered")
    (tmp_path / "fixtures" / "gold" / "README.md").write_text("# not a gold file\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # documents must resolve via the gold file's ancestors
    calls: list[tuple[str, str]] = []

    def fake_extract(path: str, *, engine: str) -> Extraction:
        calls.append((Path(path).name, engine))
        if "broken" in path:
            raise CorruptDocument(path, "cannot parse")
        text = Path(path).read_text(encoding="utf-8")
        start = text.index("section 40")
        span = Span(page=1, start=start, end=start + 10, text="section 40")
        ex = make_ex(
            questions=[q("1", "withheld", [("FOIA", "40")])],
            exemptions=[("FOIA", "40")],
            letter=Letter(authority="Test Council", date="2024-01-02"),
        )
        ex.exemptions[0].evidence = [span]
        return ex

    out = tmp_path / "out" / "eval.json"
    report = run_eval(
        tmp_path / "fixtures" / "gold", engine="fake-engine", extract_fn=fake_extract, json_path=out
    )

    assert sorted(calls) == [("broken.txt", "fake-engine"), ("good.txt", "fake-engine")]
    assert report.documents == 2
    assert [f.document for f in report.failed] == ["docs/broken.txt"]
    assert "cannot parse" in report.failed[0].error
    good = next(r for r in report.rows if r.document == "docs/good.txt")
    assert (good.exemption_tp, good.exemption_fp, good.exemption_fn) == (1, 0, 0)
    assert good.status_correct == 1 and good.spans == good.spans_grounded == 1
    assert (report.status.correct, report.status.total) == (1, 2)
    assert report.exemptions.recall == pytest.approx(0.5)
    assert report.letter["authority"].correct == 1 and report.letter["date"].correct == 1
    assert EvalReport.model_validate(json.loads(out.read_text())) == report
    text = format_report(report)
    assert "docs/broken.txt" in text and "failed" in text
    assert any("exemption F1" in line for line in thresholds_met(report))


def test_thresholds_pass_on_a_perfect_run() -> None:
    gold = make_gold(exemptions=[{"law": "FOIA", "section": "40"}])
    report = score(gold, make_ex(questions=[q("1", "answered")], exemptions=[("FOIA", "40")]))
    assert thresholds_met(report) == []
    assert thresholds_met(score_cases([])) == ["no gold documents were evaluated"]


# --- gold files --------------------------------------------------------------------------------


def test_gold_typo_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("document: x.pdf\nquestions: []\nexemption: []\n")
    with pytest.raises(GoldError, match="a.yaml"):
        load_gold_dir(tmp_path)
    (tmp_path / "a.yaml").write_text("document: x.pdf\nquestions:\n  - {id: 1, status: anwsered}\n")
    with pytest.raises(GoldError, match="a.yaml"):
        load_gold_dir(tmp_path)


def test_load_gold_dir_sorted_and_ignores_readme(tmp_path: Path) -> None:
    for name in ("b.yml", "a.yaml"):
        (tmp_path / name).write_text(f"document: {name}.pdf\n")
    (tmp_path / "README.md").write_text("# gold\n")
    assert [p.name for p, _ in load_gold_dir(tmp_path)] == ["a.yaml", "b.yml"]


def test_resolve_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gold_dir = tmp_path / "proj" / "fixtures" / "gold"
    gold_dir.mkdir(parents=True)
    corpus = tmp_path / "shared" / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "d.pdf").write_bytes(b"%PDF-")
    gold_file = gold_dir / "d.yaml"
    monkeypatch.chdir(tmp_path / "proj")
    assert (
        resolve_document(gold_file, "../shared/corpus/d.pdf").resolve()
        == (corpus / "d.pdf").resolve()
    )
    monkeypatch.chdir(gold_dir)  # from fixtures/gold, found via the ancestors instead
    assert (
        resolve_document(gold_file, "../shared/corpus/d.pdf").resolve()
        == (corpus / "d.pdf").resolve()
    )
    assert resolve_document(gold_file, str(corpus / "d.pdf")) == corpus / "d.pdf"
    with pytest.raises(FileNotFoundError) as err:
        resolve_document(gold_file, "../shared/corpus/nope.pdf")
    assert "d.yaml" in str(err.value) and "nope.pdf" in str(err.value)
