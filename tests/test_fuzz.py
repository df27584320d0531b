"""Property tests (hypothesis): loaders, the citation parser, the segmenter and grounding on arbitrary
and mutated input raise nothing but the documented errors, every span is the page's own text, and
results do not change with the whitespace changes PDF extractors make. Bounded: a few seconds each."""

from __future__ import annotations

import email.message
import sys
from pathlib import Path

from conftest import build_docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foi_extract.document import Document
from foi_extract.engines.rules import RulesEngine
from foi_extract.errors import FoiExtractError
from foi_extract.ground import ground
from foi_extract.load import load_bytes, sniff
from foi_extract.rules.citations import find_citations

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.hostile import _pdf  # noqa: E402
from fixtures.msgfile import write_msg  # noqa: E402
from fixtures.sheets import BEDS, LETTER, ods_bytes, xlsx_bytes  # noqa: E402

FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

SEED_LETTER = """Northfield Borough Council
Our ref: FOI-2024-0042

Dear Requester

Freedom of Information Act 2000

1. How many libraries does the council run?
The council runs 9 libraries. See https://www.northfield.gov.uk/libraries

2. Please provide the names of staff.
This information is exempt under section 40(2) of the Act.

3. What is the library budget?
This is published at www.northfield.gov.uk/budget and is exempt under section 21.

Yours sincerely
Information Governance
"""


def _eml() -> bytes:
    m = email.message.EmailMessage()
    m["Subject"] = "FOI reply"
    m.set_content(LETTER)
    m.add_attachment(b"Year,Beds\n2021,48\n", maintype="text", subtype="csv", filename="beds.csv")
    return bytes(m)


def _msg(tmp: Path) -> bytes:
    return write_msg(
        tmp / "seed.msg",
        subject="FOI",
        body=LETTER,
        attachments=[("beds.csv", b"Year,Beds\n2021,48\n")],
    ).read_bytes()


def _seeds() -> dict[str, bytes]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        msg = _msg(Path(tmp))
    return {
        "reply.pdf": _pdf(b"BT /F1 12 Tf 72 700 Td (1. Is it held? No, it is not held.) Tj ET"),
        "reply.docx": build_docx(
            "<w:p><w:r><w:t>1. Is it held?</w:t></w:r></w:p><w:p><w:r><w:t>No.</w:t></w:r></w:p>"
        ),
        "reply.xlsx": xlsx_bytes(BEDS),
        "reply.ods": ods_bytes(BEDS),
        "reply.eml": _eml(),
        "reply.msg": msg,
        "reply.html": b"<html><body><ol><li>Is it held?</li></ol><p>No.</p></body></html>",
        "reply.csv": b"Question,Answer\n1,Not held\n",
        "reply.txt": SEED_LETTER.encode(),
    }


SEEDS = _seeds()


def _load(data: bytes, name: str) -> None:
    try:
        doc_pages = load_bytes(data, name, sniff(data, name)).pages
    except FoiExtractError as exc:
        assert "\n" not in str(exc.cause)
        return
    assert isinstance(doc_pages, list) and all(isinstance(p, str) for p in doc_pages)


@FAST
@given(st.binary(max_size=4096), st.sampled_from(sorted(SEEDS) + ["x.bin", "noext"]))
def test_arbitrary_bytes_raise_only_documented_errors(data: bytes, name: str) -> None:
    _load(data, name)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(
    st.sampled_from(sorted(SEEDS)),
    st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8
    ),
    st.booleans(),
)
def test_mutated_files_raise_only_documented_errors(
    name: str, edits: list[tuple[float, int]], truncate: bool
) -> None:
    data = bytearray(SEEDS[name])
    for where, byte in edits:
        data[int(where * len(data))] = byte
    if truncate:
        data = data[: int(edits[0][0] * len(data)) + 1]
    _load(bytes(data), name)


_TEXTISH = st.text(st.characters(blacklist_categories=("Cs",)), max_size=600)
_LETTERISH = st.lists(
    st.sampled_from(
        SEED_LETTER.splitlines()
        + ["section 43(2)", "s.40", "regulation 12(5)(e)", "(b)(6)", "", "4.", "Q5"]
    ),
    max_size=40,
).map("\n".join)


@FAST
@given(st.one_of(_TEXTISH, _LETTERISH), st.sampled_from(["FOIA", "EIR", "FOISA", "US-FOIA"]))
def test_citation_parser_never_raises(text: str, law: str) -> None:
    for c in find_citations(text, law):
        assert 0 <= c.start <= len(text)


def _run(pages: list[str]):  # type: ignore[no-untyped-def]
    doc = Document(path="fuzz.txt", media_type="text/plain", sha256="0", pages=pages)
    return doc, ground(RulesEngine().run(doc), doc)


def _spans(result) -> list:  # type: ignore[no-untyped-def]
    out = list(result.letter.evidence.values())
    for q in result.questions:
        out += (
            q.evidence
            + q.value_evidence
            + [s for e in q.exemptions + q.references for s in e.evidence]
        )
    for e in result.exemptions + result.references:
        out += e.evidence
    return out


@FAST
@given(st.lists(st.one_of(_LETTERISH, _TEXTISH), min_size=1, max_size=3))
def test_segmenter_and_grounding_spans_are_page_text(pages: list[str]) -> None:
    doc, result = _run(pages)
    for s in _spans(result):
        assert doc.pages[s.page - 1][s.start : s.end] == s.text


def _summary(result) -> tuple:  # type: ignore[no-untyped-def]
    return (
        tuple(
            (q.id, q.status, tuple((e.law, e.section) for e in q.exemptions))
            for q in result.questions
        ),
        tuple(sorted((e.law, e.section) for e in result.exemptions)),
    )


@FAST
@given(
    st.lists(
        st.sampled_from(["trailing", "crlf", "indent", "rewrap"]),
        min_size=1,
        max_size=4,
        unique=True,
    )
)
def test_results_invariant_to_extractor_whitespace(changes: list[str]) -> None:
    text = SEED_LETTER
    if "rewrap" in changes:  # long lines broken at a word, as a narrower PDF column would
        import textwrap

        text = "\n".join(
            "\n".join(textwrap.wrap(line, 48)) if len(line) > 48 else line
            for line in text.split("\n")
        )
    if "trailing" in changes:
        text = "\n".join(line + "  " for line in text.split("\n"))
    if "indent" in changes:
        text = "\n".join(" " + line if line else line for line in text.split("\n"))
    if "crlf" in changes:
        text = text.replace("\n", "\r\n")
    from foi_extract.load.text import normalise_newlines

    assert _summary(_run([normalise_newlines(text)])[1]) == _summary(_run([SEED_LETTER])[1])


def test_seed_letter_is_what_the_properties_are_about() -> None:
    summary = _summary(_run([SEED_LETTER])[1])
    assert [q[0] for q in summary[0]] == ["1", "2", "3"]
    assert ("FOIA", "40") in summary[1]


_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
)


@FAST
@given(st.lists(st.lists(_CELL, max_size=6), max_size=12), st.integers(0, 30))
def test_sheet_cells_are_their_page_text(grid: list[list[object]], first_col: int) -> None:
    from foi_extract.load.tables import render

    page, table = render("S", enumerate(grid), 1, first_col=first_col)
    for cell in [*table.header, *(c for row in table.rows for c in row)]:
        assert page[cell.evidence.start : cell.evidence.end] == cell.text == cell.evidence.text
        assert cell.text and cell.text == cell.text.strip()
