"""Record the LLM cassettes against the real local model (see tests/cassettes/README.md).

    FOI_EXTRACT_RECORD=1 .venv/bin/python scripts/record_cassettes.py [NAME ...] [--base-url URL]

Without --base-url it starts the pinned Qwen2.5-Coder-1.5B model on 127.0.0.1 for the run
(`foi_extract.llm.local_server`) and stops it afterwards. Existing cassettes of the named
scenarios are replaced. Prints each scenario's time, requests, re-asks and retries.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from cassettes import cassette_path, make_vcr  # noqa: E402
from llm_scenarios import BY_NAME, SCENARIOS, run  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help=f"scenarios (default: all): {', '.join(BY_NAME)}")
    ap.add_argument("--base-url", help="an already running server, e.g. http://127.0.0.1:8765/v1")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args(argv)
    if os.environ.get("FOI_EXTRACT_RECORD") != "1":
        print("set FOI_EXTRACT_RECORD=1 to record", file=sys.stderr)
        return 2
    chosen = [BY_NAME[n] for n in args.names] if args.names else SCENARIOS
    with ExitStack() as stack:
        base_url = args.base_url
        if not base_url:
            from foi_extract.llm.local_server import LocalServer, fetch_model

            base_url = stack.enter_context(LocalServer(fetch_model())).base_url
        for s in chosen:
            path = cassette_path(s.name)
            if path.exists():
                path.unlink()
            started = time.monotonic()
            with make_vcr(mode="once").use_cassette(path.name):
                result = run(s, Path(args.shared), base_url)
            usage = result.engine.usage or {}
            print(f"{s.name}: {time.monotonic() - started:.0f}s requests={usage.get('requests')} "
                  f"reasks={usage.get('reasks')} retries={usage.get('retries')} "
                  f"warnings={[w.code for w in result.warnings]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
