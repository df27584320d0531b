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
from llm_scenarios import BY_NAME, RECORDING, SCENARIOS, run  # noqa: E402

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
        "--out",
        default=str(ROOT / "fixtures" / "llm_eval"),
        help="where gold recordings go (one folder per scope under it)",
    )
    ap.add_argument(
        "--scope",
        choices=("review", "all"),
        default="review",
        help="the --llm-scope the gold set is recorded at (default: review)",
    )
    ap.add_argument(
        "--limit", type=int, default=0, help="record at most N gold documents not yet recorded"
    )
    ap.add_argument(
        "--recount",
        action="store_true",
        help="with --gold: only recount tokens.yaml for the documents already recorded",
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
            out = Path(args.out) / args.scope
            # where a reply's questions are all in scope anyway (every question typed), the
            # review recording holds exactly the requests `all` sends: reuse it if it replays
            reuse = Path(args.out) / "review" if args.scope == "all" else None
            if args.recount:
                return recount(Path(args.gold), out, base_url)
            return record_gold(Path(args.gold), out, base_url, args.scope, args.limit, reuse)
        if not args.names or BATCH_API in args.names:
            record_batch_api(base_url)
        for s in chosen:
            path = cassette_path(s.name)
            if path.exists():
                path.unlink()
            started = time.monotonic()
            with make_vcr(mode="once").use_cassette(path.name):
                result = run(s, Path(args.shared), base_url, RECORDING)
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


def record_gold(
    gold_dir: Path, out: Path, base_url: str, scope: str, limit: int, reuse: Path | None = None
) -> int:
    """One cassette per gold document, made with the same settings the eval replays with.

    Beside them, tokens.yaml holds what the server's own tokenizer counts for each document's
    text, the questions its requests named, its run's question set, and the fixed prefix (system
    prompt + few-shot turns), so `eval --replay` can put the recorded prompt tokens against them
    offline.
    """
    import yaml
    from llm_scenarios import BASE, RECORDING

    import foi_extract
    from foi_extract.evaluate.gold import load_gold_dir, resolve_document
    from foi_extract.evaluate.replay import SETTINGS, TOKENS, cassette_name, has_cassette
    from foi_extract.llm.config import load_config
    from foi_extract.llm.engine import LLMEngine

    out.mkdir(parents=True, exist_ok=True)
    settings = {**{k: v for k, v in BASE.items() if k != "api_key"}, "scope": scope}
    (out / SETTINGS).write_text(yaml.safe_dump(settings, sort_keys=True), encoding="utf-8")
    config = {**settings, **RECORDING, "base_url": base_url, "api_key": "local"}
    engine = LLMEngine(load_config(config, env={}))
    counts_path = out / TOKENS
    counts = yaml.safe_load(counts_path.read_text(encoding="utf-8")) if counts_path.exists() else {}
    counts = counts or {}
    counts["prefix_tokens"] = prefix_tokens(base_url)  # the prompt files may have changed
    counts.setdefault("documents", {})
    done = 0
    for gold_file, gold in load_gold_dir(gold_dir):
        doc = resolve_document(gold_file, gold.document)
        if has_cassette(out, doc):
            continue
        if limit and done >= limit:
            break
        qset = str(resolve_document(gold_file, gold.question_set)) if gold.question_set else None
        started = time.monotonic()
        if reuse is not None and replays_from(reuse, out, doc, engine, qset):
            done += 1
            counts["documents"][cassette_name(doc)] = document_counts(
                base_url, doc, out, qset is not None
            )
            counts_path.write_text(yaml.safe_dump(counts, sort_keys=True), encoding="utf-8")
            print(f"{doc.name}: the same requests as in {reuse.name}/: its recording replays")
            continue
        try:
            # the tests' configuration: the same matching, and the same scrubbing before writing
            with make_vcr(out, "once").use_cassette(cassette_name(doc)):
                result = foi_extract.extract(doc, engine=engine, questions=qset)
        except foi_extract.FoiExtractError as exc:
            print(f"{doc.name}: failed: {exc}", flush=True)
            (out / cassette_name(doc)).unlink(missing_ok=True)
            continue
        done += 1
        if not (out / cassette_name(doc)).exists():
            # nothing in scope, nothing sent: vcr writes no file for that; record the empty
            # exchange so the replay knows this document was recorded (and asks nothing)
            (out / cassette_name(doc)).write_text(
                "interactions: []\nversion: 1\n", encoding="utf-8"
            )
        counts["documents"][cassette_name(doc)] = document_counts(
            base_url, doc, out, qset is not None
        )
        counts_path.write_text(yaml.safe_dump(counts, sort_keys=True), encoding="utf-8")
        codes = [w.code for w in result.warnings if w.code.startswith("llm")]
        print(
            f"{doc.name}: {time.monotonic() - started:.0f}s {result.engine.usage} {codes}",
            flush=True,
        )
    return 0


def replays_from(reuse: Path, out: Path, doc: Path, engine: object, qset: str | None) -> bool:
    """Copy `reuse`'s cassette of `doc` into `out` if the engine's requests replay from it
    exactly (every request matched, every recorded answer used); else leave nothing behind."""
    import shutil

    import foi_extract
    from foi_extract.evaluate.replay import cassette_name

    source = reuse / cassette_name(doc)
    if not source.exists() or "interactions: []" in source.read_text(encoding="utf-8"):
        return False
    target = out / cassette_name(doc)
    shutil.copyfile(source, target)
    try:
        with make_vcr(out, "none").use_cassette(target.name) as cassette:
            result = foi_extract.extract(doc, engine=engine, questions=qset)
        ok = result.engine.fallback is None and cassette.all_played
    except Exception:  # a request the copy does not hold: record this document for real
        ok = False
    if not ok:
        target.unlink()
    return ok


def recount(gold_dir: Path, out: Path, base_url: str) -> int:
    """tokens.yaml again, from the cassettes already in `out` (no model call)."""
    import yaml

    from foi_extract.evaluate.gold import load_gold_dir, resolve_document
    from foi_extract.evaluate.replay import TOKENS, cassette_name, has_cassette

    counts = yaml.safe_load((out / TOKENS).read_text(encoding="utf-8")) or {}
    counts["prefix_tokens"] = prefix_tokens(base_url)
    counts["documents"] = {}
    for gold_file, gold in load_gold_dir(gold_dir):
        doc = resolve_document(gold_file, gold.document)
        if has_cassette(out, doc):
            counts["documents"][cassette_name(doc)] = document_counts(
                base_url, doc, out, gold.question_set is not None
            )
    (out / TOKENS).write_text(yaml.safe_dump(counts, sort_keys=True), encoding="utf-8")
    print(f"{out / TOKENS}: {len(counts['documents'])} documents")
    return 0


def document_counts(base_url: str, doc: Path, out: Path, run_wide: bool) -> dict[str, int]:
    """The reply's own tokens; those of the question lists its recorded requests named (the
    questions asked are neither the reply nor the fixed prefix; eval --replay shows both); and,
    in a run with a question set (`run_wide`), those of the set that opens every request's user
    turn byte for byte, which is part of the run's fixed prefix."""
    import json
    import re

    import yaml

    from foi_extract.evaluate.replay import cassette_name
    from foi_extract.load import load

    text = "\n".join(load(doc).pages)
    recorded = yaml.safe_load((out / cassette_name(doc)).read_text(encoding="utf-8"))
    questions = question_set = 0
    for it in recorded.get("interactions") or []:
        user = json.loads(it["request"]["body"])["messages"][-1]["content"]
        # the user template's own markers (prompts/extract.md)
        block = user.partition("\n\nLetter header:")[0]
        named = re.search(r"^Answer these questions: .*$", user, re.M)
        questions += count_tokens(base_url, named.group(0)) if named else 0
        if not run_wide:
            questions += count_tokens(base_url, block)
        elif not question_set:
            question_set = count_tokens(base_url, block)
    return {
        "document": count_tokens(base_url, text),
        "questions": questions,
        "question_set": question_set,
    }


def _server_post(base_url: str, path: str, body: dict[str, object]) -> dict[str, object]:
    import json
    import urllib.request

    root = base_url.rstrip("/").removesuffix("/v1")
    request = urllib.request.Request(
        root + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=600) as response:
        data: dict[str, object] = json.loads(response.read())
    return data


def count_tokens(base_url: str, text: str) -> int:
    """Tokens of `text` by the server's tokenizer (llama.cpp's /tokenize)."""
    tokens = _server_post(base_url, "/tokenize", {"content": text})["tokens"]
    assert isinstance(tokens, list)
    return len(tokens)


def prefix_tokens(base_url: str) -> int:
    """The fixed prefix as the model sees it: system prompt and few-shot turns, chat template on."""
    from foi_extract.llm.prompts import example_messages, load_prompts

    prompts = load_prompts()
    messages = [{"role": "system", "content": prompts.system}, *example_messages(prompts)]
    prompt = _server_post(base_url, "/apply-template", {"messages": messages})["prompt"]
    assert isinstance(prompt, str)
    return count_tokens(base_url, prompt)


if __name__ == "__main__":
    sys.exit(main())
