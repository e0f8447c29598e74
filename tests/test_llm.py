"""The model client against a real local OpenAI-compatible server (tests/fake_llm.py)."""
from __future__ import annotations

import logging

import pytest

from core.errors import BusinessError, TransientError
from llm import LLM, PRESETS, ModelRefused, ModelReplyInvalid, ModelUnavailable
from tests.fake_llm import FAKE_MODEL, fake_llm, fake_llm_server  # noqa: F401

FAST = (0.01,)
KEY = "sk-test-9f8e7d6c5b4a"


def llm_for(fake, **overrides) -> LLM:
    return LLM.from_settings(fake.settings(**overrides), backoff_s=FAST)


def test_no_model_configured_means_offline(fake_llm):
    assert LLM.from_settings(fake_llm.settings(llm_base_url=None)) is None
    assert LLM.from_settings(fake_llm.settings(llm_model=None)) is None


def test_text_reply_carries_usage_and_its_cost_in_yuan(fake_llm):
    fake_llm.reply_text("你好，我是营销专员", usage=(2_000_000, 500_000))
    llm = llm_for(fake_llm, llm_price_in_per_mtok=2.0, llm_price_out_per_mtok=8.0)
    reply = llm.chat([{"role": "user", "content": "你好"}])
    assert reply.text == "你好，我是营销专员"
    assert reply.model == FAKE_MODEL
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (2_000_000, 500_000)
    assert reply.usage.cost_yuan == pytest.approx(2 * 2.0 + 0.5 * 8.0)
    sent = fake_llm.requests[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.authorization == f"Bearer {KEY}"
    assert sent.body["model"] == FAKE_MODEL


def test_tool_calls_are_parsed_and_broken_arguments_kept_raw(fake_llm):
    fake_llm.reply_tool_calls(("publish_post", {"site": "douyin", "title": "新品"}), ("publish_post", "{not json"))
    tools = [{"type": "function", "function": {"name": "publish_post", "parameters": {"type": "object"}}}]
    reply = llm_for(fake_llm).chat([{"role": "user", "content": "发帖"}], tools=tools)
    good, broken = reply.tool_calls
    assert good.name == "publish_post" and good.arguments == {"site": "douyin", "title": "新品"}
    assert broken.arguments is None and broken.raw_arguments == "{not json"
    assert fake_llm.requests[0].tool_names == ["publish_post"]
    assert reply.usage.prompt_tokens > 0 and reply.usage.completion_tokens > 0


def test_json_schema_request_gets_the_scripted_object(fake_llm):
    fake_llm.reply_json({"action": "click", "index": 3})
    schema = {"type": "json_schema", "json_schema": {"name": "agent_output", "schema": {
        "type": "object", "required": ["action"], "properties": {"action": {"type": "string"}}}}}
    reply = llm_for(fake_llm).chat([{"role": "user", "content": "下一步"}], response_format=schema)
    assert reply.json_content() == {"action": "click", "index": 3}
    assert fake_llm.requests[0].body["response_format"]["json_schema"]["name"] == "agent_output"


def test_text_that_is_not_json_is_a_business_error(fake_llm):
    fake_llm.reply_text("抱歉，我不能")
    reply = llm_for(fake_llm).chat([{"role": "user", "content": "x"}])
    with pytest.raises(ModelReplyInvalid):
        reply.json_content()


def test_503_is_retried_then_succeeds(fake_llm):
    fake_llm.fail(503, times=2)
    fake_llm.reply_text("终于好了")
    reply = llm_for(fake_llm, llm_max_retries=2).chat([{"role": "user", "content": "x"}])
    assert reply.text == "终于好了"
    assert len(fake_llm.requests) == 3


def test_429_is_retried(fake_llm):
    fake_llm.fail(429, "rate limited")
    fake_llm.reply_text("ok")
    assert llm_for(fake_llm).chat([{"role": "user", "content": "x"}]).text == "ok"
    assert len(fake_llm.requests) == 2


def test_retries_are_bounded_and_end_in_a_transient_error(fake_llm):
    fake_llm.fail(502, times=5)
    with pytest.raises(ModelUnavailable) as caught:
        llm_for(fake_llm, llm_max_retries=1).chat([{"role": "user", "content": "x"}])
    assert isinstance(caught.value, TransientError) and caught.value.retryable
    assert len(fake_llm.requests) == 2


def test_400_is_never_retried(fake_llm):
    fake_llm.fail(400, "messages: invalid role")
    fake_llm.reply_text("should not be reached")
    with pytest.raises(ModelRefused) as caught:
        llm_for(fake_llm).chat([{"role": "user", "content": "x"}])
    assert isinstance(caught.value, BusinessError) and not caught.value.retryable
    assert caught.value.status == 400 and "invalid role" in str(caught.value)
    assert len(fake_llm.requests) == 1


def test_timeout_is_a_transient_error(fake_llm):
    fake_llm.slow(3.0)
    with pytest.raises(ModelUnavailable, match="超时"):
        llm_for(fake_llm, llm_timeout_s=0.5, llm_max_retries=0).chat([{"role": "user", "content": "x"}])


def test_unreachable_endpoint_is_a_transient_error():
    from serve import free_port
    llm = LLM(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", max_retries=0)
    with pytest.raises(ModelUnavailable):
        llm.chat([{"role": "user", "content": "x"}])


def test_api_key_never_leaks_into_errors_reprs_or_logs(fake_llm, caplog):
    # The worst case: a server that echoes the whole key back in its error message.
    fake_llm.fail(401, f"Incorrect API key provided: {KEY}")
    fake_llm.fail(503, f"upstream rejected {KEY}", times=3)
    llm = llm_for(fake_llm, llm_max_retries=2)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ModelRefused) as refused:
        llm.chat([{"role": "user", "content": "x"}])
    with pytest.raises(ModelUnavailable) as unavailable:
        llm.chat([{"role": "user", "content": "x"}])
    for err in (refused.value, unavailable.value):
        assert KEY not in str(err) and KEY not in repr(err)
        assert err.__cause__ is None and err.__context__ is None
    assert "Incorrect API key provided: ***" in str(refused.value)
    assert KEY not in repr(llm) and KEY not in caplog.text
    assert "模型服务繁忙" in caplog.text  # the retries were logged, scrubbed


def test_base_url_without_v1_reaches_the_same_endpoint(fake_llm):
    fake_llm.reply_text("ok")
    llm = LLM(base_url=fake_llm.base_url.removesuffix("/v1"), model="m", max_retries=0)
    assert llm.chat([{"role": "user", "content": "x"}]).text == "ok"
    assert fake_llm.requests[0].path == "/chat/completions"


def test_presets_cover_the_documented_providers():
    assert {"deepseek", "qwen", "moonshot", "ollama"} <= PRESETS.keys()
    assert PRESETS["qwen"].base_url.endswith("/compatible-mode/v1")
    assert not PRESETS["ollama"].needs_key
