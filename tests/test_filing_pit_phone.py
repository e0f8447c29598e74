"""The business-income prepayment on a phone (390×844), against the whole service as real processes: the
owner imports income, types the quarter's costs on the finance page (a bad figure is named), sees the
A表 the books compute, and starts the filing, whose card waits for approval with the A表's figures."""
from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from tests.filing_phone_fixtures import add_tax_account, approve_card, service  # noqa: F401  (service: a fixture)
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import log_in, no_sideways_scroll, phone  # noqa: F401  (phone: a fixture)
from tests.web_fixtures import Web

INCOME = """日期,金额,发票类型,类别,税率
2026-07-10,202000,普票,服务,1%
2026-08-20,101000,未开票,服务,1%
"""


BUSINESS = ("小吃店报税", "92330106MA2H8LW31N", "zhanglan", "Lan#2026tax")
"""The replica's individual business (个体工商户), which files the A表."""


def test_owner_types_the_quarters_costs_and_starts_the_business_income_filing(service, phone, tmp_path):
    stack, password = service
    bureau = stack.replica_url("etax")
    httpx.post(f"{bureau}/__sandbox__/faults", json={"notices": 0, "current_period": "2026Q3"}).raise_for_status()
    page = phone
    log_in(page, Web(stack, password))
    add_tax_account(page, BUSINESS)
    page.goto(f"{stack.web_url}/finance?period=2026Q3")
    expect(page.locator("#pit")).to_have_count(0)  # a 有限公司 (the default) files no A表
    page.locator("#taxpayer-section > summary").click()  # a setting, folded at the page's end
    page.get_by_label("纳税人类型").select_option(label="个体工商户")
    page.get_by_role("button", name="保存纳税人类型").click()
    expect(page.locator("#pit")).to_be_visible()
    income = tmp_path / "收入.csv"
    income.write_bytes(INCOME.encode("gbk"))
    page.get_by_label("文件").set_input_files(str(income))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_text("收入记录 2 条")).to_be_visible()

    page.locator("#pit > summary").click()  # the A表's figures and costs fold under its heading
    figures = page.locator("#pit-figures")
    figures.get_by_label("成本费用（元）").fill("12万")
    figures.get_by_role("button", name="保存成本和扣除").click()
    expect(figures.locator(".errors [data-field=costs]")).to_contain_text("成本费用应为不小于0、最多两位小数的金额")
    expect(figures.get_by_label("成本费用（元）")).to_have_attribute("aria-invalid", "true")
    figures.get_by_label("成本费用（元）").fill("120000")
    figures.get_by_label("专项扣除（元，本人社保和公积金）").fill("15000")
    figures.get_by_role("button", name="保存成本和扣除").click()
    # 300,000 − 120,000 − 45,000 − 15,000 = 120,000 → 13,500, halved → 6,750.
    expect(page.locator("#pit-due")).to_have_text("¥6750.00")
    expect(page.locator(".pit-table")).to_contain_text("120000.00")
    expect(page.locator("#pit-figures").get_by_label("成本费用（元）")).to_have_value("120000.00")
    no_sideways_scroll(page)

    filing = page.locator("#pit-filing")
    filing.get_by_label("纳税人账号").select_option(label="小吃店报税")
    filing.get_by_role("button", name="开始经营所得申报").click()
    expect(page).to_have_url(re.compile(r"/runs/\w+$"))
    expect(page.get_by_text("经营所得个税预缴申报").first).to_be_visible()
    expect(page.locator("#run-status")).to_have_text("待审批", timeout=120_000)
    approve_card(page, stack, "批准申报")
    expect(page.get_by_role("heading", name=re.compile("个人所得税经营所得纳税申报表（A表）"))).to_be_visible()
    expect(page.locator("#tax-due")).to_have_text("¥6750.00")
    expect(page.locator("#tax-table")).to_contain_text("应纳税所得额")
    no_sideways_scroll(page)
    assert httpx.get(f"{bureau}/__sandbox__/state").json()["counters"]["submissions"] == 0
