"""The sites side of 客服代表: each replica's inbound pages read, answered and read back by the adapters
(real Chromium, replicas over HTTP). What the owner would check: the new comment shows with its author,
text and work; her reply lands once and carries the 作者 label; each refusal of the site is the right error;
reading changes nothing on the site."""
from __future__ import annotations

import pytest

from core.errors import LoginRequired, RateLimited, SliderRequired, TargetGone, ValidationFailed
from sites.douyin import DouyinAdapter
from sites.taobao import TaobaoAdapter
from sites.xiaohongshu import XiaohongshuAdapter
from tests.core_fixtures import wait_until
from tests.douyin_sandbox_fixtures import log_in as douyin_log_in
from tests.inbound_fixtures import chromium, context, douyin_inbox, page, taobao_inbox, xhs_inbox, xhs_log_in  # noqa: F401
from tests.taobao_sandbox_fixtures import open_logged_in as taobao_log_in

WORK_A, WORK_B = "7441826359120394521", "7438210945671238764"
TEA, POT = "652301234567", "652301234568"
OUTFITS, COFFEE = "6751a2c3000000000b01f2e4", "6751a2c3000000000b01f2e5"


@pytest.fixture
def dy(douyin_inbox, page):
    douyin_inbox.reset()
    douyin_log_in(page, douyin_inbox)
    return douyin_inbox


def test_douyin_inbox_shows_new_comments_with_author_text_and_work_and_reading_changes_nothing(dy, page):
    a = dy.add_item(kind="comment", author="阿橙", text="这件外套多少钱？", target_id=WORK_A)
    b = dy.add_item(kind="comment", author="小鹿爱喝茶", text="茶具在哪买", target_id=WORK_B)
    items = DouyinAdapter(dy.url).read_inbox(page, None)
    by_id = {i.item_id: i for i in items}
    assert set(by_id) == {a["id"], b["id"]}
    assert (by_id[a["id"]].author, by_id[a["id"]].text, by_id[a["id"]].target_title) == \
        ("阿橙", "这件外套多少钱？", "秋日穿搭｜一衣三穿")
    assert by_id[b["id"]].target_id == WORK_B and by_id[b["id"]].kind == "comment"
    assert not any(i.owner_replied for i in items)
    state = dy.inbox()
    assert state["writes"] == 0 and state["posted"] == {}


def test_douyin_comment_the_owner_already_answered_reads_as_owner_replied_and_comes_last(dy, page):
    done = dy.add_item(kind="comment", author="momo", text="发货快吗", target_id=WORK_A, owner_reply="48小时内发货")
    new = dy.add_item(kind="comment", author="阿橙", text="包邮吗？", target_id=WORK_A, minutes_ago=5)
    items = DouyinAdapter(dy.url).read_inbox(page, None)
    assert [(i.item_id, i.owner_replied) for i in items] == [(new["id"], False), (done["id"], True)]


def test_douyin_answered_and_open_comments_are_told_apart_when_the_filtered_list_is_slow_to_reload(dy, page):
    dy.faults(delays=True)  # the 未回复 list comes 0.4 s after the filter is chosen, the old list standing till then
    done = dy.add_item(kind="comment", author="momo", text="发货快吗", target_id=WORK_A, owner_reply="48小时内发货")
    new = dy.add_item(kind="comment", author="阿橙", text="包邮吗？", target_id=WORK_A, minutes_ago=5)
    items = DouyinAdapter(dy.url).read_inbox(page, None)
    assert [(i.item_id, i.owner_replied) for i in items] == [(new["id"], False), (done["id"], True)]


def test_douyin_reply_lands_once_and_reads_back_under_the_comment_with_the_author_label(dy, page):
    dy.add_item(kind="comment", author="阿橙", text="这件外套多少钱？", target_id=WORK_A)
    adapter = DouyinAdapter(dy.url)
    item = adapter.read_inbox(page, None)[0]
    adapter.reply(page, item, "您好，外套是299元，包邮哦")
    assert dy.inbox()["posted"] == {item.item_id: 1}
    proof = adapter.find_reply(page, item, "您好，外套是299元，包邮哦")
    assert proof and proof.by_author and proof.visible and proof.text == "您好，外套是299元，包邮哦"
    replies = dy.item(item.item_id)["replies"]
    assert [(r["text"], r["by_owner"]) for r in replies] == [("您好，外套是299元，包邮哦", True)]
    assert [i.owner_replied for i in adapter.read_inbox(page, None)] == [True]


