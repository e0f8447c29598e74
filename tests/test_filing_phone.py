"""The quarterly return on a phone (390×844), against the whole service as real processes: the owner adds
the tax-bureau login, sees the finance assistant's reminder, imports the quarter's income, starts the
filing, approves the return (the portal's differing figure highlighted) and then the payment."""
from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from tests.filing_phone_fixtures import add_tax_account, approve_card, service  # noqa: F401  (service: a fixture)
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import log_in, no_sideways_scroll, phone, tab  # noqa: F401  (phone: a fixture)
from tests.web_fixtures import Web

INCOME = """日期,金额,发票类型,类别,税率
2026-07-10,202000,普票,货物,1%
2026-08-20,101000,专票,服务,1%
2026-09-05,50500,未开票,货物,1%
"""


def test_owner_files_and_pays_the_quarter_from_the_phone(service, phone, tmp_path):
    stack, password = service
    bureau = stack.replica_url("etax")
    httpx.post(f"{bureau}/__sandbox__/faults", json={"notices": 1, "current_period": "2026Q3"}).raise_for_status()
    httpx.post(f"{bureau}/__sandbox__/prefill", json={"period": "2026Q3", "values": {"2.services": 90000}})
    page = phone
    log_in(page, Web(stack, password))

    add_tax_account(page)

    tab(page, "首页")
    reminder = page.locator("#tax-reminder")
    expect(reminder).to_contain_text("2026年第3季度")  # today (Nov) the Q3 return is overdue or due
    reminder.get_by_role("link", name="去申报").click()

    income = tmp_path / "收入.csv"
    income.write_bytes(INCOME.encode("gbk"))
    page.get_by_label("文件").set_input_files(str(income))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_text("收入记录 3 条")).to_be_visible()
    expect(page.get_by_text("应缴税费 ¥3710.00")).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_role("button", name="开始申报").click()
    expect(page).to_have_url(re.compile(r"/runs/\w+$"))
    expect(page.locator("#run-status")).to_have_text("待审批", timeout=120_000)

    approve_card(page, stack, "批准申报")
    differing = page.locator("#tax-table tr.differs").filter(has_text="第2栏")
    expect(differing).to_contain_text("100000.00")
    expect(differing).to_contain_text("90000.00")
    expect(differing.get_by_text("不一致")).to_be_visible()
    # the books' figure links to the records it sums (the books page, filtered to them)
    expect(differing.get_by_role("link", name=re.compile(r"查看这\d+笔账本记录"))).to_have_attribute(
        "href", re.compile(r"^/books\?quarter=\d{4}Q[1-4]&figure=vat-2-services$"))
    expect(page.locator("#tax-due")).to_have_text("¥3710.00")
    assert httpx.get(f"{bureau}/__sandbox__/state").json()["counters"]["submissions"] == 0
    no_sideways_scroll(page)
    page.get_by_role("button", name="批准申报").click()
    expect(page).to_have_url(re.compile(r"/runs/\w+$"))

    approve_card(page, stack, "批准缴款")
    expect(page.locator("#payment [data-field=amount]")).to_have_text("¥3710.00")
    page.get_by_role("button", name="批准缴款").click()
    expect(page.locator("#run-status")).to_have_text("已申报", timeout=120_000)
    expect(page.get_by_text("已申报并缴款")).to_be_visible()
    state = httpx.get(f"{bureau}/__sandbox__/state").json()
    assert len(state["filings"]) == 1 and len(state["payments"]) == 1
    assert state["filings"][0]["values"]["2.services"] == 100000


UNDER_THRESHOLD = """日期,金额,发票类型,类别,税率
2026-04-10,120000,普票,货物,1%
2026-05-20,80000,未开票,服务,1%
"""


def test_owner_files_an_earlier_quarter_under_the_threshold_and_there_is_nothing_to_pay(service, phone, tmp_path):
    stack, password = service
    bureau = stack.replica_url("etax")
    httpx.post(f"{bureau}/__sandbox__/faults", json={"current_period": "2026Q2"}).raise_for_status()
    page = phone
    log_in(page, Web(stack, password))
    add_tax_account(page)

    page.goto(f"{stack.web_url}/finance")
    page.get_by_role("navigation", name="所属期").get_by_role("link", name="上一季度").click()
    expect(page.get_by_role("navigation", name="所属期")).to_contain_text("2026年第2季度")
    income = tmp_path / "二季度收入.csv"
    income.write_bytes(UNDER_THRESHOLD.encode("gbk"))
    page.get_by_label("文件").set_input_files(str(income))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_text("收入记录 2 条")).to_be_visible()  # back on the same quarter after the import
    expect(page.get_by_role("navigation", name="所属期")).to_contain_text("2026年第2季度")
    expect(page.get_by_text("应缴税费 ¥0.00")).to_be_visible()
    expect(page.locator(".tax-table")).to_contain_text("第10栏")  # 小微企业免税销售额
    no_sideways_scroll(page)
    page.get_by_role("button", name="开始申报").click()
    expect(page).to_have_url(re.compile(r"/runs/\w+$"))

    approve_card(page, stack, "批准申报")
    expect(page.locator("#tax-due")).to_have_text("¥0.00")
    page.get_by_role("button", name="批准申报").click()
    expect(page.locator("#run-status")).to_have_text("已申报", timeout=120_000)
    expect(page.get_by_text("已申报，无需缴款")).to_be_visible()
    page.goto(f"{stack.web_url}/approvals")
    expect(page.locator(".list a")).to_have_count(0)  # no payment card: nothing is due
    state = httpx.get(f"{bureau}/__sandbox__/state").json()
    q2 = [f for f in state["filings"] if f["period"] == "2026Q2"]
    assert len(q2) == 1 and not [p for p in state["payments"] if p["serial"] == q2[0]["serial"]]
