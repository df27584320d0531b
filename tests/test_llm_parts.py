"""Prompts, configuration, chunking, findings and value grounding of the LLM engine (offline)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from foi_extract.errors import ConfigError
from foi_extract.llm.chunking import Unit, halve, make_chunks, tokens
from foi_extract.llm.config import load_config
from foi_extract.llm.findings import chunk_model
from foi_extract.llm.prompts import load_prompts, preflight, prompts_dir
from foi_extract.llm.values import ground_value

# ------------------------------------------------------------------ prompts


def test_shipped_few_shot_examples_are_grounded() -> None:
    assert preflight(load_prompts()) == []


def test_preflight_catches_an_example_quote_that_is_not_in_its_text(tmp_path: Path) -> None:
    copy = tmp_path / "prompts"
    shutil.copytree(prompts_dir(), copy)
    example = next((copy / "examples").glob("*.yaml"))
    example.write_text(
        example.read_text().replace("answer_quote: ", "answer_quote: Invented words. ", 1)
    )
    problems = preflight(load_prompts(str(copy)))
    assert problems and "not in the example text" in problems[0]


def test_prompt_version_changes_with_any_prompt_file(tmp_path: Path) -> None:
    copy = tmp_path / "prompts"
    shutil.copytree(prompts_dir(), copy)
    before = load_prompts(str(copy)).version
    (copy / "system.md").write_text((copy / "system.md").read_text() + "\nBe brief.")
    load_prompts.cache_clear()
    assert load_prompts(str(copy)).version != before


# ------------------------------------------------------------------ configuration


def test_flags_beat_environment_beat_config_file(tmp_path: Path) -> None:
    cfg_file = tmp_path / "config.toml"
    cfg_file.write_text(
        '[llm]\nmodel = "from-file"\nbase_url = "http://file/v1"\ncontext_tokens = 4096\napi_key_env = "MY_KEY"\n'
    )
    env = {
        "FOI_EXTRACT_CONFIG": str(cfg_file),
        "FOI_EXTRACT_MODEL": "from-env",
        "MY_KEY": "k-from-env",
    }
    cfg = load_config({"model": "from-flag"}, env=env)
    assert (cfg.model, cfg.base_url, cfg.context_tokens, cfg.api_key) == (
        "from-flag",
        "http://file/v1",
        4096,
        "k-from-env",
    )
    assert load_config({}, env=env).model == "from-env"
    assert load_config({}, env={"FOI_EXTRACT_CONFIG": str(cfg_file)}).model == "from-file"


def test_config_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "c.toml"
    bad.write_text("[llm]\nmodle = 'x'\n")
    with pytest.raises(ConfigError, match="unknown .llm. setting"):
        load_config({}, env={"FOI_EXTRACT_CONFIG": str(bad)})
    bad.write_text("llm = 'gpt-4o'\n")  # a key where the [llm] table belongs
    with pytest.raises(ConfigError, match=r"c\.toml: llm must be a table"):
        load_config({}, env={"FOI_EXTRACT_CONFIG": str(bad)})
    with pytest.raises(ConfigError, match="unknown LLM mode"):
        load_config({"mode": "xml"}, env={})
    assert not load_config({}, env={}).configured


# ------------------------------------------------------------------ chunking


def test_chunks_never_split_an_answer_that_fits() -> None:
    units = [Unit([str(i)], f"{i}. Question {i}?\n" + "Answer words. " * 40) for i in range(1, 7)]
    budget = tokens(units[0].text) * 2 + 5
    chunks = make_chunks(units, budget)
    assert [c.ids for c in chunks] == [["1", "2"], ["3", "4"], ["5", "6"]]
    for unit in units:
        assert sum(unit.text.strip() in c.text for c in chunks) == 1


def test_an_answer_longer_than_the_budget_is_cut_at_paragraphs_and_keeps_its_id() -> None:
    long = Unit(["7"], "\n\n".join(f"Paragraph {i}. " + "word " * 60 for i in range(8)))
    chunks = make_chunks([long], 150)
    assert len(chunks) > 1 and all(c.ids == ["7"] for c in chunks)
    assert all(c.text.startswith("Paragraph") for c in chunks)


def test_max_questions_and_halving() -> None:
    units = [Unit([str(i)], f"answer {i}") for i in range(1, 6)]
    assert [c.ids for c in make_chunks(units, 10_000, max_questions=2)] == [
        ["1", "2"],
        ["3", "4"],
        ["5"],
    ]
    big = make_chunks(units, 10_000)[0]
    assert [c.ids for c in halve(big)] == [["1", "2"], ["3", "4", "5"]]


# ------------------------------------------------------------------ findings and values


def test_findings_schema_requires_every_question_and_a_known_status() -> None:
    model = chunk_model([("1", None), ("2a", None)])
    ok = {"q_1": {"status": "answered"}, "q_2a": {"status": "not_held"}}
    assert model.model_validate(ok).q_2a.status == "not_held"
    with pytest.raises(ValidationError):
        model.model_validate({"q_1": {"status": "answered"}})
    with pytest.raises(ValidationError):
        model.model_validate({"q_1": {"status": "sort of"}, "q_2a": {"status": "answered"}})


def test_value_parts_not_in_the_quote_become_null() -> None:
    value = [
        {"system": "CareDirector", "hours": 2.0, "delivery": "e-learning"},
        {"system": "Mosaic", "hours": 7.0, "delivery": "in person"},
    ]
    quote = "CareDirector: E-learning before user account granted is approximately two hours."
    grounded, dropped = ground_value(value, quote)
    assert grounded == [{"system": "CareDirector", "hours": 2.0, "delivery": "e-learning"}]
    assert "value[1].system" in dropped and "value[1].hours" in dropped


def test_money_without_support_is_dropped_whole() -> None:
    grounded, dropped = ground_value(
        {"amount": 5.0, "currency": "GBP", "period": "per year"}, "Please refer to Question 3."
    )
    assert grounded is None and set(dropped) == {"value.amount", "value.currency", "value.period"}
    kept, _ = ground_value(
        {"amount": 1200.5, "currency": "GBP", "period": None}, "The annual cost is £1,200.50."
    )
    assert kept == {"amount": 1200.5, "currency": "GBP", "period": None}


def test_dates_need_their_year_and_day_or_month_in_the_quote() -> None:
    assert ground_value(date(2025, 3, 31), "The contract expires on 31 March 2025.")[0] == date(
        2025, 3, 31
    )
    assert ground_value(date(2026, 3, 31), "The contract expires on 31 March 2025.")[0] is None


def test_auto_engine_is_rules_until_an_llm_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    from foi_extract.pipeline import resolve_engine

    assert resolve_engine("auto") == "rules"
    monkeypatch.setenv("FOI_EXTRACT_MODEL", "llama3.1:8b")
    assert resolve_engine("auto") == "rules", "a model without an endpoint or key is not enough"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:11434/v1")
    assert resolve_engine("auto") == "llm"
    assert resolve_engine("rules") == "rules"
