"""The 数据看板 story end to end, on the whole service (Redis, web, worker, scheduler, the 小红书 and 淘宝
replicas): the owner has two notes published and one item listed, approving each on her phone; the morning
after next and eight days later the service's clock and the replicas' are on that day, the scheduler's night
collection reads every number back, and her phone (390×844, real Chromium) shows each total and its 7-day
change as the sites show them: the notes' numbers, the account's 粉丝, the shop's 订单, 成交金额 and 库存.
The expected figures come from the replicas' own control API, never from our database."""
from __future__ import annotations

import re
from contextlib import closing
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from core.models import utcnow
from tests.collect_fixtures import (PASSWORD, approve_card, changes, env, forget_changes, live_on,  # noqa: F401
                                    night_collection, phone, studio, truth)
from tests.factories import make_image
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import PHONE, no_sideways_scroll

ZONE = ZoneInfo("Asia/Shanghai")
NOTE_LABELS = {"views": "观看", "likes": "点赞", "collects": "收藏", "comments": "评论", "shares": "分享",
               "fans_gained": "涨粉"}
PAID = ("买家已付款", "卖家已发货", "交易成功")
"""Orders whose money the shop has or will have (the board's 成交金额)."""


def _number(v: float, money: bool = False) -> str:
    return f"¥{v:,.2f}" if money else f"{v:,.0f}"


def _signed(v: float, money: bool = False) -> str:
    return ("+" if v > 0 else "-" if v < 0 else "") + _number(abs(v), money)


def _publish_approved(env, studio, p, tmp_path) -> dict[str, tuple[str, str]]:
    """{note id: (the run that published it, its title)}: two notes written on her phone, each approved."""
    made = {}
    for i, title in enumerate(("桂花乌龙冷泡茶上新", "冷泡茶的三种喝法")):
        image = make_image(tmp_path / f"n{i}.jpg", text=str(i))
        r = p.post("/api/runs", data={"account_id": studio["xhs"], "employee_id": studio["marketing"],
                                      "title": title, "body": "清香回甘。", "mode": "semi_auto"},
                   files=[("images", (image.name, image.read_bytes(), "image/jpeg"))])
        assert r.status_code == 201, r.text
        run_id = r.json()["runs"][0]["id"]
        env.wait_status(run_id, "awaiting_approval", "failed", timeout=180)
        approve_card(p, run_id)
        run = env.wait_status(run_id, "published", "failed", timeout=180)
        assert run.status == "published", run.reason
        made[run.external_id] = (run_id, title)
    return made


def _list_approved(env, studio, p, tmp_path) -> tuple[str, str]:
    """(its 商品ID, the run that listed it): one item filled in on her phone, approved."""
    images = [make_image(tmp_path / f"m{i}.jpg", size=(800, 800), text=str(i)) for i in range(2)]
    form = {"account_id": studio["taobao"], "employee_id": studio["sales"], "category_keyword": "手机壳",
            "brand": "倍思/Baseus", "model": "iPhone 15", "title": "倍思手机壳 防摔 透明", "price": "19.90",
            "stock": "50", "shelf": "now", "mode": "semi_auto"}
    r = p.post("/api/listings", data=form,
               files=[("main_images", (i.name, i.read_bytes(), "image/jpeg")) for i in images])
    assert r.status_code == 201, r.text
    run_id = r.json()["id"]
    env.wait_status(run_id, "awaiting_approval", "failed", timeout=180)
    approve_card(p, run_id)
    run = env.wait_status(run_id, "published", "failed", timeout=180)
    assert run.status == "published", run.reason
    return run.external_id, run_id


def _a_night(env, studio, at: datetime) -> tuple[dict, dict, dict]:
    """The service and the replicas live ``at``; the scheduler's night collection reads both accounts, and
    changes nothing on either site. What the replicas show then (小红书, 淘宝) and the collection runs."""
    xhs, tb = env.replicas["xiaohongshu"], env.replicas["taobao"]
    live_on(env, at)
    for replica in (xhs, tb):
        forget_changes(replica)
    runs = {}
    for account in ("xhs", "taobao"):
        runs[account] = night_collection(env, studio[account], at)
        assert runs[account].status == "published", runs[account].reason
    assert changes(xhs) == 0 and changes(tb) == 0  # read-only: not one request that could change anything
    return truth(xhs, studio["xhs_user"]), truth(tb, studio["tb_user"]), runs


def _tile(card, metric: str, label: str, total: str, change: str | None = None) -> None:
    tile = card.locator(f"[data-metric={metric}]")
    expect(tile.locator(".label")).to_have_text(label)
    expect(tile.locator(".total")).to_have_text(total)
    if change is not None:
        expect(tile.locator(".change")).to_have_text(change)


