"""One structured call to an OpenAI-compatible endpoint, with honest retries and usage.

Completions are streamed (stream.py): a request fails on a stall, not on a wall clock, and
its stream is closed before any retry. Transport faults (429 honouring Retry-After, 5xx,
stalls, connection resets) are retried with capped exponential backoff and jitter; other 4xx
fail at once; a spent document time budget fails at once. Validation failures are
re-asked by instructor, a bounded number of times. A reply cut by the token limit is a typed
error the caller answers by sending less, never a silent success. Usage counts every attempt.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx2 as httpx
import instructor
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from openai.types.chat import ChatCompletionMessageParam
from pydantic import BaseModel
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from .config import LLMConfig
from .gate import Gate
from .stream import BudgetExceeded, DocBudget, Pace, StalledStream, Streamer
from .templating import render_messages

T = TypeVar("T", bound=BaseModel)

_MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
}
BACKOFF_START = 1.0
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 120.0
ANSWERED_CAP = 512  # completions remembered for identical requests


class LLMError(Exception):
    """The LLM call failed; `str(err)` is one line a user can act on."""


class AuthError(LLMError):
    """401/403: a wrong or missing key. Never retried."""


class InvalidOutput(LLMError):
    """The model's output still failed validation after the allowed re-asks."""


class OverBudget(LLMError):
    """The document's time budget ran out (stream.BudgetExceeded). Never retried."""


class TruncatedOutput(LLMError):
    """finish_reason=length: the answer did not fit; the caller must send a smaller chunk."""


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    requests: int = 0  # every HTTP attempt, failed ones included
    retries: int = 0  # transport retries
    reasks: int = 0  # validation re-asks
    repeats: int = 0  # identical temperature-0 requests answered from memory, not sent

    def add_completion(self, completion: Any) -> None:
        usage = getattr(completion, "usage", None)
        if usage is None:
            return
        self.prompt_tokens += getattr(usage, "prompt_tokens", 0) or 0
        self.completion_tokens += getattr(usage, "completion_tokens", 0) or 0
        details = getattr(usage, "prompt_tokens_details", None)
        self.cached_tokens += (getattr(details, "cached_tokens", 0) or 0) if details else 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


logging.getLogger("instructor").setLevel(logging.CRITICAL)  # we report failures ourselves, once


def _unwrap(exc: BaseException) -> BaseException:
    """instructor wraps transport errors in InstructorRetryException; the cause is what matters."""
    while isinstance(exc, InstructorRetryException) and exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


