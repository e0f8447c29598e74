"""Unusual wordings, with a model's help when one is configured: the model only restates the owner's sentence
in a form ``butler.wording`` reads (「明天下午3点提醒我给李姐回电话」); that restatement is then read by the same
deterministic reader, and the owner is shown both before anything is saved. Without a model, or when the
model's sentence cannot be read either, the deterministic reader's own refusal stands."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from butler.wording import Wording, WordingError, day_label, read
from llm.client import LLM
from llm.errors import ModelRefused, ModelReplyInvalid, ModelUnavailable

SYSTEM = ("你帮店主把一句提醒改写成固定格式。只用这几种格式之一：「明天下午3点提醒我给李姐回电话」"
          "「12月20日上午9点提醒我交材料」「每月5号提醒我交房租」「每周一早上9点提醒我盘点库存」「每天晚上8点提醒我关店门」"
          "「下周三前给张总报价」。时间照老板原意换成上面的说法，要做的事照抄原话。"
          "只输出JSON：{\"sentence\": \"改写后的一句话\"}；看不出时间或要做的事时输出 {\"sentence\": \"\"}。")


def read_with_model(text: str, now: datetime, llm: LLM | None) -> Wording:
    """``read(text)``; if it refuses and a model is configured, the model's restatement read the same way."""
    try:
        return read(text, now)
    except WordingError as refused:
        if llm is None:
            raise
        sentence = _restate(llm, text, now)
        if not sentence or sentence == text.strip():
            raise
        try:
            return replace(read(sentence, now), understood_as=sentence)
        except WordingError:
            raise refused from None


def _restate(llm: LLM, text: str, now: datetime) -> str:
    today = f"今天是{day_label(now)}，北京时间{now:%H:%M}。"
    try:
        answer = llm.chat([{"role": "system", "content": SYSTEM}, {"role": "user", "content": f"{today}\n{text}"}],
                          response_format={"type": "json_object"}, temperature=0).json_content()
    except (ModelUnavailable, ModelRefused, ModelReplyInvalid):  # a help, never a failure: the refusal stands
        return ""
    sentence = answer.get("sentence") if isinstance(answer, dict) else ""
    return sentence.strip()[:200] if isinstance(sentence, str) else ""
