"""ZIP containers (.docx, .xlsx, .ods) opened with their unpacked size bounded before any part is parsed.

zipfile never inflates a member past the size its directory declares (a member that would is a
CRC error), so checking the declared sizes bounds memory; `verify` streams every member once for
readers outside Python (calamine) that do not enforce the declared sizes themselves.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from .. import limits
from ..errors import CorruptDocument, EncryptedDocument, TooLarge

MAX_MEMBERS = 20_000
_CHUNK = 1 << 20


# what zipfile and zlib raise for a damaged or unsupported archive
_UNREADABLE = (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError)


def open_zip(data: bytes, path: str, kind: str) -> zipfile.ZipFile:
    """The archive, once its member count and total declared size are within the limits."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _UNREADABLE as exc:
        raise CorruptDocument(path, f"unreadable {kind} ({type(exc).__name__}: {exc})") from None
    if len(infos) > MAX_MEMBERS:
        raise TooLarge(path, f"{kind} holds {len(infos):,} parts (over {MAX_MEMBERS:,})")
    total = sum(i.file_size for i in infos)
    cap = limits.current().max_unpacked
    if total > cap:
        raise TooLarge(
            path,
            f"{kind} unpacks to {total:,} bytes, over the {cap:,}-byte limit "
            "(FOI_EXTRACT_MAX_UNPACKED; a zip bomb?)",
        )
    return zf


def read_part(zf: zipfile.ZipFile, name: str, path: str, kind: str) -> bytes:
    """One member, refused when it declares more than the part limit."""
    info = zf.getinfo(name)
    cap = limits.current().max_part_bytes
    if info.file_size > cap:
        raise TooLarge(
            path,
            f"{name} unpacks to {info.file_size:,} bytes, over the {cap:,}-byte part limit "
            "(FOI_EXTRACT_MAX_PART_BYTES; a zip bomb?)",
        )
    try:
        return zf.read(name)
    except RuntimeError as exc:  # zipfile's word for a password-protected member
        raise EncryptedDocument(path, f"encrypted {kind} ({exc})") from None
    except _UNREADABLE as exc:
        raise CorruptDocument(path, f"unreadable {kind} ({type(exc).__name__}: {exc})") from None


def verify(zf: zipfile.ZipFile, path: str, kind: str) -> None:
    """Inflate every member once, in chunks, without keeping it: a member whose data inflates past
    its declared size fails its CRC here, before another library unpacks it unbounded."""
    cap = limits.current().max_part_bytes
    for info in zf.infolist():
        if info.is_dir():
            continue
        if info.file_size > cap and info.filename.endswith(".xml"):
            raise TooLarge(
                path,
                f"{info.filename} unpacks to {info.file_size:,} bytes, over the {cap:,}-byte "
                "part limit (FOI_EXTRACT_MAX_PART_BYTES; a zip bomb?)",
            )
        try:
            with zf.open(info) as fh:
                while fh.read(_CHUNK):
                    pass
        except RuntimeError as exc:
            raise EncryptedDocument(path, f"encrypted {kind} ({exc})") from None
        except _UNREADABLE as exc:
            raise CorruptDocument(
                path, f"unreadable {kind} ({info.filename}: {type(exc).__name__}: {exc})"
            ) from None
        limits.check("unpacking")
