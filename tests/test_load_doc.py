"""The legacy .doc loader, checked on real Word 97-2003 letters (no practical way to synthesise one)."""

from __future__ import annotations

import pytest

from foi_extract.errors import CorruptDocument
from foi_extract.load import DOC, load
from foi_extract.load.doc import clean, load_doc
from foi_extract.load.docx import split_pages

CHICAGO = "corpus/invinst__chicago-police-data/"
HOME_OFFICE = "corpus/mysociety__alaveteli/incoming-request-bad-uuencoding-2.eml__decoded_ResponseT5741_15.doc"


def _plain(text: str) -> bool:
    return "\r" not in text and not any(ord(c) < 32 and c not in "\n\t" for c in text)


@pytest.mark.corpus
def test_chicago_letter_reads_as_the_letter(corpus) -> None:
    doc = load(corpus(CHICAGO + "P058155 - Kiefer.doc"))
    assert doc.media_type == DOC and len(doc.pages) == 1
    page = doc.pages[0]
    assert page.startswith("14 April 2017\n")
    assert "RE:\tNOTICE OF RESPONSE TO FOIA REQUEST" in page
    assert "FOIA FILE NO.:\tP0-58155" in page
    assert "exempt from disclosure pursuant to 5 ILCS 140/7(1)(d)(vi)" in page
    assert page.rstrip().endswith("Chicago, IL 60653")
    assert _plain(page)


@pytest.mark.corpus
def test_exemption_citation_and_quoted_request_survive(corpus) -> None:
    page = load(corpus(CHICAGO + "P059841 - Stecklow - Response.doc")).pages[0]
    assert "14 June 2017" in page
    assert "exempt under 5 ILCS 140/7(1)(c) of FOIA" in page
    assert "● RD number\n● Whether the incident was indoor or outdoors" in page
    assert _plain(page)


@pytest.mark.corpus
def test_field_codes_dropped_but_their_results_kept(corpus) -> None:
    # This letter's signature holds a HYPERLINK field and its address block is a table.
    page = load(corpus(HOME_OFFICE)).pages[0]
    assert "HYPERLINK" not in page and "mailto:" not in page
    assert page.rstrip().endswith("Email: Public.Enquiries@homeoffice.gsi.gov.uk")
    assert "Reference: T5741/15" in page and "29 May 2015" in page
    assert "\n1) Who do the Metropolitan Police and MI5 serve?\n" in page
    assert _plain(page)


@pytest.mark.corpus
def test_every_corpus_doc_loads(corpus) -> None:
    files = sorted(corpus(CHICAGO[:-1]).glob("*.doc"))
    assert len(files) >= 4
    for f in files:
        page = "\n".join(load(f).pages)
        assert "FOIA" in page and "Chicago Police Department" in page, f.name
        assert _plain(page), f.name


def test_control_characters_become_plain_text() -> None:
    raw = (
        'Dear Sir\rSee \x13 HYPERLINK "https://x.org" \x14our site\x15 now.\x0bNext line\r'
        "Question\x07Answer\x07\x07Q2\x07A2\x07\x07\x01\x08Ends\x0cAnnex\r"
    )
    assert split_pages(clean(raw)) == [
        "Dear Sir\nSee our site now.\nNext line\nQuestion\nAnswer\n\nQ2\nA2\n\nEnds",
        "Annex",
    ]


def test_nested_fields_keep_only_results() -> None:
    raw = "Page \x13 PAGE \x14 3\x15 of \x13 NUMPAGES \x13 inner \x14x\x15 \x14 7\x15.\r"
    assert clean(raw) == "Page  3 of  7.\n"


def test_not_a_word_file_is_reported_as_corrupt() -> None:
    with pytest.raises(CorruptDocument, match="not an OLE"):
        load_doc(b"just some text pretending to be a .doc", "fake.doc")
    with pytest.raises(CorruptDocument):
        load_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "truncated.doc")
