"""Start-up cost a user notices: a one-letter rules run imports only what it uses.

Why: most of a one-letter run is start-up (bench/bench_startup.py times it). Each module a
rules run does not need (the LLM client stack, the progress bar, SQLite, email and archive
parsers) adds to every single-file command, so the run is checked in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.render import render_pdf  # noqa: E402

# Modules a rules run over one PDF must not import (the LLM stack, the batch run's extras). The
# `email` and `zipfile` packages themselves are imported by pydantic (importlib.metadata); their
# parsers are not.
NOT_FOR_A_RULES_RUN = (
    "openai",
    "instructor",
    "httpx",
    "tenacity",
    "rich",
    "sqlite3",
    "sqlite_utils",
    "yaml",
    "email.policy",
    "email.parser",
    "difflib",
    "docx",
    "foi_extract.llm.engine",
    "foi_extract.redact",
)

_PROBE = """
import json, sys
from foi_extract.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_after(argv: list[str]) -> tuple[int, set[str]]:
    """Run the CLI in a fresh interpreter with no LLM configured; its exit code and sys.modules."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


def test_a_one_letter_rules_run_imports_no_llm_stack(tmp_path: Path) -> None:
    text = (ROOT / "fixtures" / "synthetic" / "c_westbrook_three_page.txt").read_text("utf-8")
    letter = render_pdf(text.split("\f")[0], tmp_path / "letter.pdf")
    out = tmp_path / "out.json"
    code, modules = _modules_after([str(letter), "--engine", "rules", "-o", str(out)])
    assert code == 0
    assert json.loads(out.read_text("utf-8"))["questions"], "the run extracted nothing"
    loaded = {m for m in NOT_FOR_A_RULES_RUN if m in modules}
    assert not loaded, f"a one-letter rules run imported {sorted(loaded)}"


def test_importing_the_cli_does_not_build_the_output_models() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, foi_extract.cli; print(sorted(m for m in sys.modules if m.startswith('pydantic')))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", "importing foi_extract.cli imported pydantic"
