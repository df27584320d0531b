"""Prompts are files in `prompts/`, loaded by name; their hash is the prompt version.

The version travels in every result (`engine.prompt_version`) and every cache key, so a changed
word in a prompt can never be confused with an old result. Few-shot examples are checked before
use: an example whose quotes are not in its own text would teach the model to invent.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import ConfigError

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam


def prompts_dir() -> Path:
    """`$FOI_EXTRACT_PROMPTS`, else the project's `prompts/` beside the package."""
    env = os.environ.get("FOI_EXTRACT_PROMPTS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True)
class Example:
    name: str
    text: str
    questions: list[dict[str, str]]
    answer: dict[str, Any]


@dataclass(frozen=True)
class PromptSet:
    system: str
    extract: Template
    examples: tuple[Example, ...]
    version: str

    def render(self, **values: str) -> str:
        try:
            return self.extract.substitute(**values)
        except KeyError as exc:
            raise ConfigError(f"prompt template needs a value for {exc}") from None


@lru_cache(maxsize=4)
def load_prompts(directory: str | None = None) -> PromptSet:
    base = Path(directory) if directory else prompts_dir()
    files = sorted(
        p for p in base.rglob("*") if p.is_file() and p.suffix in (".md", ".yaml", ".yml")
    )
    if not (base / "system.md").exists() or not (base / "extract.md").exists():
        raise ConfigError(
            f"{base}: prompts not found (need system.md and extract.md; set FOI_EXTRACT_PROMPTS)"
        )
    digest = hashlib.sha256()
    for p in files:
        digest.update(p.relative_to(base).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    examples = tuple(_example(p) for p in files if p.parent.name == "examples")
    return PromptSet(
        system=(base / "system.md").read_text(encoding="utf-8").strip(),
        extract=Template((base / "extract.md").read_text(encoding="utf-8").strip()),
        examples=examples,
        version="sha256:" + digest.hexdigest()[:16],
    )


def _example(path: Path) -> Example:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Example(path.stem, data["text"], data["questions"], data["answer"])


def preflight(prompts: PromptSet) -> list[str]:
    """Problems with the few-shot examples: quotes that are not verbatim in their own text."""
    problems = []
    for ex in prompts.examples:
        for key, finding in ex.answer.items():
            for field in ("answer_quote", "value_quote"):
                quote = finding.get(field)
                if quote and quote not in ex.text:
                    problems.append(
                        f"{ex.name}: {key}.{field} is not in the example text: {quote!r}"
                    )
            for citation in finding.get("exemptions_applied", []):
                if citation not in ex.text:
                    problems.append(
                        f"{ex.name}: {key} cites {citation!r}, which is not in the example text"
                    )
    return problems


def example_messages(prompts: PromptSet) -> list[ChatCompletionMessageParam]:
    """Few-shot turns: the same user template as the real call, and the expected JSON."""
    messages: list[ChatCompletionMessageParam] = []
    for ex in prompts.examples:
        questions = "\n".join(f"{q['id']}: {q['text']}" for q in ex.questions)
        user = prompts.render(
            header="(example)",
            questions=questions,
            typed_note="",
            ids=", ".join(q["id"] for q in ex.questions),
            hints="(none)",
            chunk=ex.text.strip(),
        )
        messages.append({"role": "user", "content": user})
        messages.append({"role": "assistant", "content": json.dumps(ex.answer, ensure_ascii=False)})
    return messages
