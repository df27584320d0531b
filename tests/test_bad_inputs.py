"""Broken inputs fail with the right error and a one-line message naming the file and cause."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from foi_extract.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    FoiExtractError,
    NeedsOCR,
)
from foi_extract.load import load

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.bad_inputs import encrypt_pdf, make_bad_inputs  # noqa: E402
from fixtures.render import render_pdf  # noqa: E402

EXPECTED: dict[str, tuple[type[FoiExtractError], str]] = {
    "not_a_pdf.pdf": (CorruptDocument, "not a pdf"),
    "truncated.pdf": (CorruptDocument, "truncated"),
    "encrypted.pdf": (EncryptedDocument, "password"),
    "empty.pdf": (EmptyDocument, "empty"),
    "image_only.pdf": (NeedsOCR, "ocr"),
}


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_bad_inputs(tmp_path_factory.mktemp("bad"))


def test_generator_writes_every_file(bad: dict[str, Path]) -> None:
    assert set(bad) == set(EXPECTED) | {"good.txt"}
    assert all(p.exists() for p in bad.values())
    assert bad["empty.pdf"].stat().st_size == 0
    assert bad["image_only.pdf"].read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_raises_one_line_error(bad: dict[str, Path], name: str) -> None:
    error_type, cause_word = EXPECTED[name]
    with pytest.raises(error_type) as info:
        load(bad[name])
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{bad[name]}: ")
    assert cause_word in message.lower()
    assert info.value.exit_code == error_type.exit_code


def test_good_letter_loads(bad: dict[str, Path]) -> None:
    doc = load(bad["good.txt"])
    assert "FOI-2024-0042" in doc.pages[0]


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
def test_owner_password_only_pdf_loads(tmp_path: Path, algorithm: str) -> None:
    """Many FOI replies are 'protected' with only an owner password: they must open."""
    plain = render_pdf("Our ref: FOI-7\n\nThe information is not held.", tmp_path / "plain.pdf")
    locked = encrypt_pdf(plain, tmp_path / "locked.pdf", user_password="", algorithm=algorithm)
    assert b"/Encrypt" in locked.read_bytes()
    doc = load(locked)
    assert "FOI-7" in doc.pages[0]
