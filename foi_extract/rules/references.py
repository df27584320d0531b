"""References a reply cites: URLs, email addresses, contracts-register and request references.

Each form has one finder returning (kind, value, start, end) over the text view, so a
reference's evidence is the exact printed text, even when a URL wraps across lines.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from ..lazy_re import lazy_compile

_URL_CHARS = r"[\w\-./?=&%#~+:;,@!$'*()\[\]]"
_URL = lazy_compile(rf"(?:https?://|www\.)(?:{_URL_CHARS})+", re.I)
_ANGLE_URL = lazy_compile(r"<\s*((?:https?://|www\.)[^<>\s]+(?:\s*\n\s*[^<>\s]+)*)\s*>", re.I)
_TRAIL = ".,;:!?'\"’”)]*"
_CONTINUATION = lazy_compile(r"\A[ \t]*([\w\-./?=&%#~+]+)(?=\s|$)")
_EMAIL = lazy_compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class Found:
    kind: str
    value: str
    start: int
    end: int
    rank: int = 0  # request references: how surely this is the body's own reference


def _strip_trailing(url: str) -> str:
    while url and url[-1] in _TRAIL:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _wrapped_tail(text: str, end: int, url: str) -> int:
    """Extend a URL that a hard line wrap cut at `end`; returns the new end."""
    if end >= len(text) or text[end] != "\n":
        return end
    m = _CONTINUATION.match(text[end + 1 : end + 200])
    if not m:
        return end
    nxt = m.group(1)
    cut_mid_path = url.endswith(("/", "-", "_", "=", "?", "&", "%", "#", "."))
    looks_like_path = (
        "/" in nxt
        or re.search(r"\.(html?|aspx?|php|pdf|docx?|xlsx?|csv)\b", nxt, re.I)
        or (nxt[0].islower() and re.search(r"[-_=?&%#]|\.\w", nxt.rstrip(".,;:)")))
    ) and not nxt[0].isupper()
    if url.endswith("/") and nxt[0].isupper() and not re.search(r"[/.]\w", nxt):
        return end  # a complete path, then the next line's first word ("…/make-a-complaint/\nYours sincerely")
    # a long URL cut mid-word at the column edge: "…/Ambulance-Se\nrvices."
    mid_word = (
        nxt[0].islower()
        and len(url) >= 50
        and bool(re.match(r"\S+?[.,;:)]?[ \t]*(?:\n|$)", text[end + 1 : end + 200]))
    )
    if cut_mid_path or looks_like_path or mid_word:
        return end + 1 + m.end(1)
    return end


def _inside_sorted(spans: list[tuple[int, int]], pos: int) -> bool:
    """Is `pos` inside one of `spans` (sorted, non-overlapping, as finditer yields them)? O(log n)."""
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _starts_within(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Does one of `spans` (sorted) start in [start, end)? O(log n)."""
    i = bisect_left(spans, (start, -1))
    return i < len(spans) and spans[i][0] < end


def find_urls(text: str) -> Iterator[Found]:
    taken: list[tuple[int, int]] = []
    for m in _ANGLE_URL.finditer(text):
        value = re.sub(r"\s+", "", m.group(1))
        taken.append((m.start(1), m.end(1)))
        yield Found("url", _strip_trailing(value), m.start(1), m.end(1))
    for m in _URL.finditer(text):
        if _inside_sorted(taken, m.start()):
            continue
        raw = m.group(0)
        if raw.lower().startswith("www.") and m.start() > 0 and text[m.start() - 1] in "/@.":
            continue
        end = m.start() + len(_strip_trailing(raw))
        end2 = _wrapped_tail(text, end, text[m.start() : end]) if end == m.end() else end
        printed = _strip_trailing(text[m.start() : end2])
        value = re.sub(r"\s+", "", printed)
        if len(value) < 8:
            continue
        yield Found("url", value, m.start(), m.start() + len(printed))


def find_emails(text: str) -> Iterator[Found]:
    for m in _EMAIL.finditer(text):
        value = m.group(0).rstrip(".")
        if value.split("@")[-1].count(".") == 0:
            continue
        yield Found("email", value, m.start(), m.start() + len(value))


_CONTRACTS = lazy_compile(
    r"contracts?\s+register\s*(?:ref(?:erence)?s?|no\.?|number|id)\.?\s*[:\-–]?\s*"
    r"(?P<v>[A-Z0-9][A-Za-z0-9 \-/_.]{1,40}?)(?=\s*(?:\(|\n|;|,|$|\.\s|\.$))",
    re.I,
)


def find_contract_refs(text: str) -> Iterator[Found]:
    """'Care Director contracts register ref: COV CG/002/Adult'."""
    for m in _CONTRACTS.finditer(text):
        v = m.group("v").strip(" .-")
        if re.search(r"\d", v):
            yield Found("contracts_register", v, m.start("v"), m.start("v") + len(v))