def test_douyin_reply_not_yet_posted_is_not_found_on_read_back(dy, page):
    dy.add_item(kind="comment", author="阿橙", text="这件外套多少钱？", target_id=WORK_A)
    adapter = DouyinAdapter(dy.url)
    item = adapter.read_inbox(page, None)[0]
    assert adapter.find_reply(page, item, "您好，外套是299元") is None


@pytest.mark.parametrize("switch, error, words", [
    ({"reply_private": True}, TargetGone, "私密作品无法评论"),
    ({"reply_rate_limited": 1}, RateLimited, "操作过于频繁"),
    ({"reply_target_deleted": 1}, TargetGone, "删除"),
    ({"reply_kicks_session": True}, LoginRequired, "登录"),
    ({"reply_slider": 1}, SliderRequired, "验证"),
])
def test_douyin_reply_refused_by_the_site_is_the_right_error_and_posts_nothing(dy, page, switch, error, words):
    dy.add_item(kind="comment", author="阿橙", text="这件外套多少钱？", target_id=WORK_A)
    adapter = DouyinAdapter(dy.url)
    item = adapter.read_inbox(page, None)[0]
    dy.faults(**switch)
    with pytest.raises(error) as caught:
        adapter.reply(page, item, "您好，外套是299元")
    assert words in str(caught.value)
    if error is RateLimited:
        assert "操作过于频繁" in caught.value.site_message
    assert dy.inbox()["posted"] == {}


def test_douyin_reply_the_site_shows_only_to_its_author_reads_back_as_not_visible(dy, page):
    dy.add_item(kind="comment", author="阿橙", text="这件外套多少钱？", target_id=WORK_A)
    adapter = DouyinAdapter(dy.url)
    item = adapter.read_inbox(page, None)[0]
    dy.faults(reply_shadow=1)
    adapter.reply(page, item, "您好，外套是299元")
    proof = adapter.find_reply(page, item, "您好，外套是299元")
    assert proof and proof.by_author and not proof.visible


def test_douyin_reply_too_long_is_refused_before_any_browser_work(dy, page):
    dy.add_item(kind="comment", author="阿橙", text="这件外套多少钱？", target_id=WORK_A)
    adapter = DouyinAdapter(dy.url)
    item = adapter.read_inbox(page, None)[0]
    with pytest.raises(ValidationFailed) as caught:
        adapter.reply(page, item, "好" * (adapter.reply_limit + 1))
    assert f"最多{adapter.reply_limit}个字" in str(caught.value)
    assert dy.inbox()["writes"] == 0


def test_douyin_comments_grow_on_their_own_and_the_same_seed_grows_the_same_comments(dy, page):
    adapter = DouyinAdapter(dy.url)
    dy.grow(3)
    first = sorted((i.author, i.text, i.target_id) for i in adapter.read_inbox(page, None))
    assert len(first) == 3
    dy.reset()
    douyin_log_in(page, dy)
    dy.grow(3)
    assert sorted((i.author, i.text, i.target_id) for i in adapter.read_inbox(page, None)) == first



def test_douyin_private_messages_read_with_their_thread_and_the_answer_lands_in_the_conversation(dy, page):
    dy.add_item(kind="message", author="橙子味的夏天", text="在吗", target_id="u1001", minutes_ago=3,
                owner_reply="在的，您说")
    ask = dy.add_item(kind="message", author="橙子味的夏天", text="外套有M码吗", target_id="u1001")
    adapter = DouyinAdapter(dy.url)
    messages = [i for i in adapter.read_inbox(page, None) if i.kind == "message"]
    assert [(i.text, i.owner_replied) for i in messages] == [("外套有M码吗", False), ("在吗", True)]
    item = messages[0]
    assert (item.item_id, item.author, item.target_id) == (ask["id"], "橙子味的夏天", "u1001")
    assert item.thread == ("橙子味的夏天：在吗", "我：在的，您说")
    adapter.reply(page, item, "有的，M码还有库存")
    assert dy.inbox()["posted"] == {ask["id"]: 1}
    proof = adapter.find_reply(page, item, "有的，M码还有库存")
    assert proof and proof.by_author and proof.text == "有的，M码还有库存"
    assert dy.inbox()["writes"] == 1


def test_douyin_private_message_sent_too_often_is_a_rate_limit_with_the_sites_words(dy, page):
    dy.add_item(kind="message", author="橙子味的夏天", text="外套有M码吗", target_id="u1001")
    adapter = DouyinAdapter(dy.url)
    [item] = [i for i in adapter.read_inbox(page, None) if i.kind == "message"]
    dy.faults(reply_rate_limited=1)
    with pytest.raises(RateLimited) as caught:
        adapter.reply(page, item, "有的")
    assert caught.value.site_message == "发送过于频繁，请稍后再试"
    assert dy.inbox()["posted"] == {}

