"""Plain-language tasks: Chinese times, the rule-based planner, the offline writer and the model planner
(against the fake model served over local HTTP)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from llm import LLM, ModelReplyInvalid
from planning import make_plan, rules
from planning.llm_planner import persona_of, plan as llm_plan
from planning.plan import PlannedContent, PlannedRun, content_errors
from planning.when import resolve
from planning.writer import AUTHOR_OFFLINE, draft, llm_draft
from sites.xiaohongshu.limits import title_length
from tests.fake_llm import fake_llm, fake_llm_server  # noqa: F401

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=SH)  # a Monday afternoon
REQUEST = "下周一上午10点在小红书和抖音发一篇新品上市的帖子，产品是桂花乌龙冷泡茶"
PERSONA = persona_of("营销专员", "在小红书、抖音发布笔记、图文和视频")


@dataclass
class Chunk:
    text: str
    doc_name: str
    chunk_id: int


PASSAGES = [
    Chunk("桂花乌龙冷泡茶选用福建高山乌龙，搭配当季金桂窨制。冷水浸泡4小时即可饮用，0糖0卡。", "产品手册.docx", 3),
    Chunk("公司年会定在12月，请各部门提前准备节目。", "行政通知.pdf", 9),
]


def at(month, day, hour=10, minute=0, year=2026):
    return datetime(year, month, day, hour, minute, tzinfo=SH)


# -- when.py ------------------------------------------------------------------------------------------

WHEN_TABLE = [
    ("下周一上午10点", at(11, 30, 10)),
    ("明天晚上8点", at(11, 24, 20)),
    ("月底", at(11, 30, 10)),
    ("周五下午3点", at(11, 27, 15)),
    ("今天晚上9点", at(11, 23, 21)),
    ("今晚9点", at(11, 23, 21)),
    ("明天", at(11, 24, 10)),
    ("后天下午", at(11, 25, 15)),
    ("大后天早上8点10分", at(11, 26, 8, 10)),
    ("下周日中午12点", at(12, 6, 12)),
    ("星期三", at(11, 25, 10)),
    ("本周五", at(11, 27, 10)),
    ("这周六晚上", at(11, 28, 20)),
    ("下下周三", at(12, 9, 10)),
    ("3天后", at(11, 26, 10)),
    ("两小时后", at(11, 23, 17)),
    ("半小时后", at(11, 23, 15, 30)),
    ("12月1日", at(12, 1, 10)),
    ("12月1号晚上8点", at(12, 1, 20)),
    ("1号", at(12, 1, 10)),
    ("25号下午2点", at(11, 25, 14)),
    ("下个月初", at(12, 1, 10)),
    ("月中", at(12, 15, 10)),
    ("30分钟后", at(11, 23, 15, 30)),
    ("12月底", at(12, 31, 10)),
    ("下午3点一刻", at(11, 23, 15, 15)),
    ("明天10点半", at(11, 24, 10, 30)),
    ("明天10:30", at(11, 24, 10, 30)),
    ("明天三点", at(11, 24, 15)),
    ("十二月三十一号晚上十点半", at(12, 31, 22, 30)),
    ("1月5日", at(1, 5, 10, year=2027)),
    ("2027年3月8日上午9点", at(3, 8, 9, year=2027)),
    ("晚上12点", at(11, 24, 0)),
    ("星期天中午1点", at(11, 29, 13)),
]


@pytest.mark.parametrize(("text", "expected"), WHEN_TABLE, ids=[t for t, _ in WHEN_TABLE])
def test_chinese_time_resolves_in_the_workspace_zone(text, expected):
    when = resolve(f"请在{text}发", NOW)
    assert when is not None
    assert when.at == expected and when.at.utcoffset() == expected.utcoffset()
    assert when.text == text and f"请在{text}发"[when.start:when.end] == text


def test_a_day_without_a_clock_is_flagged_as_assumed():
    assert resolve("明天发", NOW).time_assumed
    assert not resolve("明天上午9点发", NOW).time_assumed
    assert resolve("下周一", NOW).label() == "11月30日 周一 10:00"


def test_a_clock_alone_that_has_passed_rolls_to_tomorrow():
    when = resolve("上午10点发", NOW)
    assert when.at == at(11, 24, 10) and when.rolled_over and not when.past


def test_todays_weekday_already_passed_means_next_week():
    when = resolve("周一上午10点", NOW)
    assert when.at == at(11, 30, 10) and when.rolled_over


def test_an_explicit_day_in_the_past_is_reported_not_moved():
    when = resolve("今天上午9点", NOW)
    assert when.at == at(11, 23, 9) and when.past and not when.rolled_over
    assert resolve("本周一", NOW).past


WEEK = [datetime(2026, 11, 30 + d, 15, 0, tzinfo=SH) if d < 1 else datetime(2026, 12, d, 15, 0, tzinfo=SH)
        for d in range(7)]  # Monday 30 November … Sunday 6 December, each at 15:00


@pytest.mark.parametrize("now", WEEK, ids=[f"周{'一二三四五六日'[n.weekday()]}" for n in WEEK])
@pytest.mark.parametrize("words", ["这周五晚上8点", "本周五晚上8点", "周五晚上8点", "星期五晚上8点", "这个礼拜五晚上8点"])
def test_this_weeks_friday_is_the_next_friday_whatever_day_it_is_said(now, words):
    when = resolve(f"{words}在小红书发", now)
    assert when.at > now and when.at.weekday() == 4 and (when.at.hour, when.at.minute) == (20, 0)
    assert when.at - now < timedelta(days=7), when.label()  # the next Friday evening, not last week's
    assert not when.past


@pytest.mark.parametrize("now", WEEK, ids=[f"周{'一二三四五六日'[n.weekday()]}" for n in WEEK])
def test_next_weeks_friday_is_after_the_coming_monday(now):
    when = resolve("下周五上午10点发", now)
    monday = (now + timedelta(days=7 - now.weekday())).date()
    assert when.at.date() == monday + timedelta(days=4) and when.at > now


def test_a_plan_for_this_friday_said_on_sunday_says_it_moved_to_the_coming_friday():
    sunday = WEEK[6]
    plan = rules.plan("这周五晚上8点在小红书发一篇桂花乌龙冷泡茶的笔记", sunday, PASSAGES)
    assert plan.runs[0].at == at(12, 11, 20) and plan.ready(sunday)
    assert "「这周五晚上8点」已经过了，按下一个 12月11日 周五 20:00 安排，请核对" in plan.notes


def test_this_weeks_weekend_said_on_sunday_is_today():
    assert resolve("这周末晚上8点发", WEEK[6]).at == at(12, 6, 20)


def test_text_without_a_time_gives_none():
    assert resolve("写得活泼一点", NOW) is None
    assert resolve("在小红书发一篇帖子", NOW) is None


def test_now_must_be_aware():
    with pytest.raises(ValueError):
        resolve("明天", datetime(2026, 11, 23, 15, 0))


# -- the rule-based planner ---------------------------------------------------------------------------

def test_example_sentence_plans_two_posts_next_monday_at_ten():
    plan = rules.plan(REQUEST, NOW, PASSAGES, accounts={"douyin": "acc-dy"})
    assert [r.site for r in plan.runs] == ["xiaohongshu", "douyin"]
    for run in plan.runs:
        assert run.kind == "publish" and run.at == at(11, 30, 10)
        assert run.time_text == "下周一上午10点"
        assert "桂花乌龙冷泡茶" in run.content.title and "桂花乌龙冷泡茶" in run.content.topics
        assert "4小时" in run.content.body  # a fact from the product manual
        assert [(c.doc_name, c.chunk_id) for c in run.citations] == [("产品手册.docx", "3")]
        assert run.content.author == AUTHOR_OFFLINE
    assert plan.runs[1].account_id == "acc-dy" and plan.runs[0].account_id is None
    assert plan.unknown == [] and plan.problems(NOW) == []
    intent = rules.understand(REQUEST, NOW)
    assert (intent.subject, intent.theme) == ("桂花乌龙冷泡茶", "新品上市")


def test_words_that_were_not_understood_are_reported():
    plan = rules.plan("明天在淘宝上架「桂花乌龙冷泡茶」，并且@一下李佳琦", NOW)
    assert [(r.kind, r.site) for r in plan.runs] == [("list_product", "taobao")]
    assert plan.unknown == ["没看懂：「并且@一下李佳琦」"]
    assert any("没说几点" in n for n in plan.notes)


def test_missing_site_and_subject_are_reported_and_nothing_is_planned():
    plan = rules.plan("帮我写得活泼一点", NOW)
    assert plan.runs == []
    assert "没说在哪个平台做（小红书、抖音或淘宝）" in plan.unknown
    assert "没说产品或主题是什么" in plan.unknown
    assert plan.problems(NOW) == ["没有可以执行的任务"]


def test_a_site_that_cannot_do_the_task_is_reported():
    plan = rules.plan("在淘宝和小红书发帖子，关于秋季新品", NOW)
    assert [r.site for r in plan.runs] == ["xiaohongshu"]
    assert "淘宝不能发布，只能上架商品" in plan.unknown


def test_a_past_time_makes_the_plan_not_ready():
    plan = rules.plan("今天上午9点在小红书发帖子，产品是桂花乌龙冷泡茶", NOW)
    assert not plan.ready(NOW)
    assert any("已经过了" in p for p in plan.problems(NOW))


def test_no_time_means_right_after_confirming():
    plan = rules.plan("在抖音发视频，产品是桂花乌龙冷泡茶", NOW)
    assert plan.runs[0].at is None and "没说时间，确认后立即执行" in plan.notes


# -- the plan model -----------------------------------------------------------------------------------

def test_unknown_sites_and_mismatched_kinds_are_refused():
    with pytest.raises(ValidationError):
        PlannedRun(kind="publish", site="weibo")
    with pytest.raises(ValidationError, match="淘宝不支持「发布」"):
        PlannedRun(kind="publish", site="taobao")
    with pytest.raises(ValidationError):
        PlannedRun(kind="publish", site="douyin", at=datetime(2026, 11, 30, 10, 0))  # naive time


def test_content_over_the_site_limits_is_a_problem():
    run = PlannedRun(kind="publish", site="xiaohongshu", at=at(11, 30),
                     content=PlannedContent(title="桂" * 21, body="好喝", topics=["新品"]))
    assert any("标题超过20字" in p for p in run.problems(NOW))


# -- the offline writer -------------------------------------------------------------------------------

@pytest.mark.parametrize("site", ["xiaohongshu", "douyin"])
def test_offline_draft_fits_the_site_and_cites_what_it_used(site):
    written = draft("桂花乌龙冷泡茶", site, PASSAGES, theme="新品上市")
    assert content_errors(site, written.content, NOW) == []
    assert written.content.author == "离线模板"
    assert "0糖0卡" in written.content.body
    assert [c.doc_name for c in written.citations] == ["产品手册.docx"]  # not the unrelated notice
    assert all("#" not in t and " " not in t for t in written.content.topics)


def test_xiaohongshu_and_douyin_drafts_follow_their_own_styles():
    xhs, dy = (draft("桂花乌龙冷泡茶", s, PASSAGES, theme="新品上市").content for s in ("xiaohongshu", "douyin"))
    assert "✨" in xhs.title and title_length(xhs.title) <= 20
    assert dy.media == "video" and "一起来看看" in dy.title and len(dy.title) <= 30  # a video hook
    assert len(dy.topics) <= 5


def test_a_long_subject_is_trimmed_to_the_title_limit():
    written = draft("限量款手工桂花乌龙冷泡茶礼盒装二十四入家庭分享装", "xiaohongshu", PASSAGES)
    assert content_errors("xiaohongshu", written.content, NOW) == []
    assert any("标题" in n for n in written.notes)


def test_a_draft_without_passages_cites_nothing_and_is_still_usable():
    written = draft("桂花乌龙冷泡茶", "douyin")
    assert written.citations == [] and content_errors("douyin", written.content, NOW) == []


# -- with a model -------------------------------------------------------------------------------------

def _publish(site, time_text="下周一上午10点", **extra):
    return ("publish_post", {"site": site, "time_text": time_text, "title": "桂花乌龙冷泡茶上新",
                             "body": "冷水泡4小时，0糖0卡。", "topics": ["新品", "#冷泡茶"], "citations": [1],
                             **extra})


def test_model_plan_from_tool_calls(fake_llm):
    fake_llm.reply_tool_calls(_publish("xiaohongshu", at="2026-12-25T10:00:00+08:00"), _publish("douyin"),
                              usage=(3000, 400))
    llm = LLM.from_settings(fake_llm.settings(llm_price_in_per_mtok=2.0, llm_price_out_per_mtok=8.0))
    plan = llm_plan(llm, PERSONA, REQUEST, NOW, PASSAGES)
    sent = fake_llm.requests[0]
    assert sent.tool_names == ["publish_post", "list_product"]
    system = sent.messages[0]["content"]
    assert "营销专员" in system and "2026年11月23日 周一 15:00" in system and "Asia/Shanghai" in system
    # The passages are data: in their own user message, never in the system prompt.
    assert "产品手册.docx" not in system
    assert sent.messages[2]["role"] == "user" and "[1]（产品手册.docx）桂花乌龙冷泡茶选用福建高山乌龙" in sent.messages[2]["content"]
    assert sent.messages[1]["content"] == REQUEST
    assert [r.site for r in plan.runs] == ["xiaohongshu", "douyin"]
    assert all(r.at == at(11, 30, 10) for r in plan.runs)  # from time_text, not the model's "at"
    assert plan.runs[0].content.topics == ["新品", "冷泡茶"]
    assert plan.runs[0].citations[0].doc_name == "产品手册.docx"
    assert plan.usage.prompt_tokens == 3000 and plan.usage.cost_yuan == pytest.approx(0.006 + 0.0032)
    assert plan.unknown == [] and plan.ready(NOW)


def test_invalid_tool_calls_become_unknown_entries_not_crashes(fake_llm):
    fake_llm.reply_tool_calls(("delete_account", {"site": "douyin"}), ("publish_post", "{broken"),
                              _publish("weibo"), _publish("taobao"), ("publish_post", {"site": "douyin"}),
                              _publish("douyin", time_text="找个好时候"), ("list_product", {
                                  "site": "taobao", "time_text": "", "title": "桂花乌龙冷泡茶",
                                  "body": "冷泡", "price_yuan": "很便宜"}))
    plan = llm_plan(LLM.from_settings(fake_llm.settings()), PERSONA, REQUEST, NOW, PASSAGES)
    text = "\n".join(plan.unknown)
    assert "不存在的任务「delete_account」" in text
    assert "不是合法的 JSON" in text
    assert "「weibo」发布，这个平台不支持" in text and "「淘宝」发布，这个平台不支持" in text
    assert "没看懂时间「找个好时候」" in text
    assert "淘宝「上架商品」任务参数不完整" in text
    assert "抖音「发布」任务没有标题和正文" in text
    # Only the call whose time was not understood is kept: to run on confirming, and flagged above.
    assert [(r.site, r.at) for r in plan.runs] == [("douyin", None)]


def test_model_content_over_the_limits_is_trimmed_with_a_note(fake_llm):
    fake_llm.reply_tool_calls(_publish("xiaohongshu", title="桂花乌龙冷泡茶新品上市啦快来一起尝尝秋天的味道吧",
                                       topics=[f"话题{i}" for i in range(15)]))
    plan = llm_plan(LLM.from_settings(fake_llm.settings()), PERSONA, REQUEST, NOW, PASSAGES)
    content = plan.runs[0].content
    assert title_length(content.title) == 20 and len(content.topics) == 10
    assert any("标题超出字数限制" in n for n in plan.notes) and plan.ready(NOW)


def test_model_text_without_tool_calls_is_what_was_not_understood(fake_llm):
    fake_llm.reply_text("请问要发在哪个平台？")
    plan = llm_plan(LLM.from_settings(fake_llm.settings()), PERSONA, "帮我发个帖子", NOW)
    assert plan.runs == [] and plan.unknown == ["请问要发在哪个平台？"]


def test_the_owners_time_is_used_when_the_model_leaves_it_out(fake_llm):
    fake_llm.reply_tool_calls(_publish("douyin", time_text=""))
    plan = llm_plan(LLM.from_settings(fake_llm.settings()), PERSONA, REQUEST, NOW, PASSAGES)
    assert plan.runs[0].at == at(11, 30, 10)


def test_make_plan_falls_back_to_the_offline_planner_when_the_model_is_down(fake_llm):
    fake_llm.fail(503, times=3)
    llm = LLM.from_settings(fake_llm.settings(llm_max_retries=2), backoff_s=(0.01,))
    plan = make_plan(REQUEST, NOW, llm=llm, persona=PERSONA, passages=PASSAGES)
    assert len(fake_llm.requests) == 3
    assert plan.author == AUTHOR_OFFLINE and [r.site for r in plan.runs] == ["xiaohongshu", "douyin"]
    assert "模型暂时用不了" in plan.notes[0]


def test_make_plan_without_a_model_is_offline():
    assert make_plan(REQUEST, NOW).author == AUTHOR_OFFLINE


def test_llm_draft_is_trimmed_to_limits_and_cites_by_number(fake_llm):
    fake_llm.reply_json({"title": "桂花乌龙冷泡茶新品上市，秋天第一杯冷泡茶就选它了，一口入魂的桂花香",
                         "body": "冷水泡4小时，0糖0卡。", "topics": ["冷泡茶", "新品"], "citations": [1, 7]},
                        usage=(800, 120))
    llm = LLM.from_settings(fake_llm.settings(llm_price_in_per_mtok=1.0))
    written = llm_draft(llm, PERSONA, "桂花乌龙冷泡茶", "douyin", PASSAGES, theme="新品上市")
    assert content_errors("douyin", written.content, NOW) == []
    assert len(written.content.title) <= 30 and written.notes
    assert [c.chunk_id for c in written.citations] == ["3"]  # 7 is not a passage we gave
    assert written.content.author == f"模型 {llm.model}" and written.usage.cost_yuan == pytest.approx(0.0008)
    sent = fake_llm.requests[0]
    assert sent.body["response_format"] == {"type": "json_object"}
    assert "抖音视频作品：标题不超过30字" in sent.prompt_text and "0糖0卡" in sent.prompt_text


def test_llm_draft_that_is_not_json_raises_a_business_error(fake_llm):
    fake_llm.reply_text("好的，这是草稿：标题……")
    with pytest.raises(ModelReplyInvalid):
        llm_draft(LLM.from_settings(fake_llm.settings()), PERSONA, "桂花乌龙冷泡茶", "xiaohongshu", PASSAGES)


# -- what the catalogue cannot do -----------------------------------------------------------------------

REPRICE = "去淘宝后台把桂花图案手机壳改价到19.9元"


@pytest.mark.parametrize("text", [REPRICE, "把淘宝上的桂花图案手机壳下架", "回复一下小红书上的评论",
                                  "把昨天小红书那篇笔记删掉", "淘宝那边给买家发货"])
def test_a_request_no_workflow_does_is_said_and_never_planned_as_another_task(text):
    plan = rules.plan(text, NOW, PASSAGES, accounts={"taobao": "shop"})
    assert plan.runs == [], [(r.kind, r.content.title) for r in plan.runs]
    said = "\n".join(plan.unknown)
    assert "现在还做不了，没有安排别的任务代替" in said and "在「让员工去做」里交给员工" in said
    assert "我们的新品" not in said


def test_the_reprice_request_names_the_verb_and_what_can_be_done_instead():
    (said,) = rules.plan(REPRICE, NOW).unknown
    assert said.startswith("「改价」（修改已上架商品的价格）现在还做不了")
    assert "在淘宝上架商品" in said and "或者在淘宝后台自己操作" in said


def test_a_model_answering_a_reprice_with_a_listing_is_refused(fake_llm):
    fake_llm.reply_tool_calls(("list_product", {"site": "taobao", "time_text": "", "title": "我们的新品",
                                                "body": "新品上架", "price_yuan": 19.9}))
    plan = llm_plan(LLM.from_settings(fake_llm.settings()), PERSONA, REPRICE, NOW, PASSAGES)
    assert plan.runs == []
    assert "你要的是「改价」，不是在淘宝上架商品；模型安排的这一项已忽略" in plan.unknown
    assert any("「改价」（修改已上架商品的价格）现在还做不了" in u for u in plan.unknown)
    assert "不要用别的工具代替" in fake_llm.requests[0].messages[0]["content"]


def test_make_plan_asks_no_model_for_a_request_with_nothing_to_write(fake_llm):
    llm = LLM.from_settings(fake_llm.settings())
    for text in (REPRICE, "把上季度增值税报了"):
        assert make_plan(text, NOW, llm=llm).author == AUTHOR_OFFLINE
    assert fake_llm.requests == []


def test_a_post_without_a_product_or_theme_asks_instead_of_inventing_one():
    plan = rules.plan("明天在小红书发一篇笔记", NOW, PASSAGES)
    assert plan.runs == [] and "没说产品或主题是什么" in plan.unknown


# -- filing ---------------------------------------------------------------------------------------------

DECEMBER = datetime(2026, 12, 6, 15, 0, tzinfo=SH)


def test_last_quarters_vat_becomes_a_filing_plan_on_the_tax_bureau():
    plan = rules.plan("把上季度增值税报了", DECEMBER, accounts={"etax": "acc-etax"})
    (run,) = plan.runs
    assert (run.kind, run.site, run.account_id, run.at) == ("file_tax", "etax", "acc-etax", None)
    assert (run.content.period, run.content.form) == ("2026Q3", "vat")
    assert run.content.title == "2026年第3季度 增值税及附加税费申报表（小规模纳税人）"
    assert "提交前会把填好的表和截图发给你审批" in run.content.body
    assert plan.unknown == [] and plan.ready(DECEMBER)


def test_business_income_means_the_a_form_of_the_last_ended_quarter():
    plan = rules.plan("报一下经营所得", DECEMBER)
    (run,) = plan.runs
    assert (run.content.period, run.content.form) == ("2026Q3", "pit_business")
    assert "没说哪个季度，按上季度（2026年第3季度）申报" in plan.notes


@pytest.mark.parametrize(("text", "period"), [("报一下2026年第二季度的增值税", "2026Q2"), ("三季度增值税申报", "2026Q3"),
                                              ("帮我报税", "2026Q3"), ("去年第四季度的增值税报了", "2025Q4")])
def test_the_quarter_is_read_from_the_owners_words(text, period):
    (run,) = rules.plan(text, DECEMBER).runs
    assert run.content.period == period


def test_a_quarter_that_has_not_ended_is_not_filed():
    plan = rules.plan("把本季度增值税报了", DECEMBER)
    assert plan.runs == [] and plan.unknown == ["2026年第4季度还没有结束，要到1月1日以后才能申报"]


# -- the owner's words in a draft --------------------------------------------------------------------------

@pytest.mark.parametrize(("words", "subject"), [("我们的桂花乌龙冷泡茶", "桂花乌龙冷泡茶"), ("我们店的桂花乌龙冷泡茶", "桂花乌龙冷泡茶"),
                                              ("关于我家桂花糕", "桂花糕"), ("我爱桂花", "我爱桂花")])
def test_the_owners_possessive_is_no_part_of_a_product_name(words, subject):
    assert rules.clean_subject(words) == subject


def test_the_owners_possessive_and_the_verb_stay_out_of_the_subject():
    assert rules.understand("推广一下我们的桂花乌龙冷泡茶，发小红书", NOW).subject == "桂花乌龙冷泡茶"
    listing = rules.understand("明天下午把桂花乌龙冷泡茶上架到淘宝，39元一盒", NOW)
    assert (listing.subject, listing.price, listing.leftover) == ("桂花乌龙冷泡茶", 39.0, [])


def test_a_seasonal_claim_out_of_season_is_dropped_and_the_rest_of_the_sentence_kept():
    summer = [Chunk("桂花乌龙冷泡茶是本店今年夏天的新品，选用福建安溪的乌龙茶。", "产品资料.md", 1)]
    assert "今年夏天" in draft("桂花乌龙冷泡茶", "xiaohongshu", summer, now=at(7, 1)).content.body
    december = draft("桂花乌龙冷泡茶", "xiaohongshu", summer, now=DECEMBER).content.body
    assert "夏天" not in december and "桂花乌龙冷泡茶选用福建安溪的乌龙茶" in december


def test_a_draft_about_a_product_the_knowledge_does_not_have_says_so_instead_of_borrowing_facts():
    written = draft("老字号桂花糕", "xiaohongshu", PASSAGES, now=DECEMBER)  # shares only 「桂花」 with the tea
    assert written.citations == [] and "福建" not in written.content.body
    assert "资料库里没有找到关于「老字号桂花糕」的资料，小红书草稿只有模板，请补充产品细节" in written.notes


def test_an_edit_request_next_to_a_post_is_said_and_the_post_still_planned():
    plan = rules.plan("帮我修改一下文案然后发小红书，产品是桂花乌龙冷泡茶", NOW, PASSAGES)
    assert [(r.kind, r.site) for r in plan.runs] == [("publish", "xiaohongshu")]
    assert any(u.startswith("「修改」") for u in plan.unknown)


def test_a_listing_price_the_owner_named_wins_over_the_models(fake_llm):
    fake_llm.reply_tool_calls(("list_product", {"site": "taobao", "time_text": "明天下午", "title": "桂花乌龙冷泡茶 12包",
                                                "body": "冷泡4小时", "price_yuan": 29.9}))
    plan = llm_plan(LLM.from_settings(fake_llm.settings()), PERSONA, "明天下午把桂花乌龙冷泡茶上架到淘宝，39元一盒", NOW)
    (run,) = plan.runs
    assert (run.kind, run.content.price_yuan, run.at) == ("list_product", 39.0, at(11, 24, 15))


def test_asked_to_keep_it_short_the_draft_has_two_facts_and_a_tone_it_cannot_follow_is_said():
    sheet = [Chunk("桂花乌龙冷泡茶选用福建高山乌龙。冷水浸泡4小时即可饮用。每盒12包，每包3克。入口有桂花甜香。", "产品手册.docx", 3)]

    def facts(text):
        body = rules.plan(text, DECEMBER, sheet).runs[0].content.body
        return [line for line in body.splitlines() if line and line[0] in "✨🌿💡📌"]

    assert len(facts("在小红书发桂花乌龙冷泡茶")) == 4
    assert len(facts("在小红书发桂花乌龙冷泡茶，写短一点")) == 2
    plan = rules.plan("在小红书发桂花乌龙冷泡茶，活泼一点", DECEMBER, sheet)
    assert "离线模板只有一种语气，「活泼一点」没有照做，请在计划里改写（配置模型后会按要求的语气写）" in plan.notes
    assert not [u for u in plan.unknown if u.startswith("没看懂")]
