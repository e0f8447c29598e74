"""The one way the project talks to a language model: any OpenAI-compatible chat endpoint.

``LLM.chat`` sends one chat completion and returns a ``Reply`` (text, tool calls, usage with its cost in
yuan). The openai client's own retries are off: we retry only transient failures (timeout, connection,
429, 5xx) a bounded number of times with backoff, and never a 4xx refusal. Failures are raised as
``llm.errors`` types on the project's error tree. The API key is kept in a ``SecretStr`` and scrubbed
from every message we raise or log; ``repr(llm)`` shows only the endpoint and the model.
"""
from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import openai
from openai import OpenAI
from pydantic import BaseModel, SecretStr

from core.settings import Settings
from llm.errors import ModelRefused, ModelReplyInvalid, ModelUnavailable

log = logging.getLogger(__name__)

DEFAULT_BACKOFF_S = (1.0, 4.0, 10.0)
"""Waits before retry 1, 2, 3 …; the last value repeats. Short: the caller is often a web request."""
MAX_RETRY_AFTER_S = 30.0
NO_KEY = "no-key"
"""Local servers (Ollama) ignore the key, but the openai client refuses an empty one."""


class Usage(BaseModel):
    """Tokens one or more calls used, and what they cost at the configured prices."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_yuan: float = 0.0

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(prompt_tokens=self.prompt_tokens + other.prompt_tokens,
                     completion_tokens=self.completion_tokens + other.completion_tokens,
                     cost_yuan=round(self.cost_yuan + other.cost_yuan, 6))


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    raw_arguments: str
    """Exactly what the model sent; ``arguments`` is None when it is not a JSON object."""
    arguments: dict | None


@dataclass(frozen=True)
class Reply:
    text: str | None
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None
    model: str = ""

    def json_content(self) -> dict:
        """The text parsed as one JSON object (a ```json fence around it is tolerated)."""
        text = (self.text or "").strip()
        fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, flags=re.S)
        try:
            value = json.loads(fenced.group(1) if fenced else text)
        except json.JSONDecodeError:
            value = None
        if not isinstance(value, dict):
            raise ModelReplyInvalid(f"模型没有按要求返回 JSON：{text[:80]}")
        return value


def cost_yuan(prompt_tokens: int, completion_tokens: int, price_in_per_mtok: float,
              price_out_per_mtok: float) -> float:
    """What tokens cost in yuan at per-million-token prices (the one formula: chat replies, the agent's budget)."""
    return round((prompt_tokens * price_in_per_mtok + completion_tokens * price_out_per_mtok) / 1_000_000, 6)


class LLM:
    """A chat model behind an OpenAI-compatible endpoint, with bounded retries and cost accounting."""

    def __init__(self, *, base_url: str, model: str, api_key: SecretStr | None = None,
                 timeout_s: float = 60.0, max_retries: int = 2, price_in_per_mtok: float = 0.0,
                 price_out_per_mtok: float = 0.0, backoff_s: Sequence[float] = DEFAULT_BACKOFF_S):
        self.base_url = base_url
        self.model = model
        self.max_retries = max(0, max_retries)
        self.price_in_per_mtok = price_in_per_mtok
        self.price_out_per_mtok = price_out_per_mtok
        self.backoff_s = tuple(backoff_s) or (0.0,)
        self._key = api_key.get_secret_value() if api_key else ""
        self._client = OpenAI(base_url=base_url, api_key=self._key or NO_KEY, timeout=timeout_s, max_retries=0)

    @classmethod
    def from_settings(cls, settings: Settings, backoff_s: Sequence[float] = DEFAULT_BACKOFF_S) -> "LLM | None":
        """The configured model, or None when no endpoint/model is set (the offline writer is used)."""
        if not settings.llm_base_url or not settings.llm_model:
            return None
        return cls(base_url=settings.llm_base_url, model=settings.llm_model, api_key=settings.llm_api_key,
                   timeout_s=settings.llm_timeout_s, max_retries=settings.llm_max_retries,
                   price_in_per_mtok=settings.llm_price_in_per_mtok,
                   price_out_per_mtok=settings.llm_price_out_per_mtok, backoff_s=backoff_s)

    def __repr__(self) -> str:
        return f"LLM(base_url={self.base_url!r}, model={self.model!r})"

    def chat(self, messages: list[dict], tools: list[dict] | None = None,
             response_format: dict | None = None, tool_choice: str | dict | None = None,
             temperature: float | None = None) -> Reply:
        """One chat completion; retries transient failures up to ``max_retries`` times."""
        request: dict[str, Any] = {"model": self.model, "messages": messages}
        if tools:
            request["tools"] = tools
            request["tool_choice"] = tool_choice or "auto"
        if response_format:
            request["response_format"] = response_format
        if temperature is not None:
            request["temperature"] = temperature
        for attempt in range(self.max_retries + 1):
            outcome, wait = self._attempt(request)
            if isinstance(outcome, Reply):
                return outcome
            if isinstance(outcome, ModelRefused) or attempt == self.max_retries:
                raise outcome
            delay = wait if wait is not None else self.backoff_s[min(attempt, len(self.backoff_s) - 1)]
            log.warning("llm transient failure, retry %d/%d in %.2fs: %s",
                        attempt + 1, self.max_retries, delay, outcome)
            time.sleep(delay)
        raise AssertionError("unreachable")

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return cost_yuan(prompt_tokens, completion_tokens, self.price_in_per_mtok, self.price_out_per_mtok)

    def _attempt(self, request: dict) -> tuple[Reply | ModelUnavailable | ModelRefused, float | None]:
        """One call. Errors are returned, not raised, so the openai exception (whose request holds the
        key in its headers) is never chained onto ours."""
        try:
            completion = self._client.chat.completions.create(**request)
        except openai.APITimeoutError:
            return ModelUnavailable("模型服务响应超时", url=self.base_url), None
        except openai.APIConnectionError:
            return ModelUnavailable("连不上模型服务，请检查地址和网络", url=self.base_url), None
        except openai.APIStatusError as e:
            return self._status_error(e)
        return self._reply(completion), None

    def _status_error(self, e: openai.APIStatusError) -> tuple[ModelUnavailable | ModelRefused, float | None]:
        status = e.status_code
        detail = self._scrub(_error_detail(e))
        if status == 429 or status >= 500:
            return (ModelUnavailable(f"模型服务繁忙（{status}）：{detail}", url=self.base_url),
                    _retry_after(e) if status == 429 else None)
        return ModelRefused(f"模型拒绝了请求（{status}）：{detail}", status=status, url=self.base_url), None

    def _reply(self, completion: Any) -> Reply:
        choice = completion.choices[0]
        message = choice.message
        calls = [ToolCall(id=c.id, name=c.function.name, raw_arguments=c.function.arguments or "",
                          arguments=_json_object(c.function.arguments))
                 for c in (message.tool_calls or []) if getattr(c, "function", None)]
        u = completion.usage
        prompt, completion_tokens = (u.prompt_tokens or 0, u.completion_tokens or 0) if u else (0, 0)
        usage = Usage(prompt_tokens=prompt, completion_tokens=completion_tokens,
                      cost_yuan=self.cost(prompt, completion_tokens))
        log.info("llm reply model=%s tokens=%d/%d cost=%.6f yuan tool_calls=%d",
                 completion.model, prompt, completion_tokens, usage.cost_yuan, len(calls))
        return Reply(text=message.content, tool_calls=calls, usage=usage,
                     finish_reason=choice.finish_reason, model=completion.model or self.model)

    def _scrub(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text


def _json_object(raw: str | None) -> dict | None:
    try:
        value = json.loads(raw or "")
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _error_detail(e: openai.APIStatusError) -> str:
    body = e.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:300]
    return (e.message or "")[:300]


def _retry_after(e: openai.APIStatusError) -> float | None:
    try:
        value = float(e.response.headers.get("retry-after", ""))
    except ValueError:
        return None
    return min(max(value, 0.0), MAX_RETRY_AFTER_S)
