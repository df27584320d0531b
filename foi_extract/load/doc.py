"""Legacy Word 97-2003 .doc: the main text read through the piece table, via olefile.

US FOIA offices still send .doc letters. The text is not stored in order in the file:
the FIB (at the start of the WordDocument stream) points to the CLX in the table stream,
whose piece table maps character positions to byte runs, each either UTF-16LE or
"compressed" cp1252. Only the first ccpText characters are the main document; footnotes,
headers and text boxes follow it and are left out, as they are for .docx.

Word's control characters become plain text: paragraph/line/cell marks are line breaks,
a page break (\\x0c) starts a new page, and a field keeps its result but not its code.
"""

from __future__ import annotations

import io
import re
import struct

from ..errors import CorruptDocument, EncryptedDocument, FoiExtractError, UnsupportedType
from . import DOC, Loaded, register
from .docx import PAGE, split_pages

_FIELD_BEGIN, _FIELD_SEP, _FIELD_END = "\x13", "\x14", "\x15"
_NEWLINES = {"\r": "\n", "\x0b": "\n", "\x07": "\n", "\x0c": PAGE, "\t": "\t", "\x1e": "-"}
_FC_CLX_INDEX = 33  # fcClx/lcbClx is the 34th pair in FibRgFcLcb97


@register(DOC, (".doc",))
def load_doc(data: bytes, path: str) -> Loaded:
    import olefile

    try:
        if not olefile.isOleFile(io.BytesIO(data)):
            raise CorruptDocument(path, "not a Word .doc file (not an OLE compound file)")
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("WordDocument"):
                if ole.exists("EncryptedPackage"):
                    raise EncryptedDocument(path, "password-protected Word document")
                raise CorruptDocument(
                    path, "OLE file without a WordDocument stream (not a Word document)"
                )
            word = ole.openstream("WordDocument").read()
            fib = _Fib(word, path)
            table_name = "1Table" if fib.which_table else "0Table"
            if not ole.exists(table_name):
                raise CorruptDocument(path, f"missing {table_name} stream")
            table = ole.openstream(table_name).read()
            raw = _piece_text(word, table, fib, path)[: fib.ccp_text]
    except FoiExtractError:
        raise
    except Exception as exc:  # olefile and struct on a damaged file: report it, never crash
        raise CorruptDocument(path, f"unreadable .doc ({type(exc).__name__}: {exc})") from None
    return Loaded(pages=split_pages(clean(raw)))


class _Fib:
    """The few File Information Block fields needed to find the text."""

    def __init__(self, word: bytes, path: str) -> None:
        if len(word) < 0x22 or struct.unpack_from("<H", word, 0)[0] != 0xA5EC:
            raise CorruptDocument(path, "WordDocument stream has no Word 97+ header")
        n_fib, flags = (
            struct.unpack_from("<HH", word, 2)[0],
            struct.unpack_from("<H", word, 0x0A)[0],
        )
        if n_fib < 0x0070:  # Word 97+ is 0xC1; Word 6/95 (0x65-0x68) use another layout
            raise UnsupportedType(
                path, f"Word 6/95 or older .doc (nFib {n_fib:#x}); save it as .docx"
            )
        if flags & 0x0100:  # fEncrypted
            raise EncryptedDocument(path, "password-protected Word document")
        self.which_table = bool(flags & 0x0200)
        pos = 32
        csw = struct.unpack_from("<H", word, pos)[0]
        pos += 2 + csw * 2
        cslw = struct.unpack_from("<H", word, pos)[0]
        rglw = pos + 2
        self.ccp_text = struct.unpack_from("<i", word, rglw + 3 * 4)[0]
        pos = rglw + cslw * 4
        cb_fclcb = struct.unpack_from("<H", word, pos)[0]
        if cb_fclcb <= _FC_CLX_INDEX:
            raise CorruptDocument(path, "FIB too short to locate the piece table")
        self.fc_clx, self.lcb_clx = struct.unpack_from("<II", word, pos + 2 + _FC_CLX_INDEX * 8)
        if self.ccp_text < 0:
            raise CorruptDocument(path, "negative text length in FIB")


def _piece_text(word: bytes, table: bytes, fib: _Fib, path: str) -> str:
    """Concatenate the pieces named by the CLX's PlcPcd, in character-position order."""
    clx = table[fib.fc_clx : fib.fc_clx + fib.lcb_clx]
    if not clx or len(clx) < fib.lcb_clx:
        raise CorruptDocument(path, "piece table (CLX) missing or truncated")
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, skipped
        pos += 3 + struct.unpack_from("<h", clx, pos + 1)[0]
    if pos >= len(clx) or clx[pos] != 0x02:
        raise CorruptDocument(path, "piece table (Pcdt) not found in CLX")
    lcb = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5 : pos + 5 + lcb]
    n = (len(plc) - 4) // 12
    if n <= 0:
        raise CorruptDocument(path, "empty piece table")
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    parts: list[str] = []
    total = 0
    for i in range(n):
        fc_field = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        count = cps[i + 1] - cps[i]
        if count <= 0:
            continue
        if fc_field & 0x40000000:
            start = (fc_field & ~0x40000000) // 2
            parts.append(word[start : start + count].decode("cp1252", errors="replace"))
        else:
            parts.append(
                word[fc_field : fc_field + 2 * count].decode("utf-16-le", errors="replace")
            )
        total += count
        if total >= fib.ccp_text:
            break
    return "".join(parts)


def clean(raw: str) -> str:
    """Map Word's control characters to plain text; keep a field's result, drop its code."""
    out: list[str] = []
    fields: list[bool] = []  # one entry per open field: True once past its separator
    for ch in raw:
        if ch == _FIELD_BEGIN:
            fields.append(False)
        elif ch == _FIELD_SEP:
            if fields:
                fields[-1] = True
        elif ch == _FIELD_END:
            if fields:
                fields.pop()
        elif not all(fields):
            continue  # inside a field instruction
        elif ch in _NEWLINES:
            out.append(_NEWLINES[ch])
        elif ch < " ":  # pictures, footnote marks, optional hyphens
            continue
        else:
            out.append(ch)
    return re.sub(r"[ \t]+\n", "\n", "".join(out))
