"""Language-model access: ``LLM`` (an OpenAI-compatible endpoint from Settings), replies, usage, presets."""
from llm.client import LLM, Reply, ToolCall, Usage
from llm.errors import ModelRefused, ModelReplyInvalid, ModelUnavailable
from llm.presets import PRESETS, Preset

__all__ = ["LLM", "PRESETS", "ModelRefused", "ModelReplyInvalid", "ModelUnavailable", "Preset", "Reply",
           "ToolCall", "Usage"]
