"""OpenAI-compatible endpoints we know, so the owner picks a provider instead of typing URLs.

Each preset fills ``OPC_LLM_BASE_URL`` and ``OPC_LLM_MODEL``; the key and the prices stay the owner's.
Sources and caveats are in docs/llm.md.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    label: str
    """What the owner sees in a picker."""
    base_url: str
    model: str
    needs_key: bool = True


PRESETS: dict[str, Preset] = {
    "deepseek": Preset("DeepSeek", "https://api.deepseek.com", "deepseek-chat"),
    "qwen": Preset("通义千问（百炼 DashScope 兼容模式）", "https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus"),
    "moonshot": Preset("Kimi（Moonshot）", "https://api.moonshot.cn/v1", "moonshot-v1-8k"),
    "ollama": Preset("本机 Ollama", "http://127.0.0.1:11434/v1", "qwen2.5:7b", needs_key=False),
}
