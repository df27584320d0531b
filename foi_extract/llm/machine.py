"""The local model server's threads and context, from the machine it runs on.

Why: llama.cpp is fastest with one thread per usable core, and more threads than cores only
fight each other; a context the memory cannot hold fails at start. Defaults: every core this
process may use (sched_getaffinity, so a container's or taskset's limit counts), at most 16;
a context of 8192 tokens, less when under 3 GiB of memory is available. `--llm-threads` and
`--context-tokens` override them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

MAX_THREADS = 16
GIB = 1 << 30
CONTEXTS = ((3 * GIB, 8192), (2 * GIB, 4096))  # (available memory at least, context tokens)
SMALLEST_CONTEXT = 2048
LOCAL_ONLY = ("model_path", "threads")  # options only `--engine local` takes


def usable_cpus() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def default_threads() -> int:
    return min(MAX_THREADS, usable_cpus())


def available_memory(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """Bytes of memory available without swapping (Linux), or None where unknown."""
    try:
        m = re.search(r"^MemAvailable:\s+(\d+) kB", meminfo.read_text(), re.M)
    except OSError:
        return None
    return int(m.group(1)) * 1024 if m else None


def default_context(memory: int | None = None) -> int:
    """8192 tokens when memory allows (or is unknown), else smaller."""
    memory = available_memory() if memory is None else memory
    if memory is None:
        return CONTEXTS[0][1]
    return next((ctx for need, ctx in CONTEXTS if memory >= need), SMALLEST_CONTEXT)
