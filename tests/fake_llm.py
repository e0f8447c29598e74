"""A fake language model served over real local HTTP: an OpenAI-compatible ``/v1/chat/completions``.

The only thing tests may fake is the model, and even then the client under test goes through the real
openai SDK and a real socket. Each test scripts what the model answers, in order:

    fake_llm.reply_text("好的")
    fake_llm.reply_tool_calls(("publish_post", {"site": "douyin", ...}))
    fake_llm.reply_json({"title": "…"})            # also answers response_format json_schema requests
    fake_llm.fail(503, times=2)                    # then the next scripted reply
    fake_llm.slow(3.0)                             # answers after 3 s (beyond a short client timeout)

and reads back what it received (``fake_llm.requests``: body, auth header, path). Replies carry a
realistic ``usage`` (estimated from the sizes unless the script gives exact numbers).

Use in a test module: ``from tests.fake_llm import fake_llm, fake_llm_server  # noqa: F401``.
"""
from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from core.settings import Settings
from serve import free_port, wait_http

FAKE_MODEL = "fake-qwen"


@dataclass
class Step:
    status: int = 200
    delay_s: float = 0.0
    text: str | None = None
    tool_calls: list[tuple[str, Any]] = field(default_factory=list)
    json_value: dict | None = None
    usage: tuple[int, int] | None = None
    error: str = ""


@dataclass
class Received:
    path: str
    authorization: str
    body: dict

    @property
    def messages(self) -> list[dict]:
        return self.body.get("messages", [])

    @property
    def prompt_text(self) -> str:
        """Every message's content joined: what the model was shown."""
        return "\n".join(str(m.get("content") or "") for m in self.messages)

    @property
    def tool_names(self) -> list[str]:
        return [t["function"]["name"] for t in self.body.get("tools", [])]


class FakeLLM:
    def __init__(self, port: int):
        self.port = port
        self.steps: deque[Step] = deque()
        self.requests: list[Received] = []
        self.responder: Callable[[Received], Step | None] | None = None
        """Answers a request when nothing is scripted: a test's model that decides from what it is sent."""
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def settings(self, **overrides) -> Settings:
        values = dict(llm_base_url=self.base_url, llm_model=FAKE_MODEL, llm_api_key="sk-test-9f8e7d6c5b4a",
                      llm_timeout_s=5.0, llm_max_retries=2)
        return Settings(**(values | overrides))

    def reset(self) -> None:
        with self._lock:
            self.steps.clear()
            self.requests.clear()
            self.responder = None

    # -- scripting -----------------------------------------------------------------------------------
    def reply_text(self, text: str, usage: tuple[int, int] | None = None) -> None:
        self.steps.append(Step(text=text, usage=usage))

    def reply_tool_calls(self, *calls: tuple[str, Any], text: str | None = None,
                         usage: tuple[int, int] | None = None) -> None:
        """Each call is ``(name, arguments)``; a str argument is sent as-is (to script broken JSON)."""
        self.steps.append(Step(tool_calls=list(calls), text=text, usage=usage))

    def reply_json(self, value: dict, usage: tuple[int, int] | None = None) -> None:
        self.steps.append(Step(json_value=value, usage=usage))

    def fail(self, status: int = 503, message: str = "service unavailable", times: int = 1) -> None:
        for _ in range(times):
            self.steps.append(Step(status=status, error=message))

    def slow(self, seconds: float, text: str = "（迟到的回答）") -> None:
        self.steps.append(Step(delay_s=seconds, text=text))

    # -- serving -------------------------------------------------------------------------------------
    def take(self, received: Received) -> Step | None:
        with self._lock:
            self.requests.append(received)
            if self.steps:
                return self.steps.popleft()
            responder = self.responder
        return responder(received) if responder else None

    def answer(self, step: Step | None, body: dict) -> JSONResponse:
        if step is None:
            return _error(400, "fake_llm: the test scripted no reply for this request")
        if step.status != 200:
            return _error(step.status, step.error)
        missing = _missing_required(body.get("response_format"), step.json_value)
        if missing:
            return _error(400, f"fake_llm: scripted JSON lacks required keys {missing}")
        return JSONResponse(_completion(step, body))


def _error(status: int, message: str) -> JSONResponse:
    kind = "rate_limit_error" if status == 429 else "server_error" if status >= 500 else "invalid_request_error"
    return JSONResponse({"error": {"message": message, "type": kind, "code": None}}, status_code=status)


def _missing_required(response_format: dict | None, value: dict | None) -> list[str]:
    """A json_schema request must get an object with the schema's required top-level keys."""
    if not response_format or response_format.get("type") != "json_schema":
        return []
    schema = response_format.get("json_schema", {}).get("schema", {})
    return [k for k in schema.get("required", []) if k not in (value or {})]


def _completion(step: Step, body: dict) -> dict:
    content = json.dumps(step.json_value, ensure_ascii=False) if step.json_value is not None else step.text
    calls = [{"id": f"call_{uuid.uuid4().hex[:12]}", "type": "function",
              "function": {"name": name, "arguments": args if isinstance(args, str)
                           else json.dumps(args, ensure_ascii=False)}}
             for name, args in step.tool_calls]
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if calls:
        message["tool_calls"] = calls
    prompt, completion = step.usage or _estimate(body, content, calls)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:16]}", "object": "chat.completion", "created": 1_764_000_000,
        "model": body.get("model", FAKE_MODEL),
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                  "total_tokens": prompt + completion},
    }


def _estimate(body: dict, content: str | None, calls: list[dict]) -> tuple[int, int]:
    # Roughly what Chinese BPE tokenizers give: about 1.5 characters per token.
    shown = json.dumps([body.get("messages"), body.get("tools")], ensure_ascii=False)
    produced = (content or "") + "".join(c["function"]["arguments"] for c in calls)
    return max(1, int(len(shown) / 1.5)), max(1, int(len(produced) / 1.5))


def build_app(fake: FakeLLM) -> FastAPI:
    app = FastAPI()

    async def completions(request: Request) -> JSONResponse:
        body = await request.json()
        step = fake.take(Received(request.url.path, request.headers.get("authorization", ""), body))
        if step and step.delay_s:
            await asyncio.sleep(step.delay_s)
        return fake.answer(step, body)

    app.add_api_route("/v1/chat/completions", completions, methods=["POST"])
    app.add_api_route("/chat/completions", completions, methods=["POST"])
    app.add_api_route("/health", lambda: {"ok": True}, methods=["GET"])
    return app


@contextmanager
def serving() -> Iterator[FakeLLM]:
    """A fake model on a free port of its own for as long as the block runs (tests' session, benchmarks)."""
    fake = FakeLLM(free_port())
    config = uvicorn.Config(build_app(fake), host="127.0.0.1", port=fake.port, log_level="warning",
                            timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="fake-llm", daemon=True)
    thread.start()
    wait_http(f"http://127.0.0.1:{fake.port}/health")
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def fake_llm_server():
    with serving() as fake:
        yield fake


@pytest.fixture
def fake_llm(fake_llm_server: FakeLLM) -> FakeLLM:
    fake_llm_server.reset()
    yield fake_llm_server
    fake_llm_server.reset()
