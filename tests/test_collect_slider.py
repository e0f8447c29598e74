"""Taobao's baxia slider over a data page during collection: ``read_stats`` sees it (the publish path's own
check), never drags it, and keeps what the pages before it showed; the collection stores that, ends saying in
Chinese where the slider stopped it, and the owner is told once, in the morning rather than at 02:00."""
from __future__ import annotations

import math
from contextlib import closing
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from core import notify
from core.models import Account, utcnow
from core.settings import Settings
from metrics import query
from metrics.models import Order
from sites.taobao import TaobaoAdapter
from tests.collect_fixtures import (changes, env, forget_changes, phone, pin_clock, runtime, scan_in,  # noqa: F401
                                    studio, truth)
from tests.taobao_sandbox_fixtures import replica  # noqa: F401
from tests.webhook_fixtures import bot  # noqa: F401

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def shop(runtime, replica):  # noqa: F811 - the fixture's value
    """A logged-in page on a shop with two items that have sold for three days."""
    replica.reset()
    for title in ("明前龙井 250g", "手工紫砂壶 220ml"):
        replica.stock(title, price="88.00", quantity=40)
    replica.faults(stats_now=(utcnow() + timedelta(hours=72)).timestamp())
    adapter = TaobaoAdapter(replica.url, Settings(sandbox=True, browser_timeout_ms=15_000))
    with runtime.context(adapter.allowed_hosts()) as ctx:
        page = ctx.new_page()
        scan_in(adapter, page, replica.url, "demo")
        forget_changes(replica)
        yield adapter, page


def _slider_counts(replica) -> dict:  # noqa: F811 - the fixture's value
    return httpx.get(f"{replica.url}/__sandbox__/state", timeout=10).json()["slider"]


def test_a_slider_on_the_refund_list_keeps_the_orders_already_read_and_is_never_dragged(shop, replica):  # noqa: F811
    adapter, page = shop
    replica.faults(slider_data_page="refunds")
    got = adapter.read_stats(page, None)
    shown = truth(replica, "demo")
    assert got.blocked == "退款/售后"
    assert shown["orders"] and [o.order_no for o in got.orders] == [o["order_no"] for o in shown["orders"]]
    assert got.refunds == {} and got.readings == []  # nothing from the refund list or the shelf
    assert got.pages == math.ceil(len(shown["orders"]) / 15) + 1  # the order list's pages, the refund list's first
    assert _slider_counts(replica) == {"shown": 1, "passed": 0, "failed": 0}  # no drag was even tried
    assert changes(replica) == 0


def test_a_slider_on_the_shelf_keeps_orders_and_refunds_and_reads_no_stock_under_it(shop, replica):  # noqa: F811
    adapter, page = shop
    replica.faults(slider_data_page="on_sale")
    got = adapter.read_stats(page, None)
    assert got.blocked == "出售中的宝贝" and got.readings == []
    assert {o.order_no for o in got.orders} == {o["order_no"] for o in truth(replica, "demo")["orders"]}
    assert _slider_counts(replica)["passed"] == 0 and changes(replica) == 0


def test_a_slider_on_the_order_lists_second_page_keeps_the_first_pages_orders(shop, replica):  # noqa: F811
    adapter, page = shop
    replica.faults(stats_now=(utcnow() + timedelta(days=10)).timestamp())
    shown = truth(replica, "demo")["orders"]
    assert len(shown) > 15, "two pages of orders"
    replica.faults(slider_data_page="sold:2")
    got = adapter.read_stats(page, None)
    assert got.blocked == "已卖出的宝贝"
    assert [o.order_no for o in got.orders] == [o["order_no"] for o in shown[:15]]
    assert _slider_counts(replica)["passed"] == 0 and changes(replica) == 0


def test_without_a_slider_the_read_goes_to_the_end(shop, replica):  # noqa: F811
    adapter, page = shop
    got = adapter.read_stats(page, None)
    assert got.blocked == "" and {r.subject_id for r in got.readings} == set(truth(replica, "demo")["stock"])


def _next(local_clock: time, after: datetime) -> datetime:
    """The first time the workspace's clock shows ``local_clock`` after ``after``."""
    local = after.astimezone(SH)
    at = datetime.combine(local.date(), local_clock, SH)
    return at if at > local else at + timedelta(days=1)


def test_a_collection_the_slider_stops_stores_what_it_read_says_why_and_tells_the_owner_once_in_the_morning(
        env, studio, bot):  # noqa: F811 - the fixtures' values
    tb = env.replicas["taobao"]
    httpx.post(f"{tb.url}/__sandbox__/items", json={"user": studio["tb_user"], "title": "明前龙井 250g",
                                                    "price": "88.00", "quantity": 40}, timeout=10).raise_for_status()
    pin_clock(tb, utcnow() + timedelta(hours=72))
    forget_changes(tb)
    tb.faults(slider_data_page="on_sale")
    with closing(phone(env, studio)) as p:
        r = p.post("/api/collections", json={"account_id": studio["taobao"]})
        assert r.status_code == 201, r.text
    run = env.wait_status(r.json()["run"]["id"], "published", "failed", timeout=180)
    shown = truth(tb, studio["tb_user"])
    assert run.status == "failed"
    assert run.reason == (f"淘宝在「出售中的宝贝」页弹出了安全验证滑块，数据读取到此为止（滑块要你本人拖动，运营管家不会替你拖）。"
                          f"已保存这次读到的{len(shown['orders'])}个订单，其余的下次读取时再读")
    with env.db() as s:
        kept = set(s.scalars(select(Order.order_no).where(Order.account_id == studio["taobao"])))
        revenue = query.latest(s, studio["workspace"], studio["taobao"], "account", "orders")
        stock = query.latest(s, studio["workspace"], studio["taobao"], "item", "stock")
    assert kept == {o["order_no"] for o in shown["orders"]} and revenue == {"": len(shown["orders"])}
    assert stock == {}
    assert changes(tb) == 0
    assert run.content["slider"] == "出售中的宝贝"

    settings = env.settings.model_copy(update={"notify_webhook_url": SecretStr(bot.url)})
    night, morning = _next(time(3, 0), run.updated_at), _next(time(8, 30), run.updated_at)
    assert not [k for k in notify.send_due(settings, env.db, night) if k.startswith("collect-slider")]
    assert notify.send_due(settings, env.db, morning) == [f"collect-slider:{run.id}"]
    assert notify.send_due(settings, env.db, morning + timedelta(minutes=1)) == []
    with env.db() as s:
        name = s.get(Account, studio["taobao"]).name
    at = run.updated_at.astimezone(SH)
    assert bot.texts() == [f"运营管家提醒：账号「{name}」{at.month}月{at.day}日 {at:%H:%M}读取数据时，{run.reason}"]
