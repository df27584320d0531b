"""Discovery: folders (recursive), globs, zip archives, an email's zip attachments, and what is skipped."""

from __future__ import annotations

import io
import os
import zipfile
from email.message import EmailMessage
from pathlib import Path

from run_helpers import write_letters

from foi_extract.engines.rules import RulesEngine
from foi_extract.run.discover import discover, read_item, skip_reason
from foi_extract.run.worker import load_item, process


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_folders_are_walked_recursively_in_sorted_order_and_non_replies_are_skipped(
    tmp_path: Path,
) -> None:
    write_letters(tmp_path / "b", 2)
    write_letters(tmp_path / "a" / "deep", 1)
    (tmp_path / "MANIFEST.tsv").write_text("file\tauthority\n")
    (tmp_path / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "figures.xlsx").write_bytes(b"PK\x03\x04xl/")
    (tmp_path / ".DS_Store").write_bytes(b"\0\0")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    found = discover([str(tmp_path)])
    docs = [Path(i.path).relative_to(tmp_path).as_posix() for i in found.documents]
    # spreadsheets have a loader now: discovery lists them, the worker skips one that holds no letter
    assert docs == ["figures.xlsx", "a/deep/reply_000.txt", "b/reply_000.txt", "b/reply_001.txt"]
    skipped = {Path(i.path).name: i.skip for i in found.skipped}
    assert skipped == {
        ".DS_Store": "system file",
        "MANIFEST.tsv": "manifest or readme, not a reply",
        "scan.png": "image: no text layer to read (OCR is not supported)",
    }
    assert all(i.sha256 and len(i.sha256) == 64 for i in found.documents)


def test_a_file_named_explicitly_is_never_skipped(tmp_path: Path) -> None:
    img = tmp_path / "scan.png"
    img.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    found = discover([str(img)])
    assert [i.path for i in found.documents] == [str(img)] and not found.skipped
    out = process(found.documents[0], RulesEngine(), None)
    assert out["outcome"] == "failed" and out["exit_code"] == 11


def test_globs_and_missing_paths(tmp_path: Path) -> None:
    write_letters(tmp_path / "x" / "y", 2)
    found = discover(
        [str(tmp_path / "**" / "*.txt"), str(tmp_path / "nope.pdf"), str(tmp_path / "none-*.pdf")]
    )
    assert [Path(i.path).name for i in found.documents] == [
        "reply_000.txt",
        "reply_001.txt",
        "nope.pdf",
        "none-*.pdf",
    ]
    out = process(found.documents[2], RulesEngine(), None)
    assert (
        out["outcome"] == "failed" and out["exit_code"] == 10 and "no such file" in out["message"]
    )


def test_zip_members_are_documents_and_read_back_exactly(tmp_path: Path) -> None:
    letters = write_letters(tmp_path / "src", 2)
    archive = tmp_path / "replies.zip"
    archive.write_bytes(
        _zip(
            {
                "batch/one.txt": letters[0].read_bytes(),
                "batch/two.txt": letters[1].read_bytes(),
                "batch/photo.jpg": b"\xff\xd8\xff",
                "__MACOSX/batch/._one.txt": b"junk",
                "inner.zip": _zip({"three.txt": letters[0].read_bytes()}),
            }
        )
    )
    found = discover([str(archive)])
    names = [i.path[len(str(archive)) + 1 :] for i in found.documents]
    assert names == ["batch/one.txt", "batch/two.txt", "inner.zip/three.txt"]
    assert [i.path[len(str(archive)) + 1 :] for i in found.skipped] == ["batch/photo.jpg"]
    one = found.documents[0]
    assert read_item(one) == letters[0].read_bytes()
    assert found.documents[2].sha256 == one.sha256  # same bytes, same content address
    doc = load_item(found.documents[2])
    assert doc.path.endswith("replies.zip/inner.zip/three.txt")
    result = process(found.documents[1], RulesEngine(), None)
    assert result["outcome"] in ("ok", "needs_review")
    assert result["extraction"]["source"]["path"] == found.documents[1].path


def test_a_damaged_zip_member_fails_with_its_reason(tmp_path: Path) -> None:
    letters = write_letters(tmp_path / "src", 1)
    data = bytearray(_zip({"one.txt": letters[0].read_bytes() * 20}))
    archive = tmp_path / "bad.zip"
    archive.write_bytes(bytes(data))
    found = discover([str(archive)])
    # corrupt the member's compressed bytes after discovery: the worker reports it, the batch goes on
    raw = bytearray(archive.read_bytes())
    raw[60:80] = b"\x00" * 20
    archive.write_bytes(bytes(raw))
    out = process(found.documents[0], RulesEngine(), None)
    assert out["outcome"] == "failed" and out["exit_code"] in (12,) and out["message"]


def test_an_emails_zip_attachment_is_opened(tmp_path: Path) -> None:
    letters = write_letters(tmp_path / "src", 1)
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = (
        "foi@council.example",
        "me@example.org",
        "Your FOI request",
    )
    msg.set_content("Please find attached our response.")
    msg.add_attachment(
        _zip({"response.txt": letters[0].read_bytes()}),
        maintype="application",
        subtype="zip",
        filename="response.zip",
    )
    mail = tmp_path / "reply.eml"
    mail.write_bytes(bytes(msg))
    found = discover([str(tmp_path / "reply.eml")])
    assert [i.path for i in found.documents] == [str(mail), f"{mail}/response.zip/response.txt"]
    assert read_item(found.documents[1]) == letters[0].read_bytes()


def test_skip_reasons() -> None:
    assert skip_reason("x/README.md") == "manifest or readme, not a reply"
    assert skip_reason("x/data.csv") == "spreadsheet: data without a letter"
    assert skip_reason("x/letter.pdf") is None and skip_reason("x/reply.md") is None
    assert skip_reason("out.foi.sqlite") == "a foi-extract run store"
    assert skip_reason("x/archive.7z").startswith("archive type not read")


def test_outputs_inside_the_input_folder_are_not_inputs(tmp_path: Path) -> None:
    write_letters(tmp_path, 1)
    (tmp_path / "out.csv").write_text("path\n")
    found = discover([str(tmp_path)], exclude=[str(tmp_path / "out.csv")])
    assert [i.skip for i in found.items if i.path.endswith("out.csv")] == ["an output of this run"]
    assert os.path.basename(found.documents[0].path) == "reply_000.txt"
