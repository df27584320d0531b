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
import io
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from ..errors import CorruptDocument, EncryptedDocument, FileMissing, FoiExtractError, TooLarge

if TYPE_CHECKING:  # email and zipfile are imported where an archive or email is opened: a one-letter run needs neither
    import email.message

IMAGES = {
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".tif",
    ".tiff",
    ".bmp",
    ".webp",
    ".heic",
    ".svg",
    ".ico",
}
SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".numbers"}
PRESENTATIONS = {".pptx", ".ppt", ".odp", ".key"}
DATA_FILES = {
    ".json",
    ".jsonl",
    ".yaml",
    ".yml",
    ".toml",
    ".xml",
    ".ini",
    ".cfg",
    ".log",
    ".sqlite",
    ".db",
    ".parquet",
    ".py",
    ".js",
    ".css",
    ".sh",
}
MEDIA = {".mp3", ".mp4", ".wav", ".mov", ".avi", ".m4a", ".ogg", ".webm"}
OTHER_ARCHIVES = {".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz"}
SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini", ".gitignore", ".gitattributes"}
MANIFEST_STEMS = ("manifest", "readme", "checksums", "sha256sums", "md5sums", "index", "license")
MAX_DEPTH = 3  # zip in eml in zip: deeper nesting is not followed


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


def _loadable(loadable: Iterable[str] | _Lazy) -> set[str]:
    return loadable.get() if isinstance(loadable, _Lazy) else set(loadable)


class _Lazy:
    """The loaders' extensions, looked up only when a spreadsheet turns up (importing loaders costs time)."""

    def __init__(self) -> None:
        self._value: set[str] | None = None

    def get(self) -> set[str]:
        if self._value is None:
            self._value = _loadable_extensions()
        return self._value


def skip_reason(name: str, *, loadable: Iterable[str] | _Lazy = ()) -> str | None:
    """Why a file found by walking is not a reply (None: extract it). `loadable`: extensions with a loader."""
    base = PurePosixPath(name.replace("\\", "/")).name
    low = base.lower()
    ext = PurePosixPath(low).suffix
    if low in SYSTEM_FILES or low.startswith("._") or low.startswith("~$"):
        return "system file"
    if (
        low.endswith(".foi.sqlite")
        or low.endswith(".foi.sqlite-wal")
        or low.endswith(".foi.sqlite-shm")
    ):
        return "a foi-extract run store"
    if base.startswith("."):
        return "hidden file"
    if ext in IMAGES:
        return "image: no text layer to read (OCR is not supported)"
    if PurePosixPath(low).stem in MANIFEST_STEMS or low.startswith("manifest"):
        return "manifest or readme, not a reply"
    if ext in SPREADSHEETS and ext not in _loadable(loadable):
        return "spreadsheet: data without a letter"
    if ext in DATA_FILES:
        return "data or program file, not a reply"
    if ext in MEDIA:
        return "audio or video file"
    if ext in PRESENTATIONS:
        return "presentation, not a letter"
    if ext in OTHER_ARCHIVES:
        return "archive type not read (only .zip archives are opened)"
    return None


def _loadable_extensions() -> set[str]:
    """Extensions some loader reads as something other than plain text (a spreadsheet loader, say)."""
    from .. import load as loadmod
    from ..load import doc, docx, eml, html, pdf, text  # noqa: F401  (registers loaders)

    return {
        ext
        for ext, media in loadmod._EXTENSIONS.items()
        if media not in (loadmod.TEXT, loadmod.MARKDOWN)
    }


def _max_bytes() -> int:
    """foi_extract.load.MAX_BYTES, read without importing the loaders (the worker enforces the real one)."""
    return int(os.environ.get("FOI_EXTRACT_MAX_BYTES", str(100 * 1024 * 1024)))


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def discover(paths: Sequence[str], *, exclude: Iterable[str] = ()) -> Discovery:
    """Expand PATHs in the order given (each folder sorted); a file reached twice is listed once."""
    loadable = _Lazy()
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
    loadable: _Lazy,
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
        if not stat.S_ISREG(st.st_mode) or st.st_size > _max_bytes():
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
        not low.endswith((".docx", ".xlsx", ".odt", ".ods", ".epub")) and _is_zip_not_docx(path)
    ):
        for item in _zip_items(path, path, (), _read_file(path), loadable, 1):
            add(item)
        return
    add(Item(path=path, source=path, sha256=digest, size=size, explicit=explicit))
    if low.endswith(".eml"):
        for item in _eml_zip_items(path, path, (), _read_file(path), loadable, 1):
            add(item)


