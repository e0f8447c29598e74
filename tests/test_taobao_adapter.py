"""The Taobao adapter against the replica of the seller back-end, in real Chromium.

The replica runs as its own process (delays off). The adapter logs in by QR (the phone's scan is the
replica's control API fed with the token in the QR it captured), fills the category step and the publish
form in its new tab, submits, and reads the item back from the site's own lists. The replica's state is
the proof of what the site received.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest

from core.errors import ContentRejected, LoginRequired, PageChanged, PublishFailed
from core.settings import Settings
from serve import free_port
from sites.taobao import TaobaoAdapter
from sites.taobao.errors import BaxiaSlider
from sites.taobao.pages.items import ItemList
from sites.taobao.product import Product, Sku
from sites.taobao.warnings import WARNING_KINDS, WarningNeedsOwner
from tests.core_fixtures import wait_until
from tests.taobao_sandbox_fixtures import chromium, context, jpg, make_test_image, page, qr_token, replica, tb  # noqa: F401

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALL_WARNINGS = tuple(WARNING_KINDS)
NO_DESC_IMAGES = "描述中未添加图片，可能影响宝贝转化，确定要提交吗？"


@pytest.fixture
def adapter(replica):
    return TaobaoAdapter(replica.url, Settings(sandbox=True, upload_timeout_ms=20_000))


@pytest.fixture
def seller(adapter, page, tb):
    """A page logged in the way the owner does it: the adapter shows the QR, the phone scans it."""
    adapter.open_login(page)
    qr = adapter.login_qr(page)
    assert qr.startswith("data:image/png;base64,")
    assert adapter.logged_in(page) is False
    assert tb.scan(qr_token(qr), "店小二").status_code == 200
    wait_until(lambda: adapter.logged_in(page), timeout=15, what="the seller home after the scan")
    return page


def phone_case(image, **kw) -> Product:
    base = dict(category_keyword="手机壳", category_path="手机>手机配件>手机壳",
                properties={"品牌": "倍思/Baseus", "型号": "BS-X1"}, title="倍思手机壳 防摔 透明 iPhone15",
                main_images=[str(image)], price=Decimal("19.9"), stock=50, outer_id="BS-X1-CLR")
    return Product(**{**base, **kw})


def tshirt(image, desc) -> Product:
    rows = [("白色", "M", "59.00", 10), ("白色", "L", "59.00", 5), ("黑色", "M", "49.90", 7), ("黑色", "L", "65", 3)]
    return Product(category_keyword="T恤", category_path="女装/女士精品>T恤",
                   properties={"品牌": "优衣库/UNIQLO", "货号": "UQ-2025"}, title="纯棉圆领T恤 女 夏季",
                   main_images=[str(image)], desc_images=[str(desc)], sku_dimensions=["颜色分类", "尺码"],
                   skus=[Sku(options={"颜色分类": c, "尺码": s}, price=Decimal(p), stock=n) for c, s, p, n in rows])


def drag_like_a_person(tab, box: dict, steps: int = 24, pause_s: float = 0.02) -> None:
    """What the owner's finger does, replayed: press the knob, move in small steps, release at the end."""
    knob, track = box["knob"], box["track"]
    x, y = knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2
    distance = track["width"] - knob["width"]
    tab.mouse.move(x, y)
    tab.mouse.down()
    for i in range(1, steps + 1):
        tab.mouse.move(x + distance * i / steps, y + (i % 2))
        time.sleep(pause_s)  # a hand takes time: the timing is what the site checks
    tab.mouse.up()


# -- login and session --------------------------------------------------------------------------------
def test_a_fresh_browser_has_no_session_and_a_qr_login_makes_it_alive(adapter, page, tb):
    assert adapter.session_alive(page) is False
    adapter.open_login(page)
    assert tb.scan(qr_token(adapter.login_qr(page))).status_code == 200
    wait_until(lambda: adapter.logged_in(page), timeout=15, what="the seller home")
    assert adapter.session_alive(page) is True


