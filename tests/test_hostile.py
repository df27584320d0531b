"""Hostile inputs (fixtures/hostile.py builds each one): a documented error or a clean load, in bounded
time and memory, and never the loss of the rest of the batch."""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from foi_extract import limits
from foi_extract.cli import main
from foi_extract.errors import FoiExtractError, OverBudget

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.hostile import KINDS  # noqa: E402

BUDGET_S = 10
GOOD = (
    "Our ref: FOI-1\n\n1. How many libraries does the council run?\nThe council runs 9 libraries.\n"
)
EXIT = {"too_large": 16, "corrupt": 12, "unsupported_type": 11, "unreadable": 10, "over_budget": 17}


@pytest.fixture(scope="module")
def outcomes() -> dict[str, dict]:
    """Every kind loaded in one child process, so its peak memory (ru_maxrss) is measured for real."""
    env = {**os.environ, "FOI_EXTRACT_TIME_BUDGET": str(BUDGET_S), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "fixtures" / "hostile.py")],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {r["kind"]: r for r in map(json.loads, proc.stdout.splitlines())}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_hostile_input_is_bounded(outcomes: dict[str, dict], kind: str) -> None:
    r = outcomes[kind]
    expected = KINDS[kind][1]
    assert r["code"] == expected, r["message"]
    if expected:
        assert "\n" not in r["message"] and ": " in r["message"]
    assert r["seconds"] <= BUDGET_S + 3
    assert r["rss_mb"] < 500, f"peak memory reached {r['rss_mb']} MB by {kind}"
    assert not r["secret_leaked"]


def test_traversal_attachment_name_is_never_a_path(outcomes: dict[str, dict]) -> None:
    traversal = outcomes["eml_traversal"]["output"]
    assert '"name": "evil.txt"' in traversal and "../" not in traversal


def test_utf16_and_utf32_text_is_read(tmp_path: Path) -> None:
    from foi_extract.load import load

    for enc in ("utf-16", "utf-32", "utf-16-be"):
        p = tmp_path / f"{enc}.txt"
        p.write_bytes(("\ufeff" if enc.endswith("be") else "").encode(enc) + GOOD.encode(enc))
        assert load(p).pages[0].startswith("Our ref: FOI-1"), enc


