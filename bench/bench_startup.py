"""Bench (c): a one-letter CLI run against `python -c "import pypdf"`, in one run, interleaved.

Why: most single-letter runs are spent starting up; a run must cost little more than importing a
PDF library. Both commands run as fresh processes from this interpreter's environment, with
bytecode compiled first (as a regular install has it), alternating A, B, A, B ... so neither side
always runs on a warmer machine. The ratio of the fastest runs is the figure (the minimum is the
run least disturbed by other work on the machine); medians are printed beside it. Three more
commands show where the time goes: the imports a PDF run needs, importing pydantic alone, and
the floor while the output contract is pydantic (pydantic and PDFium imported and the output
models' schemas built, which every PDF run does before it reads a page).

    python bench/bench_startup.py [--letter FILE] [--repeat 15] [--target 1.3] [--check]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from common import cli_command, timed

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LETTER = (
    ROOT.parent / "shared" / "corpus" / "invinst__chicago-police-data" / "p0-50685 letter.pdf"
)


def synthetic_letter(directory: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from fixtures.render import render_pdf

    text = (ROOT / "fixtures" / "synthetic" / "c_westbrook_three_page.txt").read_text(
        encoding="utf-8"
    )
    return render_pdf(text.split("\f")[0], directory / "letter.pdf")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--letter",
        type=Path,
        default=None,
        help=f"one letter (default: {DEFAULT_LETTER.name}, else a synthetic one rendered here)",
    )
    ap.add_argument("--repeat", "-n", type=int, default=15, help="runs of each command")
    ap.add_argument("--target", type=float, default=1.3, help="max allowed ours/import-pypdf ratio")
    ap.add_argument("--check", action="store_true", help="exit 1 when the ratio misses the target")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="foi-bench-"))
    try:
        letter = args.letter or (
            DEFAULT_LETTER if DEFAULT_LETTER.exists() else synthetic_letter(tmp)
        )
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        compileall.compile_dir(
            str(ROOT / "foi_extract"), quiet=1
        )  # what pip does for a regular install
        ours = cli_command() + [str(letter), "-o", str(tmp / "out.json")]
        theirs = [sys.executable, "-c", "import pypdf"]
        # where the time goes: the modules a PDF run imports, and pydantic alone
        imports = [
            sys.executable,
            "-c",
            "import foi_extract.cli, foi_extract.engines.rules, pypdfium2",
        ]
        pydantic = [sys.executable, "-c", "import pydantic; from pydantic import BaseModel"]
        # the floor while the output contract is pydantic: what any PDF run must do before it
        # reads a page (pydantic, the output models with their schemas built, PDFium)
        floor = [
            sys.executable,
            "-c",
            "import pypdfium2, foi_extract.models as m; m.Extraction.model_rebuild()",
        ]
        commands = {
            "ours": ours,
            "pypdf": theirs,
            "imports": imports,
            "floor": floor,
            "pydantic": pydantic,
        }
        for (
            cmd
        ) in commands.values():  # warm the OS file cache, and fail early if a command is broken
            timed(cmd, env)
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        names = list(commands)
        for i in range(max(1, args.repeat)):
            for name in names[i % len(names) :] + names[: i % len(names)]:  # rotate the order
                runs[name].append(timed(commands[name], env))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def stats(name: str) -> tuple[float, float, float]:
        walls = [w for w, _ in runs[name]]
        return min(walls), statistics.median(walls), min(c for _, c in runs[name])

    (a_min, a_med, a_cpu), (b_min, b_med, b_cpu) = stats("ours"), stats("pypdf")
    ratio = a_min / b_min
    ok = ratio <= args.target
    print(f"letter: {letter}")
    print(f"runs per command: {max(1, args.repeat)} (rotating order)")
    labels = {
        "ours": "one-letter CLI run",
        "pypdf": "python -c import pypdf",
        "imports": "  its imports alone",
        "floor": "  models+PDFium floor",
        "pydantic": "  pydantic alone",
    }
    for name, label in labels.items():
        w_min, w_med, c_min = stats(name)
        print(
            f"{label:<24} min {w_min * 1000:6.0f} ms  median {w_med * 1000:6.0f} ms  min CPU {c_min * 1000:6.0f} ms"
            f"   ({w_min / b_min:.2f}x import pypdf)"
        )
    print(
        f"ratio (fastest runs): {ratio:.2f}  (medians {a_med / b_med:.2f}, CPU {a_cpu / b_cpu:.2f})  "
        f"target <= {args.target}: {'PASS' if ok else 'FAIL'}"
    )
    return 1 if (args.check and not ok) else 0


if __name__ == "__main__":
    sys.exit(main())
