"""foi-extract: Freedom of Information replies in, one comparable evidence-grounded dataset out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .errors import FoiExtractError
    from .models import Extraction, json_schema
    from .pipeline import extract, extract_bundle

__all__ = [
    "extract",
    "extract_bundle",
    "Extraction",
    "FoiExtractError",
    "json_schema",
    "__version__",
]

# Where each public name lives. Imported on first use (PEP 562): `import foi_extract.cli` must not
# pay for pydantic models and the whole pipeline before it knows what the command needs.
_LAZY = {
    "extract": "pipeline",
    "extract_bundle": "pipeline",
    "Extraction": "models",
    "json_schema": "models",
    "FoiExtractError": "errors",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'foi_extract' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
