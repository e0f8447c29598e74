"""The tax bureau replica behaves like the unified portal, driven the way a person uses it.

The replica runs as its own process (delays off); real Chromium logs in, fills the small-scale VAT
return, files it and pays it.
"""
from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError, expect

from tests.etax_page_fixtures import (CODE, NAME, PASSWORD, TITLE, USER, VALID, cell, drag_slider, file_return,
                                      fill_login, fill_return, fling_slider, log_in, open_return, refusal, submit)
from tests.etax_sandbox_fixtures import replica, tx  # noqa: F401  (the replica process, reset per test)
from tests.sandbox_fixtures import chromium, context, page, qr_token  # noqa: F401

# -- login --------------------------------------------------------------------------------------------
def test_login_with_credit_code_user_and_password_lands_on_the_portal_with_an_httponly_cookie(page, context, tx):
    log_in(page, tx)
    expect(page.get_by_text(f"欢迎您，{NAME}")).to_be_visible()
    (cookie,) = [c for c in context.cookies() if c["name"] == "SSO_SECURITY_CHECK_TOKEN"]
    assert cookie["httpOnly"]
    assert tx.state()["counters"]["logins"] == 1


def test_a_wrong_password_is_refused_and_the_page_stays_on_the_login(page, tx):
    fill_login(page, tx, password="wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误")
    assert "#/login" in page.url
    assert tx.state()["counters"]["logins"] == 0


def test_the_slider_refuses_a_jump_and_passes_a_human_timed_drag(page, tx):
    tx.faults(slider=True)
    fill_login(page, tx)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert").first).to_have_text("请先拖动滑块完成验证")
    drag_slider(page, steps=1, pause_ms=0)
    expect(page.get_by_text("验证失败，请重新拖动")).to_be_visible()
    drag_slider(page, steps=14, pause_ms=35)
    expect(page.get_by_text("验证通过")).to_be_visible()
    assert tx.state()["counters"]["slider_passes"] == 1 and tx.state()["counters"]["slider_failures"] == 1
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/portal/home")


def test_a_fast_drag_or_one_released_short_of_the_end_fails(page, tx):
    tx.faults(slider=True)
    fill_login(page, tx)
    fling_slider(page, steps=14)  # enough moves, but all within a millisecond
    expect(page.get_by_text("验证失败，请重新拖动")).to_be_visible()
    drag_slider(page, steps=14, pause_ms=35, distance=200)
    expect(page.get_by_text("验证失败，请重新拖动")).to_be_visible()
    assert tx.state()["counters"]["slider_failures"] == 2


def test_the_sms_step_refuses_a_wrong_code_and_accepts_the_sent_one(page, tx):
    tx.faults(sms_required=True)
    fill_login(page, tx)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("138****8000")).to_be_visible()
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("button", name="59秒后重新获取")).to_be_visible(timeout=3000)
    code = tx.sms_code()
    wrong = "000000" if code != "000000" else "111111"
    page.get_by_label("短信验证码").fill(wrong)
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("验证码错误")).to_be_visible()
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="确定").click()
    page.wait_for_url("**/portal/home")


def test_the_face_check_shows_a_qr_and_the_app_scan_completes_the_login(page, tx):
    tx.faults(face_check=True)
    fill_login(page, tx)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("请使用电子税务局APP扫码进行人脸识别")).to_be_visible()
    src = page.get_by_role("img", name="人脸识别二维码").get_attribute("src")
    assert src.startswith("data:image/png;base64,")
    assert tx.state()["counters"]["logins"] == 0
    assert tx.scan(qr_token(src)).status_code == 200
    page.wait_for_url("**/portal/home")
    assert tx.scan(qr_token(src)).status_code == 404  # used up


# -- portal -------------------------------------------------------------------------------------------
def test_notice_pop_ups_block_the_menu_until_each_is_closed(page, tx):
    tx.faults(notices=2)
    log_in(page, tx)
    notice = page.get_by_role("dialog", name="通知公告")
    expect(notice).to_be_visible()
    with pytest.raises(PlaywrightError):
        page.get_by_role("menuitem", name="我要办税").click(timeout=1500)
    notice.get_by_role("button", name="我知道了").click()
    expect(notice).to_be_visible()  # the second one
    notice.get_by_role("button", name="关闭").click()
    expect(notice).to_have_count(0)
    page.get_by_role("menuitem", name="我要办税").click()
    page.get_by_role("menuitem", name="税费申报及缴纳").click()
    page.wait_for_url("**/portal/declare/list")
    page.goto(tx.url + "/portal/home")  # closed notices stay closed for this session
    expect(page.get_by_role("dialog", name="通知公告")).to_have_count(0)


