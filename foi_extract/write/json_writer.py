"""JSON (one object, or an array for several documents) and JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from ..models import Extraction
from . import register_writer


@register_writer("json")
def write_json(results: Sequence[Extraction], out: TextIO) -> None:
    data = [r.model_dump(mode="json") for r in results]
    json.dump(data[0] if len(data) == 1 else data, out, indent=2, ensure_ascii=False)
    out.write("\n")


@register_writer("jsonl")
def write_jsonl(results: Sequence[Extraction], out: TextIO) -> None:
    for r in results:
        out.write(json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n")
