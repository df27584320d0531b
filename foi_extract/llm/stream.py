"""Streamed completions judged by tokens arriving, not by a fixed wall-clock timeout.

Why: on a busy machine a small local model is slow but alive; a fixed timeout abandons a
request llama.cpp is still computing and the retry queues behind it. Here a request may wait
for its first token as long as its prompt should take at the measured prompt rate; after that
it fails only when no token arrives for `stall_timeout` seconds. A stalled or over-budget
stream is closed before anything else happens (llama.cpp stops a generation when its client
disconnects), so a retry never runs beside the request it replaces. The assembled reply is an
ordinary ChatCompletion: validation and re-asks stay in one place (instructor, in client.py).
A server that sends its headers before the first token (hosted APIs) gets the stall timeout
for that first token too.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
import openai
from openai.types.chat import ChatCompletion

from .chunking import tokens

FIRST_TOKEN_FACTOR = 3.0  # the first token may take 3x the prompt's expected processing time
OUTPUT_PER_QUESTION = 120  # expected answer tokens per question, for the time budget
BUDGET_FACTOR = 4.0  # a document may take 4x its expected time at the measured rates
BUDGET_FLOOR = 60.0  # plus a minute: tiny documents must not fail on rounding
CONNECT_TIMEOUT = 10.0


class StalledStream(Exception):
    """No token within the allowed wait; the stream was closed, so a retry is safe."""


class BudgetExceeded(Exception):
    """The document's time budget ran out; the stream was closed. Not retried."""


@dataclass
class Pace:
    """Measured token rates of this endpoint (tokens/s), smoothed; conservative until measured.

    The defaults are those of a 1.5B model on two busy cores, so a first request is not cut
    before anything was measured."""

    prompt_rate: float = 20.0
    output_rate: float = 3.0
    measured: bool = False

    def update(self, prompt_rate: float | None, output_rate: float | None) -> None:
        for name, rate in (("prompt_rate", prompt_rate), ("output_rate", output_rate)):
            if rate and rate > 0:
                old = getattr(self, name)
                setattr(self, name, rate if not self.measured else 0.5 * old + 0.5 * rate)
        self.measured = self.measured or bool(prompt_rate or output_rate)

    def seconds(self, prompt_tokens: int, output_tokens: int) -> float:
        """Expected seconds for this much work at the current rates."""
        return prompt_tokens / self.prompt_rate + output_tokens / self.output_rate

    def describe(self) -> str:
        how = "measured" if self.measured else "assumed"
        return f"{how} {self.prompt_rate:.0f} prompt tok/s, {self.output_rate:.1f} output tok/s"


@dataclass
class DocBudget:
    """A document's time budget, re-derived from the pace measured so far at every check."""

    prompt_tokens: int
    output_tokens: int
    started: float = field(default_factory=time.monotonic)
    fixed: float = 0.0  # seconds; 0 = derived from the pace

    def seconds(self, pace: Pace) -> float:
        if self.fixed > 0:
            return self.fixed
        return BUDGET_FACTOR * pace.seconds(self.prompt_tokens, self.output_tokens) + BUDGET_FLOOR

    def left(self, pace: Pace) -> float:
        return self.started + self.seconds(pace) - time.monotonic()

    def message(self, pace: Pace) -> str:
        return (
            f"the document's LLM time budget of {self.seconds(pace):.0f} s ran out "
            f"(~{self.prompt_tokens} prompt and ~{self.output_tokens} answer tokens at {pace.describe()}); "
            "raise it with --llm-time-budget SECONDS"
        )


