"""The .eml loader: one Document, the message on page 1 and each readable attachment after it."""

from __future__ import annotations

import binascii
from email.message import EmailMessage

import pytest
from fpdf import FPDF

from foi_extract.errors import CorruptDocument
from foi_extract.load import EML, load
from foi_extract.load.eml import load_eml
from foi_extract.models import Section


def make_pdf(*pages: str) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


def docx_paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def reply(body: str = "Please find our response attached.\nReference FOI-42.") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "FOI Team <foi@council.example>"
    msg["To"] = "requester@example.org"
    msg["Date"] = "Tue, 02 Mar 2021 10:00:00 +0000"
    msg["Subject"] = "Freedom of Information request FOI-42"
    msg.set_content(body)
    return msg


def read(msg: EmailMessage):
    return load_eml(msg.as_bytes(), "reply.eml")


def test_message_page_then_pdf_and_docx_attachments_with_sections(make_docx) -> None:
    msg = reply()
    msg.add_attachment(
        make_pdf("Response letter page one", "Section 40(2) applies"),
        maintype="application",
        subtype="pdf",
        filename="response.pdf",
    )
    msg.add_attachment(
        make_docx(docx_paragraph("Annex: the data table")),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="annex.docx",
    )
    loaded = read(msg)
    assert loaded.pages[0] == (
        "From: FOI Team <foi@council.example>\nTo: requester@example.org\n"
        "Date: Tue, 02 Mar 2021 10:00:00 +0000\nSubject: Freedom of Information request FOI-42\n\n"
        "Please find our response attached.\nReference FOI-42."
    )
    assert "Response letter page one" in loaded.pages[1]
    assert "Section 40(2) applies" in loaded.pages[2]
    assert loaded.pages[3] == "Annex: the data table"
    assert loaded.sections == [
        Section(name="message", first_page=1, last_page=1),
        Section(name="response.pdf", first_page=2, last_page=3),
        Section(name="annex.docx", first_page=4, last_page=4),
    ]
    assert loaded.warnings == []
    assert all("\r" not in page for page in loaded.pages)


def test_html_only_email_body_is_converted() -> None:
    msg = reply()
    msg.set_content(
        "<html><body><p>Dear requester,</p><script>x()</script><ol><li>Held</li><li>Not held</li></ol>"
        "</body></html>",
        subtype="html",
    )
    page = read(msg).pages[0]
    assert page.endswith(
        "Subject: Freedom of Information request FOI-42\n\nDear requester,\n\n1. Held\n2. Not held"
    )


def test_plain_text_alternative_is_preferred_over_html() -> None:
    msg = reply("Plain version of the reply")
    msg.add_alternative("<p>HTML version of the reply</p>", subtype="html")
    page = read(msg).pages[0]
    assert "Plain version of the reply" in page and "HTML version" not in page


def test_images_archives_and_broken_attachments_are_skipped_with_a_notice() -> None:
    msg = reply()
    msg.add_attachment(
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, maintype="image", subtype="png", filename="logo.png"
    )
    msg.add_attachment(
        b"PK\x03\x04" + b"\x00" * 30, maintype="application", subtype="zip", filename="data.zip"
    )
    msg.add_attachment(
        b"%PDF-1.4 truncated", maintype="application", subtype="pdf", filename="broken.pdf"
    )
    msg.add_attachment(
        make_pdf("The real letter"), maintype="application", subtype="pdf", filename="letter.pdf"
    )
    loaded = read(msg)
    assert [s.name for s in loaded.sections] == ["message", "letter.pdf"]
    assert "The real letter" in loaded.pages[1]
    skipped = {n.message.split(":")[0] for n in loaded.warnings if n.code == "attachment_skipped"}
    assert skipped == {"logo.png", "data.zip", "broken.pdf"}
    assert any("truncated PDF" in n.message for n in loaded.warnings)