def test_the_returns_due_list_shows_the_quarterly_vat_return_with_period_deadline_and_status(page, tx):
    log_in(page, tx)
    page.get_by_role("menuitem", name="我要办税").click()
    page.get_by_role("menuitem", name="税费申报及缴纳").click()
    expect(page.get_by_role("heading", name="申报清册")).to_be_visible()
    row = page.locator("tr", has_text=TITLE)
    expect(row.locator(".period")).to_have_text("2026-07-01 至 2026-09-30")
    expect(row.locator(".deadline")).to_have_text("2026-10-15")
    expect(row.locator(".status")).to_have_text("未申报")
    expect(row.get_by_role("link", name="填写申报表")).to_be_visible()


def test_prefilled_sales_show_and_computed_lines_follow_the_inputs_live(page, tx):
    tx.prefill("2026Q3", {"1.goods": 120000, "2.goods": 20000, "3.goods": 100000, "3.services": 5000})
    log_in(page, tx)
    open_return(page, tx)
    expect(cell(page, "1.goods")).to_have_value("120000.00")
    expect(cell(page, "3.goods")).to_have_value("100000.00")
    expect(cell(page, "3.services")).to_have_value("5000.00")
    fill_return(page, {"10.goods": "1000", "11.goods": "200.5", "12.goods": "0.25",
                       "15.goods": "3600", "16.goods": "2400", "21.goods": "300"})
    expect(cell(page, "9.goods")).to_have_value("1200.75")
    expect(cell(page, "20.goods")).to_have_value("1200.00")
    expect(cell(page, "22.goods")).to_have_value("900.00")
    expect(cell(page, "23")).to_have_value("42.00")   # 1200 × 7% = 84.00, halved
    expect(cell(page, "24")).to_have_value("0.00")    # sales 121,200.75 ≤ 30万: exempt (财税〔2016〕12号)
    expect(cell(page, "25")).to_have_value("0.00")
    expect(page.locator("#r20_goods_ytd")).to_have_text("1200.00")
    assert cell(page, "9.goods").get_attribute("readonly") is not None


def test_education_surcharges_are_exempt_up_to_30wan_of_sales_and_halved_above_it(page, tx):
    """A quarter with 专票 income under the threshold: VAT on line 1/2, the city tax halved, both education
    surcharges exempt first (the halving then has nothing left); one cent over 30万 they are halved."""
    log_in(page, tx)
    open_return(page, tx)
    special = {"1.services": "50000", "2.services": "50000", "10.goods": "250000", "15.services": "1500",
               "16.services": "1000"}
    fill_return(page, special)
    expect(cell(page, "20.services")).to_have_value("500.00")
    expect(cell(page, "23")).to_have_value("17.50")
    expect(cell(page, "24")).to_have_value("0.00")
    expect(cell(page, "25")).to_have_value("0.00")
    fill_return(page, {"10.goods": "250000.01"})
    expect(cell(page, "24")).to_have_value("7.50")   # 500 × 3% = 15.00, halved
    expect(cell(page, "25")).to_have_value("5.00")
    fill_return(page, {"10.goods": "250000"})
    submit(page)
    expect(page.get_by_role("heading", name="申报成功")).to_be_visible()
    expect(page.locator("#tax-due")).to_have_text("517.50")
    (filing,) = tx.state()["filings"]
    assert (filing["values"]["23"], filing["values"]["24"], filing["values"]["25"]) == (17.5, 0.0, 0.0)


def test_each_surcharge_is_rounded_to_cents_before_it_is_halved(page, tx):
    """Line 20 = 3,464.20: 城建税 × 7% = 242.494 → 242.49, halved 121.245 → 121.25, due 121.24 (not 121.25 from
    3,464.20 × 3.5% in one step); 教育费附加 103.926 → 103.93, halved 51.965 → 51.97, due 51.96."""
    log_in(page, tx)
    open_return(page, tx)
    fill_return(page, {"1.goods": "346420", "3.goods": "346420", "15.goods": "10392.60", "16.goods": "6928.40"})
    expect(cell(page, "20.goods")).to_have_value("3464.20")
    expect(cell(page, "23")).to_have_value("121.24")
    expect(cell(page, "24")).to_have_value("51.96")
    expect(cell(page, "25")).to_have_value("34.64")    # 69.284 → 69.28, halved
    submit(page)
    expect(page.locator("#tax-due")).to_have_text("3672.04")
    (filing,) = tx.state()["filings"]
    assert (filing["values"]["23"], filing["values"]["24"], filing["values"]["25"]) == (121.24, 51.96, 34.64)


