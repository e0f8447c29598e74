"""客服代表's story on the phone (390×844), on the seeded demo workspace with the whole service running (web,
two workers, the scheduler, the replicas over HTTP; no model: the offline drafter answers from the demo's
product sheets): new comments on the 抖音 replica, reviews on the 淘宝 replica, and on the 小红书 replica a
comment on a note and a reply to the owner's comment become inbox items with drafts and citations; the
owner approves, edits, rejects; the replicas show exactly the replies she let go, read back as hers."""
from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.core_fixtures import wait_until
from tests.sandbox_fixtures import chromium  # noqa: F401
from tests.story_fixtures import demo, log_in, no_sideways_scroll, phone, scan_login, tab  # noqa: F401

SETTLE_S = 180
EDITED = "您好～冷泡茶用500毫升常温矿泉水，冷藏4到6小时就好，冰镇更清爽。"


def add_item(url: str, **item) -> dict:
    resp = httpx.post(f"{url}/__sandbox__/inbound", json=item, timeout=10)
    resp.raise_for_status()
    return resp.json()


def replica_user(demo, site: str) -> str:
    """Who the phone's 模拟扫码 logged in as on the replica (the account's name and id)."""
    from core.models import Account
    with demo.db() as s:
        a = s.query(Account).filter_by(site=site).one()
        return f"{a.name}-{a.id}"


def inbox_state(url: str) -> dict:
    return httpx.get(f"{url}/__sandbox__/inbound", timeout=10).json()


def settle(demo, predicate, what: str) -> None:
    """Wait for the service; when it does not get there, say where each run and conversation stands."""
    try:
        wait_until(predicate, timeout=SETTLE_S, every=2, what=what)
    except AssertionError as e:
        from core.inbox import Conversation
        from core.models import Run
        with demo.db() as s:
            runs = [(r.graph, r.site, r.status, r.reason) for r in s.query(Run).order_by(Run.created_at)]
            convs = [(c.site, c.text[:10], c.status, c.note) for c in s.query(Conversation)]
        raise AssertionError(f"{e}\nruns: {runs}\nconversations: {convs}") from None


def rows(page: Page, demo):
    page.goto(f"{demo.url}/inbox")
    return page.locator("li[data-conversation]")


def row(page: Page, text: str):
    return page.locator("li[data-conversation]").filter(has_text=text)


def open_conversation(page: Page, demo, text: str) -> None:
    page.goto(f"{demo.url}/inbox")
    row(page, text).get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/inbox/\w+$"))
    page.wait_for_load_state("domcontentloaded")
    no_sideways_scroll(page)