def test_uuencoded_attachment_in_body_is_decoded_and_removed_from_the_text() -> None:
    letter = b"Dear Mr Young,\nThe information is not held.\nSection 1(1)(a) applies.\n"
    uu = "".join(binascii.b2a_uu(letter[i : i + 45]).decode() for i in range(0, len(letter), 45))
    msg = reply(
        f"A reply is attached.\n\nbegin 644 reply letter.txt\n{uu}`\nend\n\nScanned for viruses.\n"
    )
    loaded = read(msg)
    assert "begin 644" not in loaded.pages[0] and "\nend\n" not in loaded.pages[0]
    assert loaded.pages[0].endswith("A reply is attached.\n\nScanned for viruses.")
    assert loaded.pages[1] == letter.decode()
    assert loaded.sections[1] == Section(name="reply letter.txt", first_page=2, last_page=2)


def test_forwarded_message_body_is_included() -> None:
    inner = reply("Original answer: 12 vehicles.")
    inner.replace_header("Subject", "Original reply")
    outer = reply("Forwarding the earlier reply below.")
    outer.add_attachment(inner)
    page = read(outer).pages[0]
    assert (
        page.index("Forwarding the earlier reply")
        < page.index("Subject: Original reply")
        < page.index("Original answer: 12 vehicles.")
    )


def test_attachments_in_the_html_branch_of_an_alternative_are_found() -> None:
    # Apple Mail: multipart/alternative of text/plain and multipart/mixed(html, pdf, html).
    msg = reply("Plain body")
    msg.add_alternative("<p>HTML body</p>", subtype="html")
    html_part = msg.get_payload()[1]
    html_part.make_mixed()
    html_part.add_attachment(
        make_pdf("Decision notice"), maintype="application", subtype="pdf", filename="decision.pdf"
    )
    loaded = read(msg)
    assert "Plain body" in loaded.pages[0] and "HTML body" not in loaded.pages[0]
    assert loaded.sections[1].name == "decision.pdf" and "Decision notice" in loaded.pages[1]


def test_load_routes_eml_files(tmp_path) -> None:
    f = tmp_path / "reply.eml"
    f.write_bytes(reply().as_bytes())
    doc = load(f)
    assert doc.media_type == EML and doc.sections[0].name == "message"


def test_not_an_email_is_reported() -> None:
    with pytest.raises(CorruptDocument):
        load_eml(b"\n\njust text with no headers", "x.eml")


@pytest.mark.corpus
def test_apple_mail_reply_keeps_both_pdfs_and_skips_the_zip(corpus) -> None:
    doc = load(corpus("corpus/mysociety__alaveteli/apple-mail-with-attachments.eml"))
    assert doc.pages[0].startswith("From: Ben Fairless <ben@righttoknow.org.au>\n")
    assert "I’m now going to reply to this request with 3 attachments" in doc.pages[0]
    names = [s.name for s in doc.sections]
    assert names == ["message", "2013-040 Decision.pdf", "FOI Review Rights.pdf"]
    decision = doc.sections[1]
    assert "FOI REQUEST - REFERENCE NUMBER 2013-040" in doc.pages[decision.first_page - 1]
    assert "Information on rights of review" in doc.pages[doc.sections[2].first_page - 1]
    assert [n.message for n in doc.warnings if n.code == "attachment_skipped"] == [
        "2013-040 Decision.pdf.zip: archive (application/zip), not read"
    ]


@pytest.mark.corpus
def test_badly_uuencoded_word_attachment_is_recovered(corpus) -> None:
    doc = load(corpus("corpus/mysociety__alaveteli/incoming-request-bad-uuencoding-2.eml"))
    assert doc.sections[1] == Section(name="ResponseT5741 15.doc", first_page=2, last_page=2)
    assert "MT,\\1X" not in doc.pages[0] and "Reference : T5741/15" in doc.pages[0]
    assert "Reference: T5741/15" in doc.pages[1] and "Dear Mr Young," in doc.pages[1]
