"""Plain text and Markdown: one page, or one per form feed."""

from __future__ import annotations

from . import MARKDOWN, TEXT, Loaded, register


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, which real UK letters often are."""
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
