"""Plain text and Markdown: one page, or one per form feed."""

from __future__ import annotations

from . import MARKDOWN, TEXT, Loaded, register

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def bom_encoding(data: bytes) -> str | None:
    """UTF-32 or UTF-16 when the bytes start with that BOM (UTF-32 first: its LE BOM starts like UTF-16's)."""
    return next((enc for bom, enc in _BOMS if data.startswith(bom)), None)


def decode(data: bytes) -> str:
    """A UTF-16/32 BOM wins; else UTF-8 (with or without BOM), else Windows-1252, which real UK letters often are."""
    enc = bom_encoding(data)
    if enc:
        return data.decode(enc, errors="replace").lstrip("\ufeff")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@register(TEXT, (".txt", ".text"))
def load_text(data: bytes, path: str) -> Loaded:
    return Loaded(pages=normalise_newlines(decode(data)).split("\f"))


@register(MARKDOWN, (".md", ".markdown"))
def load_markdown(data: bytes, path: str) -> Loaded:
    return load_text(data, path)
