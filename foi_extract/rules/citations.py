"""Find statutory citations in the forms real replies use.

One parser per citation form (UK section, EIR regulation, US (b)(n), US "Exemption n",
Illinois ILCS, D.C. Code); each yields `Citation`s with offsets into the text it was given.
Whether a citation is *applied* is decided later (rules/applied.py), never here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..lazy_re import lazy_compile

_SUB = r"(?:\s?\(\s?[0-9a-zA-Z]{1,4}\s?\))"
_NUM = r"\d{1,3}[A-Z]?(?![\d/])"


@dataclass(frozen=True)
class Citation:
    law: str
    section: str
    subsection: str | None
    start: int
    end: int
    text: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.law, self.section)


def _subs(raw: str) -> str | None:
    parts = re.findall(r"\(\s?([0-9a-zA-Z]{1,4})\s?\)", raw or "")
    return "".join(f"({p})" for p in parts) or None


# Act named right after a section number: "of the Mental Health Act", "of FOISA".
_ACT_AFTER = lazy_compile(
    r"\A[\s,]*(?:of|under|in)\s+(?:the\s+)?(?P<act>"
    r"Freedom\s+of\s+Information\s*\(Scotland\)\s*Act|FOISA|"
    r"Freedom\s+of\s+Information\s+Act(?:\s+(?:2000|1982))?|FOIA?\b|FoI\s+Act|"
    r"Environmental\s+Information\s+Regulations|EIRs?\b|"
    r"Data\s+Protection\s+Act|DPA\b|"
    r"Act\b|"
    r"(?:[A-Z][\w'’]*\s+){1,6}(?:Act|Regulations|Order|Code|Rules)\b)",
)


def _law_for_act(act: str, default: str) -> str:
    a = re.sub(r"\s+", " ", act).lower()
    if "scotland" in a or a == "foisa":
        return "FOISA"
    if a.startswith("freedom of information act 1982"):
        return "AU-FOI"
    if a.startswith(("freedom of information", "foi")) or a == "act":
        return default if default not in ("EIR", "EISR", "DPA") else "FOIA"
    if a.startswith(("environmental information", "eir")):
        return "EIR"
    if a.startswith(("data protection", "dpa")):
        return "DPA"
    return "other"


def _act_law(text: str, end: int, default: str) -> str:
    m = _ACT_AFTER.match(text[end : end + 90])
    return _law_for_act(m.group("act"), default) if m else default


# ---------------------------------------------------------------- UK sections
_SECTION_HEAD = lazy_compile(
    rf"(?<![\w.'’])(?P<kw>[Ss]ections?|SECTIONS?|[Ss]ec\.|[Ss]s?\.\s?|S(?=\d)|s(?=\d)|[Ss]s?\s(?=\d))\s*"
    rf"(?P<num>{_NUM})(?P<subs>{_SUB}*)(?P<comma>,\s?\d(?!\d))?"
)
_LIST_ITEM = lazy_compile(
    rf"\A(?P<sep>\s*(?:,|and|&|or|/)\s*)(?:(?:[Ss]ections?|[Ss]\.|[Rr]egulations?|[Rr]eg\.)\s*)?"
    rf"(?:(?P<num>{_NUM})(?P<subs>{_SUB}*)|(?P<bare>{_SUB}+))"
)


def parse_sections(text: str, default_law: str) -> Iterator[Citation]:
    """'Section 21', 's.21', 'S43', 'section 40,2', 'Section 40(2) and (3)', 'sections 31 and 43'."""
    consumed = 0
    for m in _SECTION_HEAD.finditer(text):
        if m.start() < consumed:
            continue
        if default_law in ("US-FOIA",) and m.group("kw").strip().lower() in ("s", "s."):
            continue
        items: list[tuple[str, str | None, int, int]] = []
        num, subs = m.group("num"), _subs(m.group("subs"))
        if m.group("comma") and not m.group("kw").lower().startswith("sections"):
            subs = f"({m.group('comma').strip(', ')})"
        items.append((num, subs, m.start(), m.end()))
        pos = m.end()
        while True:
            li = _LIST_ITEM.match(text[pos : pos + 40])
            if not li:
                break
            if li.group("bare"):
                items.append(
                    (
                        items[-1][0],
                        _subs(li.group("bare")),
                        pos + len(li.group("sep")),
                        pos + li.end(),
                    )
                )
            else:
                items.append(
                    (
                        li.group("num"),
                        _subs(li.group("subs")),
                        pos + len(li.group("sep")),
                        pos + li.end(),
                    )
                )
            pos += li.end()
        consumed = pos
        law = _act_law(text, pos, default_law)
        for sec, sub, s, e in items:
            yield Citation(law, sec.upper(), sub, s, e, text[s:e])


# ---------------------------------------------------------------- EIR regulations
_REGULATION = lazy_compile(
    rf"(?<![\w.])(?:[Rr]egulations?|[Rr]egs?\.?|REGULATION)\s*(?P<num>\d{{1,2}})(?![\d/])(?P<subs>{_SUB}*)"
)


def parse_regulations(text: str, default_law: str) -> Iterator[Citation]:
    """'regulation 12(5)(e)', 'Reg. 12(4)(b)', 'regulations 12(4)(b) and 12(5)(e)'."""
    law = (
        "EISR" if default_law in ("EISR", "FOISA") else "EIR"
    )  # regulations in a Scottish letter are the EISR
    for m in _REGULATION.finditer(text):
        tail = text[m.end() : m.end() + 80]
        if re.match(r"\A[\s,]*of\s+the\s+(?!Environmental|EIRs?\b|EISR\b)", tail):
            continue  # another instrument's regulation
        yield Citation(law, m.group("num"), _subs(m.group("subs")), m.start(), m.end(), m.group(0))
        pos = m.end()
        while True:
            li = _LIST_ITEM.match(text[pos : pos + 40])
            if not li or li.group("bare"):
                break
            s = pos + len(li.group("sep"))
            yield Citation(
                law,
                li.group("num"),
                _subs(li.group("subs")),
                s,
                pos + li.end(),
                text[s : pos + li.end()],
            )
            pos += li.end()


# ---------------------------------------------------------------- US federal
_US_B = lazy_compile(r"\(\s?b\s?\)\s?\(\s?(?P<n>[1-9])\s?\)(?P<subs>(?:\s?\(\s?[A-F]\s?\))?)")
_US_EXEMPTION = lazy_compile(
    r"\b[Ee]xemptions?\s+(?:\(?[Bb]\)?\s?\(?)?(?P<n>[1-9])\)?(?P<subs>(?:\s?\([A-F]\))?)"
    r"(?P<rest>(?:\s*(?:,|and|&)\s*(?:\(b\))?\(?[1-9]\)?(?:\s?\([A-F]\))?(?!\d|\.\d|\s*U\.?\s?S\.?\s?C))*)"
)


_US_B_MORE = lazy_compile(
    r"\A\s*(?:,|and/or|and|or|&)\s*\(\s?(?P<n>[1-9])\s?\)(?P<subs>(?:\s?\(\s?[A-F]\s?\))?)(?!\s?\(\s?[ivx])"
)
_OTHER_SECTION = lazy_compile(r"(\d[\d.]*)\s?$")


def parse_us_b(text: str, default_law: str) -> Iterator[Citation]:
    """'(b)(6)', '5 U.S.C. § 552(b)(6), (7)(A) and/or (7)(C)', 'exemption (b)(6)'.

    A '(b)(2)' hanging off another section number ('10 C.F.R. § 1004.7(b)(2)') is that rule's
    paragraph, not a FOIA exemption.
    """
    for m in _US_B.finditer(text):
        before = _OTHER_SECTION.search(text[max(0, m.start() - 12) : m.start()])
        if before and before.group(1).rstrip(".") != "552":
            continue
        yield Citation(
            "US-FOIA", f"b{m.group('n')}", _subs(m.group("subs")), m.start(), m.end(), m.group(0)
        )
        pos = m.end()
        while (more := _US_B_MORE.match(text[pos : pos + 40])) is not None:
            s, e = pos + more.start("n") - 1, pos + more.end()
            yield Citation(
                "US-FOIA", f"b{more.group('n')}", _subs(more.group("subs")), s, e, text[s:e]
            )
            pos += more.end()


def parse_us_numbered(text: str, default_law: str) -> Iterator[Citation]:
    """'Exemption 5', 'FOIA Exemptions 5 and 6', 'Exemptions 6 and 7(C)' (US letters only)."""
    if default_law != "US-FOIA":
        return
    for m in _US_EXEMPTION.finditer(text):
        yield Citation(
            "US-FOIA",
            f"b{m.group('n')}",
            _subs(m.group("subs")),
            m.start(),
            m.end("subs"),
            text[m.start() : m.end("subs")],
        )
        base = m.start("rest")
        for x in re.finditer(r"\(?([1-9])\)?(\s?\([A-F]\))?", m.group("rest")):
            s, e = base + x.start(), base + x.end()
            yield Citation("US-FOIA", f"b{x.group(1)}", _subs(x.group(2) or ""), s, e, text[s:e])


# ---------------------------------------------------------------- US state acts
_ILCS = lazy_compile(rf"5\s?ILCS\s?140\s?/\s?(?P<num>\d{{1,2}}(?:\.\d{{1,2}})?)(?P<subs>{_SUB}*)")
_DC = lazy_compile(rf"(?:§+|[Ss]ection)\s?(?P<num>2-5\d\d)(?P<subs>{_SUB}*)")


def parse_ilcs(text: str, default_law: str) -> Iterator[Citation]:
    """'5 ILCS 140/7(1)(c)'."""
    for m in _ILCS.finditer(text):
        yield Citation(
            "IL-FOIA", m.group("num"), _subs(m.group("subs")), m.start(), m.end(), m.group(0)
        )


_MCL = lazy_compile(rf"MCL\s?15\.2(?P<num>[3-4]\d)(?P<subs>{_SUB}*)")


def parse_mcl(text: str, default_law: str) -> Iterator[Citation]:
    """'MCL 15.243(1)(a)': section 13 of the Michigan FOIA (15.231 is section 1, 15.243 section 13)."""
    for m in _MCL.finditer(text):
        section = str(int(m.group("num")) - 30)
        yield Citation("MI-FOIA", section, _subs(m.group("subs")), m.start(), m.end(), m.group(0))


def parse_dc_code(text: str, default_law: str) -> Iterator[Citation]:
    """'D.C. Official Code § 2-534(a)(2)'."""
    for m in _DC.finditer(text):
        yield Citation(
            "DC-FOIA", m.group("num"), _subs(m.group("subs")), m.start(), m.end(), m.group(0)
        )


PARSERS: list[Callable[[str, str], Iterator[Citation]]] = [
    parse_ilcs,
    parse_mcl,
    parse_dc_code,
    parse_us_b,
    parse_us_numbered,
    parse_regulations,
    parse_sections,
]


def find_citations(text: str, default_law: str = "FOIA") -> list[Citation]:
    """All citations in `text`, earliest first; overlapping finds keep the most specific parser's."""
    found: list[Citation] = []
    taken: list[tuple[int, int]] = []
    for parser in PARSERS:
        for c in parser(text, default_law):
            if any(c.start < e and s < c.end for s, e in taken):
                continue
            found.append(c)
        taken = [(c.start, c.end) for c in found]
    if default_law in ("IL-FOIA", "MI-FOIA", "DC-FOIA", "AU-FOI"):
        found = [_retag(c, default_law) for c in found]
    return sorted(found, key=lambda c: c.start)


def _retag(c: Citation, law: str) -> Citation:
    """Bare 'Section 7(1)(c)' in an Illinois letter is the Illinois Act, not the UK FOIA."""
    if c.law == "FOIA":
        return Citation(law, c.section, c.subsection, c.start, c.end, c.text)
    return c
