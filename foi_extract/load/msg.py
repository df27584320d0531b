"""Outlook .msg (an OLE2 compound file of MAPI properties) via extract-msg: the same contract as .eml.

Page 1 is the message (From/To/Date/Subject, then the plain body, else the HTML body as text);
each readable attachment follows as its own pages, named in `sections`, exactly as for .eml.
Embedded messages (an email attached to an email) add their headers and body to page 1, as a
forwarded message/rfc822 part does, down to FOI_EXTRACT_MAX_DEPTH.
"""

from __future__ import annotations

import logging
import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from .. import limits
from ..errors import CorruptDocument, EncryptedDocument, FoiExtractError
from ..models import Notice
from . import MSG, Loaded, register
from .eml import assemble, extract_uuencoded
from .html import decode_html, html_to_text_bounded
from .text import normalise_newlines

logging.getLogger("extract_msg").setLevel(logging.CRITICAL)
_HEADERS = (("From", "sender"), ("To", "to"), ("Date", "date"), ("Subject", "subject"))


@register(MSG, (".msg",))
def load_msg(data: bytes, path: str) -> Loaded:
    import extract_msg
    from extract_msg.exceptions import ExMsgBaseException

    bodies: list[str] = []
    attachments: list[tuple[str, str, bytes]] = []
    notices: list[Notice] = []
    try:
        msg = extract_msg.openMsg(
            data,
            delayAttachments=False,
            errorBehavior=extract_msg.enums.ErrorBehavior.ATTACH_NOT_IMPLEMENTED
            | extract_msg.enums.ErrorBehavior.ATTACH_BROKEN,
        )
    except FoiExtractError:
        raise
    except ExMsgBaseException as exc:
        if "encrypt" in str(exc).lower():
            raise EncryptedDocument(path, f"encrypted Outlook message ({exc})") from None
        raise CorruptDocument(
            path, f"unreadable Outlook .msg ({type(exc).__name__}: {_one_line(exc)})"
        ) from None
    except Exception as exc:  # olefile and extract-msg on a damaged file
        raise CorruptDocument(
            path, f"unreadable Outlook .msg ({type(exc).__name__}: {_one_line(exc)})"
        ) from None
    try:
        _collect(msg, bodies, attachments, notices, depth=0)
    except FoiExtractError:
        raise
    except Exception as exc:
        raise CorruptDocument(
            path, f"unreadable Outlook .msg ({type(exc).__name__}: {_one_line(exc)})"
        ) from None
    finally:
        msg.close()
    return assemble(bodies, attachments, notices)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def _collect(
    msg: Any,
    bodies: list[str],
    attachments: list[tuple[str, str, bytes]],
    notices: list[Notice],
    depth: int,
) -> None:
    limits.check("reading the message")
    bodies.append(_header_block(msg))
    body, files = extract_uuencoded(normalise_newlines(_body(msg)))
    bodies.append(_tidy(body))
    attachments.extend((name, "application/octet-stream", payload) for name, payload in files)
    for att in getattr(msg, "attachments", []) or []:
        name = _filename(att, len(attachments) + 1)
        payload = getattr(att, "data", None)
        if isinstance(payload, bytes):
            ctype = getattr(att, "mimetype", None) or "application/octet-stream"
            if ctype.startswith("image/"):
                notices.append(
                    Notice(code="attachment_skipped", message=f"{name}: image ({ctype}), not read")
                )
                continue
            attachments.append((name, ctype, payload))
        elif payload is not None and hasattr(payload, "attachments"):  # an embedded message
            if depth + 1 > limits.current().max_attachment_depth:
                notices.append(
                    Notice(
                        code="attachment_skipped",
                        message=f"{name}: messages nested more than "
                        f"{limits.current().max_attachment_depth} deep, not read (FOI_EXTRACT_MAX_DEPTH)",
                    )
                )
                continue
            _collect(payload, bodies, attachments, notices, depth + 1)
        else:
            notices.append(
                Notice(
                    code="attachment_skipped",
                    message=f"{name}: an attachment extract-msg cannot read",
                )
            )


def _body(msg: Any) -> str:
    text = _safe(lambda: msg.body) or ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if text.strip():
        return text.replace("\x00", "")
    html = _safe(lambda: msg.htmlBody)
    if html:
        return html_to_text_bounded(decode_html(html) if isinstance(html, bytes) else str(html))[0]
    return ""


def _safe(get: Any) -> Any:
    """A property extract-msg fails to decode reads as missing, not as a broken file."""
    try:
        return get()
    except Exception:
        return None


def _header_block(msg: Any) -> str:
    lines = []
    for label, attr in _HEADERS:
        value = _safe(lambda attr=attr: getattr(msg, attr))
        text = " ".join(str(value).split()) if value else ""
        if text:
            lines.append(f"{label}: {text}")
    return "\n".join(lines)


def _filename(att: Any, n: int) -> str:
    raw = (
        _safe(lambda: att.longFilename)
        or _safe(lambda: att.shortFilename)
        or _safe(lambda: att.name)
        or ""
    )
    name = PureWindowsPath(
        PurePosixPath(str(raw).replace("\x00", "")).name
    ).name.strip()  # never a path
    return name or f"attachment-{n}"


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
