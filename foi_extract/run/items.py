"""What discovery finds: one Item per document or skipped file, and the Discovery holding them.

Kept apart from the walking (discover.py) and the archive reading (archives.py), which both make
Items, and from the store, scheduler and workers, which only pass them around.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Item:
    """One document of the batch, or one file skipped with its reason."""

    path: str  # what the user sees: a file path, or "archive.zip/member.pdf"
    source: str  # the file on disk
    chain: tuple[
        str, ...
    ] = ()  # names inside `source`: zip members and email attachments, outermost first
    sha256: str | None = None  # None: unreadable here, the worker reports why (never cached)
    size: int = 0
    skip: str | None = None  # the reason, for files that are not replies
    explicit: bool = False  # named on the command line

    @property
    def name(self) -> str:
        return self.chain[-1] if self.chain else self.source

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name.replace("\\", "/")).suffix.lower()


@dataclass
class Discovery:
    items: list[Item] = field(default_factory=list)

    @property
    def documents(self) -> list[Item]:
        return [i for i in self.items if i.skip is None]

    @property
    def skipped(self) -> list[Item]:
        return [i for i in self.items if i.skip is not None]
