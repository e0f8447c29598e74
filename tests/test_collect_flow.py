"""运营管家 reads the numbers back when the owner asks (立即读取): two notes published and one item listed on
the replicas, the replicas' numbers grow, two collections store them as the sites show them (each order with its
status and refund, the changes and series the morning brief reads), and the sites are only read: the replicas
count no change at all. What the board shows of them, read off the phone page, is tests/test_board_story.py."""
from __future__ import annotations

import re
from contextlib import closing
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect
from sqlalchemy import select

from core.content import Post
from core.models import Run, utcnow
from metrics import query
from metrics.models import MetricPoint, Order
from metrics.store import NOT_SALES
from tests.collect_fixtures import PASSWORD, changes, env, forget_changes, phone, pin_clock, studio, truth  # noqa: F401
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import PHONE, no_sideways_scroll
from tests.factories import make_image


def _publish_two_notes(env, studio, tmp_path) -> dict[str, str]:
    """{note id: the run that published it}"""
    images = [str(make_image(tmp_path / f"n{i}.jpg", text=str(i))) for i in range(2)]
    made = {}
    for title in ("桂花乌龙冷泡茶上新", "冷泡茶的三种喝法"):
        run_id = env.start_run(studio["xhs"], studio["marketing"], Post(title=title, body="清香回甘。", images=images),
                               mode="auto")
        run = env.wait_status(run_id, "published", "failed", timeout=180)
        assert run.status == "published", run.reason
        made[run.external_id] = run_id
    return made


def _list_one_item(env, studio, tmp_path) -> tuple[str, str]:
    images = [make_image(tmp_path / f"m{i}.jpg", size=(800, 800), text=str(i)) for i in range(2)]
    form = {"account_id": studio["taobao"], "employee_id": studio["sales"], "category_keyword": "手机壳",
            "brand": "倍思/Baseus", "model": "iPhone 15", "title": "倍思手机壳 防摔 透明", "price": "19.90",
            "stock": "50", "shelf": "now", "mode": "auto"}
    with closing(phone(env, studio)) as p:
        r = p.post("/api/listings", data=form,
                   files=[("main_images", (i.name, i.read_bytes(), "image/jpeg")) for i in images])
        assert r.status_code == 201, r.text
        run_id = r.json()["id"]
    run = env.wait_status(run_id, "published", "failed", timeout=180)
    assert run.status == "published", run.reason
    return run.external_id, run_id


def _collect(env, studio, account: str) -> Run:
    with closing(phone(env, studio)) as p:
        r = p.post("/api/collections", json={"account_id": studio[account]})
        assert r.status_code == 201, r.text
        run_id = r.json()["run"]["id"]
    run = env.wait_status(run_id, "published", "failed", timeout=180)
    assert run.status == "published", run.reason
    return run


def _collected_at(env, run_id: str):
    with env.db() as s:
        return s.scalar(select(MetricPoint.at).where(MetricPoint.run_id == run_id).limit(1))


def test_two_collections_store_what_the_sites_show_and_change_nothing_on_them(env, studio, tmp_path):
    notes = _publish_two_notes(env, studio, tmp_path)
    _list_one_item(env, studio, tmp_path)
    xhs, tb = env.replicas["xiaohongshu"], env.replicas["taobao"]
    ws = studio["workspace"]

    day1 = utcnow() + timedelta(hours=30)
    for replica in (xhs, tb):
        pin_clock(replica, day1)
        forget_changes(replica)
    first = {"xhs": _collect(env, studio, "xhs"), "taobao": _collect(env, studio, "taobao")}
    seen1 = truth(xhs, studio["xhs_user"])
    assert set(seen1["posts"]) == set(notes)
    assert changes(xhs) == 0 and changes(tb) == 0  # read-only: not one request that could change anything

    shop1 = truth(tb, studio["tb_user"])
    assert shop1["orders"], "a day and more after listing, the item has sold"
    _assert_orders(env, studio, shop1)

    day3 = day1 + timedelta(hours=48)
    for replica in (xhs, tb):
        pin_clock(replica, day3)
    second = {"xhs": _collect(env, studio, "xhs"), "taobao": _collect(env, studio, "taobao")}
    seen3 = truth(xhs, studio["xhs_user"])
    assert changes(xhs) == 0 and changes(tb) == 0

    at1, at3 = _collected_at(env, first["xhs"].id), _collected_at(env, second["xhs"].id)
    with env.db() as s:
        grew = query.delta(s, ws, studio["xhs"], "views", at1, at3)
        fans = query.delta(s, ws, studio["xhs"], "fans", at1, at3)
        points = query.series(s, ws, studio["xhs"], "post", next(iter(notes)), "likes", at1, at3)
    assert grew == {note: seen3["posts"][note]["views"] - seen1["posts"][note]["views"] for note in notes}
    assert all(v > 0 for v in grew.values())
    assert fans == {"": seen3["fans"] - seen1["fans"]}
    assert [v for _at, v in points] == [seen1["posts"][next(iter(notes))]["likes"],
                                        seen3["posts"][next(iter(notes))]["likes"]]
    _assert_orders(env, studio, truth(tb, studio["tb_user"]))


def _assert_orders(env, studio, shown: dict) -> None:
    """Each order kept as the shop shows it now: its item, money, status and refund; the shop's totals."""
    ws, acc = studio["workspace"], studio["taobao"]
    with env.db() as s:
        kept = {o.order_no: o for o in s.scalars(select(Order).where(Order.account_id == acc))}
        assert {no: (o.item_id, f"{o.amount:.2f}", o.status, o.refund_status) for no, o in kept.items()} == {
            o["order_no"]: (o["item_id"], o["amount"], o["status"], o["refund_status"]) for o in shown["orders"]}
        revenue = sum(Decimal(o["amount"]) for o in shown["orders"] if o["status"] not in NOT_SALES)
        assert query.latest(s, ws, acc, "account", "revenue") == {"": float(revenue)}
        assert query.latest(s, ws, acc, "account", "orders") == {"": len(shown["orders"])}
        refunded = [o for o in shown["orders"] if o["refund_status"] == "退款成功"]
        assert query.latest(s, ws, acc, "account", "refunds") == {"": len(refunded)}


def test_the_owner_reads_an_accounts_numbers_now_from_its_page_on_the_phone(env, studio, chromium):
    """The nightly collection can also be started by hand: 「立即读取数据」 on the account's page opens the
    collection's run, which ends 已读取数据, and the board then shows the fans the site shows."""
    fans = truth(env.replicas["xiaohongshu"], studio["xhs_user"])["fans"]
    ctx = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                               timezone_id="Asia/Shanghai")
    try:
        url = env.stack.web_url
        r = ctx.request.post(f"{url}/api/session",
                             data={"username": f"owner{studio['workspace']}", "password": PASSWORD})
        assert r.ok, r.text()
        page = ctx.new_page()
        page.goto(f"{url}/accounts/{studio['xhs']}")
        page.get_by_role("button", name="立即读取数据").click()
        expect(page).to_have_url(re.compile(r"/runs/[0-9a-f]+$"))
        expect(page.get_by_text("已读取数据")).to_be_visible(timeout=180_000)  # the page follows the run
        page.goto(f"{url}/")
        tile = page.locator(f"[data-account='{studio['xhs']}'] [data-metric=fans]")
        expect(tile.locator(".total")).to_have_text(f"{fans:,.0f}")
        no_sideways_scroll(page)
    finally:
        ctx.close()
