"""The review page in a real headless browser: Debian's chromium driven by playwright.

The page must load from disk with no console error and no request beyond itself, every filter
must show exactly the rows it should, and a highlighted span's text must equal its evidence.
Under CI=true a missing browser or playwright fails the test (the project's setup installs them).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from run_helpers import write_letters

from foi_extract.engines.rules import RulesEngine
from foi_extract.models import Extraction
from foi_extract.report import build_report, report_data
from foi_extract.run.discover import discover
from foi_extract.run.worker import process
from foi_extract.write.records import DocRecord

CHROMIUM = os.environ.get("FOI_EXTRACT_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000


def _browser_or_fail():  # type: ignore[no-untyped-def]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("playwright is not installed: .ci/run installs it with the [dev] extra")
        pytest.skip("playwright not installed")
    if not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    return sync_playwright


def records(tmp_path: Path) -> list[DocRecord]:
    letters = write_letters(tmp_path / "replies", 4)
    found = discover([str(p) for p in letters])
    engine = RulesEngine()
    recs = []
    for n, item in enumerate(found.documents):
        out = process(item, engine, None)
        ex = Extraction.model_validate(out["extraction"])
        qs = list(ex.questions)
        if n % 2 == 0:  # flag question 2 of every other reply, and one document
            qs[1] = qs[1].model_copy(update={"review": ["weak_cue"]})
        if n == 1:
            qs[0] = qs[0].model_copy(update={"review": ["conflicting_cues", "ids_inferred"]})
        ex = ex.model_copy(
            update={"questions": qs, "review": ["metadata_missing"] if n == 3 else []}
        )
        recs.append(
            DocRecord(
                path=item.path,
                outcome="needs_review" if n != 2 else "needs_review",
                sha256=item.sha256,
                extraction=ex,
                pages=out["pages"],
            )
        )
    recs.append(
        DocRecord(
            path=str(tmp_path / "scan.pdf"),
            outcome="failed",
            exit_code=15,
            error_code="needs_ocr",
            message="no text layer on any of its 2 page(s): scanned images need OCR",
        )
    )
    recs.append(
        DocRecord(
            path=str(tmp_path / "MANIFEST.tsv"),
            outcome="skipped",
            message="manifest or readme, not a reply",
        )
    )
    return recs


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for d in data["documents"]:
        for q in d["questions"] or [None]:
            rows.append(
                {
                    "doc": d,
                    "q": q,
                    "status": q["status"] if q else None,
                    "exemptions": q["exemptions"] if q else d["exemptions"],
                    "flags": (q["review"] if q else []) + d["review"],
                }
            )
    return rows


def test_review_page_filters_and_highlights_in_chromium(tmp_path: Path) -> None:
    sync_playwright = _browser_or_fail()
    recs = records(tmp_path)
    data = report_data(recs)
    expected_rows = _rows(data)
    page_file = tmp_path / "report.html"
    page_file.write_text(build_report(recs, "Library systems"), encoding="utf-8")
    url = page_file.as_uri()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, timeout=30_000)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 800})
            page.set_default_timeout(TIMEOUT_MS)
            problems: list[str] = []
            requests: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url)
            visible = lambda: page.locator("#rows tr:not([hidden])").count()  # noqa: E731
            assert page.title() == "Library systems"
            assert visible() == len(expected_rows) == 4 * 3 + 2

            def wait_until(expression: str) -> None:
                """Poll from Python: wait_for_function compiles its predicate in the page, which
                the report's Content-Security-Policy (no 'unsafe-eval') rightly refuses."""
                deadline = time.monotonic() + TIMEOUT_MS / 1000
                while not page.evaluate(expression):
                    if time.monotonic() > deadline:
                        pytest.fail(f"the page never reached {expression!r} in {TIMEOUT_MS} ms")
                    page.wait_for_timeout(20)

            def check(select: str, value: str, want: int) -> None:
                page.select_option(select, value)
                assert visible() == want, (select, value)
                page.select_option(select, "")
                assert visible() == len(expected_rows)

            for status in ("answered", "withheld", "not_held"):
                check("#f-status", status, sum(r["status"] == status for r in expected_rows))
            check(
                "#f-exemption",
                "FOIA s.43(2)",
                sum("FOIA s.43(2)" in r["exemptions"] for r in expected_rows),
            )
            authorities = {r["doc"]["authority"] for r in expected_rows if r["doc"]["authority"]}
            for a in authorities:
                check("#f-authority", a, sum(r["doc"]["authority"] == a for r in expected_rows))
            check("#f-review", "weak_cue", sum("weak_cue" in r["flags"] for r in expected_rows))
            check("#f-review", "metadata_missing", 3)
            check("#f-review", "\u0000any", sum(bool(r["flags"]) for r in expected_rows))
            check("#f-outcome", "failed", 1)
            check("#f-outcome", "skipped", 1)
            # two filters at once
            page.select_option("#f-status", "withheld")
            page.select_option("#f-review", "weak_cue")
            assert visible() == sum(
                r["status"] == "withheld" and "weak_cue" in r["flags"] for r in expected_rows
            )
            page.select_option("#f-status", "")
            page.select_option("#f-review", "")

            # evidence: each highlighted span's text is the evidence text
            checked = 0
            for i, r in enumerate(expected_rows):
                if not r["q"] or not r["q"]["evidence"]:
                    continue
                page.click(f"#row-{i}")
                wait_until(f"document.querySelector('#row-{i}').classList.contains('selected')")
                for n, ev in enumerate(e for e in r["q"]["evidence"] if e["end"] > e["start"]):
                    got = page.evaluate(
                        "n => Array.from(document.querySelectorAll('#detail mark'))"
                        ".filter(m => m.dataset.ev.split(' ').includes(String(n))).map(m => m.textContent).join('')",
                        n,
                    )
                    assert got == ev["text"], (i, n)
                    checked += 1
            assert checked >= 8

            # the next-flagged link walks the flagged questions in order
            flagged = [i for i, r in enumerate(expected_rows) if r["q"] and r["q"]["review"]]
            page.goto(url + "#row-0")
            seen = []
            for _ in range(len(flagged)):
                page.click("#next-flagged")
                wait_until("location.hash.startsWith('#row-')")
                seen.append(int(page.evaluate("location.hash").split("-")[1]))
            assert sorted(seen) == flagged and seen[0] == flagged[0]
            failed_row = next(
                i for i, r in enumerate(expected_rows) if r["doc"]["outcome"] == "failed"
            )
            page.click(f"#row-{failed_row}")
            assert "need OCR" in page.inner_text("#doc-error")
            assert problems == [], problems
            assert all(u.startswith("file://") for u in requests), requests
        finally:
            browser.close()


def test_the_page_cannot_be_injected(tmp_path: Path) -> None:
    recs = records(tmp_path)
    evil = recs[0].extraction.model_copy(
        update={
            "letter": recs[0].extraction.letter.model_copy(
                update={"authority": "</script><script>alert(1)</script>"}
            )
        }
    )
    recs[0] = DocRecord(
        path=recs[0].path, outcome="ok", extraction=evil, pages=["<img src=x onerror=alert(1)>"]
    )
    html = build_report(recs)
    assert "</script><script>alert(1)" not in html and "<img src=x" not in html