@pytest.mark.timeout(900)
def test_new_comments_and_reviews_on_three_sites_are_drafted_decided_on_the_phone_and_answered_once(
        demo, phone):  # noqa: F811
    page = phone
    douyin, taobao = demo.stack.replica_url("douyin"), demo.stack.replica_url("taobao")
    xhs = demo.stack.replica_url("xiaohongshu")
    for url in (douyin, taobao, xhs):
        httpx.post(f"{url}/__sandbox__/reset", timeout=10).raise_for_status()
    log_in(page, demo)
    scan_login(page, "抖音", "小桂的茶")
    scan_login(page, "淘宝", "小桂茶铺")
    scan_login(page, "小红书", "demo")
    dy_user, tb_user, xhs_user = (replica_user(demo, site) for site in ("douyin", "taobao", "xiaohongshu"))
    price = add_item(douyin, user=dy_user, kind="comment", author="阿橙", text="冷泡茶多少钱一盒？一盒几包")
    brew = add_item(douyin, user=dy_user, kind="comment", author="小鹿爱喝茶", text="冷泡茶怎么泡？要冷藏多久")
    add_item(douyin, user=dy_user, kind="comment", author="momo", text="收到的茶包破了，我要退款")
    gift = add_item(taobao, user=tb_user, kind="review", author="t**8", text="礼盒有几罐？每罐多少克", extra={"rating": "好评"})
    add_item(taobao, user=tb_user, kind="review", author="j**2", text="冷泡茶每包几克", extra={"rating": "好评"})
    on_note = add_item(xhs, user=xhs_user, kind="comment", author="小满", text="冷泡茶每包多少克呀")
    to_mine = add_item(xhs, user=xhs_user, kind="reply", author="橙子味的夏天", text="冷泡茶能用热水泡吗",
                       extra={"my_comment": "冷泡更清爽哦"})

    tab(page, "客服")
    page.locator("#inbox-settings summary").click()
    page.get_by_label(re.compile("开启：")).check()
    page.get_by_label(re.compile("^查看间隔")).fill("0.5")
    page.get_by_label(re.compile("^两条回复之间的随机间隔")).fill("0-0")
    # the default 23:00-08:00 would stop every sweep when the suite runs after 15:00 UTC
    page.get_by_label(re.compile("^免打扰时段")).fill("")
    page.get_by_role("button", name="保存设置").click()
    expect(page.locator("[data-inbox-settings] .done-note")).to_have_text("已保存")

    settle(demo, lambda: rows(page, demo).count() == 7 and not page.locator('[data-status="new"]').count(),
           "seven drafted inbox items")
    no_sideways_scroll(page)
    assert page.locator('[data-status="awaiting_approval"]').count() == 6
    page.locator("#inbox-settings summary").click()
    expect(page.get_by_text("小红书的私信只在手机App里")).to_be_visible()  # said, not pretended
    expect(row(page, "冷泡茶每包多少克呀")).to_contain_text("小红书 · demo · 评论")
    expect(row(page, "冷泡茶能用热水泡吗")).to_contain_text("小红书 · demo · 回复我的评论")
    expect(row(page, "收到的茶包破了")).to_contain_text("转人工")
    expect(row(page, "冷泡茶多少钱一盒")).to_contain_text("抖音 · 小桂的茶 · 评论")
    expect(row(page, "礼盒有几罐")).to_contain_text("淘宝 · 小桂茶铺 · 买家评价")

    open_conversation(page, demo, "冷泡茶多少钱一盒")
    expect(page.locator("#citations")).to_contain_text("示例-产品资料-桂花乌龙冷泡茶.md")
    expect(page.get_by_label("回复内容")).to_have_value(re.compile("39元"))

    open_conversation(page, demo, "冷泡茶怎么泡")  # edit, then approve
    expect(page.locator("#citations")).to_be_visible()
    page.get_by_label("回复内容").fill(EDITED)
    page.get_by_role("button", name="批准发送").click()
    expect(page.locator("#history")).to_contain_text("主人修改了回复")

    open_conversation(page, demo, "冷泡茶每包几克")  # reject
    page.get_by_role("button", name="驳回").click()
    expect(page.locator(".errors")).to_contain_text("驳回时请写明原因")
    page.get_by_label("驳回原因").fill("规格我自己来回")
    page.get_by_role("button", name="驳回").click()
    expect(page.locator("#conversation-status")).to_have_text("已忽略")

    page.goto(f"{demo.url}/inbox?status=awaiting_approval")  # the batch view: the last two at once
    page.get_by_role("checkbox", name="选中阿橙的评论").check()
    page.get_by_role("checkbox", name="选中t**8的买家评价").check()
    page.get_by_role("checkbox", name="选中小满的评论").check()
    page.get_by_role("checkbox", name="选中橙子味的夏天的回复我的评论").check()
    with page.expect_navigation():  # the page reloads once the service took them; a goto before would abort it
        page.get_by_role("button", name="批准所选回复").click()

    settle(demo, lambda: rows(page, demo).filter(has=page.locator('[data-status="replied"]')).count() == 5,
           "five replies posted and read back")
    dy, tb, xh = inbox_state(douyin), inbox_state(taobao), inbox_state(xhs)
    assert dy["posted"] == {price["id"]: 1, brew["id"]: 1} and tb["posted"] == {gift["id"]: 1}
    assert xh["posted"] == {on_note["id"]: 1, to_mine["id"]: 1}
    for item in (on_note, to_mine):
        [answer] = next(i for i in xh["items"] if i["id"] == item["id"])["replies"]
        assert answer["by_owner"] and answer["visible"]
    open_conversation(page, demo, "冷泡茶能用热水泡吗")
    expect(page.locator("#conversation-status")).to_have_text("已回复")
    expect(page.locator("#my-comment")).to_have_text("你的评论：冷泡更清爽哦")  # what the reply answers
    brew_replies = next(i for i in dy["items"] if i["id"] == brew["id"])["replies"]
    assert [(r["text"], r["by_owner"]) for r in brew_replies] == [(EDITED, True)]
    open_conversation(page, demo, "冷泡茶怎么泡")
    expect(page.locator("#replied")).to_contain_text(EDITED)
    expect(page.get_by_role("link", name="平台上的回复截图")).to_be_visible()
