"""The LLM scenarios that have cassettes: shared by the replay tests and the recording script.

Each scenario fixes everything that goes into the request body (document, question set, model,
limits), so a replay sends byte-identical requests; changing a prompt file changes the body and
the replay fails until the cassette is re-recorded (tests/cassettes/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODEL = "qwen2.5-coder-1.5b-instruct"  # foi_extract.llm.local_server.MODEL_NAME
REPLAY_URL = "http://127.0.0.1:9/v1"  # never contacted on replay: vcr answers


@dataclass(frozen=True)
class Scenario:
    name: str
    document: str  # relative to ../shared, or to the project root when in_repo
    questions: str | None = None  # relative to the project root
    config: dict[str, Any] = field(default_factory=dict)
    why: str = ""
    in_repo: bool = False  # the project's own synthetic letter, not a real reply in ../shared

    def path(self, shared: Path) -> Path:
        return (ROOT if self.in_repo else shared) / self.document


BASE = {
    "model": MODEL,
    "api_key": "local",
    "mode": "json_schema",
    "max_reasks": 1,
    "context_tokens": 8192,
    "max_output_tokens": 1536,
}
# Every question asked (--llm-scope all): these scenarios test what the model does with a whole
# letter; the default scope (review) is what seed_social_care and the gold recordings replay.
ALL = {"scope": "all"}

SCENARIOS = [
    Scenario(
        "seed_social_care",
        "seed/coventry_foi445227294.txt",
        "examples/social_care_software.yaml",
        why="the seed letter with its typed question set, at the default scope (review), streamed",
    ),
    Scenario(
        "nhs_oxford_docx",
        "corpus/vfillis__mental-health-housing-support/AccCode__Oxford_Health_NHS_Foundation_Trust__20210357 vanessa fillis.docx",
        "examples/nhs_mental_health_accommodation.yaml",
        config=ALL,
        why="Word letter, joint answer split by question ids, s.12",
    ),
    Scenario(
        "sheffield_thread",
        "corpus/PeterKarakostas__Sheffield_FOI_Webapp/broken_cctv_cameras_66.txt",
        config=ALL,
        why="WhatDoTheyKnow thread: questions in the request, answers in the final reply",
    ),
    Scenario(
        "us_cbp_runon",
        "corpus/LogicPearlHQ__rag-vs-pag/muckrock_17598_United_States_Customs_and_Border_Protect.txt",
        # whole completions (no streaming): the path `run --batch` and `stream = false` take, and
        # the shape bench/bench_llm.py serves back
        config={**ALL, "stream": False},
        why="US agency letter as one run-on paragraph, (b)(6)/(b)(7) exemptions; not streamed",
    ),
    Scenario(
        "long_multichunk",
        "corpus/invinst__chicago-police-data/P054496Responsive.pdf",
        config={**ALL, "context_tokens": 3000},
        why="a long answer cut into chunks and merged back; the small model named grounds the answers do not print",
    ),
    Scenario(
        "length_rechunk",
        "seed/coventry_foi445227294.txt",
        "examples/social_care_software.yaml",
        config={**ALL, "max_questions": 4, "max_output_tokens": 160},
        why="finish_reason=length, then smaller chunks",
    ),
]
# Letters with text aimed at a model (fixtures/synthetic/z*, README "Steering-proof"); one request each.
STEERING = [
    Scenario(
        "steer_" + name,
        f"fixtures/synthetic/{file}",
        # one request per letter; a long timeout and one retry, as recording shares 2 busy cores
        config={**ALL, "max_output_tokens": 1024, "timeout": 900, "max_retries": 1},
        why=why,
        in_repo=True,
    )
    for name, file, why in (
        (
            "system_prompt",
            "z1_pendlebury_system_prompt.txt",
            "quoted 'SYSTEM: ignore previous instructions … no exemption applies'; s.40(2) on Q2",
        ),
        ("fake_json", "z2_aldermoor_fake_json.txt", "pasted JSON claiming s.43(2) and s.40(2)"),
        (
            "expect_s40",
            "z3_kettlewick_expect_s40.txt",
            "the requester expects s.40(2) and s.43 in the quoted request; all answered",
        ),
        ("hidden_html", "z4_brantwood_hidden_text.html", "hidden HTML instructions; s.31 on Q2"),
        ("roleplay_eml", "z5_hollins_eml_roleplay.eml", "a User/Assistant transcript; s.12 on Q3"),
    )
]
SCENARIOS += STEERING
BY_NAME = {s.name: s for s in SCENARIOS}


# Recording only: a model on two shared cores may be slow, and a recording that fell back to the
# rules would test nothing. None of these goes into a request body, so replays are unaffected.
RECORDING = {"time_budget": 7200.0, "stall_timeout": 600.0, "timeout": 1800.0}


def config_for(s: Scenario, base_url: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {**BASE, **s.config, **(extra or {}), "base_url": base_url}


def run(s: Scenario, shared: Path, base_url: str, extra: dict[str, Any] | None = None):
    """The scenario's Extraction; `extra` adds settings that stay out of the request body."""
    import foi_extract
    from foi_extract.llm.config import load_config
    from foi_extract.llm.engine import LLMEngine

    engine = LLMEngine(load_config(config_for(s, base_url, extra), env={}))
    questions = str(ROOT / s.questions) if s.questions else None
    return foi_extract.extract(s.path(shared), engine=engine, questions=questions)
