"""The tax bureau replica's 经营所得 A表 (quarterly prepayment), driven the way a person uses it.

The replica runs as its own process (delays off); real Chromium logs in as the individual business,
opens the A表 from 申报清册, files it and pays it.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.etax_page_fixtures import log_in as etax_log_in, open_return, refusal, submit
from tests.etax_sandbox_fixtures import replica, tx  # noqa: F401  (the replica process, reset per test)
from tests.sandbox_fixtures import chromium, context, page  # noqa: F401

CODE, USER, PASSWORD = "92330106MA2H8LW31N", "zhanglan", "Lan#2026tax"
TITLE = "个人所得税经营所得纳税申报表（A表）"
# 300,000 − 120,000 = 180,000; − 45,000 (9 months) − 15,000 = 120,000 → 20% − 10,500 = 13,500; halved: 6,750 due.
VALID = {"income": "300000", "costs": "120000", "investor_deduction": "45000", "special_deductions": "15000",
         "relief": "6750"}


def log_in(page: Page, tx, code: str = CODE, user: str = USER, password: str = PASSWORD) -> None:
    """Logged in as the individual business unless told otherwise."""
    etax_log_in(page, tx, code, user, password)


def fill(page: Page, values: dict) -> None:
    for key, value in values.items():
        page.get_by_label(_name(key), exact=True).fill(value)


def _name(key: str) -> str:
    return {"income": "收入总额", "costs": "成本费用", "loss_offset": "弥补以前年度亏损",
            "investor_deduction": "投资者减除费用", "special_deductions": "专项扣除", "relief": "减免税额"}[key]


def file_form(page: Page, tx, values: dict = VALID) -> str:
    open_return(page, tx, TITLE)
    fill(page, values)
    submit(page)
    expect(page.get_by_role("heading", name="申报成功")).to_be_visible()
    return page.locator("#declare-serial").inner_text()


def test_the_returns_due_list_offers_the_a_form_to_an_individual_business_only(page, tx):
    log_in(page, tx)
    page.goto(tx.url + "/portal/declare/list")
    row = page.locator("tr", has_text=TITLE)
    expect(row.locator(".period")).to_have_text("2026-07-01 至 2026-09-30")
    expect(row.locator(".status")).to_have_text("未申报")
    expect(row.get_by_role("link", name="填写申报表")).to_be_visible()
    page.context.clear_cookies()
    log_in(page, tx, "91310115MA1K4QXR7D", "13800138000", "Etax@2026")  # a limited company files no A表
    page.goto(tx.url + "/portal/declare/list")
    expect(page.locator("tr", has_text="增值税及附加税费申报表")).to_have_count(1)
    expect(page.locator("tr", has_text=TITLE)).to_have_count(0)
    page.goto(tx.url + "/portal/declare/pit?period=2026Q3")
    page.wait_for_url("**/portal/declare/list")


def test_computed_fields_follow_the_inputs_with_the_annual_table_on_the_cumulative_income(page, tx):
    log_in(page, tx)
    open_return(page, tx, TITLE)
    fill(page, {"income": "300000", "costs": "120000", "investor_deduction": "45000", "special_deductions": "15000"})
    expect(page.get_by_label("利润总额")).to_have_value("180000.00")
    expect(page.get_by_label("应纳税所得额")).to_have_value("120000.00")
    expect(page.get_by_label("税率")).to_have_value("20%")
    expect(page.get_by_label("速算扣除数")).to_have_value("10500.00")
    expect(page.get_by_label("应纳税额")).to_have_value("13500.00")
    expect(page.get_by_label("应补（退）税额")).to_have_value("13500.00")
    fill(page, {"costs": "300000"})  # a loss: nothing taxable, nothing due
    expect(page.get_by_label("应纳税所得额")).to_have_value("0.00")
    expect(page.get_by_label("应纳税额")).to_have_value("0.00")
    assert page.get_by_label("利润总额").get_attribute("readonly") is not None


@pytest.mark.parametrize("values, message", [
    ({**VALID, "investor_deduction": "50000"}, "投资者减除费用不能超过45000.00元（每月5000元，本期累计9个月）"),
    ({**VALID, "relief": "20000"}, "“减免税额”不能大于“应纳税额”"),
    ({**VALID, "loss_offset": "200000"}, "“弥补以前年度亏损”不能大于“利润总额”"),
    ({**VALID, "costs": "12.345"}, "“成本费用”请填写不小于0且最多两位小数的金额"),
])
def test_broken_relations_are_refused_by_the_server_with_the_portal_message_and_nothing_is_filed(page, tx, values,
                                                                                               message):
    log_in(page, tx)
    open_return(page, tx, TITLE)
    fill(page, values)
    submit(page)
    expect(refusal(page)).to_contain_text(message)
    refusal(page).get_by_role("button", name="确定").click()
    assert tx.state()["filings"] == [] and tx.state()["counters"]["submissions"] == 1


def test_filing_gives_a_serial_lists_it_filed_and_unpaid_and_paying_marks_it_paid(page, tx):
    log_in(page, tx)
    page.goto(tx.url + "/portal/declare/list")
    page.locator("tr", has_text=TITLE).get_by_role("link", name="填写申报表").click()
    fill(page, VALID)
    page.get_by_role("button", name="提交申报").click()
    refusal(page).get_by_role("button", name="取消").click()  # the confirm dialog: cancel files nothing
    assert tx.state()["counters"]["submissions"] == 0
    submit(page)
    expect(page.get_by_role("heading", name="申报成功")).to_be_visible()
    serial = page.locator("#declare-serial").inner_text()
    expect(page.locator("#tax-due")).to_have_text("6750.00")
    (filing,) = tx.state()["filings"]
    assert filing["form"] == "pit" and filing["name"] == TITLE and filing["tax_due"] == 6750.0
    assert filing["values"]["tax"] == 13500.0 and filing["values"]["rate"] == 20.0
    page.goto(tx.url + "/portal/query/filed")
    row = page.locator("tr", has_text=serial)
    expect(row.locator(".name")).to_have_text(TITLE)
    expect(row.locator(".pay-status")).to_have_text("未缴款")
    page.goto(tx.url + "/portal/pay/unpaid")
    unpaid = page.locator("tr", has_text=serial)
    expect(unpaid.locator(".amount")).to_have_text("6750.00")
    unpaid.get_by_role("link", name="立即缴款").click()
    page.get_by_role("button", name="确认缴款").click()
    refusal(page).get_by_role("button", name="确定").click()
    expect(page.get_by_role("heading", name="缴款成功")).to_be_visible()
    page.goto(tx.url + "/portal/query/filed")
    expect(page.locator("tr", has_text=serial).locator(".pay-status")).to_have_text("已缴款")
    page.goto(tx.url + "/portal/declare/list")
    expect(page.locator("tr", has_text=TITLE).locator(".status")).to_have_text("已申报")


def test_a_later_quarter_shows_what_earlier_quarters_paid_and_a_quarter_is_filed_once(page, tx):
    tx.faults(current_period="2026Q2")
    log_in(page, tx)
    # Q2: 100,000 − 30,000 (6 months) = 70,000 → 10% − 1,500 = 5,500, halved: 2,750 due.
    file_form(page, tx, {"income": "100000", "investor_deduction": "30000", "relief": "2750"})
    tx.faults(current_period="2026Q3")
    open_return(page, tx, TITLE)
    expect(page.get_by_label("已缴税额")).to_have_value("2750.00")
    fill(page, VALID)
    expect(page.get_by_label("应补（退）税额")).to_have_value("4000.00")  # 13,500 − 6,750 − 2,750
    submit(page)
    expect(page.get_by_role("heading", name="申报成功")).to_be_visible()
    assert tx.state()["filings"][-1]["tax_due"] == 4000.0
    page.goto(tx.url + "/portal/declare/pit?period=2026Q3")
    fill(page, VALID)
    submit(page)
    expect(refusal(page)).to_contain_text("该所属期已申报，不能重复申报")
    assert len(tx.state()["filings"]) == 2
