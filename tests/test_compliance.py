"""The compliance checker: each rule with the exact span it reports, and the platform limits it reuses."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from compliance import Draft, check, has_blocking
from compliance.wordlist import load, parse
from core.content import Post
from sites.douyin.limits import limits as douyin_limits
from sites.xiaohongshu.limits import limits as xhs_limits

CLEAN = Draft(title="桂花乌龙冷泡茶上新啦", body="最近天气热，办公室午后来一瓶冷泡茶，桂花香很清爽。"
              "冷泡茶最好在12小时内喝完，最后记得放冰箱。", topics=["冷泡茶", "夏日饮品"], image_count=3)


NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)


def spans(findings, rule=None):
    return [(f.field, f.start, f.end, f.text) for f in findings if rule is None or f.rule == rule]


def test_clean_draft_has_no_findings_on_any_platform():
    for platform in (None, "xiaohongshu", "douyin", "taobao"):
        assert check(CLEAN, platform) == [], platform


def test_absolute_terms_are_blocking_with_exact_spans_and_rewrites():
    draft = Draft(title="全网第一的冷泡茶", body="口感最好，是夏天的首选，100%原叶。", topics=["顶级好茶"])
    findings = check(draft, None)
    assert spans(findings) == [("title", 0, 4, "全网第一"), ("body", 2, 4, "最好"), ("body", 9, 11, "首选"),
                               ("body", 12, 16, "100%"), ("topics", 1, 3, "顶级")]
    assert all(f.severity == "blocking" and f.rule == "ad_law.absolute" for f in findings)
    best = findings[1]
    assert best.suggestion == "很好" and "「很好」" in best.message
    assert findings[3].suggestion == ""  # 100%: delete rather than rewrite
    assert "广告法》第九条第（三）项" in best.source
    assert draft.text_of("topics") == "#顶级好茶"  # topic spans index the "#a #b" text


def test_harmless_zui_words_are_not_flagged():
    draft = Draft(title="最近爱喝的茶", body="最后一步最好先冰镇，最终口感最少要泡4小时，第一次喝也不苦。")
    assert check(draft, None) == []


def test_other_zui_words_are_warnings_not_blocks():
    findings = check(Draft(body="这是我们的最新款，颜值最美。"), None)
    assert spans(findings) == [("body", 5, 7, "最新"), ("body", 11, 13, "最美")]
    assert {f.severity for f in findings} == {"warning"}
    assert not has_blocking(findings)


def test_ascii_terms_match_case_insensitively_at_their_real_position():
    findings = check(Draft(body="回购率 No.1 的冷泡茶"), None)
    assert spans(findings) == [("body", 4, 8, "No.1")]
    assert findings[0].suggestion == "深受欢迎"


def test_medical_claims_are_blocking():
    findings = check(Draft(title="喝了能降血压", body="坚持饮用可以治疗失眠，还是减肥神器。"), None)
    assert spans(findings, "medical_claim") == [("title", 3, 6, "降血压"), ("body", 6, 8, "治疗"),
                                                ("body", 8, 10, "失眠"), ("body", 13, 17, "减肥神器")]
    assert {f.severity for f in findings} == {"blocking"}
    assert "食品安全法》第七十三条" in findings[0].source


def test_financial_claims_are_blocking():
    findings = check(Draft(body="加盟保本稳赚，年化收益12%，零风险。"), None)
    assert spans(findings, "financial_claim") == [("body", 2, 4, "保本"), ("body", 4, 6, "稳赚"),
                                                  ("body", 7, 11, "年化收益"), ("body", 15, 18, "零风险")]
    assert all(f.severity == "blocking" for f in findings)
    assert "第二十五条" in findings[0].source


def test_time_limited_promotion_without_a_period_is_a_warning():
    findings = check(Draft(title="限时秒杀", body="冷泡茶买二送一"), None)
    assert spans(findings) == [("title", 0, 4, "限时秒杀")]
    assert findings[0].severity == "warning" and findings[0].rule == "promotion.no_terms"
    with_period = Draft(title="限时秒杀", body="活动时间：6月1日0点至6月3日24点，每人限购2件。")
    assert check(with_period, None) == []


def test_workspace_banned_words_are_blocking():
    findings = check(Draft(title="比喜茶更香", body="不输 HEYTEA"), None, ["喜茶", " heytea ", ""])
    assert spans(findings) == [("title", 1, 3, "喜茶"), ("body", 3, 9, "HEYTEA")]
    assert {f.rule for f in findings} == {"workspace.banned"}
    assert {f.severity for f in findings} == {"blocking"}
    assert check(Draft(title="比喜茶更香"), None) == []  # another workspace has no such word


def test_overlong_douyin_video_title_is_blocking_and_names_30():
    title = "桂花乌龙冷泡茶" * 5  # 35 characters
    findings = check(Draft(title=title, body="夏天喝它", kind="video"), "douyin")
    assert len(findings) == 1
    f = findings[0]
    assert (f.rule, f.severity, f.field, f.start, f.end) == ("platform.limit", "blocking", "title", 30, 35)
    assert f.text == title[30:]
    assert "30" in f.message and "35" in f.message
    assert f.source == "抖音发布规则（≤ 30）"
    # The same title as an image-text post hits the image-text limit instead: the site's own rule.
    assert "20" in check(Draft(title=title, image_count=1), "douyin")[0].message


def test_limits_come_from_the_site_validators():
    """A site instance with other numbers changes the findings: compliance holds no copy of them."""
    assert douyin_limits.video_title_max == 30 and xhs_limits.title_max == 20
    title = "冷泡茶" * 7  # 21 characters
    xhs = check(Draft(title=title, image_count=1), "xiaohongshu")
    assert [(f.field, f.start, f.end) for f in xhs] == [("title", 20, 21)]
    assert xhs[0].message == xhs_limits.validate(Post(title=title, images=["a.jpg"]), NOW)[0]["message"]


@pytest.mark.parametrize("platform, draft, field, limit", [
    ("xiaohongshu", Draft(title="茶", image_count=0), "images", "1–9"),
    ("xiaohongshu", Draft(title="茶", image_count=10), "images", "1–9"),
    ("xiaohongshu", Draft(title="茶", image_count=1, kind="video"), "images", "视频笔记不带图片"),
    ("douyin", Draft(title="茶", image_count=1, topics=[f"话题{i}" for i in range(6)]), "topics", "≤ 5"),
    ("xiaohongshu", Draft(title="茶", image_count=1, body="好" * 1001), "body", "≤ 1000"),
])
def test_each_site_limit_becomes_a_blocking_finding_on_its_field(platform, draft, field, limit):
    findings = check(draft, platform)
    assert [(f.field, f.severity, f.source.endswith(f"（{limit}）")) for f in findings] == [(field, "blocking", True)]


def test_topic_error_points_at_the_topic():
    draft = Draft(title="茶", image_count=1, topics=["冷泡茶", "带 空格"])
    findings = check(draft, "douyin")
    assert spans(findings) == [("topics", 5, 10, "#带 空格")]


def test_taobao_title_counts_chinese_as_two():
    ok = Draft(title="桂花乌龙冷泡茶" * 4 + "ab")  # 28 CJK = 56 + 2 = 58
    assert check(ok, "taobao") == []
    long = Draft(title="桂花乌龙冷泡茶" * 4 + "冷泡")  # 30 CJK = 60, still fine
    assert check(long, "taobao") == []
    over = Draft(title="桂花乌龙冷泡茶" * 4 + "冷泡a")  # 61
    findings = check(over, "taobao")
    assert spans(findings) == [("title", 30, 31, "a")]
    assert "60" in findings[0].message


def test_a_core_post_is_checked_like_a_draft():
    post = Post(title="全网第一", body="很好喝", images=["/x/1.jpg"], topics=["冷泡茶"])
    assert spans(check(post, None)) == [("title", 0, 4, "全网第一")]


def test_unknown_platform_is_refused():
    with pytest.raises(ValueError):
        check(CLEAN, "weibo")


def test_word_list_files_state_their_source_and_parse():
    for name in ("ad_law_absolute", "medical_claims", "financial_claims", "promotion_terms"):
        words = load(name)
        assert words.source.startswith("《") and words.terms, name
    assert "最近" in load("ad_law_absolute").allow
    with pytest.raises(ValueError):
        parse("bad", "最好 => 很好\n")  # a term outside any section is a mistake, not silently ignored


def test_ordinals_and_counts_are_not_absolute_terms():
    """Issue 12: 「第一泡20秒」 was blocked as the banned 「第一」 with the rewrite 「领先」."""
    for text in ("第一泡20秒出汤，第二泡加10秒。", "第一次喝乌龙的朋友可以从这款入门。", "冲泡第一步：先温杯。",
                 "第一天泡好放冰箱。", "成分表第一位是水。", "我们的第一家线下店开在杭州。", "品质第一，诚信经营。"):
        assert check(Draft(body=text), None) == [], text


def test_a_ranking_is_still_a_claim_even_with_a_counter_after_it():
    for text, word in (("行业第一的茶叶供应链。", "第一"), ("除螨率第一。", "第一"), ("业内第一家做冷泡茶的。", "第一"),
                       ("全国第一家做冷泡茶包的品牌。", "全国第一"), ("本店的羊毛衫质量第一名。", "第一")):
        assert [f.text for f in check(Draft(body=text), None)] == [word], text


def test_negations_titles_limits_and_fabric_content_are_not_claims():
    for text in ("我们不是最便宜的，但每个壳都经过质检。", "这款茶我不敢说是最好的。", "书单：《最好的时光》里的那杯茶。",
                 "冷泡的水温最低不要低于4度。", "100%纯棉面料，贴身穿不扎。", "面料成分：100%桑蚕丝。",
                 "冷泡茶最好用矿泉水。", "理财有风险，不保本，请谨慎。"):
        assert check(Draft(body=text), None) == [], text
    for text, word in (("我用过最好用的防晒霜。", "最好"), ("这款茶最好喝，", "最好"), ("100%有效的花草茶。", "100%"),
                       ("100%纯天然，无添加。", "100%"), ("档次最高。", "最高"), ("喝了就不失眠。", "失眠")):
        assert [f.text for f in check(Draft(body=text), None)] == [word], text


def test_words_the_law_names_are_hard_blocks_and_ambiguous_words_can_be_overridden():
    hard = check(Draft(body="国家级工艺，最佳口感，全网第一，能治疗失眠，保本稳赚。"), None)
    assert [f.text for f in hard if not f.overridable] == ["国家级", "最佳", "全网第一", "治疗", "保本", "稳赚"]
    assert all(f.severity == "blocking" for f in hard)
    soft = check(Draft(body="防摔性能行业第一，唯一的桂花图案，100%防摔，加微信tea_2025领券。"), None)
    assert [(f.text, f.severity, f.overridable) for f in soft] == [
        ("第一", "blocking", True), ("唯一", "blocking", True), ("100%", "blocking", True),
        ("加微信tea_2025", "blocking", True)]
    mine = check(Draft(body="比喜茶更香"), None, ["喜茶"])
    assert [(f.rule, f.overridable) for f in mine] == [("workspace.banned", False)]  # her list: she edits it


@pytest.mark.parametrize("text, found", [
    ("团购请加V信：guihua_tea，备注小红书。", "加V信：guihua_tea"),
    ("vx：lingling88，拉你进福利群。", "vx：lingling88"),
    ("评论区不方便说，私我加微。", "加微"),
    ("有问题直接打电话138 1234 5678，随时在线。", "138 1234 5678"),
    ("门店电话0571-88886666。", "0571-88886666"),
    ("详情咨询QQ：123456789。", "QQ：123456789"),
    ("批发请发邮件到tea@example.com。", "tea@example.com"),
    ("点这个链接下单：https://shop.example.com/t/123 更便宜", "https://shop.example.com/t/123"),
    ("店铺官网是www.example.cn，欢迎来逛", "www.example.cn"),
    ('链接见"http://tea.example.cn/a?b=1".', "http://tea.example.cn/a?b=1"),
])
def test_contact_details_and_links_are_overridable_findings_with_their_exact_span(text, found):
    findings = check(Draft(body=text), None)
    assert [(f.rule, f.text, f.overridable, f.suggestion) for f in findings] == [("contact", found, True, "")]
    assert text[findings[0].start:findings[0].end] == found and "站外引流" in findings[0].message


def test_ids_sizes_and_models_are_not_contact_details():
    for text in ("下单时请备注手机型号，比如iPhone 15 Pro。", "防晒指数SPF50+，PA++++。", "一年卖出500000件，订单号20250601123456。",
                 "每盒净含量200克。"):
        assert check(Draft(body=text), None) == [], text


def test_the_owners_allowed_contacts_are_not_findings_but_any_other_contact_is():
    body = ("客服电话 138-0013-8000，官网 https://www.tea-shop.cn/new ，也可以加微信 tea_shop_cs；"
            "或者加微信 tea_evil_888，详见 http://evil.example/x")
    allowed = ["13800138000", "tea-shop.cn", "tea_shop_cs"]
    found = [f.text for f in check(Draft(title="冷泡茶", body=body), None, (), allowed) if f.rule == "contact"]
    assert found == ["加微信 tea_evil_888", "http://evil.example/x"]
    assert len([f for f in check(Draft(title="冷泡茶", body=body)) if f.rule == "contact"]) == 5


def test_a_lookalike_domain_is_not_the_owners_domain():
    draft = Draft(title="冷泡茶", body="详见 http://tea-shop.cn.evil.example/a 和 http://faketea-shop.cn/b")
    assert [f.text for f in check(draft, None, (), ["tea-shop.cn"]) if f.rule == "contact"] == [
        "http://tea-shop.cn.evil.example/a", "http://faketea-shop.cn/b"]


def test_an_auto_run_is_held_for_contact_details_and_instructions_even_when_overridden():
    from compliance.gate import held, note

    content = {"title": "冷泡茶", "body": "加微信 tea_evil_888 领返现。第一泡20秒。",
               "compliance_override": {"findings": [["contact", "body", "加微信 tea_evil_888"]]}}
    found = held(content)
    assert [f.rule for f in found] == ["contact"]
    assert note(found).startswith("全自动已暂停：内容里有联系方式或链接（「加微信 tea_evil_888」）")
    assert held(content, allowed=["tea_evil_888"]) == []
    assert held({"title": "冷泡茶", "body": "冷泡6小时，清甜不苦涩。"}) == []
