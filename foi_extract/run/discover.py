"""Turn command-line PATHs (files, folders, globs) into the documents of a batch.

- A folder is walked recursively (hidden folders such as `.git` are not entered), in sorted
  order, so a batch always lists its documents in the same order.
- A glob (`replies/**/*.pdf`) is expanded with `**` meaning any depth.
- A `.zip` archive of replies is opened: each member is a document named
  `archive.zip/member/path`. An `.eml`'s `.zip` attachments are opened the same way
  (`mail.eml/replies.zip/letter.pdf`); its readable attachments (PDF, Word…) already belong to
  the email's own document.
- Files found by walking that are not replies (images, spreadsheets without a letter, manifests,
  data and system files, our own outputs) are listed as skipped with the reason. A file named
  explicitly on the command line is always extracted: the user asked for it.

Each document's sha256 is computed here, because it is the store's cache key: re-running an
unchanged corpus re-reads bytes (fast) and re-extracts nothing.
"""

from __future__ import annotations

import glob
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence

from .archives import eml_zip_items, is_zip_not_docx, max_bytes, read_file, read_item, zip_items
from .file_kinds import LoaderExtensions, skip_reason
from .items import Discovery, Item


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def discover(paths: Sequence[str], *, exclude: Iterable[str] = ()) -> Discovery:
    """Expand PATHs in the order given (each folder sorted); a file reached twice is listed once."""
    loadable = LoaderExtensions()
    excluded = {os.path.abspath(p) for p in exclude}
    out = Discovery()
    seen: set[str] = set()

    def add(item: Item) -> None:
        key = os.path.abspath(item.source) + "\0" + "\0".join(item.chain)
        if key in seen:
            return
        seen.add(key)
        out.items.append(item)

    for arg in paths:
        if os.path.isdir(arg):
            for f in _walk(arg):
                _add_file(f, add, loadable, excluded, explicit=False)
        elif os.path.exists(arg):
            _add_file(arg, add, loadable, excluded, explicit=True)
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            for m in matches:
                if os.path.isdir(m):
                    for f in _walk(m):
                        _add_file(f, add, loadable, excluded, explicit=False)
                else:
                    _add_file(m, add, loadable, excluded, explicit=False)
            if not matches:
                add(Item(path=arg, source=arg, explicit=True))  # the worker reports "no such file"
        else:
            add(Item(path=arg, source=arg, explicit=True))
    return out


def _walk(folder: str) -> Iterator[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        for f in sorted(files):
            yield os.path.join(root, f)


def _add_file(
    path: str,
    add: Callable[[Item], None],
    loadable: LoaderExtensions,
    excluded: set[str],
    *,
    explicit: bool,
) -> None:
    if os.path.abspath(path) in excluded:
        if not explicit:
            add(Item(path=path, source=path, skip="an output of this run"))
        return
    reason = None if explicit else skip_reason(path, loadable=loadable)
    if reason:
        add(Item(path=path, source=path, skip=reason))
        return
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes():
            # a FIFO would block the hash forever, /dev/zero never ends, an oversized file is not read:
            # the worker's loader reports each with its own error
            add(Item(path=path, source=path, explicit=explicit))
            return
        size = st.st_size
        digest = sha256_file(path)
    except OSError:
        add(Item(path=path, source=path, explicit=explicit))
        return
    low = path.lower()
    if low.endswith(".zip") or (
        not low.endswith((".docx", ".xlsx", ".odt", ".ods", ".epub")) and is_zip_not_docx(path)
    ):
        for item in zip_items(path, path, (), read_file(path), loadable, 1):
            add(item)
        return
    add(Item(path=path, source=path, sha256=digest, size=size, explicit=explicit))
    if low.endswith(".eml"):
        for item in eml_zip_items(path, path, (), read_file(path), loadable, 1):
            add(item)


# the names callers import from here; the parts live in items, file_kinds and archives
__all__ = ["Discovery", "Item", "discover", "read_item", "sha256_file", "skip_reason"]
