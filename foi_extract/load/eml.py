"""An email (.eml) as ONE Document: the message first, then each readable attachment.

Decision: FOI replies usually arrive as an email whose attachment is the letter, and the
email body often says what the attachment does not (the reference, "please find attached"),
so both belong to one result.
- Page 1 is the message: a short header block (From/To/Date/Subject), a blank line, then
  the body (text/plain preferred, else text/html converted with the HTML loader). The
  bodies of forwarded messages (message/rfc822 parts) follow, each with its own headers.
- Each attachment a registered loader can read (PDF, Word, HTML, text) appends its pages;
  `sections` names the "message" (page 1) and each attachment with its page range.
- Images, archives and attachments that fail to load are skipped with an
  "attachment_skipped" Notice naming the file and the cause.
- Old mailers uuencode attachments into the body ("begin 644 name" ... "end"); those are
  decoded (tolerating damaged lines) and treated as attachments, and removed from the text.
A multipart/alternative's non-chosen branches are still searched for attachments,
because Apple Mail puts the attachments only in the HTML branch.
"""

from __future__ import annotations

import binascii
import contextvars
import email
import email.policy
import hashlib
import mimetypes
import re
from email.message import Message
from pathlib import PurePosixPath, PureWindowsPath

from .. import limits
from ..errors import CorruptDocument, FoiExtractError, TooLarge
from ..models import Notice, Section, Table
from . import (
    CSV,
    DOC,
    DOCX,
    EML,
    HTML,
    MARKDOWN,
    MSG,
    ODS,
    PDF,
    TEXT,
    XLS,
    XLSX,
    Loaded,
    load_bytes,
    register,
    sniff,
)
from .html import html_to_text_bounded
from .tables import shift
from .text import decode, normalise_newlines

_READABLE = {PDF, DOCX, DOC, HTML, TEXT, MARKDOWN, CSV, XLSX, XLS, ODS, MSG, EML}
_DEPTH: contextvars.ContextVar[int] = contextvars.ContextVar("foi_extract_email_depth", default=0)
_TEXT_EXTS = {".txt", ".text", ".md", ".markdown", ".csv"}
_TEXT_TYPES = {"text/plain", "text/markdown", "text/csv", "message/rfc822"}
_HEADERS = ("From", "To", "Date", "Subject")
_UU_BEGIN = re.compile(r"^begin [0-7]{3,4} (.+?)\s*$")


@register(EML, (".eml",))
def load_eml(data: bytes, path: str) -> Loaded:
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as exc:  # the parser is lenient; anything raised here means not an email
        raise CorruptDocument(path, f"unreadable email ({type(exc).__name__}: {exc})") from None
    if not msg.keys():
        raise CorruptDocument(path, "not an email (no headers)")
    collected = _Collector()
    try:
        collected.message(msg)
    except RecursionError:
        raise CorruptDocument(path, "MIME parts nested too deeply to read") from None
    return assemble(collected.bodies, collected.attachments, collected.notices)


def assemble(
    bodies: list[str], attachments: list[tuple[str, str, bytes]], notices: list[Notice]
) -> Loaded:
    """Page 1 is the message; each readable attachment follows as its own pages (shared with .msg)."""
    pages = ["\n\n".join(b for b in bodies if b.strip())]
    sections = [Section(name="message", first_page=1, last_page=1)]
    warnings: list[Notice] = []
    tables: list[Table] = []
    ocr_confidence: dict[int, float] = {}
    seen: set[str] = set()
    names: set[str] = set()
    depth = _DEPTH.get()
    for name, content_type, payload in attachments:
        digest = hashlib.sha256(payload).hexdigest()
        if digest in seen:  # the same file in two alternatives of one message
            continue
        seen.add(digest)
        limits.check("reading attachments")
        token = _DEPTH.set(depth + 1)
        try:
            if depth + 1 > limits.current().max_attachment_depth:
                raise TooLarge(
                    name,
                    f"attachments nested more than {limits.current().max_attachment_depth} deep "
                    "(FOI_EXTRACT_MAX_DEPTH)",
                )
            loaded = _load_attachment(payload, name, content_type)
        except FoiExtractError as exc:
            if exc.code == "over_budget":
                raise
            warnings.append(Notice(code="attachment_skipped", message=f"{name}: {exc.cause}"))
            continue
        except Exception as exc:  # a loader bug must not cost the user the whole email
            warnings.append(
                Notice(code="attachment_skipped", message=f"{name}: {type(exc).__name__}: {exc}")
            )
            continue
        finally:
            _DEPTH.reset(token)
        first = len(pages) + 1
        pages.extend(loaded.pages)
        ocr_confidence.update({first + n - 1: c for n, c in loaded.ocr_confidence.items()})
        section_name = _unique(name, names)
        sections.append(Section(name=section_name, first_page=first, last_page=len(pages)))
        tables.extend(shift(t, first - 1, section_name) for t in loaded.tables)
        for w in loaded.warnings:
            page = None if w.page is None else w.page + first - 1
            warnings.append(Notice(code=w.code, message=f"{section_name}: {w.message}", page=page))
    warnings.extend(notices)
    return Loaded(
        pages=pages,
        sections=sections,
        warnings=warnings,
        tables=tables,
        ocr_confidence=ocr_confidence,
    )


def _load_attachment(payload: bytes, name: str, content_type: str) -> Loaded:
    if not payload.strip():
        raise CorruptDocument(name, "empty attachment")
    media_type = sniff(payload, name)
    ext = PurePosixPath(name).suffix.lower()
    if media_type not in _READABLE or (
        media_type == TEXT and content_type not in _TEXT_TYPES and ext not in _TEXT_EXTS
    ):
        raise CorruptDocument(name, f"not a document type foi-extract reads ({content_type})")
    return load_bytes(payload, name, media_type)


