"""Make docs/report.png: the review page of a run over the corpus, in Debian's headless chromium.

    .venv/bin/python scripts/report_screenshot.py [CORPUS_DIR] [--questions QSET] [--select FILTER=VALUE]

Runs `foi-extract run` with the rules engine into a temporary folder, opens the page, picks the
first row matching the filter and its evidence, and saves a 1400x860 screenshot.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "corpus",
        nargs="?",
        default=str(ROOT.parent / "shared" / "corpus" / "vfillis__mental-health-housing-support"),
    )
    ap.add_argument(
        "--questions", default=str(ROOT / "examples" / "nhs_mental_health_accommodation.yaml")
    )
    ap.add_argument(
        "--select",
        default="f-exemption=FOIA s.40(2)",
        help="FILTER_ID=VALUE to apply before picking a row",
    )
    ap.add_argument(
        "--evidence",
        type=int,
        default=3,
        help="click this evidence item (1-based) to show it; 0: none",
    )
    ap.add_argument("-o", "--output", default=str(ROOT / "docs" / "report.png"))
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "report.html"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "foi_extract.cli",
                "run",
                args.corpus,
                "--engine",
                "rules",
                "--questions",
                args.questions,
                "-o",
                str(page_file),
                "--no-progress",
                "--quiet",
            ],
            check=False,
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            page.goto(page_file.as_uri())
            if args.select:
                sel, value = args.select.split("=", 1)
                page.select_option(f"#{sel}", value)
            page.click("#rows tr:not([hidden])")
            if args.evidence and page.locator(f"#evidence li:nth-child({args.evidence})").count():
                page.click(f"#evidence li:nth-child({args.evidence})")
            page.wait_for_timeout(300)
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.output)
            browser.close()
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
