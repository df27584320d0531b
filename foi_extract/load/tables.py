"""A grid of cells as one page of text plus a `Table` whose cells point at that text.

Each row is one line, cells separated by a tab (empty cells keep their tab, so columns line up);
runs of empty rows become one blank line. A cell's own line breaks and tabs become spaces, so
the cell's text is exactly the page text at its span and evidence works as for any page.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence

from ..models import Table

_BREAKS = re.compile(r"[\t\r\n\f\v\u2028\u2029]+")


def column_letters(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet column names."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_text(value: object) -> str:
    """A cell value as a person reads it in the spreadsheet: 2021 not 2021.0, ISO dates, TRUE/FALSE."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return _BREAKS.sub(" ", str(value)).strip()


def render(
    name: str,
    rows: Iterable[tuple[int, Sequence[object]]],
    page: int,
    first_col: int = 0,
    source: str | None = None,
) -> tuple[str, Table]:
    """`rows` are (0-based row index, values from column `first_col` on); returns the page and its table."""
    lines: list[str] = []
    pos = 0
    grid: list[list[dict[str, object]]] = []
    blank = False
    for r, values in rows:
        cells = [cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            if lines and not blank:
                lines.append("")
                pos += 1
                blank = True
            continue
        blank = False
        row: list[dict[str, object]] = []
        col_pos = pos
        for c, text in enumerate(cells):
            if text:
                row.append(
                    {
                        "ref": f"{column_letters(first_col + c)}{r + 1}",
                        "text": text,
                        "evidence": {
                            "page": page,
                            "start": col_pos,
                            "end": col_pos + len(text),
                            "text": text,
                        },
                    }
                )
            col_pos += len(text) + 1
        line = "\t".join(cells)
        lines.append(line)
        pos += len(line) + 1
        grid.append(row)
    header: list[dict[str, object]] = []
    if len(grid) > 1 and len(grid[0]) > 1 and all(not _numeric(str(c["text"])) for c in grid[0]):
        header = grid.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    # one validation of plain data in pydantic's core: far faster than a model per cell
    table = Table.model_validate(
        {"name": name, "source": source, "page": page, "header": header, "rows": grid}
    )
    return "\n".join(lines), table


def _numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[-+£$€]?[\d,.]+%?", text))


def shift(table: Table, pages: int, source: str) -> Table:
    """The same table `pages` pages later (an attachment placed after the email's own pages)."""
    data = table.model_dump()
    for cell in [*data["header"], *(c for row in data["rows"] for c in row)]:
        cell["evidence"]["page"] += pages
    data["page"] += pages
    data["source"] = table.source or source
    return Table.model_validate(data)