# -- 淘宝: 评价管理 and 问大家 ----------------------------------------------------------------------------
@pytest.fixture
def tb(taobao_inbox, page):
    taobao_inbox.reset()
    taobao_log_in(page, taobao_inbox)
    return taobao_inbox


def test_taobao_inbox_shows_reviews_with_rating_and_follow_up_and_questions_and_reading_changes_nothing(tb, page):
    bad = tb.add_item(kind="review", author="w**", text="茶叶有点碎", target_id=TEA,
                      extra={"rating": "差评", "append": "泡开还行", "order_id": "3301234567890"})
    ask = tb.add_item(kind="question", author="小**", text="紫砂壶能直接放火上烧吗？", target_id=POT)
    items = TaobaoAdapter(tb.url).read_inbox(page, None)
    by_id = {i.item_id: i for i in items}
    assert set(by_id) == {bad["id"], ask["id"]}
    review = by_id[bad["id"]]
    assert (review.kind, review.author, review.text, review.target_title) == ("review", "w**", "茶叶有点碎", "明前龙井 250g 礼盒装")
    assert review.extra == {"rating": "差评", "append": "泡开还行", "order_id": "3301234567890"}
    assert (by_id[ask["id"]].kind, by_id[ask["id"]].target_id) == ("question", POT)
    assert tb.inbox()["writes"] == 0 and tb.inbox()["posted"] == {}


def test_taobao_review_the_seller_explained_already_reads_as_owner_replied(tb, page):
    tb.add_item(kind="review", author="w**", text="好喝", target_id=TEA, extra={"rating": "好评"}, owner_reply="感谢支持")
    [item] = TaobaoAdapter(tb.url).read_inbox(page, None)
    assert item.owner_replied


@pytest.mark.parametrize("kind, text", [("review", "茶叶有点碎"), ("question", "紫砂壶能直接放火上烧吗？")])
def test_taobao_reply_lands_once_and_reads_back_with_the_seller_label(tb, page, kind, text):
    tb.add_item(kind=kind, author="w**", text=text, target_id=TEA, extra={"rating": "中评"} if kind == "review" else {})
    adapter = TaobaoAdapter(tb.url)
    [item] = adapter.read_inbox(page, None)
    adapter.reply(page, item, "亲，已为您安排补寄，请留意物流")
    assert tb.inbox()["posted"] == {item.item_id: 1}
    proof = adapter.find_reply(page, item, "亲，已为您安排补寄，请留意物流")
    assert proof and proof.by_author and proof.visible
    assert [i.owner_replied for i in adapter.read_inbox(page, None)] == [True]


@pytest.mark.parametrize("switch, error, words", [
    ({"reply_private": True}, TargetGone, "暂不支持回复"),
    ({"reply_rate_limited": 1}, RateLimited, "操作过于频繁"),
    ({"reply_target_deleted": 1}, TargetGone, "已被删除"),
    ({"reply_kicks_session": True}, LoginRequired, "登录"),
    ({"reply_slider": 1}, SliderRequired, "滑块"),
])
def test_taobao_reply_refused_by_the_site_is_the_right_error_and_posts_nothing(tb, page, switch, error, words):
    tb.add_item(kind="review", author="w**", text="茶叶有点碎", target_id=TEA, extra={"rating": "差评"})
    adapter = TaobaoAdapter(tb.url)
    [item] = adapter.read_inbox(page, None)
    tb.faults(**switch)
    with pytest.raises(error) as caught:
        adapter.reply(page, item, "亲，已为您安排补寄")
    assert words in str(caught.value)
    assert tb.inbox()["posted"] == {}


def test_taobao_reply_the_site_shows_only_to_the_seller_reads_back_as_not_visible(tb, page):
    tb.add_item(kind="review", author="w**", text="茶叶有点碎", target_id=TEA, extra={"rating": "差评"})
    adapter = TaobaoAdapter(tb.url)
    [item] = adapter.read_inbox(page, None)
    tb.faults(reply_shadow=1)
    adapter.reply(page, item, "亲，已为您安排补寄")
    proof = adapter.find_reply(page, item, "亲，已为您安排补寄")
    assert proof and not proof.visible



