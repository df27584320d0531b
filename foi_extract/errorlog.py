"""Tracebacks of internal errors go to a log file, not the terminal: the user gets one line and a path.

The log is $FOI_EXTRACT_ERROR_LOG, else foi-extract-errors.log in the user cache folder
(~/.cache/foi-extract/), else in the temporary folder.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import traceback
from pathlib import Path


def log_path() -> Path:
    env = os.environ.get("FOI_EXTRACT_ERROR_LOG")
    if env:
        return Path(env)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "foi-extract" / "errors.log"


def log_internal_error(path: str, exc: BaseException) -> str:
    """Append the traceback; return the words that tell the user where it went."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    entry = f"--- {dt.datetime.now().isoformat(timespec='seconds')} {path!r}\n{text}\n"
    for target in (log_path(), Path(tempfile.gettempdir()) / "foi-extract-errors.log"):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(entry)
            return f"traceback in {target}"
        except OSError:
            continue
    return "the traceback could not be written to a log file"