def test_sales_under_the_threshold_in_line_1_get_the_real_message_in_the_page_and_from_the_server(page, context, tx):
    log_in(page, tx)
    open_return(page, tx)
    fill_return(page, {"1.goods": "100000", "3.goods": "100000", "15.goods": "3000", "16.goods": "2000"})
    page.get_by_role("button", name="提交申报").click()
    dialog = refusal(page)
    expect(dialog).to_contain_text("本期销售额未达起征点")
    expect(dialog).to_contain_text("填写在第10栏“小微企业免税销售额”或第11栏“未达起征点销售额”中")
    dialog.get_by_role("button", name="确定").click()
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    body = {"period": "2026Q3", "values": {"1.goods": "100000", "3.goods": "100000", "15.goods": "3000",
                                           "16.goods": "2000"}}
    answer = httpx.post(tx.url + "/api/declare/vat/submit", json=body, cookies=cookies, timeout=10).json()
    assert answer["code"] == 1 and "本期销售额未达起征点" in answer["msg"]
    assert tx.state()["filings"] == []


def test_line_7_less_than_line_8_and_a_wrong_reduction_are_refused(page, tx):
    log_in(page, tx)
    open_return(page, tx)
    fill_return(page, {**VALID, "7.goods": "100", "8.goods": "200"})
    page.get_by_role("button", name="提交申报").click()
    expect(refusal(page)).to_contain_text("第7栏“销售使用过的固定资产不含税销售额”应大于等于第8栏")
    refusal(page).get_by_role("button", name="确定").click()
    fill_return(page, {"8.goods": "100", "16.goods": "7000"})
    page.get_by_role("button", name="提交申报").click()
    expect(refusal(page)).to_contain_text("第16栏“本期应纳税额减征额”应等于第1栏")
    assert tx.state()["counters"]["submissions"] == 0  # refused in the page, nothing sent


def test_submitting_files_the_return_with_a_serial_and_the_state_holds_every_line(page, tx):
    log_in(page, tx)
    open_return(page, tx)
    fill_return(page, VALID)
    page.get_by_role("button", name="提交申报").click()
    refusal(page).get_by_role("button", name="取消").click()
    assert tx.state()["counters"]["submissions"] == 0
    submit(page)
    expect(page.get_by_role("heading", name="申报成功")).to_be_visible()
    serial = page.locator("#declare-serial").inner_text()
    assert serial.isdigit() and len(serial) == 20
    expect(page.locator("#tax-due")).to_have_text("4240.00")
    (filing,) = tx.state()["filings"]
    assert filing["serial"] == serial and filing["period"] == "2026Q3" and filing["tax_due"] == 4240.0
    values = filing["values"]
    assert values["1.goods"] == 400000.0 and values["3.goods"] == 400000.0 and values["16.goods"] == 8000.0
    assert values["20.goods"] == 4000.0 and values["22.goods"] == 4000.0
    assert (values["23"], values["24"], values["25"]) == (140.0, 60.0, 40.0)
    assert values["1.services"] == 0.0 and len(values) == 47
    page.goto(tx.url + "/portal/declare/list")
    expect(page.locator("tr", has_text=TITLE).locator(".status")).to_have_text("已申报")


def test_a_second_filing_of_the_same_quarter_is_refused(page, tx):
    log_in(page, tx)
    file_return(page, tx)
    page.goto(tx.url + "/portal/declare/vat?period=2026Q3")
    fill_return(page, VALID)
    submit(page)
    expect(refusal(page)).to_contain_text("该所属期已申报，不能重复申报")
    assert len(tx.state()["filings"]) == 1 and tx.state()["counters"]["submissions"] == 2


