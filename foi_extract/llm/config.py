"""Where the LLM engine finds its model, endpoint and key: flags, then environment, then a file.

Config file (TOML), `$FOI_EXTRACT_CONFIG` or `~/.config/foi-extract/config.toml`:

    [llm]
    model = "gpt-4o-mini"
    base_url = "https://api.openai.com/v1"   # any OpenAI-compatible server: Ollama, vLLM, LM Studio…
    api_key_env = "OPENAI_API_KEY"           # the key itself never needs to sit in the file
    mode = "json_schema"                      # json_schema | tools | json
    context_tokens = 8192

Environment: OPENAI_API_KEY, OPENAI_BASE_URL, FOI_EXTRACT_MODEL, FOI_EXTRACT_LLM_MODE.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError

MODES = ("json_schema", "tools", "json")
SCOPES = ("review", "all")
# `--engine local`'s own defaults (the small model gets one re-ask; chunks are sized by tokens)
LOCAL_DEFAULTS: dict[str, Any] = {"max_reasks": 1}


@dataclass(frozen=True)
class LLMConfig:
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    mode: str = (
        "json_schema"  # structured outputs: response_format json_schema (OpenAI, llama.cpp, vLLM)
    )
    timeout: float = 300.0  # seconds per request when not streaming
    stream: bool = True  # stream completions: progress is judged by tokens arriving
    stall_timeout: float = 60.0  # streaming: seconds without a token before the stream is closed
    time_budget: float = 0.0  # seconds per document; 0 = derived from the measured token rates
    max_retries: int = 4  # transport retries (429, 5xx, timeouts, resets)
    max_reasks: int = 2  # validation re-asks
    context_tokens: int = 8192
    max_questions: int = (
        0  # questions per request; 0 = as many as fit (small local models do better with few)
    )
    max_output_tokens: int = 1536
    temperature: float = 0.0
    seed: int | None = 0
    scope: str = (
        "review"  # review: only questions the rules flagged or that ask for a typed value; all
    )
    strict: bool = (
        False  # an LLM failure fails the document (exit 20) instead of keeping the rules result
    )

    @property
    def configured(self) -> bool:
        """An LLM can be called: a model plus an endpoint or key."""
        return bool(self.model and (self.base_url or self.api_key))

    def describe(self) -> str:
        return (
            f"model {self.model!r} at {self.base_url or 'https://api.openai.com/v1'} ({self.mode})"
        )


def config_path(env: Mapping[str, str] = os.environ) -> Path:
    explicit = env.get("FOI_EXTRACT_CONFIG")
    return (
        Path(explicit).expanduser()
        if explicit
        else Path.home() / ".config" / "foi-extract" / "config.toml"
    )


def _from_file(path: Path, env: Mapping[str, str]) -> dict[str, Any]:
    if not path.exists():
        if "FOI_EXTRACT_CONFIG" in env:
            raise ConfigError(f"{path}: config file not found (FOI_EXTRACT_CONFIG)")
        return {}
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")).get("llm", {})
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: llm must be a table ([llm] with one setting a line)")
    key_env = data.pop("api_key_env", None)
    if key_env and env.get(key_env):
        data["api_key"] = env[key_env]
    known = {f.name for f in fields(LLMConfig)}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{path}: unknown [llm] setting(s): {', '.join(sorted(unknown))}")
    return data


def load_config(
    flags: Mapping[str, Any] | None = None, env: Mapping[str, str] = os.environ
) -> LLMConfig:
    """Flags win over the environment, which wins over the config file."""
    values: dict[str, Any] = _from_file(config_path(env), env)
    for key, var in (
        ("api_key", "OPENAI_API_KEY"),
        ("base_url", "OPENAI_BASE_URL"),
        ("model", "FOI_EXTRACT_MODEL"),
        ("mode", "FOI_EXTRACT_LLM_MODE"),
    ):
        if env.get(var):
            values[key] = env[var]
    for key, value in (flags or {}).items():
        if value is not None:
            values[key] = value
    cfg = replace(LLMConfig(), **values)
    if cfg.mode not in MODES:
        raise ConfigError(f"unknown LLM mode {cfg.mode!r}; use one of {', '.join(MODES)}")
    if cfg.scope not in SCOPES:
        raise ConfigError(f"unknown LLM scope {cfg.scope!r}; use one of {', '.join(SCOPES)}")
    return cfg