def test_the_session_check_finds_the_session_valid_then_expired_at_the_replicas_time_then_unknown_when_away(
        adapter, seller, tb, page):
    assert adapter.check_session(seller) == "valid"
    # 09:00 on the replica's clock, and its sessions die at 09:00: at once.
    httpx.post(f"{tb.url}/__sandbox__/clock", json={"now": "2026-12-07T09:00:00"}, timeout=10).raise_for_status()
    httpx.post(f"{tb.url}/__sandbox__/expire-sessions", json={"at": "2026-12-07T09:00:00"},
               timeout=10).raise_for_status()
    assert adapter.check_session(seller) == "expired"
    away = TaobaoAdapter(f"http://127.0.0.1:{free_port()}", Settings(sandbox=True))  # nothing listens there
    assert away.check_session(page) == "unknown"


def test_an_expired_session_asks_for_a_login_before_anything_is_typed(adapter, seller, tb, jpg):
    tb.expire_sessions()
    assert adapter.session_alive(seller) is False
    with pytest.raises(LoginRequired):
        adapter.fill(seller, phone_case(jpg))
    assert tb.state()["submissions"] == 0


def test_the_real_site_is_fenced_to_taobao_and_alicdn_hosts():
    real = TaobaoAdapter("https://item.upload.taobao.com")
    hosts = real.allowed_hosts()
    assert hosts[0] == "item.upload.taobao.com"
    assert {"loginmyseller.taobao.com", "myseller.taobao.com"} <= set(hosts)
    assert all(h.endswith(("taobao.com", "alicdn.com")) for h in hosts)
    assert real.urls("home") == "https://myseller.taobao.com/home.htm/QnworkbenchHome/"
    assert real.urls("category") == "https://item.upload.taobao.com/sell/ai/category.htm"


# -- listing ------------------------------------------------------------------------------------------
def test_a_single_product_is_listed_now_with_exactly_the_typed_values(adapter, seller, tb, jpg):
    product = phone_case(jpg)
    since = datetime.now(timezone.utc)
    fields = adapter.fill(seller, product)
    assert fields == {"category": "手机>手机配件>手机壳", "properties": "品牌：倍思/Baseus；型号：BS-X1",
                      "title": product.title, "price": "19.90", "stock": "50", "outer_id": "BS-X1-CLR",
                      "images": "1", "shelf": "立刻上架"}
    assert adapter.form_page is not seller and "/sell/v2/publish.htm?catId=50012342" in adapter.form_page.url
    assert tb.state()["submissions"] == 0  # filling never submits (no Enter anywhere in the form)

    done = adapter.submit(seller, allowed=ALL_WARNINGS)  # the page the run started with: the adapter finds the form's tab
    assert done.warnings == ["描述中未添加图片，可能影响宝贝转化，确定要提交吗？"]
    (item,) = tb.state()["items"]
    assert item["id"] == done.item_id
    assert (item["title"], item["price"], item["quantity"], item["outerId"], item["props"]) == (
        product.title, "19.90", 50, "BS-X1-CLR", {"品牌": "倍思/Baseus", "型号": "BS-X1"})
    listed = adapter.find_listed(seller, product, since)
    assert (listed.item_id, listed.title, listed.status, listed.shelf) == (done.item_id, product.title, "出售中",
                                                                          "on_sale")


def test_a_sku_product_lists_every_combination_and_the_total_stock_is_their_sum(adapter, seller, tb, jpg, tmp_path):
    desc = make_test_image(tmp_path / "desc.jpg", size=(750, 400))
    product = tshirt(jpg, desc)
    fields = adapter.fill(seller, product)
    assert (fields["price"], fields["stock"], fields["desc_images"]) == ("49.90", "25", "1")
    assert fields["skus"] == "白色/M ¥59.00 ×10；白色/L ¥59.00 ×5；黑色/M ¥49.90 ×7；黑色/L ¥65.00 ×3"

    done = adapter.submit(seller, allowed=ALL_WARNINGS)
    assert done.warnings == []  # a description image: no 描述中未添加图片 dialog
    (item,) = tb.state()["items"]
    assert (item["quantity"], item["price"], item["catPath"]) == (25, "49.90", "女装/女士精品>T恤")
    assert sorted((s["颜色分类"], s["尺码"], s["price"], s["quantity"]) for s in item["skus"]) == [
        ("白色", "L", "59.00", 5), ("白色", "M", "59.00", 10), ("黑色", "L", "65.00", 3), ("黑色", "M", "49.90", 7)]


