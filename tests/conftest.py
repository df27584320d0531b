"""Shared test helpers: the real-document corpus beside the checkout, and a tiny .docx builder."""

from __future__ import annotations

import io
import os
import pathlib
import zipfile
from collections.abc import Callable

import pytest

SHARED = pathlib.Path(__file__).resolve().parents[1].parent / "shared"


def corpus_path(rel: str) -> pathlib.Path:
    p = SHARED / rel
    if not p.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{p} is missing: CI needs ../shared beside the checkout")
        pytest.skip(f"{p} not available")
    return p


@pytest.fixture
def corpus() -> Callable[[str], pathlib.Path]:
    """`corpus("corpus/<repo>/<file>")`: a real document; fails (not skips) when CI=true and it is missing."""
    return corpus_path


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def build_docx(
    body: str, numbering: str | None = None, extra: dict[str, str] | None = None
) -> bytes:
    """A minimal .docx: `body` is the inner XML of w:body, `numbering` that of w:numbering."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document {W_NS}><w:body>{body}</w:body></w:document>',
        )
        if numbering is not None:
            zf.writestr(
                "word/numbering.xml",
                f'<?xml version="1.0"?><w:numbering {W_NS}>{numbering}</w:numbering>',
            )
        for name, xml in (extra or {}).items():
            zf.writestr(name, xml)
    return buf.getvalue()


@pytest.fixture
def make_docx() -> Callable[..., bytes]:
    return build_docx


@pytest.fixture(autouse=True)
def _no_llm_configuration(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--engine auto` must mean rules in tests, whatever the developer's environment or config file holds."""
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "FOI_EXTRACT_MODEL", "FOI_EXTRACT_LLM_MODE"):
        monkeypatch.delenv(var, raising=False)
    empty = tmp_path_factory.getbasetemp() / "no-llm-config.toml"
    empty.write_text("")
    monkeypatch.setenv("FOI_EXTRACT_CONFIG", str(empty))
    monkeypatch.setenv("FOI_EXTRACT_ERROR_LOG", str(tmp_path_factory.getbasetemp() / "errors.log"))