def test_one_bad_file_costs_only_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    bomb = KINDS["xlsx_far_cells"][0](tmp_path)
    out = tmp_path / "out.csv"
    code = main([str(fifo), str(bomb), str(good), "/dev/zero", "--format", "csv", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 11  # the first failure's code
    assert len(err.strip().splitlines()) == 3 and "Traceback" not in err
    rows = list(csv.DictReader(out.open()))
    assert [r["path"] for r in rows if r["outcome"] != "failed"] == [str(good)]
    failed = {r["path"]: r["exit_code"] for r in rows if r["outcome"] == "failed"}
    assert failed == {str(fifo): "11", str(bomb): "16", "/dev/zero": "11"}


def test_unexpected_exception_is_that_documents_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from foi_extract.load import text as text_loader

    log = tmp_path / "errors.log"
    monkeypatch.setenv("FOI_EXTRACT_ERROR_LOG", str(log))
    real = text_loader.load_text

    def flaky(data: bytes, path: str):  # type: ignore[no-untyped-def]
        if "bad" in path:
            raise MemoryError("simulated")
        return real(data, path)

    monkeypatch.setitem(
        __import__("foi_extract.load", fromlist=["_LOADERS"])._LOADERS, "text/plain", flaky
    )
    (tmp_path / "bad.txt").write_text(GOOD)
    (tmp_path / "good.txt").write_text(GOOD)
    code = main([str(tmp_path / "bad.txt"), str(tmp_path / "good.txt"), "--format", "jsonl"])
    out, err = capsys.readouterr()
    assert code == 1
    assert (
        err.count("\n") == 1
        and "internal error" in err
        and "MemoryError" in err
        and str(log) in err
    )
    assert "Traceback" in log.read_text() and "Traceback" not in err
    assert [json.loads(line)["source"]["path"] for line in out.splitlines()] == [
        str(tmp_path / "good.txt")
    ]


def test_time_budget_is_exit_17(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "long.txt"
    p.write_text((GOOD + "\n") * 20000)
    monkeypatch.setenv("FOI_EXTRACT_TIME_BUDGET", "0.2")
    assert main([str(p)]) == 17
    assert "time budget" in capsys.readouterr().err


def test_time_budget_alarm_never_outlives_its_document() -> None:
    """A budget that runs out while it is being entered or left still stops its timer: the alarm
    once went on firing after the document and raised OverBudget in a later gc callback."""
    try:
        for i in range(3000):
            with contextlib.suppress(OverBudget), limits.budget("doc", 1e-6 + i % 40 * 1e-6):
                pass
            assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0), f"timer left armed ({i})"
            assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
            limits.check("after the document")  # no deadline left behind either
    finally:  # a failure must not leave the alarm to the tests that follow
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)


def test_time_budget_alarm_in_a_gc_callback_waits_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """An alarm that lands in a gc callback (or a __del__) is not raised there, where Python prints
    and drops it ("Exception ignored in ..."): it ends the document once the callback returns."""
    dropped: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", dropped.append)

    def slow_callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            time.sleep(0.03)

    gc.callbacks.append(slow_callback)
    try:
        with pytest.raises(OverBudget), limits.budget("doc", 0.01):
            for _ in range(100):  # 5 s at most
                gc.collect()  # the alarm lands in slow_callback's sleep
                end = time.monotonic() + 0.02
                while time.monotonic() < end:
                    pass
    finally:
        gc.callbacks.remove(slow_callback)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
    assert dropped == []


def test_file_names_are_printed_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = tmp_path / "x\nfoi-extract: error: forged\x1b[31m.pdf"
    name.write_bytes(b"not a pdf")
    assert main([str(name)]) == 12
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err and "\\n" in err and "\\x1b" in err


@pytest.mark.parametrize("target", ["missing/out.csv", "."])
def test_output_path_checked_before_work(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    assert main([str(good), "-o", str(tmp_path / target)]) == 2
    assert "-o" in capsys.readouterr().err


def test_full_disk_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    assert main([str(good), "-o", "/dev/full"]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err


def test_yaml_alias_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = tmp_path / "q.yaml"
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)
    ]
    q.write_text("\n".join(lines) + "\nquestions: [{text: '*a9'}]\n")
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    assert main([str(good), "--questions", str(q)]) == 2
    assert "aliases" in capsys.readouterr().err


def test_formula_answers_are_neutralised_in_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "reply.txt"
    p.write_text(
        "Our ref: FOI-9\n\nDear Requester\n\nFreedom of Information Act 2000\n\n1. What is the budget?\n"
        "=cmd|' /C calc'!A0\n\n2. Where is it published?\n=HYPERLINK(\"http://x\")\n\nYours sincerely\nInformation Governance\n"
    )
    assert main([str(p), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    answers = [r["answer"] for r in rows]
    assert answers and all(not a.startswith(("=", "+", "-", "@")) for a in answers)
    assert answers == ["'=cmd|' /C calc'!A0", '\'=HYPERLINK("http://x")']


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("=1+2", "'=1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-5", "-5"),
        ("+44 20 7946", "'+44 20 7946"),
        ("\t=x", "'\t=x"),
        ("12", "12"),
        ("-2.5%", "-2.5%"),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(cell: str, expected: str) -> None:
    from foi_extract.write.csv_writer import neutralise

    assert neutralise(cell) == expected


def test_error_classes_have_documented_codes() -> None:
    from foi_extract import errors

    codes = {
        c.code: c.exit_code
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, FoiExtractError)
    }
    for code, exit_code in EXIT.items():
        assert codes[code] == exit_code
    readme = (ROOT / "README.md").read_text()
    for exit_code in set(EXIT.values()):
        assert f"| {exit_code} |" in readme


def test_reference_finding_is_linear() -> None:
    """60k URLs and emails in 1.5 MB once hung: each reference was compared with every earlier one."""
    import time

    from foi_extract.rules.references import find_references

    def cost(n: int) -> float:
        text = "".join(
            f"See https://example.org/p/{i} or <https://x.org/a{i}> or foi{i}@example.org.\n"
            for i in range(n)
        )
        t = time.perf_counter()
        assert len(find_references(text)) == 3 * n
        return time.perf_counter() - t

    small, large = cost(5000), cost(20000)
    assert large < 8 * small + 0.5  # 4x the input: linear is ~4x, the old pairwise check was ~16x


def test_huge_html_is_read_without_a_tree(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from foi_extract.load import load

    monkeypatch.setenv("FOI_EXTRACT_MAX_PART_BYTES", "2000")
    p = tmp_path / "page.html"
    p.write_text(
        "<html><body>" + "<p>The council holds 9 records &amp; more.</p>" * 100 + "</body></html>"
    )
    doc = load(p)
    assert doc.pages[0].splitlines()[0] == "The council holds 9 records & more."
    assert [w.code for w in doc.warnings] == ["html_tags_stripped"]
