"""Spreadsheets (.xlsx, .xls, .ods) via python-calamine, and .csv via the stdlib: one page per sheet.

FOI answers often come as "please see the attached Excel file". Each sheet becomes a page rendered
cell by cell (load/tables.py), and a `Table` with each cell's coordinate and span.

calamine keeps a sheet as a dense grid of its bounding box, so one cell at A1 and one at XFD1048576
would ask for half a terabyte and abort the process. Before calamine sees a file, the cells are
counted where they are declared (load/sheet_scan.py: XML or BIFF records, linear, bounded memory)
and a workbook over FOI_EXTRACT_MAX_CELLS is refused; ZIP members are inflated once, streamed,
to prove they unpack to no more than they declare.
"""

from __future__ import annotations

import csv
import io
from pathlib import PurePath

from .. import limits
from ..errors import CorruptDocument, EncryptedDocument, FoiExtractError, TooLarge
from ..models import Table
from . import CSV, ODS, XLS, XLSX, Loaded, register
from .sheet_scan import scan_ods, scan_xls, scan_xlsx
from .tables import render
from .text import decode, normalise_newlines
from .zipguard import open_zip, verify

_KIND = {XLSX: ".xlsx", XLS: ".xls", ODS: ".ods"}


def _check_cells(cells: int, path: str) -> None:
    cap = limits.current().max_cells
    if cells > cap:
        raise TooLarge(
            path,
            f"the workbook spans {cells:,} cells, over the {cap:,}-cell limit (FOI_EXTRACT_MAX_CELLS)",
        )


def _workbook(data: bytes, path: str, media_type: str) -> Loaded:
    import python_calamine as pc

    kind = _KIND[media_type]
    if media_type == XLS:
        _check_cells(scan_xls(data, path), path)
    else:
        zf = open_zip(data, path, kind)
        verify(zf, path, kind)
        _check_cells((scan_xlsx if media_type == XLSX else scan_ods)(zf, path), path)
    pages: list[str] = []
    tables: list[Table] = []
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for meta in wb.sheets_metadata:
            limits.check("reading sheets")
            if str(getattr(meta, "typ", "")).endswith("ChartSheet"):
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            start_row, start_col = sheet.start or (0, 0)
            grid = sheet.to_python(skip_empty_area=True)
            text, table = render(
                meta.name,
                ((start_row + i, row) for i, row in enumerate(grid)),
                len(pages) + 1,
                first_col=start_col,
            )
            if not text.strip():
                continue
            pages.append(text)
            tables.append(table)
    except FoiExtractError:
        raise
    except pc.PasswordError:
        raise EncryptedDocument(path, f"password-protected {kind} workbook") from None
    except (
        Exception
    ) as exc:  # calamine's errors (XmlError, ZipError, CalamineError) and damaged values
        raise CorruptDocument(
            path, f"unreadable {kind} ({type(exc).__name__}: {_one_line(exc)})"
        ) from None
    return Loaded(pages=pages or [""], tables=tables)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


@register(XLSX, (".xlsx", ".xlsm"))
def load_xlsx(data: bytes, path: str) -> Loaded:
    return _workbook(data, path, XLSX)


@register(XLS, (".xls",))
def load_xls(data: bytes, path: str) -> Loaded:
    return _workbook(data, path, XLS)


@register(ODS, (".ods",))
def load_ods(data: bytes, path: str) -> Loaded:
    return _workbook(data, path, ODS)


@register(CSV, (".csv", ".tsv"))
def load_csv(data: bytes, path: str) -> Loaded:
    """Delimiter sniffed (comma, semicolon, tab, pipe) from the start of the file."""
    text = normalise_newlines(decode(data))
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if PurePath(path).suffix.lower() == ".tsv" else csv.excel
    cap = limits.current().max_cells
    rows: list[tuple[int, list[str]]] = []
    cells = 0
    try:
        for i, row in enumerate(csv.reader(io.StringIO(text), dialect)):
            cells += len(row)
            if cells > cap:
                _check_cells(cells, path)
            rows.append((i, row))
            if i % 10_000 == 0:
                limits.check("reading CSV rows")
    except csv.Error as exc:
        raise CorruptDocument(path, f"unreadable CSV ({exc})") from None
    page, table = render(PurePath(path).name, rows, 1)
    return Loaded(pages=[page], tables=[table] if page.strip() else [])
