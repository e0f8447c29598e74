"""The Taobao replica's 出售中的宝贝: a seller edits an item's price and stock, delists it, and the moved price
field (fault switch) still edits the price through its new dialog."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.errors import CodeRequired
from sites.taobao import TaobaoAdapter
from tests.core_fixtures import wait_until
from tests.taobao_sandbox_fixtures import IN_STOCK, ON_SALE, chromium, context, open_logged_in, page, replica, tb  # noqa: F401


def _row(page, item):
    return page.locator(f'tr.item-row[data-item-id="{item["id"]}"]')


def _save_price(page, item, price: str) -> None:
    """The seller's 编辑价格 popover on the item's row: the new price typed, 保存 pressed."""
    _row(page, item).get_by_role("button", name="编辑价格").click()
    editor = page.get_by_role("dialog", name="编辑价格")
    editor.get_by_label("价格").fill(price)
    editor.get_by_role("button", name="保存").click()


def test_the_price_popover_saves_a_new_price_once_and_the_list_shows_it(page, tb):
    item = tb.stock("桂花图案手机壳", price="29.90")
    open_logged_in(page, tb, ON_SALE)
    row = _row(page, item)
    _save_price(page, item, "19.9")
    expect(row.locator(".item-price")).to_have_text("¥19.90")
    page.reload()
    expect(_row(page, item).locator(".item-price")).to_have_text("¥19.90")
    assert tb.state()["edits"] == [{"item_id": item["id"], "field": "price", "old": "29.90", "new": "19.90"}]


def test_a_bad_price_is_refused_with_the_sites_words_and_nothing_changes(page, tb):
    item = tb.stock("桂花图案手机壳", price="29.90")
    open_logged_in(page, tb, ON_SALE)
    _save_price(page, item, "19.999")
    expect(page.get_by_role("alert")).to_contain_text("请输入正确的价格")
    assert tb.state()["edits"] == []


def test_stock_is_edited_and_delisting_asks_first_then_moves_the_item_to_the_warehouse(page, tb):
    item = tb.stock("桂花图案手机壳", quantity=50)
    open_logged_in(page, tb, ON_SALE)
    row = _row(page, item)
    row.get_by_role("button", name="编辑库存").click()
    editor = page.get_by_role("dialog", name="编辑库存")
    editor.get_by_label("库存").fill("80")
    editor.get_by_role("button", name="保存").click()
    expect(row.locator(".item-quantity")).to_have_text("80")
    row.get_by_role("button", name="下架").click()
    page.get_by_role("dialog", name="提示").get_by_role("button", name="取消").click()
    assert [e["field"] for e in tb.state()["edits"]] == ["quantity"]
    row.get_by_role("button", name="下架").click()
    confirm = page.get_by_role("dialog", name="提示")
    expect(confirm).to_contain_text("确定要下架该宝贝吗？")
    confirm.get_by_role("button", name="确定").click()
    expect(row).to_have_count(0)
    page.goto(tb.url + IN_STOCK)
    expect(_row(page, item).locator(".item-status")).to_have_text("仓库中")
    expect(_row(page, item).get_by_role("button", name="上架")).to_be_visible()


def test_with_the_price_field_moved_the_price_is_edited_in_a_dialog_with_another_field(page, tb):
    tb.faults(price_field_moved=True)
    item = tb.stock("桂花图案手机壳", price="29.90")
    open_logged_in(page, tb, ON_SALE)
    _row(page, item).get_by_role("button", name="编辑价格").click()
    expect(page.locator("input[name=price]")).to_have_count(0)
    dialog = page.get_by_role("dialog", name="修改价格")
    dialog.get_by_placeholder("请输入新价格").fill("19.9")
    dialog.get_by_role("button", name="保存").click()
    expect(_row(page, item).locator(".item-price")).to_have_text("¥19.90")


def test_with_the_code_check_on_a_price_is_saved_only_after_the_right_sms_code_and_once(page, tb):
    tb.faults(sms_check_on_save=True)
    item = tb.stock("桂花图案手机壳", price="29.90")
    open_logged_in(page, tb, ON_SALE)
    _save_price(page, item, "19.9")
    check = page.get_by_role("dialog", name="安全验证")
    expect(check).to_contain_text("为了你的账号安全，请输入发送到 138****5678 的短信验证码")
    assert tb.sms_code() is None and tb.state()["edits"] == []  # nothing sent, nothing saved yet
    check.get_by_role("button", name="获取验证码").click()
    expect(check.get_by_role("button", name="获取验证码")).to_have_count(0)  # counting down: 60秒后重新获取
    code = tb.sms_code()
    check.get_by_placeholder("请输入验证码").fill("000000" if code != "000000" else "999999")
    check.get_by_role("button", name="确定").click()
    expect(check.get_by_role("alert")).to_have_text("验证码错误")
    assert tb.state()["edits"] == []
    check.get_by_placeholder("请输入验证码").fill(code)
    check.get_by_role("button", name="确定").click()
    expect(check).to_have_count(0)
    expect(_row(page, item).locator(".item-price")).to_have_text("¥19.90")
    assert tb.state()["edits"] == [{"item_id": item["id"], "field": "price", "old": "29.90", "new": "19.90"}]
    assert tb.state()["code_checks"] == {"shown": 1, "passed": 1, "wrong": 1}


def test_the_adapter_sees_the_code_check_and_enters_the_owners_code_refused_then_accepted(page, tb):
    tb.faults(sms_check_on_save=True)
    item = tb.stock("桂花图案手机壳", price="29.90")
    adapter = TaobaoAdapter(tb.url)
    open_logged_in(page, tb, ON_SALE)
    assert adapter.code_prompt(page) is None
    _row(page, item).get_by_role("button", name="编辑价格").click()
    page.get_by_role("dialog", name="编辑价格").get_by_role("button", name="保存").click()
    expect(page.get_by_role("dialog", name="安全验证")).to_be_visible()
    assert adapter.code_prompt(page) == "淘宝要求安全验证：为了你的账号安全，请输入发送到 138****5678 的短信验证码"
    adapter.request_code(page)
    code = wait_until(tb.sms_code, timeout=15, what="the SMS code the replica sent")
    with pytest.raises(CodeRequired) as refused:
        adapter.enter_code(page, "000000" if code != "000000" else "999999")
    assert refused.value.message == "淘宝提示：验证码错误，请重新输入短信验证码"
    assert page.get_by_placeholder("请输入验证码").input_value() == ""  # the refused code is not left on the page
    adapter.enter_code(page, code)
    assert adapter.code_prompt(page) is None
    assert [e["new"] for e in tb.state()["edits"]] == ["29.90"]



def test_with_the_list_check_on_the_list_asks_the_code_again_after_a_reload_until_it_is_given(page, tb):
    tb.faults(sms_check_pages=1)
    tb.stock("桂花图案手机壳", price="29.90")
    open_logged_in(page, tb, ON_SALE)
    check = page.get_by_role("dialog", name="安全验证")
    expect(check).to_contain_text("为了你的账号安全，请输入发送到 138****5678 的短信验证码")
    expect(check.get_by_role("button", name="取消")).to_have_count(0)
    page.reload()
    check.get_by_role("button", name="获取验证码").click()
    code = wait_until(tb.sms_code, timeout=15, what="the SMS code the replica sent")
    check.get_by_placeholder("请输入验证码").fill(code)
    check.get_by_role("button", name="确定").click()
    expect(check).to_have_count(0)
    page.reload()
    expect(page.get_by_text("桂花图案手机壳")).to_be_visible()
    expect(check).to_have_count(0)
    assert tb.state()["code_checks"] == {"shown": 1, "passed": 1, "wrong": 0}