@dataclass
class Streamer:
    """`create(**kwargs)` for instructor: streams one completion and returns it assembled."""

    raw: openai.OpenAI
    stall_timeout: float
    pace: Pace = field(default_factory=Pace)
    budget: DocBudget | None = None
    on_token: Callable[[int, float], None] | None = None  # (tokens so far, tokens/s)

    def create(self, **kwargs: Any) -> ChatCompletion:
        prompt = tokens(json.dumps(kwargs.get("messages", []), ensure_ascii=False))
        first = self.stall_timeout + FIRST_TOKEN_FACTOR * prompt / self.pace.prompt_rate
        self._check_budget()
        started = time.monotonic()
        try:
            stream = self.raw.chat.completions.create(
                **kwargs,
                stream=True,
                stream_options={"include_usage": True},
                timeout=httpx.Timeout(self._wait(first), connect=CONNECT_TIMEOUT),
            )
        except openai.APITimeoutError:
            self._check_budget()
            raise StalledStream(
                f"no token within {first:.0f} s for a ~{prompt}-token prompt ({self.pace.describe()})"
            ) from None
        try:
            return self._collect(stream, started)
        finally:
            stream.close()  # before any retry: llama.cpp stops a generation whose client left

    def _wait(self, limit: float) -> float:
        """`limit`, or less when the document's budget ends sooner (at least a second)."""
        if self.budget is None:
            return limit
        return max(1.0, min(limit, self.budget.left(self.pace)))

    def _check_budget(self) -> None:
        if self.budget is not None and self.budget.left(self.pace) <= 0:
            raise BudgetExceeded(self.budget.message(self.pace))

    def _collect(self, stream: Any, started: float) -> ChatCompletion:
        # llama.cpp sends the headers with the first token; from here a read may wait only the
        # stall timeout (httpcore reads this dict when the body starts; a replay has no socket).
        with contextlib.suppress(AttributeError, KeyError, TypeError):
            stream.response.request.extensions["timeout"]["read"] = self._wait(self.stall_timeout)
        text: list[str] = []
        calls: dict[int, dict[str, Any]] = {}
        finish, usage, meta, timings = None, None, {}, None
        first_at: float | None = None
        count = 0
        try:
            for chunk in stream:
                meta = {"id": chunk.id, "created": chunk.created, "model": chunk.model}
                usage = chunk.usage or usage
                timings = (chunk.model_extra or {}).get("timings") or timings
                for choice in chunk.choices:
                    finish = choice.finish_reason or finish
                    delta = choice.delta
                    if delta.content:
                        text.append(delta.content)
                    for call in delta.tool_calls or []:
                        _add_tool_call(calls, call)
                    if delta.content or delta.tool_calls:
                        count += 1
                        now = time.monotonic()
                        first_at = first_at or now
                        if self.on_token:
                            self.on_token(count, count / max(now - first_at, 1e-3))
                self._check_budget()
        except (httpx.TimeoutException, openai.APITimeoutError):
            self._check_budget()
            raise StalledStream(
                f"no token for {self.stall_timeout:g} s after {count} tokens; the stream was closed"
            ) from None
        self._measure(started, first_at, usage, count, timings)
        return _completion(meta, "".join(text), calls, finish, usage)

    def _measure(
        self, started: float, first_at: float | None, usage: Any, count: int, timings: Any
    ) -> None:
        """llama.cpp reports its own rates; elsewhere time-to-first-token and tokens/s are used."""
        if isinstance(timings, dict) and timings.get("predicted_per_second"):
            self.pace.update(timings.get("prompt_per_second"), timings["predicted_per_second"])
            return
        if first_at is None:
            return
        prompt = getattr(usage, "prompt_tokens", 0) or 0
        done = getattr(usage, "completion_tokens", 0) or count
        took = time.monotonic() - first_at
        self.pace.update(
            prompt / max(first_at - started, 1e-3) if prompt else None,
            done / took if took > 0.5 else None,
        )


def _add_tool_call(calls: dict[int, dict[str, Any]], delta: Any) -> None:
    """Tool-call arguments arrive in fragments, keyed by index."""
    slot = calls.setdefault(
        delta.index, {"id": None, "type": "function", "function": {"name": "", "arguments": ""}}
    )
    slot["id"] = delta.id or slot["id"]
    if delta.function is not None:
        slot["function"]["name"] += delta.function.name or ""
        slot["function"]["arguments"] += delta.function.arguments or ""


def _completion(
    meta: dict[str, Any], text: str, calls: dict[int, dict[str, Any]], finish: Any, usage: Any
) -> ChatCompletion:
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if calls:
        message["tool_calls"] = [
            {**c, "id": c["id"] or f"call_{i}"} for i, c in sorted(calls.items())
        ]
    return ChatCompletion.model_validate(
        {
            "id": meta.get("id") or "stream",
            "object": "chat.completion",
            "created": meta.get("created") or int(time.time()),
            "model": meta.get("model") or "",
            "choices": [{"index": 0, "finish_reason": finish or "stop", "message": message}],
            "usage": usage.model_dump() if usage is not None else None,
        }
    )
