"""HTML pages and HTML email bodies as plain text, with the stdlib html.parser.

The page is parsed into a small tree first (tolerating unclosed tags) so that chrome can
be judged as a whole: navigation, cookie banners, menus and search forms are dropped,
but a <form> that wraps the whole page (ASP.NET does this) is kept because it holds
paragraphs, headings or tables. Blocks become lines; list items get "• " or their number;
table cells each get a line, rows are separated by a blank line (as in .docx). Absolute
link targets stay visible as "text <https://...>" because URLs are evidence.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..models import Notice
from . import HTML, Loaded, register
from .docx import format_number
from .text import bom_encoding, decode

_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "head",
    "title",
    "nav",
    "header",
    "footer",
    "aside",
    "select",
    "button",
    "iframe",
    "object",
    "map",
    "datalist",
}
_CHROME = re.compile(r"cookie|banner|menu|breadcrumb|skip-?link", re.I)
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
_PARA = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "dl",
    "figure",
    "hr",
    "address",
}  # separated by a blank line
_LINE = {
    "div",
    "li",
    "dt",
    "dd",
    "section",
    "article",
    "main",
    "caption",
    "figcaption",
    "center",
    "td",
    "th",
    "fieldset",
    "legend",
    "details",
    "summary",
}  # start a new line
_CLOSES_P = _PARA | _LINE - {
    "td",
    "th",
    "li",
    "dt",
    "dd",
    "caption",
    "figcaption",
    "summary",
    "legend",
}
_OL_TYPES = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}
_MAX_DEPTH = 200
_NBSP_PRE = "\ue000"  # stands in for a <pre> space so whitespace collapsing leaves it alone


@dataclass
class _List:
    ordered: bool
    count: int  # the last number used
    fmt: str


@dataclass(slots=True)
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """Builds a forgiving tree: unknown end tags are ignored, unclosed ones closed implicitly."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _CLOSES_P or tag == "p":
            self._close_within("p", stop={"td", "th", "li", "table", "blockquote", "div"})
        if tag == "li":
            self._close_within("li", stop={"ul", "ol"})
        elif tag in ("dt", "dd"):
            self._close_within("dt", "dd", stop={"dl"})
        elif tag in ("td", "th"):
            self._close_within("td", "th", stop={"tr", "table"})
        elif tag == "tr":
            self._close_within("tr", stop={"table"})
        elif tag == "option":
            self._close_within("option", stop={"select"})
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if (
            tag not in _VOID and len(self.stack) < _MAX_DEPTH
        ):  # deeper tags flatten: no recursion blow-up
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return
        if tag == "p":  # a stray </p> is an empty paragraph in browsers
            self.stack[-1].children.append(_Node("p"))

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def _close_within(self, *tags: str, stop: set[str]) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag in tags:
                del self.stack[i:]
                return
            if self.stack[i].tag in stop:
                return