def test_taobao_reviews_grow_by_themselves_at_the_set_interval_for_the_logged_in_shop(tb):
    tb.faults(grow_every_s=0.5)
    def two_reviews():
        reviews = [i for i in tb.inbox()["items"] if i["kind"] == "review"]
        return reviews if len(reviews) >= 2 else None

    grown = wait_until(two_reviews, timeout=20, what="two grown reviews")
    assert all(i["user"] == "demo" and i["extra"]["rating"] in ("好评", "中评", "差评") and i["text"] for i in grown)
    assert {i["target_id"] for i in grown} <= {TEA, POT}
    assert tb.inbox()["writes"] == 0

# -- 小红书: 通知 评论和@ and the note's comment area -------------------------------------------------------
@pytest.fixture
def xhs(xhs_inbox, page):
    xhs_inbox.reset()
    xhs_log_in(page, xhs_inbox)
    return xhs_inbox


def test_xhs_inbox_shows_a_comment_on_a_note_and_a_reply_to_the_owners_comment_and_reading_changes_nothing(xhs, page):
    on_note = xhs.add_item(kind="comment", author="阿橙", text="外套链接在哪", target_id=OUTFITS)
    to_mine = xhs.add_item(kind="reply", author="momo", text="那咖啡豆呢？", target_id=COFFEE,
                           extra={"my_comment": "用的是云南豆"})
    items = XiaohongshuAdapter(xhs.url).read_inbox(page, None)
    by_id = {i.item_id: i for i in items}
    assert set(by_id) == {on_note["id"], to_mine["id"]}
    assert (by_id[on_note["id"]].kind, by_id[on_note["id"]].author, by_id[on_note["id"]].target_title) == \
        ("comment", "阿橙", "秋冬通勤穿搭｜一周不重样")
    reply = by_id[to_mine["id"]]
    assert (reply.kind, reply.text, reply.target_id, reply.extra["my_comment"]) == \
        ("reply", "那咖啡豆呢？", COFFEE, "用的是云南豆")
    assert not any(i.owner_replied for i in items)
    assert xhs.inbox()["writes"] == 0 and xhs.inbox()["posted"] == {}


@pytest.mark.parametrize("kind, extra", [("comment", {}), ("reply", {"my_comment": "用的是云南豆"})])
def test_xhs_reply_lands_once_and_reads_back_under_the_comment_with_the_author_tag(xhs, page, kind, extra):
    xhs.add_item(kind=kind, author="momo", text="那咖啡豆呢？", target_id=COFFEE, extra=extra)
    adapter = XiaohongshuAdapter(xhs.url)
    [item] = adapter.read_inbox(page, None)
    adapter.reply(page, item, "是云南保山的小粒咖啡哦")
    assert xhs.inbox()["posted"] == {item.item_id: 1}
    proof = adapter.find_reply(page, item, "是云南保山的小粒咖啡哦")
    assert proof and proof.by_author and proof.visible
    assert [i.owner_replied for i in adapter.read_inbox(page, None)] == [True]


def test_xhs_comment_the_owner_answered_already_reads_as_owner_replied(xhs, page):
    xhs.add_item(kind="comment", author="阿橙", text="外套链接在哪", target_id=OUTFITS, owner_reply="主页橱窗有哦")
    [item] = XiaohongshuAdapter(xhs.url).read_inbox(page, None)
    assert item.owner_replied


@pytest.mark.parametrize("switch, error, words", [
    ({"reply_private": True}, TargetGone, "无法浏览"),
    ({"reply_rate_limited": 1}, RateLimited, "操作过于频繁"),
    ({"reply_target_deleted": 1}, TargetGone, "已被删除"),
    ({"reply_kicks_session": True}, LoginRequired, "登录"),
    ({"reply_slider": 1}, SliderRequired, "验证"),
])
def test_xhs_reply_refused_by_the_site_is_the_right_error_and_posts_nothing(xhs, page, switch, error, words):
    xhs.add_item(kind="comment", author="阿橙", text="外套链接在哪", target_id=OUTFITS)
    adapter = XiaohongshuAdapter(xhs.url)
    [item] = adapter.read_inbox(page, None)
    xhs.faults(**switch)
    with pytest.raises(error) as caught:
        adapter.reply(page, item, "主页橱窗有哦")
    assert words in str(caught.value)
    assert xhs.inbox()["posted"] == {}


def test_xhs_reply_the_site_shows_only_to_its_author_reads_back_as_not_visible(xhs, page):
    xhs.add_item(kind="comment", author="阿橙", text="外套链接在哪", target_id=OUTFITS)
    adapter = XiaohongshuAdapter(xhs.url)
    [item] = adapter.read_inbox(page, None)
    xhs.faults(reply_shadow=1)
    adapter.reply(page, item, "主页橱窗有哦")
    proof = adapter.find_reply(page, item, "主页橱窗有哦")
    assert proof and proof.by_author and not proof.visible
