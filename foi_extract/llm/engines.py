"""Register the `llm` and `local` engines (imported on first use: they pull in openai/instructor)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..document import Document
from ..engines import register_engine
from ..models import Extraction
from ..questionset import QuestionSet
from .config import LOCAL_DEFAULTS, load_config
from .engine import LLMEngine, LLMFailed

if TYPE_CHECKING:  # imported at run time only when the engine starts
    from .local_server import LocalServer


@register_engine("llm")
def _llm(**options: Any) -> LLMEngine:
    cfg = load_config(options)
    if not cfg.configured:
        from ..errors import ConfigError

        raise ConfigError(
            "the llm engine needs a model and an endpoint or key: --model and --base-url, "
            "OPENAI_API_KEY/OPENAI_BASE_URL/FOI_EXTRACT_MODEL, or the config file (see --help)"
        )
    return LLMEngine(cfg)


class LocalEngine:
    """`--engine local`: start llama.cpp's server on loopback for the run, stop it afterwards."""

    name = "local"

    def __init__(
        self, model_path: str | None = None, threads: int | None = None, **options: Any
    ) -> None:
        from .machine import default_context, default_threads

        self._model_path = model_path
        self._threads = threads or default_threads()
        self._context = int(options.get("context_tokens") or default_context())
        self._options = {
            k: v for k, v in options.items() if k not in ("model", "base_url", "api_key")
        }
        self._server: LocalServer | None = None
        self._engine: LLMEngine | None = None

    def _start(self) -> LLMEngine:
        if self._engine is None:
            from .local_server import MODEL_NAME, LocalModelError, LocalServer, fetch_model

            try:
                path = self._model_path or str(fetch_model())
                server = self._server = LocalServer(
                    path, threads=self._threads, n_ctx=self._context
                ).start()
            except LocalModelError as exc:
                raise LLMFailed(self._model_path or "local model", str(exc)) from None
            cfg = load_config(
                {
                    **LOCAL_DEFAULTS,
                    **self._options,
                    "context_tokens": self._context,
                    "model": MODEL_NAME,
                    "base_url": server.base_url,
                    "api_key": "local",
                    "mode": "json_schema",
                },
                env={},
            )
            self._engine = LLMEngine(cfg)
            self._engine.name = "local"
        return self._engine

    def run(self, doc: Document, questions: QuestionSet | None = None) -> Extraction:
        return self._start().run(doc, questions)

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
            self._engine = None


@register_engine("local")
def _local(**options: Any) -> LocalEngine:
    return LocalEngine(**options)
