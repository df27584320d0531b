"""Word .docx with the stdlib (zipfile + ElementTree), so no extra dependency.

Why it is more than "join the w:t elements":
- Auto-numbering ("1.", "a)", "(ii)") is not in the text, yet FOI letters number the
  questions that way, so the labels are rendered from word/numbering.xml.
- Tables read row by row, cell by cell, one cell per line, so a "question | answer"
  table reads question then answer.
- Only explicit page breaks (w:br w:type="page", pageBreakBefore) start a new page;
  Word's own pagination is not in the file, so everything else is one page.
Headers, footers, comments, footnotes and deleted (tracked) text are left out.

Numbering counters follow Word: lists (w:num) that share an abstract definition
continue one sequence unless a w:lvlOverride/w:startOverride restarts it; a deeper
level restarts whenever a shallower level advances (unless w:lvlRestart says otherwise).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from ..errors import CorruptDocument, EncryptedDocument, FoiExtractError
from . import DOCX, Loaded, register
from .zipguard import open_zip, read_part

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
MAX_LABEL_CHARS = 40  # a letter label past "zz…" (Word stops near 780) is written as a number
PAGE = "\f"  # internal page-break marker; XML 1.0 text cannot contain it
_SKIP = {
    W + t for t in ("pPr", "rPr", "del", "moveFrom", "instrText", "delText", "commentReference")
}
_SKIP.add(MC_FALLBACK)  # mc:Choice holds the same content; reading both would double it


@register(DOCX, (".docx",))
def load_docx(data: bytes, path: str) -> Loaded:
    try:
        with open_zip(data, path, ".docx") as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                raise CorruptDocument(
                    path, "not a Word document (no word/document.xml in the .docx)"
                )
            document = _parse_optional(zf, names, "word/document.xml", path)
            numbering = _parse_optional(zf, names, "word/numbering.xml", path)
            styles = _parse_optional(zf, names, "word/styles.xml", path)
    except FoiExtractError:
        raise
    except RuntimeError as exc:  # zipfile raises this for password-protected members
        raise EncryptedDocument(path, f"encrypted .docx ({exc})") from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        ET.ParseError,
        KeyError,
        EOFError,
        OSError,
        NotImplementedError,
    ) as exc:
        raise CorruptDocument(path, f"unreadable .docx ({type(exc).__name__}: {exc})") from None
    body = document.find(W + "body") if document is not None else None
    if body is None:
        raise CorruptDocument(path, "word/document.xml has no w:body")
    try:
        text = _Reader(_Numbering(numbering, styles)).blocks(body)
    except (ValueError, RecursionError) as exc:  # e.g. a non-numeric w:ilvl in a damaged file
        raise CorruptDocument(
            path, f"unreadable .docx content ({type(exc).__name__}: {exc})"
        ) from None
    return Loaded(pages=split_pages(text))


def _parse_optional(
    zf: zipfile.ZipFile, names: set[str], name: str, path: str
) -> ET.Element | None:
    if name not in names:
        return None
    return ET.fromstring(
        read_part(zf, name, path, ".docx")
    )  # expat: no external entities, no entity bombs


def split_pages(text: str) -> list[str]:
    """Split on page breaks; tidy each page (no trailing spaces, at most one blank line)."""
    pages = [_tidy(page) for page in text.split(PAGE)]
    while len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    while len(pages) > 1 and not pages[0].strip():
        pages.pop(0)
    return pages


def _tidy(page: str) -> str:
    lines = [line.rstrip() for line in page.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip("\n")


def _val(el: ET.Element | None, default: str | None = None) -> str | None:
    return default if el is None else el.get(W + "val", default)


def _on(el: ET.Element | None) -> bool:
    """A w:b-style toggle: present and not switched off."""
    return el is not None and _val(el, "true") not in ("0", "false", "off")


class _Reader:
    """Turns w:body content into text with "\n" line breaks and PAGE markers."""

    def __init__(self, numbering: _Numbering) -> None:
        self.numbering = numbering

    def blocks(self, parent: ET.Element) -> str:
        out: list[str] = []
        for child in parent:
            if child.tag == W + "p":
                out.append(self.paragraph(child))
            elif child.tag == W + "tbl":
                out.append(self.table(child))
            elif child.tag in (
                W + "sdt",
                W + "sdtContent",
                W + "customXml",
                W + "ins",
                W + "moveTo",
            ):
                out.append(self.blocks(child))
        return "".join(out)

    def paragraph(self, p: ET.Element) -> str:
        ppr = p.find(W + "pPr")
        before = PAGE if ppr is not None and _on(ppr.find(W + "pageBreakBefore")) else ""
        label = self.numbering.label(ppr)
        boxes: list[str] = []
        text = self.inline(p, boxes)
        return before + label + text + "\n" + "".join(boxes)

    def inline(self, el: ET.Element, boxes: list[str]) -> str:
        """Text of runs under `el`; text-box paragraphs are collected into `boxes`."""
        out: list[str] = []
        for child in el:
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == W + "t":
                out.append(child.text or "")
            elif tag == W + "tab":
                out.append("\t")
            elif tag == W + "br":
                out.append(PAGE if child.get(W + "type") == "page" else "\n")
            elif tag == W + "cr":
                out.append("\n")
            elif tag == W + "noBreakHyphen":
                out.append("-")
            elif tag == W + "txbxContent":
                boxes.append(self.blocks(child))
            else:  # runs, hyperlinks, fields, smart tags, content controls, drawings
                out.append(self.inline(child, boxes))
        return "".join(out)

    def table(self, tbl: ET.Element) -> str:
        rows: list[str] = []
        for tr in _children(tbl, W + "tr"):
            cells = [self.blocks(tc).strip("\n") for tc in _children(tr, W + "tc")]
            cells = [c for c in cells if c.strip()]  # merged-cell continuations are empty
            if cells:
                rows.append("\n".join(cells) + "\n")
        return "\n".join(rows) + "\n" if rows else ""


def _children(el: ET.Element, tag: str) -> list[ET.Element]:
    """Direct `tag` children, looking through content controls that may wrap rows or cells."""
    found: list[ET.Element] = []
    for child in el:
        if child.tag == tag:
            found.append(child)
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            found.extend(_children(child, tag))
    return found


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # w:lvlRestart; None = restart after any shallower level
    legal: bool = False


class _Numbering:
    """Renders auto-number labels, keeping Word's counters as the document is read."""

    def __init__(self, numbering: ET.Element | None, styles: ET.Element | None) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.style_links: dict[str, str] = {}  # abstractNumId -> numbering style id
        self.nums: dict[str, tuple[str, dict[int, tuple[int | None, _Level | None]]]] = {}
        self.style_num: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.used: set[tuple[str, int]] = set()
        if styles is not None:
            for style in styles.iter(W + "style"):
                ppr = style.find(W + "pPr")
                numpr = ppr.find(W + "numPr") if ppr is not None else None
                self.style_num[style.get(W + "styleId", "")] = (
                    _val(numpr.find(W + "numId")) if numpr is not None else None,
                    _val(numpr.find(W + "ilvl")) if numpr is not None else None,
                    _val(style.find(W + "basedOn")),
                )
        if numbering is None:
            return
        for an in numbering.iter(W + "abstractNum"):
            aid = an.get(W + "abstractNumId", "")
            self.abstract[aid] = {
                int(lvl.get(W + "ilvl", "0")): _level(lvl) for lvl in an.findall(W + "lvl")
            }
            link = _val(an.find(W + "numStyleLink"))
            if link:
                self.style_links[aid] = link
        for num in numbering.iter(W + "num"):
            overrides: dict[int, tuple[int | None, _Level | None]] = {}
            for ov in num.findall(W + "lvlOverride"):
                start = _int(_val(ov.find(W + "startOverride")))
                lvl = ov.find(W + "lvl")
                overrides[int(ov.get(W + "ilvl", "0"))] = (
                    start,
                    _level(lvl) if lvl is not None else None,
                )
            self.nums[num.get(W + "numId", "")] = (
                _val(num.find(W + "abstractNumId"), "") or "",
                overrides,
            )

    def label(self, ppr: ET.Element | None) -> str:
        num_id, ilvl = self._numpr(ppr)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        aid, overrides = self.nums[num_id]
        aid = self._resolve(aid)
        levels = dict(self.abstract.get(aid, {}))
        for i, (_, lvl) in overrides.items():
            if lvl is not None:
                levels[i] = lvl
        counters = self.counters.setdefault(aid, {})
        start_override = overrides.get(ilvl, (None, None))[0]
        if start_override is not None and (num_id, ilvl) not in self.used:
            counters[ilvl] = start_override  # a restarted list
        else:
            current = counters.get(ilvl)
            counters[ilvl] = levels.get(ilvl, _Level()).start if current is None else current + 1
        self.used.add((num_id, ilvl))
        for deeper in [d for d in counters if d > ilvl]:
            restart = levels.get(deeper, _Level()).restart
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]
        lvl = levels.get(ilvl, _Level())
        if lvl.fmt == "bullet":
            return "• "
        if lvl.fmt == "none" and "%" not in lvl.text:
            return lvl.text + " " if lvl.text.strip() else ""

        def sub(m: re.Match[str]) -> str:
            i = int(m.group(1)) - 1
            other = levels.get(i, _Level())
            value = counters.get(i, other.start)
            return format_number(value, "decimal" if lvl.legal and i != ilvl else other.fmt)

        text = re.sub(r"%([1-9])", sub, lvl.text).strip()
        return text + " " if text else ""

    def _numpr(self, ppr: ET.Element | None) -> tuple[str | None, int]:
        num_id = ilvl = None
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        if numpr is not None:
            num_id, ilvl = _val(numpr.find(W + "numId")), _val(numpr.find(W + "ilvl"))
        style = _val(ppr.find(W + "pStyle")) if ppr is not None else None
        seen: set[str] = set()
        while style and style not in seen and (num_id is None or ilvl is None):
            seen.add(style)
            s_num, s_lvl, style = self.style_num.get(style, (None, None, None))
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_lvl
        return num_id, _int(ilvl) or 0

    def _resolve(self, aid: str) -> str:
        """Follow w:numStyleLink (a list defined through a numbering style) to the real definition."""
        for _ in range(5):
            link = self.style_links.get(aid)
            if not link or self.abstract.get(aid):
                break
            num_id = self.style_num.get(link, (None, None, None))[0]
            if not num_id or num_id not in self.nums:
                break
            aid = self.nums[num_id][0]
        return aid


def _level(lvl: ET.Element) -> _Level:
    start = _int(_val(lvl.find(W + "start")))
    return _Level(
        fmt=_val(lvl.find(W + "numFmt"), "decimal") or "decimal",
        text=_val(lvl.find(W + "lvlText"), "") or "",
        start=1 if start is None else start,
        restart=_int(_val(lvl.find(W + "lvlRestart"))),
        legal=_on(lvl.find(W + "isLgl")),
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


_ROMAN = [
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
]


def format_number(n: int, fmt: str) -> str:
    """A counter value in a Word number format; unknown formats fall back to decimal."""
    if fmt in ("lowerLetter", "upperLetter") and 0 < n <= 26 * MAX_LABEL_CHARS:
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # Word: y, z, aa, bb
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        out, rest = "", n
        for value, sym in _ROMAN:
            while rest >= value:
                out, rest = out + sym, rest - value
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    return str(n)
