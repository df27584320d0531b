"""Bench (b): `foi-extract run --jobs 1` against `--jobs 2` over the whole corpus, in one run.

Why: a batch must use the machine's cores; on 2 cores, two worker processes should take at most
0.65x the wall time of one. Each run starts from an empty run store (a fresh temporary folder),
so every document is extracted; the two sides alternate (1, 2, 2, 1, ...) so neither always runs
on a warmer or quieter machine. The first run is then repeated on its own store (an unchanged
corpus: nothing to extract), which must take at most 5 % of its time. CPU time (the command and its workers) is printed beside wall
time: on a machine shared with other work the wall ratio is the noisy one.

    python bench/bench_jobs.py [--corpus DIR] [--rounds 1] [--ocr auto] [--target 0.65] [--check]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from common import cli_command, timed

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
DOCUMENT_FAILED = tuple(range(10, 18))  # a run where some documents failed (README, exit codes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of replies")
    ap.add_argument("--rounds", type=int, default=1, help="runs of each side (default 1)")
    ap.add_argument("--ocr", choices=("auto", "never"), default="auto", help="as `run --ocr`")
    ap.add_argument("--target", type=float, default=0.65, help="max allowed jobs2/jobs1 wall ratio")
    ap.add_argument("--rerun-target", type=float, default=0.05, help="max re-run/first-run wall")
    ap.add_argument("--timeout", type=float, default=900, help="seconds allowed per run")
    ap.add_argument("--check", action="store_true", help="exit 1 when the ratio misses the target")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"bench_jobs: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    print(f"corpus: {args.corpus}  cores: {os.cpu_count()}  ocr: {args.ocr}  rounds: {args.rounds}")
    runs: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
    rerun = None
    for i in range(max(1, args.rounds)):
        for jobs in (1, 2) if i % 2 == 0 else (2, 1):
            tmp = Path(tempfile.mkdtemp(prefix="foi-bench-jobs-"))
            try:
                cmd = cli_command() + [
                    "run", str(args.corpus), "--engine", "rules", "--ocr", args.ocr,
                    "--jobs", str(jobs), "--no-progress", "--quiet", "-o", str(tmp / "out.jsonl"),
                ]  # fmt: skip
                wall, cpu = timed(cmd, timeout=args.timeout, ok=(0, *DOCUMENT_FAILED))
                if rerun is None:  # the same command again: an unchanged corpus, nothing to redo
                    rerun = (wall, *timed(cmd, timeout=args.timeout, ok=(0, *DOCUMENT_FAILED)))
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            runs[jobs].append((wall, cpu))
            print(f"  --jobs {jobs}: wall {wall:7.1f} s  CPU {cpu:7.1f} s", flush=True)
    med = {j: statistics.median(w for w, _ in runs[j]) for j in runs}
    cpu = {j: statistics.median(c for _, c in runs[j]) for j in runs}
    ratio = med[2] / med[1]
    ok = ratio <= args.target
    for j in (1, 2):
        print(f"--jobs {j}: median wall {med[j]:7.1f} s  median CPU {cpu[j]:7.1f} s")
    print(
        f"ratio jobs2/jobs1 (wall): {ratio:.2f}  target <= {args.target}: {'PASS' if ok else 'FAIL'}"
        f"   (CPU ratio {cpu[2] / cpu[1]:.2f}: the work itself, split or not)"
    )
    assert rerun is not None
    first, re_wall, re_cpu = rerun
    re_ok = re_wall <= args.rerun_target * first
    print(
        f"unchanged re-run (--jobs 1 store): wall {re_wall:.2f} s  CPU {re_cpu:.2f} s = "
        f"{re_wall / first:.1%} of the first run  target <= {args.rerun_target:.0%}: "
        f"{'PASS' if re_ok else 'FAIL'}"
    )
    return 1 if (args.check and not (ok and re_ok)) else 0


if __name__ == "__main__":
    sys.exit(main())
