"""Extract one document of a batch, in a worker process (or thread): never raises.

Whatever happens inside a document - an unreadable file, an LLM failure, a bug - becomes that
document's `failed` outcome with an exit code and a one-line message; the batch goes on.
"""

from __future__ import annotations

import os
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import ConfigError, FoiExtractError
from ..write.records import FAILED, SKIPPED, outcome_of
from .archives import read_item
from .file_kinds import SPREADSHEETS
from .items import Item

if TYPE_CHECKING:  # loaded in the workers, not by a run that has nothing to extract
    from ..document import Document
    from ..engines import Engine
    from ..llm.config import LLMConfig
    from ..models import Exemption, Extraction
    from ..questionset import QuestionSet
    from .hints_pool import HintsPool

LLM_ENGINES = ("llm", "local")


@dataclass
class EngineSpec:
    """An engine by name and options, resolved (`auto` -> rules or llm) and cheap to describe."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def resolve(cls, name: str, options: dict[str, Any]) -> EngineSpec:
        resolved = name
        if name == "auto":  # as pipeline.resolve_engine, without importing the pipeline
            from ..llm.config import load_config

            flags = {k: v for k, v in options.items() if k in ("model", "base_url", "api_key")}
            resolved = "llm" if load_config(flags).configured else "rules"
        if resolved not in ("rules", "llm", "local") and resolved not in _available():
            raise ConfigError(
                f"unknown engine {name!r}; available: {', '.join(_available() + ['auto'])}"
            )
        if resolved == "rules":
            options = {}
        if resolved != "local":
            from ..llm.machine import LOCAL_ONLY

            options = {k: v for k, v in options.items() if k not in LOCAL_ONLY}
        return cls(resolved, dict(options))

    @property
    def is_llm(self) -> bool:
        return self.name in LLM_ENGINES

    def llm_config(self) -> LLMConfig:
        """The LLM settings this engine will run with (without starting anything)."""
        from ..llm.config import load_config

        if self.name == "local":
            from ..llm.config import LOCAL_DEFAULTS
            from ..llm.local_server import MODEL_NAME
            from ..llm.machine import LOCAL_ONLY, default_context

            opts = {
                k: v
                for k, v in self.options.items()
                if k not in ("model", "base_url", "api_key", *LOCAL_ONLY)
            }
            model = (
                os.path.basename(self.options["model_path"])
                if self.options.get("model_path")
                else MODEL_NAME
            )
            return load_config(
                {
                    **LOCAL_DEFAULTS,
                    **opts,
                    "context_tokens": opts.get("context_tokens") or default_context(),
                    "model": model,
                    "base_url": "http://127.0.0.1/v1",
                    "api_key": "local",
                    "mode": "json_schema",
                },
                env={},
            )
        return load_config(self.options)

    def identity(self) -> dict[str, Any]:
        """What, besides the document's bytes, decides the result: part of every cache key."""
        ident: dict[str, Any] = {
            "engine": self.name,
            "version": __version__,
            "model": None,
            "prompt_version": None,
            "settings": {},
        }
        if self.is_llm:
            from ..llm.prompts import load_prompts

            cfg = self.llm_config()
            ident["model"] = cfg.model
            ident["prompt_version"] = load_prompts().version
            ident["settings"] = {
                k: getattr(cfg, k)
                for k in (
                    "mode",
                    "context_tokens",
                    "max_questions",
                    "max_output_tokens",
                    "max_reasks",
                    "temperature",
                    "seed",
                    "scope",
                )
            }
        return ident

    def make(self) -> Engine:
        from ..engines import get_engine

        return get_engine(self.name, **self.options)


def _available() -> list[str]:
    from ..engines import available

    return available()


# ---------------------------------------------------------------------- one document
def log_internal_error(path: str, exc: BaseException) -> str:
    from ..errorlog import log_internal_error as log

    return log(path, exc)


