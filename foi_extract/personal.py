"""Personal data in page text: email addresses, phone numbers and people's names where letters print them.

Found from the pages alone (never from the extraction), so `foi-extract text --redact-personal`
and a redacted extraction mask exactly the same characters. Names are found only where a letter
prints them in a predictable place: the sign-off block ("Yours sincerely" and the lines after it),
labelled lines ("Name: …", "Contact: …", "Officer: …", email "From:"/"To:" headers) and the
salutation ("Dear Ms Smith,"); each name found is then masked wherever else it is printed.
Authority names, citations, references, dates and URLs are kept: a name must look like a person's
(capitalised words or initials, no organisation word, no digits), phone numbers must have a
phone's shape, and a number read as the body's request reference is never a phone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .rules.references import find_emails, find_request_refs, find_urls
from .rules.reply_words import SIGN_OFF_PHRASES

EMAIL, PHONE, NAME = "email", "phone", "name"


@dataclass(frozen=True)
class Personal:
    """One piece of personal data: its kind and where it is printed on its page."""

    kind: str
    page: int
    start: int
    end: int


# ---------------------------------------------------------------------- phone numbers
_EXT = r"(?:[ ,]*(?:x|ext\.?|extn\.?|extension)[ ]?\d{1,6})?"
# UK: 0121 303 1111, 020 7035 4848, (01302) 796000, +44 (0)20 3317 7100, +443030823927
_UK = re.compile(
    r"(?<![\w/.\-+])(?:\+[ ]?44[ ]?(?:\(0\)[ ]?)?\d{2,5}|\(0\d{2,5}\)|0\d{1,4})(?:[ \-]?\d{2,8}){1,4}"
    + _EXT
    + r"(?![\w/\-])"
)
# US: (312) 745-5308, 312-907-0008, 312.745.5308, 1-855-444-1234, +1 202 727 6365
_US = re.compile(
    r"(?<![\w/.\-+])(?:\+?1[ .\-]?)?(?:\(\d{3}\)[ ]?\d{3}[ .\-]\d{4}|\d{3}([.\-])\d{3}\1\d{4}|(?<=\+1 )\d{3} \d{3} \d{4})"
    + _EXT
    + r"(?![\w/\-])",
    re.I,
)
# any number after a phone label: "Direct line 02 8333 5316", "Tel: 0303 123 1113", "Mobile: 312 907 0008"
_LABELLED = re.compile(
    r"\b(?:tel(?:ephone)?|phone|ph|direct[ \t]+(?:line|dial)|mobile|mob|cell|fax|switchboard)\b\.?[ \t]*(?:no\.?|number)?[ \t]*[:.\-]?[ \t]*"
    r"(?P<n>[+(]?\d[\d ()+.\-]{6,}\d" + _EXT + r")",
    re.I,
)


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _phone_shapes(text: str) -> Iterator[tuple[int, int]]:
    for m in _UK.finditer(text):
        core = re.sub(r"(?i)[ ,]*(?:x|ext\.?|extn\.?|extension).*$", "", m.group(0))
        n = re.sub(r"\D", "", core)
        national = n[2:].lstrip("0") if core.lstrip().startswith("+") else n.lstrip("0")
        if 9 <= len(national) <= 10:
            yield m.start(), m.end()
    for m in _US.finditer(text):
        yield m.start(), m.end()
    for m in _LABELLED.finditer(text):
        if 7 <= _digits(m.group("n")) <= 15:
            yield m.start("n"), m.end("n")


def find_phones(text: str) -> list[tuple[int, int]]:
    """(start, end) of each phone number: UK and US shapes anywhere, any number after a phone label;
    never a number that is the body's request reference or part of a URL."""
    phones = list(_phone_shapes(text))
    if not phones:
        return phones
    kept = bytearray(len(text) + 1)  # linear, not pairwise
    for f in [*find_request_refs(text), *find_urls(text)]:
        if "@" not in f.value:
            kept[f.start : f.end] = b"\x01" * (f.end - f.start)
    return [(s, e) for s, e in phones if not any(kept[s:e])]