def _unique(name: str, names: set[str]) -> str:
    candidate, n = name, 1
    while candidate in names:
        n += 1
        candidate = f"{name} ({n})"
    names.add(candidate)
    return candidate


class _Collector:
    """Walks the MIME tree once, splitting it into body texts and attachments."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.attachments: list[tuple[str, str, bytes]] = []
        self.notices: list[Notice] = []
        self.depth = 0

    def message(self, msg: Message) -> None:
        if self.depth > limits.current().max_attachment_depth:
            self.notices.append(
                Notice(
                    code="attachment_skipped",
                    message="a forwarded message nested more than "
                    f"{limits.current().max_attachment_depth} deep, not read (FOI_EXTRACT_MAX_DEPTH)",
                )
            )
            return
        self.depth += 1
        self.bodies.append(_header_block(msg))
        self.part(msg, want_body=True)
        self.depth -= 1

    def part(self, part: Message, want_body: bool) -> None:
        ctype = part.get_content_type()
        if ctype == "message/rfc822" or ctype == "message/global":
            for inner in _payload_list(part):
                self.message(inner)
            return
        if part.is_multipart():
            children = _payload_list(part)
            if ctype == "multipart/alternative" and children:
                best = _best_alternative(children)
                for child in children:
                    self.part(child, want_body and child is best)
            else:
                for child in children:
                    self.part(child, want_body)
            return
        filename = _filename(part)
        is_body = (
            ctype in ("text/plain", "text/html") and part.get_content_disposition() != "attachment"
        )
        if is_body and not filename:
            if want_body:
                self.body(part, ctype)
            return
        payload = _payload_bytes(part)
        name = (
            filename
            or f"attachment-{len(self.attachments) + 1}{mimetypes.guess_extension(ctype) or ''}"
        )
        if ctype.startswith("image/") or ctype in (
            "application/zip",
            "application/x-zip-compressed",
        ):
            kind = "image" if ctype.startswith("image/") else "archive"
            self.notices.append(
                Notice(code="attachment_skipped", message=f"{name}: {kind} ({ctype}), not read")
            )
            return
        self.attachments.append((name, ctype, payload))

    def body(self, part: Message, ctype: str) -> None:
        text = _part_text(part)
        if ctype == "text/html":
            text, stripped = html_to_text_bounded(text)
            if stripped:
                self.notices.append(
                    Notice(
                        code="html_tags_stripped",
                        message="HTML body over the part limit: "
                        "tags stripped (FOI_EXTRACT_MAX_PART_BYTES)",
                    )
                )
        text, uu_files = extract_uuencoded(normalise_newlines(text))
        self.attachments.extend((name, "application/octet-stream", data) for name, data in uu_files)
        self.bodies.append(_tidy(text))


def _payload_list(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    return [payload] if isinstance(payload, Message) else []


def _best_alternative(children: list[Message]) -> Message:
    """text/plain first, then HTML, then a multipart branch that holds one."""
    for want in ("text/plain", "text/html"):
        for child in children:
            if child.get_content_type() == want:
                return child
    for child in children:
        if any(p.get_content_type() in ("text/plain", "text/html") for p in child.walk()):
            return child
    return children[-1]


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # malformed RFC 2231 parameters
        name = ""
    name = PureWindowsPath(PurePosixPath(str(name)).name).name  # never a path
    return name.strip()


def _payload_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    return raw.encode("utf-8", "replace") if isinstance(raw, str) else b""


def _part_text(part: Message) -> str:
    """A text part's content, decoding by its charset and falling back rather than failing."""
    data = _payload_bytes(part)
    charset = part.get_content_charset()
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def _header_block(msg: Message) -> str:
    lines = []
    for name in _HEADERS:
        value = _header(msg, name)
        if value:
            lines.append(f"{name}: {value}")
    return "\n".join(lines)


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
        text = "" if value is None else str(value)
    except Exception:  # a header the modern parser chokes on: fall back to its raw text
        text = next((str(v) for k, v in msg.raw_items() if k.lower() == name.lower()), "")
    return " ".join(text.split())


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def extract_uuencoded(text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Remove uuencoded blocks from a body; return the text and the decoded files."""
    lines = text.split("\n")
    kept: list[str] = []
    files: list[tuple[str, bytes]] = []
    i = 0
    while i < len(lines):
        m = _UU_BEGIN.match(lines[i])
        end = (
            next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "end"), None)
            if m
            else None
        )
        if m is None or end is None:
            kept.append(lines[i])
            i += 1
            continue
        files.append((_filename_text(m.group(1)), _uudecode(lines[i + 1 : end])))
        i = end + 1
    return "\n".join(kept), files


def _filename_text(name: str) -> str:
    return PureWindowsPath(PurePosixPath(name).name).name.strip() or "attachment"


def _uudecode(lines: list[str]) -> bytes:
    """binascii.a2b_uu line by line; damaged lines are repaired the way the old uu module did."""
    out = bytearray()
    for line in lines:
        raw = line.encode("latin-1", "replace")
        if not raw.strip():
            continue
        try:
            out += binascii.a2b_uu(raw)
        except binascii.Error:
            nbytes = (((raw[0] - 32) & 63) * 4 + 5) // 3  # trailing garbage from bad encoders
            try:
                out += binascii.a2b_uu(raw[:nbytes])
            except binascii.Error:
                continue
    return bytes(out)
