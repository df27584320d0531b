"""Extraction engines behind one small interface and a registry.

`rules` is the embedded, offline default; other engines (the LLM) register the same way and
receive the rules output as hints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ..document import Document
from ..models import Extraction
from ..questionset import QuestionSet


class Engine(Protocol):
    name: str

    def run(self, doc: Document, questions: QuestionSet | None = None) -> Extraction:
        """Extract one loaded document; spans must refer to `doc.pages`."""
        ...

    def close(self) -> None:
        """Release what the engine holds (the local engine's model server)."""
        ...


_REGISTRY: dict[str, Callable[..., Engine]] = {}
# Engines whose modules import heavy SDKs register on first use.
_LAZY = {"llm": "foi_extract.llm.engines", "local": "foi_extract.llm.engines"}


def register_engine(name: str) -> Callable[[Callable[..., Engine]], Callable[..., Engine]]:
    def deco(factory: Callable[..., Engine]) -> Callable[..., Engine]:
        _REGISTRY[name] = factory
        return factory

    return deco


def get_engine(name: str, **options: object) -> Engine:
    from . import rules  # noqa: F401  (registers the embedded engine)

    if name in _LAZY and name not in _REGISTRY:
        import importlib

        importlib.import_module(_LAZY[name])
    if name not in _REGISTRY:
        from ..errors import ConfigError

        raise ConfigError(f"unknown engine {name!r}; available: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name](**options)


def available() -> list[str]:
    from . import rules  # noqa: F401

    return sorted(set(_REGISTRY) | set(_LAZY))