class _Renderer:
    """Writes the tree as text, tracking pending spaces and blank lines instead of guessing later."""

    def __init__(self, drop_chrome: bool) -> None:
        self.drop_chrome = drop_chrome
        self.out: list[str] = []
        self.space = False
        self.pre = 0
        self.cells = 0  # inside td/th, paragraphs are single lines, as in a .docx cell

    def text(self, s: str) -> None:
        if self.pre:
            self.out.append(s.replace("\r\n", "\n").replace(" ", _NBSP_PRE))
            return
        if s[:1].isspace():
            self.space = True
        words = s.split()
        if not words:
            return
        if self.space and self.out and not self.out[-1].endswith("\n"):
            self.out.append(" ")
        self.out.append(" ".join(words))
        self.space = s[-1:].isspace()

    def newline(self, n: int = 1) -> None:
        """Make sure the output ends with at least `n` line breaks (none at the very start)."""
        self.space = False
        if not self.out:
            return
        tail = "".join(self.out[-3:])
        have = len(tail) - len(tail.rstrip("\n"))
        if have < n:
            self.out.append("\n" * (n - have))

    def render(self, node: _Node, lists: list[_List]) -> None:
        for child in node.children:
            if isinstance(child, str):
                self.text(child)
            else:
                self.element(child, lists)

    def element(self, el: _Node, lists: list[_List]) -> None:
        tag = el.tag
        if tag in _DROP or self._hidden(el) or (self.drop_chrome and self._chrome(el)):
            return
        if tag == "br":
            self.out.append("\n")
            self.space = False
            return
        gap = 2 if tag in _PARA or tag == "tr" else 1 if tag in _LINE else 0
        if gap == 2 and self.cells and tag not in ("table", "tr"):
            gap = 1
        cell = tag in ("td", "th")
        self.cells += cell
        if gap:
            self.newline(gap)
        if tag in ("ul", "ol", "menu"):
            start = _small_int(el.attrs.get("start", ""), 1)
            fmt = _OL_TYPES.get(el.attrs.get("type", ""), "decimal")
            lists = lists + [_List(tag == "ol", start - 1, fmt)]
        elif tag == "li":
            self._bullet(el, lists)
        if tag == "pre":
            self.pre += 1
        self.render(el, lists)
        if tag == "pre":
            self.pre -= 1
        if tag == "a":
            self._link(el)
        self.cells -= cell
        if gap:
            self.newline(gap)

    def _bullet(self, el: _Node, lists: list[_List]) -> None:
        if lists and lists[-1].ordered:
            value = el.attrs.get("value", "")
            lists[-1].count = _small_int(value, lists[-1].count + 1)
            self.out.append(format_number(lists[-1].count, lists[-1].fmt) + ". ")
        else:
            self.out.append("• ")

    def _link(self, el: _Node) -> None:
        href = el.attrs.get("href", "").strip()
        if not re.match(r"https?://\S+$", href, re.I):
            return
        label = " ".join(_text_of(el).split())
        if not label or _bare(label) == _bare(href):
            return
        if self.out and not self.out[-1].endswith(("\n", " ")):
            self.out.append(" ")
        self.out.append(f"<{href}>")

    def _chrome(self, el: _Node) -> bool:
        names = f"{el.attrs.get('id', '')} {el.attrs.get('class', '')} {el.attrs.get('role', '')}"
        if el.tag == "form":
            return not _has_content(el)
        if el.tag in ("html", "body", "main", "article"):
            return False
        return bool(_CHROME.search(names)) or el.attrs.get("role") in ("navigation", "banner")

    @staticmethod
    def _hidden(el: _Node) -> bool:
        style = el.attrs.get("style", "").replace(" ", "").lower()
        # text a reader never sees is no part of the reply (and a place to hide instructions to a model)
        return (
            "hidden" in el.attrs
            or "display:none" in style
            or "visibility:hidden" in style
            or re.search(r"(?:^|;)font-size:0(?:[a-z%]*)?(?:;|$|!)", style) is not None
        )


def _small_int(value: str, default: int) -> int:
    """An HTML number attribute; absurd ones (5,000 digits) are ignored as browsers clamp them."""
    value = value.strip()
    return int(value) if value.lstrip("-").isdigit() and len(value) <= 10 else default


def _text_of(node: _Node) -> str:
    return "".join(c if isinstance(c, str) else _text_of(c) for c in node.children)


def _has_content(node: _Node) -> bool:
    """A form holding real prose (not just a search box) is page content, not chrome."""
    return any(
        isinstance(c, _Node)
        and (c.tag in ("p", "table", "article", "main", "h1", "h2", "h3") or _has_content(c))
        for c in node.children
    )


def _bare(url: str) -> str:
    return re.sub(r"^(https?://)?(www\.)?", "", url.strip().lower()).rstrip("/")


def html_to_text(markup: str) -> str:
    """Plain text of an HTML document or fragment (used for pages and email bodies)."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    text = _render(builder.root, drop_chrome=True)
    if not text.strip():  # everything looked like chrome: better too much than nothing
        text = _render(builder.root, drop_chrome=False)
    return text


def _render(root: _Node, drop_chrome: bool) -> str:
    renderer = _Renderer(drop_chrome)
    renderer.render(root, [])
    text = "".join(renderer.out).replace("\r", "").replace("\xa0", " ")
    lines = [
        re.sub(r" {2,}", " ", line).strip(" ").replace(_NBSP_PRE, " ") for line in text.split("\n")
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def decode_html(data: bytes) -> str:
    """Bytes to str, honouring a BOM or a declared charset, else UTF-8 then cp1252."""
    if bom_encoding(data):
        return decode(data)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", data[:4096], re.I)
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def html_to_text_bounded(markup: str) -> tuple[str, bool]:
    """html_to_text, except that markup over the part limit (FOI_EXTRACT_MAX_PART_BYTES) has its tags
    stripped by one linear pass instead of a tree (a tree costs ~15x the markup in memory)."""
    from .. import limits

    if len(markup) <= limits.current().max_part_bytes:
        return html_to_text(markup), False
    text = re.sub(r"(?i)<(?:br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", "\n", markup)
    text = html_lib.unescape(re.sub(r"<[^>]*>", " ", text))
    lines = [
        re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.replace("\r", "").split("\n")
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n"), True


@register(HTML, (".html", ".htm"))
def load_html(data: bytes, path: str) -> Loaded:
    text, stripped = html_to_text_bounded(decode_html(data))
    warnings = (
        [
            Notice(
                code="html_tags_stripped",
                message="HTML over the part limit: tags stripped, layout not read "
                "(FOI_EXTRACT_MAX_PART_BYTES)",
            )
        ]
        if stripped
        else []
    )
    return Loaded(pages=[text], warnings=warnings)
