"""PDFium's line breaks and column gaps, judged by where the characters sit on the page.

Why its own module: this is the loader's geometry (character boxes through PDFium's C API), the
one part of reading a PDF that is not plain text extraction.
"""

from __future__ import annotations

import re
from typing import Any

_BREAK = re.compile(r"\r\n|\r|\n")
_BREAK_OR_SPACE = re.compile(r"\r\n|\r|\n| ")
COLUMN_GAP = (
    2.0  # a space PDFium puts over a gap wider than this many line heights separates columns
)


def line_breaks(textpage: Any, text: str) -> str:
    """PDFium's line breaks as "\n", judged by where the characters on each side of a break sit.

    PDFium ends a line wherever the baseline moves and drops empty lines. So a break between two
    characters of one printed line (a superscript "1" "st") is undone, and a break over a vertical
    gap of more than most of a line's height becomes a blank line, which is how paragraphs show in
    other readers' text and how the rules see where a paragraph (or a URL) ends. PDFium also writes
    one space for any gap on a line; a gap of two line heights or more (a label and its value in
    two table columns, "Date" ... "13 November 2020") becomes a tab, as a column gap.
    """
    import pypdfium2.raw as raw

    if len(text) != textpage.count_chars():  # text and character indices differ: no geometry
        return _BREAK.sub("\n", text)
    handle = textpage.raw
    rect = raw.FS_RECTF()

    def box(i: int) -> tuple[float, float, float, float]:
        # the loose box spans the font's ascent to descent, whatever the glyph: lines compare evenly
        raw.FPDFText_GetLooseCharBox(handle, i, rect)
        return rect.left, rect.bottom, rect.right, rect.top

    out: list[str] = []
    last, n = 0, len(text)
    for m in _BREAK_OR_SPACE.finditer(text):
        start, end = m.span()
        if text[start] == " ":
            if (
                0 < start < n - 1
                and raw.FPDFText_IsGenerated(handle, start) == 1
                and text[start - 1] not in " \r\n"
                and text[start + 1] not in " \r\n"
            ):
                pl, pb, pr, pt = box(start - 1)
                ql, qb, qr, qt = box(start + 1)
                if ql - pr > COLUMN_GAP * max(pt - pb, qt - qb, 1.0):
                    out.append(text[last:start])
                    out.append("\t")
                    last = end
            continue
        p = start - 1
        while p >= 0 and text[p] in " \t":
            p -= 1
        q = end
        while q < n and text[q] in " \t":
            q += 1
        sep = "\n"
        if p >= 0 and q < n and text[p] not in "\r\n" and text[q] not in "\r\n":
            pl, pb, pr, pt = box(p)
            ql, qb, qr, qt = box(q)
            ph, qh = pt - pb, qt - qb
            height = max(ph, qh)
            gap = ql - pr
            if (
                height > 0
                and min(pt, qt) - max(pb, qb) > 0.5 * min(ph, qh)
                and -0.5 * height < gap < 0.5 * height
            ):
                # the same printed line: a superscript or subscript ("1st") joins, else a space
                script = min(ph, qh) < 0.85 * height
                sep = "" if gap < (0.3 if script else 0.15) * height else " "
            elif height > 0 and pb - qt > 0.5 * height:
                sep = "\n\n"  # a gap of most of a line or more: a paragraph ends
        out.append(text[last:start])
        out.append(sep)
        last = end
    out.append(text[last:])
    return "".join(out)
