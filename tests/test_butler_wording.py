"""A reminder in the owner's words: the common forms are read without a model, in the workspace's zone, and
shown back for her to confirm; words missing a time or a thing to do, or naming a time past, are refused
with a Chinese sentence saying what is missing."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from butler.model_wording import read_with_model
from butler.tasking import plan
from butler.wording import WordingError, read
from llm.client import LLM
from tests.fake_llm import fake_llm, fake_llm_server  # noqa: F401

SH = ZoneInfo("Asia/Shanghai")
SUNDAY_EVENING = datetime(2026, 12, 6, 17, 10, tzinfo=SH)


@pytest.mark.parametrize("text, kind, cron, shown", [
    ("每月5号提醒我交房租", "recurring", "0 10 5 * *", "将在每月5日 10:00 提醒：交房租（下次 2027年1月5日（周二）10:00）"),
    ("每周一早上9点提醒我盘点库存", "recurring", "0 9 * * 1",
     "将在每周一 09:00 提醒：盘点库存（下次 2026年12月7日（周一）09:00）"),
    ("每天晚上8点半提醒我关店门", "recurring", "30 20 * * *",
     "将在每天 20:30 提醒：关店门（下次 2026年12月6日（周日）20:30）"),
    ("工作日早上9点提醒我打卡", "recurring", "0 9 * * 1-5",
     "将在工作日（周一至周五） 09:00 提醒：打卡（下次 2026年12月7日（周一）09:00）"),
    ("明天下午3点提醒我给李姐回电话", "once", None, "将在 2026年12月7日（周一）15:00 提醒：给李姐回电话"),
    ("提醒我明天下午3点给李姐回电话", "once", None, "将在 2026年12月7日（周一）15:00 提醒：给李姐回电话"),
    ("下周三前给张总报价", "deadline", None,
     "将在 2026年12月8日（周二）09:00、2026年12月9日（周三）09:00 提醒：给张总报价（截止 2026年12月9日（周三））"),
    ("12月20日下午5点前交社保材料", "deadline", None,
     "将在 2026年12月19日（周六）09:00、2026年12月20日（周日）09:00 提醒：交社保材料（截止 2026年12月20日（周日）17:00）"),
])
def test_the_common_forms_are_read_in_the_workspace_zone_and_shown_back(text, kind, cron, shown):
    w = read(text, SUNDAY_EVENING)
    assert (w.kind, w.cron, w.confirm_text()) == (kind, cron, shown)
    assert w.next_at.tzinfo is not None and w.next_at > SUNDAY_EVENING


def test_a_deadline_said_on_its_own_day_after_the_morning_is_reminded_at_once():
    w = read("今天晚上9点前交报告", SUNDAY_EVENING)
    assert w.kind == "deadline" and w.times == [datetime(2026, 12, 6, 17, 11, tzinfo=SH)]


@pytest.mark.parametrize("text, says", [
    ("", "请写下要提醒的事和时间"),
    ("提醒我交房租", "没有说什么时候提醒"),
    ("整理一下今天的数据", "没看出要提醒什么"),
    ("明天下午3点提醒我", "没有说提醒什么事"),
    ("今天上午9点提醒我开会", "已经过了"),
    ("今天上午8点前交报告", "截止时间「今天上午8点」（2026年12月6日（周日）08:00）已经过了"),
    ("每周八提醒我开会", "重复时间看不懂"),
    ("每月32号提醒我对账", "没有这样的日子"),
    ("提醒" + "我" * 200, "不能超过200个字"),
])
def test_words_missing_a_time_or_a_thing_or_naming_a_past_time_are_refused_in_chinese(text, says):
    with pytest.raises(WordingError) as e:
        read(text, SUNDAY_EVENING)
    assert says in str(e.value)


def test_the_brief_asked_for_on_the_task_page_needs_a_daily_time():
    assert plan("每天早上8点给我发日报", SUNDAY_EVENING)["time"] == "08:00"
    assert plan("下午5点发日报", SUNDAY_EVENING)["confirm_text"].endswith("第一份马上发")
    for text, says in (("发日报", "没有说几点发日报"), ("每周一早上8点发日报", "日报每天发一次")):
        with pytest.raises(WordingError, match=says):
            plan(text, SUNDAY_EVENING)


def test_an_unusual_wording_is_restated_by_the_model_read_by_the_rules_and_shown_with_the_restatement(fake_llm):
    llm = LLM.from_settings(fake_llm.settings())
    with pytest.raises(WordingError, match="没有说什么时候提醒"):
        read_with_model("过两天记得叫我去银行", SUNDAY_EVENING, None)  # no model: the reader's refusal
    fake_llm.reply_json({"sentence": "后天上午10点提醒我去银行"})
    w = read_with_model("过两天记得叫我去银行", SUNDAY_EVENING, llm)
    assert w.confirm_text() == "按「后天上午10点提醒我去银行」理解，将在 2026年12月8日（周二）10:00 提醒：去银行"
    assert "过两天记得叫我去银行" in fake_llm.requests[-1].prompt_text
    fake_llm.reply_json({"sentence": "找个时间去银行"})  # a restatement the rules cannot read either
    with pytest.raises(WordingError, match="没有说什么时候提醒"):
        read_with_model("过两天记得叫我去银行", SUNDAY_EVENING, llm)
    fake_llm.fail(400, "bad request")
    with pytest.raises(WordingError, match="没有说什么时候提醒"):
        read_with_model("过两天记得叫我去银行", SUNDAY_EVENING, llm)
    assert read_with_model("明天下午3点提醒我给李姐回电话", SUNDAY_EVENING, llm).understood_as == ""  # not asked