def _retryable(exc: BaseException) -> bool:
    return isinstance(
        _unwrap(exc),
        (
            openai.RateLimitError,
            openai.InternalServerError,
            openai.APITimeoutError,
            openai.APIConnectionError,
            StalledStream,
        ),
    )


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After: seconds or an HTTP date)."""
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    if not value:
        return None
    try:
        return min(float(value), RETRY_AFTER_CAP)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, min(when.timestamp() - time.time(), RETRY_AFTER_CAP)) if when else None


def backoff(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    asked = retry_after(_unwrap(exc)) if exc else None
    if asked is not None:
        return asked
    base = min(BACKOFF_CAP, BACKOFF_START * 2.0 ** (state.attempt_number - 1))
    return base / 2 + random.uniform(0, base / 2)  # jitter: never a thundering herd


class LLMClient:
    """A thin, testable wrapper: `structured(messages, Model)` returns a validated Model."""

    def __init__(
        self,
        cfg: LLMConfig,
        *,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        gate: Gate | None = None,
    ) -> None:
        self.cfg = cfg
        self._gate = gate  # shared by a batch's threads: at most its slots in flight
        self.usage = Usage()
        self._sleep = sleep
        raw = openai.OpenAI(
            api_key=cfg.api_key or "not-needed",
            base_url=cfg.base_url,
            timeout=cfg.timeout,
            max_retries=0,  # retries are ours: counted, bounded, honouring Retry-After
            http_client=http_client,
        )
        self.streamer = Streamer(raw, cfg.stall_timeout) if cfg.stream else None
        self._create = self.streamer.create if self.streamer else raw.chat.completions.create
        self._answered: dict[str, Any] = {}  # temperature-0 request body -> its completion
        mode = _MODES[cfg.mode]
        self._client = instructor.Instructor(
            client=raw, create=instructor.patch(create=self._send, mode=mode), mode=mode
        )
        self._client.on("parse:error", self._on_parse_error)

    @property
    def pace(self) -> Pace | None:
        """The endpoint's measured token rates (streaming only)."""
        return self.streamer.pace if self.streamer else None

    def start_document(self, prompt_tokens: int, output_tokens: int) -> None:
        """Start a document's time budget (streaming only); `end_document` lifts it."""
        if self.streamer is not None:
            self.streamer.budget = DocBudget(
                prompt_tokens, output_tokens, fixed=self.cfg.time_budget
            )

    def end_document(self) -> None:
        if self.streamer is not None:
            self.streamer.budget = None

    def _send(self, **kwargs: Any) -> Any:
        """One request, counted; an identical temperature-0 request in this run is answered once."""
        key = None
        if self.cfg.temperature == 0:
            key = json.dumps(kwargs, sort_keys=True, ensure_ascii=False, default=str)
            if key in self._answered:
                self.usage.repeats += 1
                return self._answered[key]
        self.usage.requests += 1
        with self._gate.held() if self._gate else contextlib.nullcontext(0.0) as waited:
            if waited and self.streamer is not None and self.streamer.budget is not None:
                self.streamer.budget.started += waited  # queued behind other documents
            completion = self._create(**kwargs)
        self.usage.add_completion(completion)
        if key is not None:
            if len(self._answered) >= ANSWERED_CAP:
                self._answered.pop(next(iter(self._answered)))
            self._answered[key] = completion
        return completion

    def _on_parse_error(self, *args: Any, **kwargs: Any) -> None:
        self.usage.reasks += 1

    def _before_sleep(self, state: RetryCallState) -> None:
        self.usage.retries += 1

    def structured(
        self,
        messages: list[ChatCompletionMessageParam],
        model: type[T],
        *,
        max_tokens: int | None = None,
    ) -> T:
        """A validated `model` (an answer that fails its schema is sent back: instructor's re-ask)."""
        retrying = Retrying(
            stop=stop_after_attempt(self.cfg.max_retries + 1),
            retry=retry_if_exception(_retryable),
            wait=backoff,
            sleep=self._sleep,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        retried = self.usage.retries
        messages = render_messages(messages)  # the one sent form (templating.py)
        try:
            for attempt in retrying:
                with attempt:
                    return self._client.chat.completions.create(
                        model=self.cfg.model,
                        messages=messages,
                        response_model=model,
                        max_retries=self.cfg.max_reasks,
                        temperature=self.cfg.temperature,
                        seed=self.cfg.seed,
                        max_tokens=max_tokens or self.cfg.max_output_tokens,
                    )
        except Exception as wrapped:
            raise _translate(wrapped, self.cfg, self.usage.retries - retried) from None
        raise LLMError("no attempt was made")  # pragma: no cover - Retrying always yields


def _translate(wrapped: BaseException, cfg: LLMConfig, retries: int) -> LLMError:
    """One line for the user; `retries` are this call's, never an earlier document's."""
    exc = _unwrap(wrapped)
    if isinstance(exc, BudgetExceeded):
        return OverBudget(str(exc))
    if isinstance(exc, StalledStream):
        return LLMError(f"the LLM stalled after {retries} retries: {exc}")
    if isinstance(wrapped, InstructorRetryException) and not isinstance(
        exc, (openai.APIError, IncompleteOutputException)
    ):
        return InvalidOutput(
            f"the model's output failed validation after {cfg.max_reasks + 1} attempts: {_short(exc)}"
        )
    if isinstance(exc, IncompleteOutputException):
        return TruncatedOutput("the model's answer was cut at the output-token limit")
    if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return AuthError(
            f"the LLM endpoint refused the credentials ({exc.status_code}): check OPENAI_API_KEY or the config file"
        )
    if isinstance(exc, openai.APIStatusError):
        return LLMError(f"the LLM endpoint answered {exc.status_code}: {_short(exc)}")
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)):
        return LLMError(
            f"the LLM endpoint could not be reached ({type(exc).__name__}) after {retries} retries"
        )
    if isinstance(exc, InstructorRetryException):
        return InvalidOutput(
            f"the model's output failed validation after {cfg.max_reasks + 1} attempts: {_short(exc)}"
        )
    if isinstance(exc, LLMError):
        return exc
    return LLMError(f"LLM call failed: {type(exc).__name__}: {_short(exc)}")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:199] + "…"