_REF_VALUE = (
    r"(?-i:(?P<v>(?:[A-Z]{2,6}(?:[ \t]?[/.\-][ \t]?|[ \t])){0,3}[A-Za-z]{0,6}(?:[ \t]?[/.\-#][ \t]?|[ \t])?\d[A-Za-z0-9\-/.]*"
    r"(?:(?:[ \t]?[\-/][ \t]?|[ \t])[A-Z0-9]*\d[A-Za-z0-9\-/.]*){0,2}))"
)
# (label pattern, how strongly it marks the body's own reference for this request)
_REF_LABELS: list[tuple[str, int]] = [
    (
        r"Request\s+ID|Request\s+(?:No\.?|Number|#)|Our\s+ref(?:erence)?(?:\s+(?:number|no\.?))?|Reference\s+(?:number|no\.?)|"
        r"(?:FOI|FOIA|EIR|Information\s+Request)\s+(?:ID|ref(?:erence)?|request|case|file)(?:\s+(?:number|no\.?|#))?|"
        r"(?:FOIA?\s+)?File\s+(?:number|no\.?|#)|Case\s+(?:number|no\.?|ref(?:erence)?)|(?:tracking|request)\s+(?:number|no\.?)",
        3,
    ),
    (r"Ref(?:erence)?", 2),
    (r"In\s+Reply\s+Refer\s+To", 1),
    (r"Your\s+ref(?:erence)?", 0),
]
# Every label above starts with one of these letters (a new label that does not must add its
# own). Checking it first lets the engine reject most positions with one test instead of trying
# every label there: a case-insensitive pattern gets no fast scan of its own.
_LABEL_FIRST = "cefiorty"
_REF_LABEL = lazy_compile(
    f"(?=[{_LABEL_FIRST}])"
    + "|".join(f"(?P<l{i}>{rx})" for i, (rx, _) in enumerate(_REF_LABELS)).join(["(?:", ")"])
    + r"[ \t]*(?:is[ \t]+)?[:.#]?[ \t]*"
    + _REF_VALUE,
    re.I,
)
# "Reference" alone on a line, the value on the next (disclosure-log pages, forms)
_REF_LINE = lazy_compile(
    r"(?im)^[ \t]*(?:(?:FOI|FOIA|EIR|Request|Our)\s+)?(?:Reference|Ref)(?:\s+(?:number|no\.?))?[ \t]*:?[ \t]*\n[ \t]*"
    + _REF_VALUE
    + r"[ \t]*$"
)
_REF_TOKEN = lazy_compile(
    r"(?<![\w/])(?P<v>(?:[A-Z]{2,6}[.\-/ ])?(?:FOI|FOIA|RFI|EIR|FOISA)(?:\s?[/\-_.#]\s?|\s)?(?:[A-Z]{1,6}[ \-/.]?)?\d[\w\-/.]*[A-Za-z0-9]"
    r"|(?:FOI|RFI)\d+|[A-Z]{2,6}-\d{4}-\d{3,}(?:-[A-Z]{1,3})?)(?![\w])"
)


def find_request_refs(text: str) -> Iterator[Found]:
    """'Request ID: FOI445227294', 'Our ref: DE00000642471', 'FOI 2021-315', 'RFI-2207', 'CBP-2014-011363'."""
    taken: list[tuple[int, int]] = []
    for m in _REF_LABEL.finditer(text):
        v = m.group("v").rstrip(".-/, ")
        if not re.search(r"\d", v) or re.fullmatch(r"\d{1,2}", v) or _is_date(v):
            continue
        rank = next(r for i, (_, r) in enumerate(_REF_LABELS) if m.group(f"l{i}"))
        s = m.start("v")
        taken.append((s, s + len(v)))
        yield Found("request_reference", v, s, s + len(v), rank - _bracketed(text, s))
    for m in _REF_LINE.finditer(text):
        v = m.group("v").rstrip(".-/, ")
        if re.search(r"\d", v) and not _is_date(v):
            taken.append((m.start("v"), m.start("v") + len(v)))
            yield Found("request_reference", v, m.start("v"), m.start("v") + len(v), 3)
    for m in _REF_TOKEN.finditer(text):
        if _inside_sorted(taken, m.start()) or _starts_within(taken, m.start(), m.end()):
            continue
        v = m.group("v").rstrip(".-/")
        rank = 0 if "#" in v and not re.match(r"(?:FOI|FOIA|RFI|EIR|FOISA)\s?#", v) else 1
        yield Found(
            "request_reference",
            v,
            m.start(),
            m.start() + len(v),
            rank - _bracketed(text, m.start()),
        )


def _is_date(value: str) -> bool:
    return bool(re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}", value))


def _bracketed(text: str, pos: int) -> int:
    """1 inside '[FOI #123 email]'-style placeholders, which name the platform's thread, not the body's file."""
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    return 1 if before.rfind("[") > before.rfind("]") else 0


FINDERS = (find_urls, find_emails, find_contract_refs, find_request_refs)


def find_references(text: str) -> list[Found]:
    """Every reference in `text`, in order; an email inside a URL is not reported twice."""
    out: list[Found] = []
    covered = bytearray(
        len(text) + 1
    )  # 1 where an accepted reference's text is: linear, not pairwise
    for finder in FINDERS:
        for f in finder(text):
            if covered[f.start]:
                continue
            out.append(f)
            covered[f.start : f.end] = b"\x01" * (f.end - f.start)
    return sorted(out, key=lambda f: f.start)
