"""Replies inside containers: the members of a .zip, and the .zip attachments of an email.

Listing (`zip_items`, `eml_zip_items`) names each member `archive.zip/member/path` and hashes it;
`read_item` follows an Item's chain back through the same containers to its bytes. Nesting stops
at MAX_DEPTH (zip in eml in zip).
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from ..errors import CorruptDocument, EncryptedDocument, FileMissing, TooLarge
from .file_kinds import LoaderExtensions, skip_reason
from .items import Item

if TYPE_CHECKING:  # email and zipfile are imported where one is opened: a letter needs neither
    import email.message

MAX_DEPTH = 3  # zip in eml in zip: deeper nesting is not followed


def max_bytes() -> int:
    """foi_extract.load.MAX_BYTES, read without importing the loaders (the worker enforces the real one)."""
    return int(os.environ.get("FOI_EXTRACT_MAX_BYTES", str(100 * 1024 * 1024)))


def read_file(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def is_zip_not_docx(path: str) -> bool:
    import zipfile

    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
        if head != b"PK\x03\x04":
            return False
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
        # Office, OpenDocument, EPUB and Java files are zips too, but not archives of replies
        markers = ("word/", "xl/", "ppt/", "META-INF/", "content.xml", "mimetype")
        return not any(n.startswith(markers) for n in names)
    except (OSError, zipfile.BadZipFile):
        return False


def zip_items(
    display: str,
    source: str,
    chain: tuple[str, ...],
    data: bytes,
    loadable: LoaderExtensions,
    depth: int,
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
        if info.file_size > max_bytes() or info.flag_bits & 0x1:
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
            yield from zip_items(shown, source, sub, member, loadable, depth + 1)
            continue
        yield Item(
            path=shown,
            source=source,
            chain=sub,
            sha256=hashlib.sha256(member).hexdigest(),
            size=len(member),
        )
        if low.endswith(".eml") and depth < MAX_DEPTH:
            yield from eml_zip_items(shown, source, sub, member, loadable, depth + 1)


def eml_zip_items(
    display: str,
    source: str,
    chain: tuple[str, ...],
    data: bytes,
    loadable: LoaderExtensions,
    depth: int,
) -> Iterator[Item]:
    for name, payload in _eml_zips(data):
        yield from zip_items(
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
    import zipfile

    from ..load import MAX_BYTES

    if not os.path.exists(item.source):
        raise FileMissing(item.path, "no such file")
    data = read_file(item.source)
    for i, name in enumerate(item.chain):
        here = item.path if i == len(item.chain) - 1 else name
        if data[:4] == b"PK\x03\x04":
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
