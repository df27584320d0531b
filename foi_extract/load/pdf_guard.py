"""The PDF stream guard: refuse a bomb or a text flood before any PDF reader parses the file.

Why its own module: it reads the raw bytes, not pages, and both readers (PDFium, pypdf) rely on it.
"""

from __future__ import annotations

import re

from .. import limits
from ..errors import TooLarge

_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")


def check_streams(data: bytes, path: str) -> None:
    """Inflate every Flate stream that is not an image once, in chunks, keeping nothing: a page
    whose content inflates past FOI_EXTRACT_MAX_PAGE_CONTENT (a text flood PDFium would spend gigabytes and
    minutes on) or a file whose streams inflate past FOI_EXTRACT_MAX_UNPACKED (a bomb) is refused
    before any reader parses it. Linear in the file; bounded in memory and in total work."""
    total_cap, page_cap = limits.current().max_unpacked, limits.current().max_page_content
    total = 0
    for m in _STREAM_START.finditer(data):
        head = data[max(0, m.start() - 1024) : m.start()]
        head = head[head.rfind(b" obj") + 1 :] if b" obj" in head else head
        if b"/FlateDecode" not in head or b"/Image" in head or b"/DCTDecode" in head:
            continue
        size = _inflated_size(data, m.end(), min(page_cap, total_cap - total) + 1)
        total += size
        if size > page_cap:
            raise TooLarge(
                path,
                f"a content stream inflates past {page_cap:,} bytes (FOI_EXTRACT_MAX_PAGE_CONTENT; "
                "a text flood or a bomb)",
            )
        if total > total_cap:
            raise TooLarge(
                path,
                f"its streams inflate past {total_cap:,} bytes (FOI_EXTRACT_MAX_UNPACKED; a bomb?)",
            )
        limits.check("checking PDF streams")


def _inflated_size(data: bytes, start: int, cap: int) -> int:
    """Bytes the zlib stream at `start` inflates to, counting at most `cap` (damaged data: what was read)."""
    import zlib

    d = zlib.decompressobj()
    out = 0
    pos = start
    try:
        while out < cap and not d.eof and pos < len(data):
            chunk = d.decompress(data[pos : pos + 65536], cap - out)
            out += len(chunk)
            while d.unconsumed_tail and out < cap:  # output was capped: drain what is pending
                chunk = d.decompress(d.unconsumed_tail, cap - out)
                out += len(chunk)
            if d.unconsumed_tail:
                break
            pos += 65536
    except zlib.error:
        pass
    return out
