"""Count the cells a spreadsheet reader would allocate, before it allocates them.

Each scan is one linear pass with bounded memory: XML parts are streamed through iterparse and
cleared as they go; .xls BIFF records are walked by their length fields. The count is the sum
over sheets of each sheet's bounding box (what a dense reader allocates), so a sparse
"A1 and XFD1048576" sheet counts as the 17 billion cells it would cost.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from xml.etree import ElementTree as ET

from .. import limits
from ..errors import CorruptDocument, FoiExtractError

_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})$")
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


class _Box:
    def __init__(self) -> None:
        self.r0 = self.c0 = 1 << 62
        self.r1 = self.c1 = -1

    def add(self, row: int, col: int) -> None:
        self.r0, self.r1 = min(self.r0, row), max(self.r1, row)
        self.c0, self.c1 = min(self.c0, col), max(self.c1, col)

    def area(self) -> int:
        return 0 if self.r1 < 0 else (self.r1 - self.r0 + 1) * (self.c1 - self.c0 + 1)


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _parse_error(path: str, kind: str, exc: Exception) -> CorruptDocument:
    return CorruptDocument(path, f"unreadable {kind} ({type(exc).__name__}: {exc})")


_XLSX_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*?)(/?)>")
_XLSX_R = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})?(\d{1,7})["']""")


def scan_xlsx(zf: zipfile.ZipFile, path: str) -> int:
    """Tags only, by regex over each worksheet part (parts are capped, so this is bounded and linear);
    a cell with content is a non-self-closing <c>; anything odd only makes the count larger."""
    total = 0
    for name in zf.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        try:
            data = zf.read(name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError) as exc:
            raise _parse_error(path, ".xlsx", exc) from None
        box, row, col = _Box(), -1, -1
        for m in _XLSX_TAG.finditer(data):
            ref = _XLSX_R.search(m.group(2))
            if m.group(1) == b"row":
                row = int(ref.group(2)) - 1 if ref else row + 1
                col = -1
                continue
            if ref and ref.group(1):
                row, col = int(ref.group(2)) - 1, _col_number(ref.group(1).decode())
            else:
                col += 1
            if not m.group(3):  # <c …>…</c> holds a value, formula or inline string
                box.add(row, col)
        total += box.area()
        limits.check("counting cells")
    return total


def scan_ods(zf: zipfile.ZipFile, path: str) -> int:
    """Repeated rows and cells (table:number-*-repeated) count as many times as they repeat."""
    if "content.xml" not in zf.namelist():
        raise CorruptDocument(path, "not an OpenDocument spreadsheet (no content.xml)")
    total = 0
    box, row, col, row_rep = _Box(), 0, 0, 1
    parents: list[ET.Element] = []
    try:
        with zf.open("content.xml") as fh:
            for event, el in ET.iterparse(fh, events=("start", "end")):
                tag = el.tag
                if event == "start":
                    parents.append(el)
                    if tag == _T + "table":
                        box, row = _Box(), 0
                    elif tag == _T + "table-row":
                        col, row_rep = 0, _repeat(el, "number-rows-repeated")
                    continue
                parents.pop()
                if tag in (_T + "table-cell", _T + "covered-table-cell"):
                    rep = _repeat(el, "number-columns-repeated")
                    if len(el) or el.get(_O + "value-type"):
                        box.add(row, col)
                        box.add(row + row_rep - 1, col + rep - 1)
                    col += rep
                    el.clear()
                elif tag == _T + "table-row":
                    row += row_rep
                    if parents:
                        parents[-1].clear()  # earlier rows are counted: keep memory flat
                elif tag == _T + "table":
                    total += box.area()
                    el.clear()
                    limits.check("counting cells")
    except (ET.ParseError, zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _parse_error(path, ".ods", exc) from None
    return total


def _repeat(el: ET.Element, attr: str) -> int:
    value = el.get(_T + attr, "1")
    return int(value) if value.isdigit() and 0 < len(value) < 10 else 1


# BIFF8 cell records: (record type, how to read row and columns)
_CELL_RECORDS = {
    0x0203,
    0x027E,
    0x00FD,
    0x0006,
    0x0204,
    0x0205,
    0x0201,
    0x0406,
}  # one cell: row, col
_MULTI_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first col, ..., last col
_BOF = 0x0809


def scan_xls(data: bytes, path: str) -> int:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = "Workbook" if ole.exists("Workbook") else "Book"
            stream = ole.openstream(name).read()
    except FoiExtractError:
        raise
    except Exception as exc:  # olefile on a damaged file
        raise _parse_error(path, ".xls", exc) from None
    total, box, pos, n = 0, _Box(), 0, len(stream)
    while pos + 4 <= n:
        typ, size = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        if typ == _BOF:
            total += box.area()
            box = _Box()
        elif typ in _CELL_RECORDS and size >= 4:
            row, col = struct.unpack_from("<HH", stream, body)
            box.add(row, col)
        elif typ in _MULTI_RECORDS and size >= 6:
            row, first = struct.unpack_from("<HH", stream, body)
            last = struct.unpack_from("<H", stream, body + size - 2)[0]
            box.add(row, first)
            box.add(row, max(first, last))
        pos = body + size
    return total + box.area()
