"""The .docx loader: what a reader of the page text would notice."""

from __future__ import annotations

import pytest

from foi_extract.errors import CorruptDocument
from foi_extract.load import DOCX, load
from foi_extract.load.docx import load_docx


def p(text: str, num: tuple[int, int] | None = None, ppr: str = "") -> str:
    """A paragraph, optionally auto-numbered with (numId, ilvl)."""
    numpr = (
        f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>' if num else ""
    )
    return (
        f'<w:p><w:pPr>{numpr}{ppr}</w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
    )


def lvl(ilvl: int, fmt: str, text: str, start: int = 1) -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


NUMBERING = (
    '<w:abstractNum w:abstractNumId="0">'
    + lvl(0, "decimal", "%1.")
    + lvl(1, "lowerLetter", "%2)")
    + lvl(2, "lowerRoman", "(%3)")
    + "</w:abstractNum>"
    + '<w:abstractNum w:abstractNumId="1">'
    + lvl(0, "bullet", "\uf0b7")
    + "</w:abstractNum>"
    + '<w:abstractNum w:abstractNumId="2">'
    + lvl(0, "upperRoman", "%1.", start=3)
    + "</w:abstractNum>"
    + '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    + '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    + '<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>'
    + '<w:num w:numId="4"><w:abstractNumId w:val="0"/></w:num>'
    + '<w:num w:numId="5"><w:abstractNumId w:val="0"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
)


def read(make_docx, body: str, numbering: str | None = NUMBERING, **kw) -> list[str]:
    return load_docx(make_docx(body, numbering, **kw), "t.docx").pages


def test_auto_numbered_questions_show_their_numbers(make_docx) -> None:
    body = (
        p("How many staff?", (1, 0))
        + p("Broken down by grade", (1, 1))
        + p("and by site", (1, 1))
        + p("What is the budget?", (1, 0))
        + p("for 2020", (1, 1))
        + p("detail", (1, 2))
        + p("more", (1, 2))
    )
    lines = read(make_docx, body)[0].split("\n")
    assert lines == [
        "1. How many staff?",
        "a) Broken down by grade",
        "b) and by site",
        "2. What is the budget?",
        "a) for 2020",
        "(i) detail",
        "(ii) more",
    ]


def test_bullets_and_start_values(make_docx) -> None:
    body = (
        p("first point", (2, 0))
        + p("second point", (2, 0))
        + p("Third part", (3, 0))
        + p("Fourth", (3, 0))
    )
    assert read(make_docx, body)[0].split("\n") == [
        "• first point",
        "• second point",
        "III. Third part",
        "IV. Fourth",
    ]


def test_lists_sharing_a_definition_continue_unless_restarted(make_docx) -> None:
    # Word continues numbering across w:num that share an abstractNum; startOverride restarts it.
    body = (
        p("one", (1, 0))
        + p("two", (1, 0))
        + p("Between")
        + p("three", (4, 0))
        + p("again one", (5, 0))
        + p("again two", (5, 0))
    )
    assert read(make_docx, body)[0].split("\n") == [
        "1. one",
        "2. two",
        "Between",
        "3. three",
        "1. again one",
        "2. again two",
    ]


def test_numbering_inherited_from_paragraph_style(make_docx) -> None:
    styles = (
        '<?xml version="1.0"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
        'main"><w:style w:styleId="Question"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr>'
        "</w:style></w:styles>"
    )
    body = p("Q one", ppr='<w:pStyle w:val="Question"/>') + p(
        "Q two", ppr='<w:pStyle w:val="Question"/>'
    )
    assert read(make_docx, body, extra={"word/styles.xml": styles})[0] == "1. Q one\n2. Q two"


def test_question_cell_comes_before_answer_cell_and_rows_are_separated(make_docx) -> None:
    def row(*cells: str) -> str:
        return "<w:tr>" + "".join(f"<w:tc>{p(c)}</w:tc>" for c in cells) + "</w:tr>"

    body = (
        p("Your questions:")
        + "<w:tbl>"
        + row("Question", "Answer")
        + row("How many cars?", "12")
        + row("Who decides?", "The board")
        + "</w:tbl>"
        + p("Yours sincerely")
    )
    page = read(make_docx, body)[0]
    assert page == (
        "Your questions:\nQuestion\nAnswer\n\nHow many cars?\n12\n\nWho decides?\nThe board\n\n"
        "Yours sincerely"
    )
    assert page.index("How many cars?") < page.index("12") < page.index("Who decides?")


