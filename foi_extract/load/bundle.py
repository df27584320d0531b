"""Several files of one reply (a letter and the spreadsheet it attaches, saved side by side in a
folder) as ONE Document, laid out as an email is: the first file's pages, then each other file's
pages, each named in `sections`, their tables moved to their pages. So "see the attached
spreadsheet" in the letter finds its cells exactly as it does inside an email.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from ..document import Document
from ..errors import ConfigError
from ..models import Notice, Section, Table
from . import check_size, load
from .tables import shift


def load_bundle(paths: Sequence[str | os.PathLike[str]], *, ocr: str = "auto") -> Document:
    """The first path is the letter; a file that cannot be read fails the bundle with its own error."""
    if not paths:
        raise ConfigError("a bundle needs at least one file")
    docs = [load(p, ocr=ocr) for p in paths]
    first = docs[0]
    pages: list[str] = []
    sections: list[Section] = []
    warnings: list[Notice] = []
    tables: list[Table] = []
    confidence: dict[int, float] = {}
    digest = hashlib.sha256()
    for doc in docs:
        offset = len(pages)
        name = Path(doc.path).name
        pages.extend(doc.pages)
        confidence.update({n + offset: c for n, c in doc.ocr_confidence.items()})
        digest.update(doc.sha256.encode())
        if doc.sections:
            sections += [
                Section(
                    name=s.name if doc is first else f"{name}: {s.name}",
                    first_page=s.first_page + offset,
                    last_page=s.last_page + offset,
                )
                for s in doc.sections
            ]
        else:
            sections.append(
                Section(
                    name=name if doc is not first else "message",
                    first_page=offset + 1,
                    last_page=len(pages),
                )
            )
        tables += [shift(t, offset, name) if offset else t for t in doc.tables]
        warnings += [
            Notice(
                code=w.code,
                message=w.message if doc is first else f"{name}: {w.message}",
                page=None if w.page is None else w.page + offset,
            )
            for w in doc.warnings
        ]
    check_size(pages, first.path)
    return Document(
        path=first.path,
        media_type=first.media_type,
        sha256=digest.hexdigest() if len(docs) > 1 else first.sha256,
        pages=pages,
        sections=sections,
        warnings=warnings,
        tables=tables,
        ocr_confidence=confidence,
    )