# ---------------------------------------------------------------------- names
_SIGN_OFF = re.compile(
    r"^[ \t]*(?:"
    + SIGN_OFF_PHRASES
    + r"|(?:kind|best|warm|many)[ \t]+(?:wishes|thanks)|many[ \t]+regards|"
    r"with[ \t]+(?:kind[ \t]+)?regards|sincerely[ \t]+yours|respectfully(?:[ \t]+yours)?|thank[ \t]+you)"
    r"[ \t]*[,.]?[ \t]*$",
    re.I | re.M,
)
# text run together on one line, as some converters flatten a letter: "Sincerely, Adam C. Siple Chief, …"
_INLINE_SIGN_OFF = re.compile(
    r"(?i:\b(?:" + SIGN_OFF_PHRASES + r"|respectfully))[,.]?[ \t]+(?=[A-Z])"
)
_LABEL = re.compile(
    r"^[ \t]*(?:(?:contact|case|lead|responsible|foi|disclosure|handling)[ \t]+)?(?:name|contact|officer|signed|"
    r"signatory|handled[ \t]+by|prepared[ \t]+by|dealt[ \t]+with[ \t]+by|from|to|cc)[ \t]*:[ \t]*(?P<v>[^\n<\[]*)",
    re.I | re.M,
)
_DEAR = re.compile(r"\bDear[ \t]+(?=[A-Z])")
# non-empty lines read after a sign-off: "s/Paul Castiglione", "Paul A. Castiglione", a role…
SIGN_OFF_LINES = 4
_LINE = re.compile(r"[^\n]+")
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Rev|Revd|Lord|Lady)\.?"
_WORD = r"(?:(?:[A-Z]['’])?[A-Z][a-z]*[A-Z]?[a-z]+(?:-[A-Z]?[a-z]+)*|[A-Z]\.?(?:[A-Z]\.)*)"
_WORD_RX = re.compile(_WORD)
_TITLE_RX = re.compile(_TITLE)
_SUFFIX = r"(?:,?[ ]+(?:Jr|Sr|Jnr|Snr)\.?|[ ]+(?:II|III|IV))?"
_NAME = re.compile(
    rf"(?:{_TITLE}[ ]+)?{_WORD}(?:[ ]+{_WORD}){{0,3}}{_SUFFIX}(?=[ \t]*(?:$|[,|(–\-]))",
)
_SIGNATURE_MARK = re.compile(r"^(?:/s/?|s/)[ ]*")
# words that make a line an office, a body, a role or an address, not a person
_NOT_NAME = frozenset(
    re.findall(
        r"\w+",
        """team unit office officer officers department dept council borough county city district parish trust nhs
    foundation service services centre center information freedom foi foia eir governance police constabulary board
    authority government ministry agency bureau commission commissioner division section legal affairs director
    manager advisor adviser assistant analyst head lead support operations corporate customer direct communications
    data protection records request requests public health care university hospital hospitals partnership executive
    secretary state attorney clerk administration group directorate compliance privacy enquiries enquiry street road
    avenue ave box house level floor wing building square lane place park way court central regional national interim
    senior chief deputy associate coordinator specialist administrator the of and for on behalf at in to with by
    sir madam requester requestor applicant colleague colleagues all customer customers resident citizen
    january february march april may june july august september october november december monday tuesday wednesday
    thursday friday saturday sunday yours sincerely faithfully regards thanks thank kind best dear re subject date
    sent attachments attachment email mail page act general counsel solicitor library libraries archives heritage
    school college academy institute society association limited ltd plc inc llc company network programme program
    project fund panel professional standards acting expert matter news press media times committee register
    registry mental social children adult adults community""",
    )
)


def looks_like_name(text: str) -> str | None:
    """The person's name in `text` ("Paul A. Castiglione", "Mr M. McCullagh", "Ann O’Flynn, Service Director"),
    or None when it reads as an office, a body, a role or anything else."""
    text = _SIGNATURE_MARK.sub("", text.strip()).strip()
    m = _NAME.match(text)
    if not m:
        return None
    name = m.group(0).rstrip(",")
    words = re.findall(r"[A-Za-z’'\-]+", name)
    if any(w.lower().strip(".") in _NOT_NAME for w in words):
        return None
    titled = re.match(_TITLE + r"[ ]", name) is not None
    parts = name.split()
    initials = sum(1 for p in parts if re.fullmatch(r"[A-Z]\.?(?:[A-Z]\.)*", p))
    full_words = len(parts) - initials - int(titled)
    if full_words < 1 or len(parts) < 2:
        return None
    if full_words == 1 and not titled and initials == 0:
        return None
    if name.isupper() and len(name) < 6:
        return None
    return name


