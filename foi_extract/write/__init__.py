"""One writer per output format; each takes the results of a batch and a text stream."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ..models import Extraction

Writer = Callable[[Sequence["Extraction"], TextIO], None]
_WRITERS: dict[str, Writer] = {}


def register_writer(name: str) -> Callable[[Writer], Writer]:
    def deco(fn: Writer) -> Writer:
        _WRITERS[name] = fn
        return fn

    return deco


def get_writer(name: str) -> Writer:
    from . import csv_writer, json_writer, table_writer  # noqa: F401  (registers writers)

    return _WRITERS[name]


FORMATS = ("json", "jsonl", "csv", "table")


def exemption_label(law: str, section: str, subsection: str | None) -> str:
    """'FOIA s.40(2)', 'EIR reg.12(5)(e)', 'US-FOIA (b)(7)(C)' — how people write them."""
    if law in ("EIR", "EISR"):
        return f"{law} reg.{section}{subsection or ''}"
    if law == "US-FOIA" and section.startswith("b"):
        return f"{law} (b)({section[1:]}){subsection or ''}"
    return f"{law} s.{section}{subsection or ''}"