def test_paying_under_the_agreement_gives_a_voucher_and_the_filed_list_shows_paid(page, tx):
    log_in(page, tx)
    serial = file_return(page, tx)
    page.goto(tx.url + "/portal/query/filed")
    row = page.locator("tr", has_text=serial)
    expect(row.locator(".pay-status")).to_have_text("未缴款")
    page.get_by_role("menuitem", name="税费缴纳").click()
    expect(page.get_by_role("tab", name="未缴款")).to_be_visible()
    unpaid = page.locator("tr", has_text=serial)
    expect(unpaid.locator(".amount")).to_have_text("4240.00")
    unpaid.get_by_role("link", name="立即缴款").click()
    expect(page.locator("#pay-amount")).to_have_text("4240.00")
    expect(page.locator("#agreement-bank")).to_have_text("中国工商银行上海张江支行")
    expect(page.locator("#agreement-account")).to_have_text("6222***********6789")
    page.get_by_role("button", name="确认缴款").click()
    refusal(page).get_by_role("button", name="确定").click()
    expect(page.get_by_role("heading", name="缴款成功")).to_be_visible()
    voucher = page.locator("#pay-voucher").inner_text()
    state = tx.state()
    assert state["payments"][0]["voucher"] == voucher and state["payments"][0]["amount"] == 4240.0
    assert state["filings"][0]["pay_status"] == "已缴款"
    page.goto(tx.url + "/portal/query/filed")
    expect(page.locator("tr", has_text=serial).locator(".pay-status")).to_have_text("已缴款")
    page.goto(tx.url + "/portal/pay/unpaid")
    expect(page.get_by_text("暂无未缴款信息")).to_be_visible()


def test_a_failed_debit_shows_the_bank_message_and_leaves_the_return_unpaid(page, tx):
    tx.faults(payment_failed=1)
    log_in(page, tx)
    serial = file_return(page, tx)
    page.get_by_role("link", name="立即缴款").click()
    page.get_by_role("button", name="确认缴款").click()
    refusal(page).get_by_role("button", name="确定").click()
    expect(refusal(page)).to_contain_text("扣款失败：账户余额不足")
    assert tx.state()["payments"] == [] and tx.state()["filings"][0]["pay_status"] == "未缴款"
    refusal(page).get_by_role("button", name="确定").click()
    page.get_by_role("button", name="确认缴款").click()  # the fault fired once: the retry goes through
    refusal(page).get_by_role("button", name="确定").click()
    expect(page.get_by_role("heading", name="缴款成功")).to_be_visible()
    assert tx.state()["counters"]["payments"] == 2 and tx.state()["filings"][0]["serial"] == serial


def test_a_refused_submit_files_nothing_and_the_retry_goes_through(page, tx):
    tx.faults(submit_failed=1)
    log_in(page, tx)
    open_return(page, tx)
    fill_return(page, {**VALID, "2.goods": "300000", "3.goods": "100001"})
    page.get_by_role("button", name="提交申报").click()
    expect(refusal(page)).to_contain_text("第1栏“应征增值税不含税销售额（3%征收率）”应大于等于第2栏与第3栏之和")
    refusal(page).get_by_role("button", name="确定").click()
    cell(page, "3.goods").fill("100000")
    submit(page)
    expect(refusal(page)).to_contain_text("申报失败：系统繁忙，请稍后重试")
    assert tx.state()["filings"] == []
    refusal(page).get_by_role("button", name="确定").click()
    submit(page)
    expect(page.get_by_role("heading", name="申报成功")).to_be_visible()


def test_year_to_date_adds_the_earlier_filed_quarter_of_the_year(page, tx):
    tx.faults(current_period="2026Q2")
    log_in(page, tx)
    file_return(page, tx)
    tx.faults(current_period="2026Q3")
    tx.prefill("2026Q3", {"1.goods": 500000, "3.goods": 500000})
    open_return(page, tx)
    expect(page.locator(".meta-period")).to_have_text("2026-07-01 至 2026-09-30")
    expect(page.locator("#r1_goods_ytd")).to_have_text("900000.00")
    fill_return(page, {"15.goods": "15000", "16.goods": "10000"})
    expect(page.locator("#r20_goods_ytd")).to_have_text("9000.00")  # 4000 (Q2) + 5000
    expect(page.locator("#r23_ytd")).to_have_text("315.00")         # 140 + 175


# -- sessions -----------------------------------------------------------------------------------------
def test_an_expired_session_shows_the_expiry_text_then_the_login(page, tx):
    tx.faults(expiry_bounce_s=1.5)
    log_in(page, tx)
    tx.expire_sessions()
    page.goto(tx.url + "/portal/declare/list")
    expect(page.get_by_text("身份认证已失效，请重新登录")).to_be_visible()
    page.wait_for_url("**/#/login")
    expect(page.get_by_label("个人用户密码")).to_be_visible()


def test_a_session_that_dies_mid_form_refuses_the_submit_with_the_expiry_text(page, tx):
    tx.faults(session_expire_mid_flow=True)
    log_in(page, tx)
    open_return(page, tx)
    fill_return(page, VALID)
    submit(page)
    expect(page.get_by_text("身份认证已失效，请重新登录")).to_be_visible()
    assert tx.state()["filings"] == []
    page.get_by_role("button", name="重新登录").click()
    page.wait_for_url("**/#/login")