def _names_after(page: str, at: int) -> Iterator[tuple[int, int]]:
    """Names among the first non-empty lines after `at` (a signature block)."""
    seen = 0
    for line in _LINE.finditer(page, at):
        if not line.group(0).strip():
            continue
        seen += 1
        if seen > SIGN_OFF_LINES:
            break
        yield from _name_in(page, line.start(), line.group(0))


def _sign_off_names(page: str, previous: str | None) -> Iterator[tuple[int, int]]:
    """Names in the sign-off blocks of a page; a page that continues a sign-off ("Sincerely," at the
    foot of the previous page) starts with one."""
    if previous and _SIGN_OFF.fullmatch(previous.rstrip().rsplit("\n", 1)[-1]):
        yield from _names_after(page, 0)
    for m in _SIGN_OFF.finditer(page):
        yield from _names_after(page, m.end())
    for m in _INLINE_SIGN_OFF.finditer(page):
        yield from _name_in(page, m.end(), _leading_name_words(page, m.end()))


def _leading_name_words(page: str, at: int) -> str:
    """The name-shaped words a salutation or a run-on signature starts with ("Daniel J. Dial Government Information
    Specialist …" -> "Daniel J. Dial"): up to the first organisation or role word, comma or other word."""
    words: list[str] = []
    for w in re.finditer(r"[^ \t\n]+", page[at : at + 120].split("\n", 1)[0]):
        word = w.group(0).rstrip(",:")
        shaped = _WORD_RX.fullmatch(word) or (not words and _TITLE_RX.fullmatch(word))
        if len(words) == 4 or not shaped or word.lower().strip(".") in _NOT_NAME:
            break
        words.append(word)
        if w.group(0).endswith((",", ":")):
            break
    return " ".join(words)


def _name_in(page: str, at: int, value: str) -> Iterator[tuple[int, int]]:
    name = looks_like_name(value)
    if name:
        start = page.index(name, at)
        yield start, start + len(name)


def _labelled_names(page: str) -> Iterator[tuple[int, int]]:
    for m in _LABEL.finditer(page):
        yield from _name_in(page, m.start("v"), m.group("v"))
    for m in _DEAR.finditer(page):
        yield from _name_in(page, m.end(), _leading_name_words(page, m.end()))


def _everywhere(pages: Sequence[str], names: set[str]) -> Iterator[tuple[int, int, int]]:
    """Every printed occurrence of a name already found (and its spaceless form from signature images)."""
    forms = {f for n in names for f in (n, n.replace(" ", "")) if len(f) >= 5}
    if not forms:
        return
    rx = re.compile(
        r"(?<![\w])(?:"
        + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        + r")(?![\w])"
    )
    for pno, page in enumerate(pages, 1):
        for m in rx.finditer(page):
            yield pno, m.start(), m.end()


# ---------------------------------------------------------------------- all of it
def find_personal(pages: Sequence[str]) -> list[Personal]:
    """Every piece of personal data on the pages, sorted, overlaps merged (an email wins over a name in it)."""
    found: list[Personal] = []
    names: set[str] = set()
    for pno, page in enumerate(pages, 1):
        found += [Personal(EMAIL, pno, f.start, f.end) for f in find_emails(page)]
        found += [Personal(PHONE, pno, s, e) for s, e in find_phones(page)]
        spans = list(_sign_off_names(page, pages[pno - 2] if pno > 1 else None))
        spans += list(_labelled_names(page))
        for s, e in spans:
            names.add(page[s:e])
    found += [Personal(NAME, p, s, e) for p, s, e in _everywhere(pages, names)]
    return _merged(found)


def _merged(found: list[Personal]) -> list[Personal]:
    out: list[Personal] = []
    for p in sorted(found, key=lambda p: (p.page, p.start, -p.end)):
        if out and out[-1].page == p.page and p.start < out[-1].end:
            last = out[-1]
            out[-1] = Personal(last.kind, last.page, last.start, max(last.end, p.end))
            continue
        out.append(p)
    return out