def _read_file(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _is_zip_not_docx(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    if head != b"PK\x03\x04":
        return False
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
        # Office, OpenDocument, EPUB and Java files are zips too, but not archives of replies
        markers = ("word/", "xl/", "ppt/", "META-INF/", "content.xml", "mimetype")
        return not any(n.startswith(markers) for n in names)
    except (OSError, zipfile.BadZipFile):
        return False


def _zip_items(
    display: str, source: str, chain: tuple[str, ...], data: bytes, loadable: _Lazy, depth: int
) -> Iterator[Item]:
    import zipfile

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        # the worker opens it again and reports it as corrupt
        yield Item(path=display, source=source, chain=chain, explicit=True)
        return
    for info in sorted(infos, key=lambda i: i.filename):
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if info.is_dir() or any(p.startswith(".") or p == "__MACOSX" for p in parts[:-1]):
            continue
        sub = chain + (name,)
        shown = f"{display}/{name}"
        reason = skip_reason(name, loadable=loadable)
        low = name.lower()
        if low.endswith(".zip") and depth >= MAX_DEPTH:
            reason = "archive nested too deep"
        if reason:
            yield Item(path=shown, source=source, chain=sub, skip=reason)
            continue
        if info.file_size > _max_bytes() or info.flag_bits & 0x1:
            yield Item(
                path=shown, source=source, chain=sub, size=info.file_size
            )  # the worker says why
            continue
        try:
            member = zf.read(info)
        except Exception:
            yield Item(path=shown, source=source, chain=sub, size=info.file_size)
            continue
        if low.endswith(".zip"):
            yield from _zip_items(shown, source, sub, member, loadable, depth + 1)
            continue
        yield Item(
            path=shown,
            source=source,
            chain=sub,
            sha256=hashlib.sha256(member).hexdigest(),
            size=len(member),
        )
        if low.endswith(".eml") and depth < MAX_DEPTH:
            yield from _eml_zip_items(shown, source, sub, member, loadable, depth + 1)


def _eml_zip_items(
    display: str, source: str, chain: tuple[str, ...], data: bytes, loadable: _Lazy, depth: int
) -> Iterator[Item]:
    for name, payload in _eml_zips(data):
        yield from _zip_items(
            f"{display}/{name}", source, chain + (name,), payload, loadable, depth + 1
        )


def _attachment_name(part: email.message.Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    return PureWindowsPath(PurePosixPath(str(name)).name).name.strip()


def _eml_zips(data: bytes) -> list[tuple[str, bytes]]:
    """The .zip attachments of an email: (filename, bytes)."""
    low = data.lower()
    if b"zip" not in low:  # no zip named anywhere in the message: no need to parse it
        return []
    import email
    import email.policy

    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
    except Exception:
        return []
    out: list[tuple[str, bytes]] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = _attachment_name(part)
        ctype = part.get_content_type()
        if not (
            name.lower().endswith(".zip")
            or ctype in ("application/zip", "application/x-zip-compressed")
        ):
            continue
        try:
            payload = part.get_payload(decode=True)
        except Exception:
            payload = None
        if isinstance(payload, bytes) and payload[:4] == b"PK\x03\x04":
            out.append((name or f"attachment-{len(out) + 1}.zip", payload))
    return out


def read_item(item: Item) -> bytes:
    """The bytes of a document, following its chain through archives and emails.

    Raises FoiExtractError subclasses: missing file, damaged or encrypted archive, member too large."""
    from ..load import MAX_BYTES

    if not os.path.exists(item.source):
        raise FileMissing(item.path, "no such file")
    data = _read_file(item.source)
    for i, name in enumerate(item.chain):
        here = item.path if i == len(item.chain) - 1 else name
        if data[:4] == b"PK\x03\x04":
            import zipfile

            try:
                zf = zipfile.ZipFile(io.BytesIO(data))
                info = zf.getinfo(name)
            except (zipfile.BadZipFile, KeyError, ValueError) as exc:
                raise CorruptDocument(
                    item.path, f"damaged zip archive ({type(exc).__name__})"
                ) from None
            if info.flag_bits & 0x1:
                raise EncryptedDocument(item.path, "the zip member is encrypted (needs a password)")
            if info.file_size > MAX_BYTES:
                raise TooLarge(
                    item.path,
                    f"{info.file_size:,} bytes is over the {MAX_BYTES:,}-byte limit (FOI_EXTRACT_MAX_BYTES)",
                )
            try:
                data = zf.read(info)
            except Exception as exc:
                raise CorruptDocument(
                    item.path, f"cannot read the zip member ({type(exc).__name__}: {exc})"
                ) from None
        else:
            found = dict(_eml_zips(data))
            if name not in found:
                raise CorruptDocument(here, "attachment not found in the email")
            data = found[name]
    return data


__all__ = [
    "Discovery",
    "Item",
    "discover",
    "read_item",
    "skip_reason",
    "sha256_file",
    "FoiExtractError",
]