def test_every_warning_dialog_is_confirmed_once_and_named_for_the_owner(adapter, seller, tb, jpg):
    tb.faults(warning_low_price=True, warning_no_outer_id=True)
    adapter.fill(seller, phone_case(jpg, price=Decimal("1.5"), outer_id=None))
    done = adapter.submit(seller, allowed=ALL_WARNINGS)
    assert done.warnings == ["描述中未添加图片，可能影响宝贝转化，确定要提交吗？",
                             "一口价低于5.00元，可能被判定为低价引流，确定要提交吗？",
                             "未填写商家编码，将不便于库存管理，确定要提交吗？"]
    state = tb.state()
    assert (state["submissions"], [i["id"] for i in state["items"]]) == (1, [done.item_id])


def test_a_warning_the_owner_has_not_allowed_stops_the_submit_before_it_is_confirmed(adapter, seller, tb, jpg):
    tb.faults(warning_no_outer_id=True)
    adapter.fill(seller, phone_case(jpg, outer_id=None))
    with pytest.raises(WarningNeedsOwner) as raised:
        adapter.submit(seller, allowed=["no_outer_id"])  # allowed: the second warning, not the first
    assert (raised.value.text, raised.value.kind) == (NO_DESC_IMAGES, "no_desc_images")
    assert tb.state()["submissions"] == 0
    dialog = adapter.form_page.get_by_role("dialog")
    assert NO_DESC_IMAGES in dialog.inner_text()  # left up for the owner's picture, unanswered

    adapter.fill(seller, phone_case(jpg, outer_id=None))
    done = adapter.submit(seller, allowed=["no_outer_id", NO_DESC_IMAGES])  # she has seen these words
    assert done.warnings == [NO_DESC_IMAGES, "未填写商家编码，将不便于库存管理，确定要提交吗？"]
    assert [i["id"] for i in tb.state()["items"]] == [done.item_id]


def test_a_script_error_after_the_submit_fails_at_once_with_the_pages_words(adapter, seller, tb, jpg):
    tb.faults(submit_script_error=True)
    adapter.fill(seller, phone_case(jpg))
    started = time.monotonic()
    with pytest.raises(PageChanged, match="淘宝页面出错.*Cannot read properties of undefined"):
        adapter.submit(seller, allowed=ALL_WARNINGS)
    assert time.monotonic() - started < 15 and tb.state()["submissions"] == 0


def test_put_in_the_warehouse_it_waits_in_stock(adapter, seller, tb, jpg):
    product = phone_case(jpg, shelf="warehouse", title="放入仓库的手机壳")
    assert adapter.fill(seller, product)["shelf"] == "放入仓库"
    done = adapter.submit(seller, allowed=ALL_WARNINGS)
    listed = adapter.find_listed(seller, product, None, item_id=done.item_id)
    assert (listed.status, listed.shelf) == ("仓库中", "in_stock")


def test_a_timed_shelf_keeps_its_beijing_wall_time(adapter, seller, tb, jpg):
    at = (datetime.now(timezone.utc) + timedelta(days=2)).replace(second=0, microsecond=0)
    wall = at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    product = phone_case(jpg, shelf="at", shelf_at=at)
    assert adapter.fill(seller, product)["shelf"] == f"定时上架 {wall}"
    done = adapter.submit(seller, allowed=ALL_WARNINGS)
    (item,) = tb.state()["items"]
    assert (item["startMode"], item["startAt"]) == ("timed", wall)
    assert adapter.find_listed(seller, product, None, item_id=done.item_id).status == f"定时上架 {wall}"


