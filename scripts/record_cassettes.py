"""Record the LLM cassettes against the real local model (see tests/cassettes/README.md).

    FOI_EXTRACT_RECORD=1 .venv/bin/python scripts/record_cassettes.py [NAME ...] [--base-url URL]
    FOI_EXTRACT_RECORD=1 .venv/bin/python scripts/record_cassettes.py batch_api   # run --batch (tests/batch_flow.py)

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

BATCH_API = "batch_api"  # tests/batch_flow.py: `run --batch` against a loopback Batch API


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "names",
        nargs="*",
        help=f"scenarios (default: all): {', '.join(BY_NAME)}, {BATCH_API}",
    )
    ap.add_argument("--base-url", help="an already running server, e.g. http://127.0.0.1:8765/v1")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--gold", help="record the gold set instead (for `foi-extract eval --replay`)")
    ap.add_argument(
        "--out", default=str(ROOT / "fixtures" / "llm_eval"), help="where gold recordings go"
    )
    ap.add_argument(
        "--limit", type=int, default=0, help="record at most N gold documents not yet recorded"
    )
    args = ap.parse_args(argv)
    if os.environ.get("FOI_EXTRACT_RECORD") != "1":
        print("set FOI_EXTRACT_RECORD=1 to record", file=sys.stderr)
        return 2
    chosen = [BY_NAME[n] for n in args.names if n != BATCH_API] if args.names else SCENARIOS
    with ExitStack() as stack:
        base_url = args.base_url
        if not base_url:
            from foi_extract.llm.local_server import LocalServer, fetch_model

            base_url = stack.enter_context(LocalServer(fetch_model())).base_url
        if args.gold:
            return record_gold(Path(args.gold), Path(args.out), base_url, args.limit)
        if not args.names or BATCH_API in args.names:
            record_batch_api(base_url)
        for s in chosen:
            path = cassette_path(s.name)
            if path.exists():
                path.unlink()
            started = time.monotonic()
            with make_vcr(mode="once").use_cassette(path.name):
                result = run(s, Path(args.shared), base_url)
            usage = result.engine.usage or {}
            print(
                f"{s.name}: {time.monotonic() - started:.0f}s requests={usage.get('requests')} "
                f"reasks={usage.get('reasks')} retries={usage.get('retries')} "
                f"warnings={[w.code for w in result.warnings]}",
                flush=True,
            )
    return 0


def record_batch_api(base_url: str) -> None:
    """The Batch API scenario: the loopback batch server's completions come from the model."""
    import tempfile

    from batch_flow import run_flow

    path = cassette_path(BATCH_API)
    path.unlink(missing_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, make_vcr(mode="once").use_cassette(path.name):
        flow = run_flow(Path(tmp), base_url)
    for step in flow.steps:
        print(f"run --batch: exit {step.returncode}: {step.stderr.strip()}", flush=True)
    print(
        f"{BATCH_API}: {time.monotonic() - started:.0f}s batches={len(flow.server.batches)} "
        f"completions={len(flow.server.backend_bodies)} errors={flow.server.backend_errors}",
        flush=True,
    )


def record_gold(gold_dir: Path, out: Path, base_url: str, limit: int) -> int:
    """One cassette per gold document, made with the same settings the eval replays with."""
    import yaml
    from llm_scenarios import BASE

    import foi_extract
    from foi_extract.evaluate.gold import load_gold_dir, resolve_document
    from foi_extract.evaluate.replay import SETTINGS, cassette_name, has_cassette
    from foi_extract.evaluate.replay import make_vcr as replay_vcr
    from foi_extract.llm.config import load_config
    from foi_extract.llm.engine import LLMEngine

    out.mkdir(parents=True, exist_ok=True)
    settings = {k: v for k, v in BASE.items() if k != "api_key"}
    (out / SETTINGS).write_text(yaml.safe_dump(settings, sort_keys=True), encoding="utf-8")
    engine = LLMEngine(load_config({**settings, "base_url": base_url, "api_key": "local"}, env={}))
    done = 0
    for gold_file, gold in load_gold_dir(gold_dir):
        doc = resolve_document(gold_file, gold.document)
        if has_cassette(out, doc):
            continue
        if limit and done >= limit:
            break
        qset = str(resolve_document(gold_file, gold.question_set)) if gold.question_set else None
        started = time.monotonic()
        try:
            with replay_vcr(out, "once").use_cassette(cassette_name(doc)):
                result = foi_extract.extract(doc, engine=engine, questions=qset)
        except foi_extract.FoiExtractError as exc:
            print(f"{doc.name}: failed: {exc}", flush=True)
            (out / cassette_name(doc)).unlink(missing_ok=True)
            continue
        done += 1
        print(f"{doc.name}: {time.monotonic() - started:.0f}s {result.engine.usage}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