def process(
    item: Item,
    engine: Any,
    qset: QuestionSet | None,
    load_options: dict[str, Any] | None = None,
    hints: HintsPool | None = None,
) -> dict[str, Any]:
    """The outcome of one document as a plain dict (picklable, stored as is).

    `load_options` go to `foi_extract.load.load` (loader settings that change the text); `hints`
    (an LLM engine's) loads the document and runs its rules pass in another process."""
    started = time.monotonic()
    base: dict[str, Any] = {"path": item.path, "sha256": item.sha256}
    try:
        from ..pipeline import run_stages

        if hints is None:
            doc, result = run_stages(item.path, lambda: load_item(item, load_options), engine, qset)
        else:
            from .hints_pool import Hinted

            loaded, rules, applied = hints.get(item)
            doc, result = run_stages(
                item.path, lambda: loaded, Hinted(engine, rules, applied), qset
            )
        out = {
            **base,
            "outcome": outcome_of(result),
            "extraction": result.model_dump(mode="json"),
            "pages": list(doc.pages),
            "mentioned": [e.model_dump(mode="json") for e in mentioned_grounds(doc, result)],
            "usage": result.engine.usage,
        }
        if (
            item.suffix in SPREADSHEETS
            and result.letter.kind == "not_a_reply"
            and not item.explicit
        ):
            out = {**base, "outcome": SKIPPED, "message": "spreadsheet without a letter"}
    except FoiExtractError as exc:
        out = {
            **base,
            "outcome": FAILED,
            "exit_code": exc.exit_code,
            "error_code": exc.code,
            "message": exc.cause,
        }
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        at = f" at {PurePosixPath(where.filename).name}:{where.lineno}" if where else ""
        out = {
            **base,
            "outcome": FAILED,
            "exit_code": 1,
            "error_code": "internal",
            "message": f"internal error {type(exc).__name__}: {exc}{at} (a bug: please report it with the file; "
            f"{log_internal_error(item.path, exc)})",
        }
    out["duration"] = round(time.monotonic() - started, 3)
    return out


def load_item(item: Item, load_options: dict[str, Any] | None = None) -> Document:
    """Load a file, or a member of an archive or email (through a private temporary copy)."""
    from ..load import load

    opts = load_options or {}
    if not item.chain:
        doc = load(item.source, **opts)
        doc.path = item.path
        return doc
    import tempfile  # only archive and email members are copied out: a plain file needs no temp folder

    data = read_item(item)
    name = PurePosixPath(item.chain[-1].replace("\\", "/")).name or "member"
    with tempfile.TemporaryDirectory(prefix="foi-extract-") as tmp:
        tmp_path = os.path.join(tmp, name)
        with open(tmp_path, "wb") as fh:
            fh.write(data)
        try:
            doc = load(tmp_path, **opts)
        except FoiExtractError as exc:
            raise type(exc)(item.path, exc.cause) from None
    doc.path = item.path
    return doc


def mentioned_grounds(doc: Document, result: Extraction) -> list[Exemption]:
    """Exemption grounds cited in the letter but not applied (s.40 quoted in an appeal paragraph…)."""
    from ..models import Exemption
    from ..rules import statutes
    from ..rules.citations import find_citations
    from ..rules.letter import default_law

    law = default_law(result.letter.legislation)
    applied = {(e.law, e.section) for e in result.exemptions}
    for q in result.questions:
        applied |= {(e.law, e.section) for e in q.exemptions}
    found: dict[tuple[str, str, str | None], Exemption] = {}
    for page_no, page in enumerate(doc.pages, 1):
        for c in find_citations(page, law):
            if (c.law, c.section) in applied or not statutes.is_ground(
                c.law, c.section, c.subsection
            ):
                continue
            key = (c.law, c.section, c.subsection)
            span = doc.span(page_no, c.start, c.end)
            if key in found:
                if len(found[key].evidence) < 3:
                    found[key].evidence.append(span)
                continue
            found[key] = Exemption(
                law=c.law,
                section=c.section,
                subsection=c.subsection,
                title=statutes.title(c.law, c.section, c.subsection),
                evidence=[span],
            )
    return list(found.values())


# ---------------------------------------------------------------------- process pool
_ENGINE: Any = None
_QSET: QuestionSet | None = None
_LOAD: dict[str, Any] = {}


def _orphan_watch() -> None:
    """A worker whose parent died (kill -9) exits instead of waiting forever on its task queue."""
    import threading

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.25)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="foi-orphan-watch", daemon=True).start()


def detach() -> None:
    """Every worker's start: the parent handles Ctrl-C (and lets running documents finish), and a
    worker whose parent died exits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _orphan_watch()


def init_process(
    spec: EngineSpec, qset: QuestionSet | None, load_options: dict[str, Any] | None = None
) -> None:
    """Worker initializer: `detach`, then this worker's engine."""
    global _ENGINE, _QSET, _LOAD
    detach()
    _ENGINE = spec.make()
    _QSET = qset
    _LOAD = dict(load_options or {})


def process_in_pool(item: Item) -> dict[str, Any]:
    return process(item, _ENGINE, _QSET, _LOAD)


def estimate_in_pool(item: Item) -> dict[str, Any]:
    from .cost import estimate_item

    return estimate_item(item, _QSET, _ESTIMATE_CFG)


_ESTIMATE_CFG: Any = None


def init_estimate(spec: EngineSpec, qset: QuestionSet | None) -> None:
    global _QSET, _ESTIMATE_CFG
    detach()
    _QSET = qset
    _ESTIMATE_CFG = spec.llm_config() if spec.is_llm else None


Processor = Callable[[Item], dict[str, Any]]