@pytest.mark.timeout(1200)  # two notes, a listing, two restarts of the service and two nights' collections
def test_the_board_shows_what_the_sites_show_after_two_nights_of_collection(env, studio, chromium, tmp_path):
    with closing(phone(env, studio)) as p:
        notes = _publish_approved(env, studio, p, tmp_path)
        item, listing_run = _list_approved(env, studio, p, tmp_path)

    # the morning after next (a day and more after listing, so the item has sold: one order every 4-24 hours),
    # then eight days on: the first reading is before the board's 7 days, the second in them
    first_day = (utcnow().astimezone(ZONE) + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    xhs1, shop1, _runs = _a_night(env, studio, first_day)
    assert set(xhs1["posts"]) == set(notes)
    last_day = first_day + timedelta(days=8)
    xhs2, shop2, nights = _a_night(env, studio, last_day)
    week_from = (last_day - timedelta(days=6)).replace(hour=0)  # the board's 近7天: today and the 6 days before
    assert week_from > first_day

    ctx = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                               timezone_id="Asia/Shanghai")
    try:
        url = env.stack.web_url
        page = ctx.new_page()
        page.goto(f"{url}/")
        expect(page).to_have_url(re.compile(r"/login$"))
        page.get_by_label("用户名").fill(f"owner{studio['workspace']}")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        card = page.locator(f"[data-account='{studio['xhs']}']")
        expect(card).to_be_visible()

        for metric, label in NOTE_LABELS.items():
            now = sum(xhs2["posts"][n][metric] for n in notes)
            grown = now - sum(xhs1["posts"][n][metric] for n in notes)
            _tile(card, metric, label, _number(now), _signed(grown))
        assert sum(xhs2["posts"][n]["views"] - xhs1["posts"][n]["views"] for n in notes) > 0, "the notes grew"
        _tile(card, "fans", "粉丝", _number(xhs2["fans"]), _signed(xhs2["fans"] - xhs1["fans"]))

        shop = page.locator(f"[data-account='{studio['taobao']}']")
        week = [o for o in shop2["orders"] if datetime.fromisoformat(o["created_at"]) >= week_from]
        assert week, "the item sold in the board's week"
        _tile(shop, "orders", "订单", _number(len(week)))
        _tile(shop, "revenue", "成交金额", _number(sum(Decimal(o["amount"]) for o in week if o["status"] in PAID),
                                                     money=True))
        refunded = [o for o in week if o["refund_status"] == "退款成功"]
        _tile(shop, "refunds", "退款", _number(len(refunded)))
        _tile(shop, "stock", "库存", _number(shop2["stock"][item]), _signed(shop2["stock"][item] - shop1["stock"][item]))
        assert shop2["stock"][item] < shop1["stock"][item] < 50, "the item sold on both sides of the first night"
        no_sideways_scroll(page)
        page.screenshot(path=tmp_path / "board-7.png", full_page=True)

        page.get_by_role("link", name="近30天").click()  # everything since she listed it
        expect(page).to_have_url(re.compile(r"days=30"))
        _tile(shop, "orders", "订单", _number(len(shop2["orders"])))
        _tile(card, "views", "观看", _number(sum(xhs2["posts"][n]["views"] for n in notes)))

        best = sorted(notes, key=lambda n: (-xhs2["posts"][n]["views"], n))[0]  # the board ranks by 观看 first
        card.locator("ol.best li").first.get_by_role("link").click()
        expect(page.get_by_text(f"笔记ID：{best}")).to_be_visible()
        for metric in NOTE_LABELS:
            expect(page.locator(f"[data-metric={metric}] .total")).to_have_text(_number(xhs2["posts"][best][metric]))
        page.locator("#post-run").get_by_role("link").click()
        expect(page).to_have_url(f"{url}/runs/{notes[best][0]}")

        page.goto(f"{url}/")
        shop.locator("ol.best li").first.get_by_role("link").click()  # the item that sold the most
        expect(page.get_by_text(f"商品ID：{item}")).to_be_visible()
        kept = [o for o in shop2["orders"] if o["item_id"] == item]
        expect(page.locator("[data-metric=orders] .total")).to_have_text(_number(len(kept)))  # every order since
        expect(page.locator("[data-metric=stock] .total")).to_have_text(_number(shop2["stock"][item]))
        page.locator("#post-run").get_by_role("link").click()
        expect(page).to_have_url(f"{url}/runs/{listing_run}")

        page.goto(f"{url}/runs/{nights['xhs'].id}")  # the night's collection says what it read
        expect(page.get_by_text("已读取数据").first).to_be_visible()
        expect(page.get_by_text(re.compile("读到2篇笔记的数据"))).to_be_visible()
    finally:
        ctx.close()
    with closing(phone(env, studio)) as p:  # her runs list is her employees' work, not the background reads
        listed = {r["id"] for r in p.get("/api/runs").json()["runs"]}
    assert nights["xhs"].id not in listed and nights["taobao"].id not in listed
    assert {run for run, _title in notes.values()} | {listing_run} <= listed
