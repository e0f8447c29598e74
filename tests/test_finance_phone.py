"""The books on a phone (390×844) against a real web server: importing the same income list twice is
caught and the owner chooses, and a record is edited and deleted on the finance page with the quarter's
figures recomputed."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.web_fixtures import start_web_stack

PHONE = {"width": 390, "height": 844}
INCOME = """日期,金额,发票类型,类别,税率,客户
{y}-{m1}-10,101000,普票,货物,1%,杭州某茶庄
{y}-{m2}-20,50500,专票,服务,1%,上海某设计公司
"""


def income_of(tmp_path, year: int, q: int):
    """The quarter's income list as a GBK CSV file."""
    path = tmp_path / f"{year}年第{q}季度收入.csv"
    path.write_bytes(INCOME.format(y=year, m1=f"{3 * q - 2:02}", m2=f"{3 * q - 1:02}").encode("gbk"))
    return path


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    stack, password = start_web_stack(tmp_path_factory)
    yield stack, password
    stack.stop()


@pytest.fixture
def page(chromium, service):
    stack, password = service
    ctx = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                               timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    page.goto(f"{stack.web_url}/login")
    page.get_by_label("用户名").fill("owner")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="待审批")).to_be_visible()
    yield page
    ctx.close()


def _import(page, path) -> None:
    form = page.locator("#import")
    form.get_by_label("文件").set_input_files(str(path))
    form.get_by_role("button", name="导入").click()


def test_importing_the_same_list_twice_asks_and_skipping_the_repeats_adds_nothing(service, page, tmp_path):
    stack, _ = service
    page.goto(f"{stack.web_url}/finance?period=2025Q2")
    income = income_of(tmp_path, 2025, 2)
    with page.expect_navigation():  # the page reloads on the same quarter once the import is done
        _import(page, income)
    expect(page.get_by_text("收入记录 2 条")).to_be_visible()
    due = page.locator("#vat-due").inner_text()

    _import(page, income)
    refusal = page.locator("#import .errors")
    expect(refusal).to_contain_text("同一个文件")
    expect(refusal).to_contain_text("第2行")
    expect(refusal).to_contain_text("没有导入任何记录")
    page.locator("#import").get_by_label("和账本里已有记录重复时").select_option(label="跳过重复的，导入其余的")
    with page.expect_navigation():  # the page reloads on the same quarter once the import is done
        _import(page, income)
    expect(page).to_have_url(re.compile(r"period=2025Q2$"))
    expect(page.get_by_text("收入记录 2 条")).to_be_visible()
    expect(page.locator("#vat-due")).to_have_text(due)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_record_is_corrected_and_another_deleted_on_the_finance_page(service, page, tmp_path):
    stack, _ = service
    page.goto(f"{stack.web_url}/finance?period=2025Q3")
    _import(page, income_of(tmp_path, 2025, 3))
    expect(page.locator("#records > summary")).to_contain_text("（2条）")  # the page reloaded after the import
    page.locator("#records > summary").click()  # the quarter's records are folded under the return's figures
    records = page.locator("#records details.record")
    expect(records).to_have_count(2)
    expect(page.locator("#vat-due")).to_have_text("¥517.50")  # 500 VAT on the 专票 + 17.50 city tax

    special = records.filter(has_text="上海某设计公司")
    special.locator("summary").click()
    edit = special.locator("form.record-edit")
    edit.get_by_label("金额（元）").fill("10万")
    edit.get_by_role("button", name="保存修改").click()
    expect(edit.locator(".errors")).to_contain_text("金额：")
    expect(edit.get_by_label("金额（元）")).to_have_attribute("aria-invalid", "true")
    edit.get_by_label("金额（元）").fill("101000")
    edit.get_by_role("button", name="保存修改").click()
    expect(page.locator("#vat-due")).to_have_text("¥1035.00")  # 1,000 VAT + 35.00 city tax

    tea = page.locator("#records details.record").filter(has_text="杭州某茶庄")
    tea.locator("summary").click()
    tea.get_by_label("确认删除这条记录").check()
    tea.get_by_role("button", name="删除").click()
    expect(page.get_by_text("收入记录 1 条")).to_be_visible()
    expect(page.locator("#records details.record")).to_have_count(1)
    expect(page.locator("#records")).not_to_contain_text("杭州某茶庄")
