"""No secret ever reaches a cassette: the committed ones are scanned, and recording is shown to scrub.

The scanner is itself tested on planted keys (a guard that cannot fail guards nothing), and a
recording made against the loopback fake server with a fake key and organization is read back
from disk and replayed offline on another port.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openai
import pytest
from cassettes import (
    CASSETTE_DIR,
    README,
    cassette_path,
    find_secrets,
    record_mode,
    scan_dir,
    vcr_for,
)
from llm_fake_server import FakeLLMServer, Reply, completion, fake_llm  # noqa: F401 - fake_llm is a fixture
from pydantic import BaseModel
from vcr.errors import CannotOverwriteExistingCassetteException

FAKE_KEY = "sk-test-SECRETSECRETSECRET123"
FAKE_ORG = "org-FAKEFAKEFAKEFAKEFAKEFAKE"
MESSAGES = [{"role": "user", "content": "How many penalty charge notices? Answer as JSON."}]


class Answer(BaseModel):
    answer: int


GOLD_RECORDINGS = CASSETTE_DIR.parents[1] / "fixtures" / "llm_eval"  # `eval --replay` recordings


def _files() -> list[Path]:
    return sorted(p for d in (CASSETTE_DIR, GOLD_RECORDINGS) for p in d.rglob("*") if p.is_file())


# ---------------------------------------------------------------------- (a) committed cassettes


@pytest.mark.parametrize(
    "path", _files(), ids=lambda p: str(p.relative_to(CASSETTE_DIR.parents[1]))
)
def test_committed_cassette_files_hold_no_secret(path: Path) -> None:
    assert find_secrets(path.read_text(encoding="utf-8", errors="replace")) == []


def test_scan_covers_the_cassette_folder() -> None:
    assert README in _files(), (
        "tests/cassettes/README.md is missing: the scan would have nothing to cover"
    )
    assert scan_dir(CASSETTE_DIR) == {}
    assert any(p.is_relative_to(GOLD_RECORDINGS) for p in _files()), "gold recordings not scanned"


# ---------------------------------------------------------------------- (b) the guard bites


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer sk-test-FAKEFAKEFAKEFAKEFAKE1234",
        "key sk-proj-abcdefghijklmnopqrstuvwxyz0123",
        "sk-abcdefghijklmnop1234",
        '"api_key": "abcdefghijklmnop1234"',
        "api-key=abcdefghijklmnop1234",
        "organization: org-AbCdEfGhIjKlMnOpQrStUvWx",
        "project: proj_AbCdEfGhIjKlMnOpQrStUvWx",
        "aws: AKIAABCDEFGHIJKLMNOP",
        'refresh_token: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b"',
        "client_secret = dGhpcyBpcyBhIHNlY3JldCB0b2tlbg==",
    ],
)
def test_find_secrets_flags_key_like_strings(text: str) -> None:
    assert find_secrets(text), text


@pytest.mark.parametrize(
    "text",
    [
        "the risk-assessment-and-management plan",
        '"prompt_tokens": 1234, "completion_tokens": 56',
        '"id": "chatcmpl-fake", "max_tokens": 1536',
        "Bearer not-needed",
        "https://www.example.org-unit/page",
    ],
)
def test_find_secrets_leaves_ordinary_text_alone(text: str) -> None:
    assert find_secrets(text) == []


def test_planted_keys_in_a_cassette_copy_are_reported(tmp_path: Path) -> None:
    copy = tmp_path / "cassettes"
    shutil.copytree(CASSETTE_DIR, copy)
    planted = copy / "planted.yaml"
    planted.write_text(
        "interactions:\n- request:\n    headers:\n"
        "      Authorization: Bearer sk-test-FAKEFAKEFAKEFAKEFAKE1234\n"
        "      api_key: sk-live-PLANTEDPLANTED987654\n"
        "    method: POST\n    uri: http://127.0.0.1:1/v1/chat/completions\n",
        encoding="utf-8",
    )
    found = scan_dir(copy)
    assert list(found) == [str(planted)]
    hits = " | ".join(found[str(planted)])
    assert "Bearer sk-test-FAKEFAKEFAKEFAKEFAKE1234" in hits
    assert "sk-live-PLANTEDPLANTED987654" in hits


# ---------------------------------------------------------------------- missing cassettes fail


@pytest.mark.parametrize(
    "env", [{"CI": "true", "FOI_EXTRACT_RECORD": "1"}, {}], ids=["ci", "local-not-recording"]
)
def test_missing_cassette_fails_never_skips(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("FOI_EXTRACT_RECORD", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert record_mode() == "none"
    with pytest.raises(
        BaseException
    ) as info:  # broad on purpose: a skip must fail this test, not skip it
        with vcr_for("absent", directory=tmp_path):
            pass  # pragma: no cover - must not be reached
    assert info.type is pytest.fail.Exception, f"expected a test failure, got {info.type.__name__}"
    message = str(info.value)
    assert str(cassette_path("absent", tmp_path)) in message
    assert "FOI_EXTRACT_RECORD=1" in message and "tests/cassettes/README.md" in message


def test_record_mode_only_records_when_asked_outside_ci() -> None:
    assert record_mode({"FOI_EXTRACT_RECORD": "1"}) == "once"
    assert record_mode({"FOI_EXTRACT_RECORD": "1", "CI": "true"}) == "none"
    assert record_mode({"FOI_EXTRACT_RECORD": "0"}) == "none"
    assert record_mode({}) == "none"


# ---------------------------------------------------------------------- (c) recording scrubs


def _ask(base_url: str) -> Answer:
    client = openai.OpenAI(
        api_key=FAKE_KEY, organization=FAKE_ORG, base_url=base_url, max_retries=0, timeout=5
    )
    reply = client.chat.completions.create(model="m", messages=MESSAGES, temperature=0, seed=0)  # type: ignore[arg-type]
    return Answer.model_validate_json(reply.choices[0].message.content or "")


def test_recording_scrubs_credentials_and_replays_offline(
    fake_llm: FakeLLMServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("FOI_EXTRACT_RECORD", "1")
    fake_llm.queue(
        Reply(
            200,
            completion({"answer": 18240}),
            headers={
                "Set-Cookie": "session=abcdef0123456789abcdef; HttpOnly",
                "OpenAI-Organization": FAKE_ORG,
                "X-Upstream-Token": "tok_0123456789abcdef0123456789",
            },
        )
    )
    with vcr_for("scrub_check", directory=tmp_path) as cassette:
        recorded = _ask(fake_llm.url)
    assert recorded.answer == 18240 and len(cassette) == 1
    sent = fake_llm.headers[0]  # the server saw the credentials, so there was something to scrub
    assert sent["authorization"] == f"Bearer {FAKE_KEY}" and sent["openai-organization"] == FAKE_ORG
    assert any(name.startswith("x-stainless-") for name in sent)

    text = cassette_path("scrub_check", tmp_path).read_text(encoding="utf-8")
    lower = text.lower()
    assert find_secrets(text) == []
    for banned in (
        "authorization",
        "x-stainless",
        "sk-test",
        "org-fake",
        "set-cookie",
        "session=",
        "tok_",
        "user-agent",
    ):
        assert banned not in lower, banned
    assert "18240" in text and "/v1/chat/completions" in text

    fake_llm.stop()
    monkeypatch.delenv("FOI_EXTRACT_RECORD")
    assert record_mode() == "none"
    with vcr_for(
        "scrub_check", directory=tmp_path
    ) as cassette:  # another port: host/port are not matched
        replayed = _ask("http://127.0.0.1:9/v1")
    assert replayed == recorded and cassette.play_count == 1
    assert len(fake_llm.requests) == 1

    with vcr_for(
        "scrub_check", directory=tmp_path
    ):  # a different body is refused, never answered stale
        client = openai.OpenAI(
            api_key=FAKE_KEY, base_url="http://127.0.0.1:9/v1", max_retries=0, timeout=5
        )
        with pytest.raises(
            openai.APIConnectionError
        ) as info:  # openai wraps the transport's exception
            client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "something else"}]
            )
    assert isinstance(info.value.__cause__, CannotOverwriteExistingCassetteException)