# -- the site says no, or wants a human -----------------------------------------------------------------
def test_the_slider_on_submit_waits_for_a_human_drag_then_the_pending_submit_lists_one_item(adapter, seller, tb, jpg):
    tb.faults(slider_submits=1)
    adapter.fill(seller, phone_case(jpg))
    with pytest.raises(BaxiaSlider) as raised:
        adapter.submit(seller, allowed=ALL_WARNINGS)
    assert raised.value.resumes_submit and tb.state()["items"] == []

    tab = adapter.human_page(seller)
    assert tab is adapter.form_page and adapter.slider_gone(seller) is False
    box = adapter.slider_box(seller)
    assert box["track"]["width"] > box["knob"]["width"] > 0
    drag_like_a_person(tab, box)
    wait_until(lambda: adapter.slider_gone(seller), timeout=10, what="the slider to go away")

    done = adapter.resume_submit(seller)  # the page re-sent the submit itself: no second press
    state = tb.state()
    assert [i["id"] for i in state["items"]] == [done.item_id]
    assert state["slider"]["passed"] == 1
    assert done.warnings == ["描述中未添加图片，可能影响宝贝转化，确定要提交吗？"]


def test_a_busy_site_is_a_transient_failure_and_the_next_press_lists_the_item(adapter, seller, tb, jpg):
    tb.faults(submit_failed=1, warning_dialog=False)
    adapter.fill(seller, phone_case(jpg))
    with pytest.raises(PublishFailed, match="系统繁忙"):
        adapter.submit(seller, allowed=ALL_WARNINGS)
    assert tb.state()["items"] == []
    done = adapter.submit(seller, allowed=ALL_WARNINGS)
    assert [i["id"] for i in tb.state()["items"]] == [done.item_id]


def test_a_field_the_page_refuses_is_rejected_in_the_pages_own_words(adapter, seller, tb, jpg):
    tb.faults(schedule_max_days=1)
    at = datetime.now(timezone.utc) + timedelta(days=3)
    adapter.fill(seller, phone_case(jpg, shelf="at", shelf_at=at))
    with pytest.raises(ContentRejected, match="定时上架时间须晚于当前时间，且在1天之内"):
        adapter.submit(seller, allowed=ALL_WARNINGS)
    assert tb.state()["submissions"] == 0


def test_a_brand_the_site_does_not_offer_is_rejected_on_the_category_step(adapter, seller, tb, jpg):
    with pytest.raises(ContentRejected, match="品牌「山寨牌」不在淘宝的品牌列表里"):
        adapter.fill(seller, phone_case(jpg, properties={"品牌": "山寨牌", "型号": "X"}))


def test_a_slider_on_the_category_page_stops_the_fill_until_a_human_passes_it(adapter, seller, tb, jpg):
    tb.faults(slider_pages=1)
    with pytest.raises(BaxiaSlider) as raised:
        adapter.fill(seller, phone_case(jpg))
    assert raised.value.stage == "page" and not raised.value.resumes_submit
    assert adapter.human_page(seller) is seller  # no form tab yet: the slider is over the category step
    drag_like_a_person(seller, adapter.slider_box(seller))
    wait_until(lambda: adapter.slider_gone(seller), timeout=10, what="the slider to go away")
    assert adapter.fill(seller, phone_case(jpg))["title"] == "倍思手机壳 防摔 透明 iPhone15"
    assert tb.state()["slider"] == {"shown": 1, "passed": 1, "failed": 0}


def test_a_session_that_dies_during_the_image_upload_asks_for_a_login(adapter, seller, tb, jpg):
    tb.faults(session_expire_mid_flow=True)
    with pytest.raises(LoginRequired):
        adapter.fill(seller, phone_case(jpg))
    assert tb.state()["items"] == []


def test_the_item_list_changes_an_items_price_and_the_shop_saves_it_once(adapter, seller, tb):
    item = tb.stock("桂花图案手机壳", price="29.90", user="店小二")
    other = tb.stock("玉兰图案手机壳", price="39.90", user="店小二")
    shelf = ItemList(seller, adapter.urls)
    shelf.open("on_sale")
    assert shelf.change_price(item["id"], "19.9") == "19.90"
    assert tb.state()["edits"] == [{"item_id": item["id"], "field": "price", "old": "29.90", "new": "19.90"}]
    assert {i.item_id: i.price for i in shelf.items("on_sale")} == {item["id"]: "19.90", other["id"]: "39.90"}
