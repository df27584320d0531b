"""What the benches that start `foi-extract` share: the command, and timing a child process.

Why: each bench times fresh processes the same way (wall clock, and the CPU time of the child and
everything it waited for: pool workers, Tesseract), with a bound on every run.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path


def cli_command() -> list[str]:
    """The installed `foi-extract` script beside this interpreter, else `python -m foi_extract.cli`."""
    script = Path(sys.executable).with_name("foi-extract")
    return [str(script)] if script.exists() else [sys.executable, "-m", "foi_extract.cli"]


def timed(
    cmd: list[str],
    env: dict[str, str] | None = None,
    *,
    timeout: float = 600,
    ok: tuple[int, ...] = (0,),
) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child and its waited-for children) for one run.

    Raises SystemExit naming the command when it runs past `timeout` or exits outside `ok`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run(
            cmd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
            text=True,
        )
    except subprocess.TimeoutExpired:
        raise SystemExit(f"bench: {' '.join(cmd[:3])} ... ran past {timeout:.0f} s") from None
    wall = time.perf_counter() - start
    if done.returncode not in ok:
        tail = done.stderr.strip().splitlines()[-3:]
        raise SystemExit(f"bench: {' '.join(cmd)} exited {done.returncode}: {' | '.join(tail)}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