def test_explicit_page_break_starts_page_two(make_docx) -> None:
    body = (
        p("Letter text")
        + '<w:p><w:r><w:t>end of page one</w:t><w:br w:type="page"/><w:t>Annex A</w:t></w:r></w:p>'
        + p("Annex body")
        + p("Appendix", ppr="<w:pageBreakBefore/>")
    )
    pages = read(make_docx, body)
    assert pages == ["Letter text\nend of page one", "Annex A\nAnnex body", "Appendix"]


def test_tabs_and_line_breaks_are_kept(make_docx) -> None:
    body = "<w:p><w:r><w:t>Ref:</w:t><w:tab/><w:t>FOI 123</w:t><w:br/><w:t>Date:</w:t></w:r></w:p>"
    assert read(make_docx, body)[0] == "Ref:\tFOI 123\nDate:"


def test_headers_deleted_text_and_field_codes_are_not_in_the_page(make_docx) -> None:
    header = (
        '<?xml version="1.0"?><w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:p><w:r><w:t>CONFIDENTIAL HEADER</w:t></w:r></w:p></w:hdr>"
    )
    body = (
        "<w:p><w:r><w:t>See </w:t></w:r><w:del><w:r><w:delText>old words</w:delText></w:r></w:del>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "https://x.org" </w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:hyperlink><w:r><w:t>our site</w:t></w:r>'
        '</w:hyperlink><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    page = read(make_docx, body, extra={"word/header1.xml": header})[0]
    assert page == "See our site"


def test_no_carriage_returns_and_at_most_one_blank_line(make_docx) -> None:
    page = read(make_docx, p("Dear Sir") + p("") + p("") + p("") + p("Thank you"))[0]
    assert page == "Dear Sir\n\nThank you"


def test_load_routes_docx_files(make_docx, tmp_path) -> None:
    f = tmp_path / "reply.docx"
    f.write_bytes(make_docx(p("Hello", (1, 0)), NUMBERING))
    doc = load(f)
    assert doc.media_type == DOCX and doc.pages == ["1. Hello"]


def test_broken_files_say_why(make_docx) -> None:
    with pytest.raises(CorruptDocument, match="unreadable .docx"):
        load_docx(b"PK\x03\x04 this is not really a zip", "bad.docx")
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/other.xml", "<x/>")
    with pytest.raises(CorruptDocument, match="no word/document.xml"):
        load_docx(buf.getvalue(), "empty.docx")
    bad_xml = make_docx("<w:p><w:r><w:t>unclosed")
    with pytest.raises(CorruptDocument):
        load_docx(bad_xml, "badxml.docx")


@pytest.mark.corpus
def test_real_letter_reads_its_numbered_questions(corpus) -> None:
    path = corpus(
        "corpus/vfillis__mental-health-housing-support/"
        "AccCode__Oxford_Health_NHS_Foundation_Trust__20210357 vanessa fillis.docx"
    )
    page = load(path).pages[0]
    assert "\n1. The total number of people in contact with adult mental health services" in page
    assert (
        "\n2. The total number of people in adult mental health services who are on a CPA" in page
    )
    assert (
        "\n3. The total number of people in adult mental health services who are on Section 117"
        in page
    )
    assert "section 12 of the Freedom of Information Act" in page
    assert "\r" not in page


@pytest.mark.corpus
def test_every_corpus_docx_loads_as_readable_text(corpus) -> None:
    folder = corpus("corpus/vfillis__mental-health-housing-support")
    files = sorted(folder.glob("*.docx"))
    assert files
    for f in files:
        doc = load(f)
        text = "\n".join(doc.pages)
        assert "Freedom of Information" in text or "FOI" in text, f.name
        assert not any(ord(c) < 32 and c not in "\n\t" for c in text), f.name


def test_text_box_text_appears_once(make_docx) -> None:
    # Word stores a text box twice (mc:Choice for new readers, mc:Fallback for old ones).
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    box = "<w:txbxContent>" + p("Our ref: FOI 99") + "</w:txbxContent>"
    body = (
        f'<w:p><w:r><mc:AlternateContent {mc}><mc:Choice Requires="wps"><w:drawing>{box}</w:drawing>'
        f"</mc:Choice><mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        "<w:r><w:t>Dear Sir</w:t></w:r></w:p>"
    )
    assert read(make_docx, body)[0] == "Dear Sir\nOur ref: FOI 99"
