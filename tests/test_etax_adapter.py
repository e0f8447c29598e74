"""The tax bureau adapter against the replica of the electronic tax bureau, in real Chromium.

The replica runs as its own process (delays off). What the owner would check: the login hands the
slider, the SMS code and the face check to a human; the return the books computed is what the portal
keeps; the portal's refusals reach us in its own words; paying gives a voucher and the list says paid.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest

from books.compare import compare, differences
from books.models import IncomeRecord
from books.periods import Quarter
from books.vat import compute_return
from core.errors import CodeRequired, ContentRejected, LoginRequired, SliderRequired
from sandbox.scan import simulate_scan
from serve import free_port
from sites.etax import EtaxAdapter
from sites.etax.errors import AlreadyFiled, FaceCheckRequired, LoginRefused, ReadBackMismatch
from tests.core_fixtures import wait_until
from tests.etax_sandbox_fixtures import replica, tx  # noqa: F401  (the replica process, reset per test)
from tests.sandbox_fixtures import chromium, context, page  # noqa: F401

CODE, USER, PASSWORD = "91310115MA1K4QXR7D", "13800138000", "Etax@2026"
Q3 = Quarter(2026, 3)
D = Decimal
UNDER_THRESHOLD = ("您本期销售额未达起征点（季度销售额未超过30万元），请将本期不含税销售额填写在第10栏“小微企业免税销售额”"
                   "或第11栏“未达起征点销售额”中，不应填写在第1栏。")


@pytest.fixture
def etax(tx):
    return EtaxAdapter(tx.url)


def log_in(etax: EtaxAdapter, page) -> None:
    etax.open_login(page)
    etax.log_in(page, CODE, USER, PASSWORD)
    assert etax.logged_in(page)


def q3_records() -> list[IncomeRecord]:
    """350,000 of tax-exclusive sales at 1%: over the threshold, so taxed (hand-checked below)."""
    rows = [("r1", date(2026, 7, 10), "202000", "ordinary", "goods"),
            ("r2", date(2026, 8, 20), "101000", "special", "services"),
            ("r3", date(2026, 9, 5), "50500", "none", "goods")]
    return [IncomeRecord(id=i, day=d, amount=D(a), tax_included=True, invoice=inv, category=cat, rate=D("0.01"))
            for i, d, a, inv, cat in rows]


def books_values(ret) -> dict:
    return {key: line.value for key, line in ret.lines.items()}


def file_q3(etax: EtaxAdapter, page) -> tuple[str, object]:
    ret = compute_return(q3_records(), Q3)
    etax.open_vat_return(page, Q3)
    etax.fill_return(page, books_values(ret))
    return etax.submit_return(page), ret


# -- login --------------------------------------------------------------------------------------------
def test_login_with_credit_code_user_and_password_reaches_the_portal(page, etax, tx):
    etax.open_login(page)
    assert not etax.logged_in(page)
    etax.log_in(page, CODE, USER, PASSWORD)
    assert etax.logged_in(page) and etax.session_alive(page)
    assert tx.state()["counters"]["logins"] == 1


def test_a_wrong_password_is_refused_in_the_portals_words(page, etax, tx):
    etax.open_login(page)
    with pytest.raises(LoginRefused, match="用户名或密码错误"):
        etax.log_in(page, CODE, USER, "not-the-password")
    assert not etax.logged_in(page)


def test_the_sms_step_asks_for_the_code_refuses_a_wrong_one_and_takes_the_sent_one(page, etax, tx):
    tx.faults(sms_required=True)
    etax.open_login(page)
    with pytest.raises(CodeRequired, match="138\\*\\*\\*\\*8000"):
        etax.log_in(page, CODE, USER, PASSWORD)
    code = wait_until(tx.sms_code, timeout=5, what="the SMS code to be sent")  # the adapter pressed 获取验证码
    with pytest.raises(CodeRequired, match="验证码错误"):
        etax.enter_login_code(page, "000000" if code != "000000" else "111111")
    etax.enter_login_code(page, code)
    assert etax.logged_in(page)


def test_a_wrong_sms_code_is_refused_with_the_portals_words_even_when_the_portal_is_slow(page, etax, tx):
    tx.faults(sms_required=True)
    etax.open_login(page)
    with pytest.raises(CodeRequired):
        etax.log_in(page, CODE, USER, PASSWORD)
    code = wait_until(tx.sms_code, timeout=5, what="the SMS code to be sent")
    tx.faults(slow=2500)  # the portal takes longer to refuse than the grace a stale refusal gets
    with pytest.raises(CodeRequired, match="验证码错误"):
        etax.enter_login_code(page, "000000" if code != "000000" else "111111")
    tx.faults(slow=0)
    etax.enter_login_code(page, code)
    assert etax.logged_in(page)


def test_the_slider_is_handed_over_and_a_human_timed_drag_along_the_given_box_passes(page, etax, tx):
    tx.faults(slider=True)
    etax.open_login(page)
    with pytest.raises(SliderRequired):
        etax.log_in(page, CODE, USER, PASSWORD)
    box = etax.slider_box(page)
    knob, travel = box["knob"], box["travel"]
    assert travel > 0 and box["track"]["width"] > knob["width"]
    x, y = knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2
    page.mouse.move(x, y)  # the owner's drag, replayed: many small moves over about half a second
    page.mouse.down()
    for i in range(1, 15):
        page.mouse.move(x + travel * i / 14, y + (i % 3) - 1)
        page.wait_for_timeout(35)
    page.mouse.up()
    wait_until(lambda: tx.state()["counters"]["slider_passes"] == 1, timeout=5, what="the slider to pass")
    etax.log_in(page, CODE, USER, PASSWORD)
    assert etax.logged_in(page)


def test_the_face_check_hands_over_a_qr_that_the_app_scan_turns_into_a_login(page, etax, tx):
    tx.faults(face_check=True)
    etax.open_login(page)
    with pytest.raises(FaceCheckRequired) as asked:
        etax.log_in(page, CODE, USER, PASSWORD)
    assert asked.value.qr.startswith("data:image/png;base64,")
    assert etax.login_qr(page) == asked.value.qr
    assert not etax.logged_in(page)
    simulate_scan(tx.url, asked.value.qr)
    wait_until(lambda: etax.logged_in(page), timeout=10, what="the portal after the scan")


# -- the return ---------------------------------------------------------------------------------------
def test_notices_are_closed_and_the_portals_prefilled_figures_are_read(page, etax, tx):
    tx.faults(notices=2)
    tx.prefill("2026Q3", {"3.goods": 180000, "2.services": 100000, "1.services": 100000})
    log_in(etax, page)
    assert etax.close_notices(page) == 2
    etax.open_vat_return(page, "2026Q3")
    prefilled = etax.read_prefilled(page)
    assert len(prefilled) == 47
    assert prefilled[(3, "goods")] == D("180000.00") and prefilled[(2, "services")] == D("100000.00")
    assert prefilled[(1, "goods")] == 0 and prefilled[(23, "total")] == 0
    rows = differences(compare(compute_return(q3_records(), Q3), prefilled))
    assert {(r.line, r.column) for r in rows} >= {(3, "goods"), (1, "goods")}
    assert (2, "services") not in {(r.line, r.column) for r in rows}  # the portal agrees with the books


def test_the_computed_return_is_filled_read_back_submitted_and_kept_exactly(page, etax, tx):
    tx.prefill("2026Q3", {"3.goods": 180000})  # the portal's figure differs: the books' figure is typed
    log_in(etax, page)
    ret = compute_return(q3_records(), Q3)
    assert ret.tax_due == D("3710.00")  # 2500 + 1000 VAT, surcharges 122.50 + 52.50 + 35.00
    etax.open_vat_return(page, Q3)
    shown = etax.fill_return(page, books_values(ret))
    assert shown == books_values(ret)
    serial = etax.submit_return(page)
    (filing,) = tx.state()["filings"]
    assert filing["serial"] == serial and filing["period"] == "2026Q3"
    kept = {tuple(k.split(".")) if "." in k else (k, "total"): v for k, v in filing["values"].items()}
    assert {(int(n), c): D(str(v)).quantize(D("0.01")) for (n, c), v in kept.items()} == books_values(ret)
    assert D(str(filing["tax_due"])) == ret.tax_due
    filed = etax.find_filed(page, Q3)
    assert filed.serial == serial and filed.tax_due == ret.tax_due and filed.pay_status == "未缴款"


def test_a_quarter_already_filed_is_refused_with_what_the_portal_lists(page, etax, tx):
    log_in(etax, page)
    serial, _ = file_q3(etax, page)
    with pytest.raises(AlreadyFiled) as refused:
        etax.open_vat_return(page, Q3)
    assert refused.value.filed.serial == serial
    assert len(tx.state()["filings"]) == 1 and tx.state()["counters"]["submissions"] == 1


def test_sales_under_the_threshold_in_line_1_are_rejected_in_the_portals_words(page, etax, tx):
    log_in(etax, page)
    etax.open_vat_return(page, Q3)
    etax.fill_return(page, {(1, "goods"): D("100000"), (3, "goods"): D("100000"), (15, "goods"): D("3000"),
                            (16, "goods"): D("2000")})
    with pytest.raises(ContentRejected) as rejected:
        etax.submit_return(page)
    assert str(rejected.value) == UNDER_THRESHOLD
    assert tx.state()["filings"] == []


def test_a_figure_the_portal_computes_differently_is_caught_on_read_back(page, etax, tx):
    log_in(etax, page)
    etax.open_vat_return(page, Q3)
    values = books_values(compute_return(q3_records(), Q3))
    values[(20, "goods")] += D("0.01")  # books and portal disagree on a line the portal computes
    with pytest.raises(ReadBackMismatch) as mismatch:
        etax.fill_return(page, values)
    assert mismatch.value.diffs == {(20, "goods"): (D("2500.01"), D("2500.00"))}
    assert tx.state()["counters"]["submissions"] == 0


# -- payment ------------------------------------------------------------------------------------------
def test_paying_under_the_agreement_gives_a_voucher_and_the_list_reads_paid(page, etax, tx):
    log_in(etax, page)
    serial, ret = file_q3(etax, page)
    info = etax.open_payment(page, Q3)
    assert (info.serial, info.amount) == (serial, ret.tax_due)
    assert info.bank == "中国工商银行上海张江支行" and info.account_masked == "6222***********6789"
    voucher = etax.pay(page, info.amount)
    (payment,) = tx.state()["payments"]
    assert payment["voucher"] == voucher and D(str(payment["amount"])) == ret.tax_due
    filed = etax.find_payment(page, Q3)
    assert filed.paid and filed.pay_status == "已缴款"


# -- sessions -----------------------------------------------------------------------------------------
def test_the_session_check_finds_the_session_valid_then_expired_at_the_replicas_time_then_unknown_when_away(
        page, etax, tx):
    log_in(etax, page)
    # The checker opens a new page with the saved session, as the worker's check does.
    assert etax.check_session(page.context.new_page()) == "valid"
    httpx.post(f"{tx.url}/__sandbox__/clock", json={"now": "2026-12-07T09:00:00"}, timeout=10).raise_for_status()
    httpx.post(f"{tx.url}/__sandbox__/expire-sessions", json={"at": "2026-12-07T09:00:00"},
               timeout=10).raise_for_status()
    assert etax.check_session(page.context.new_page()) == "expired"
    away = EtaxAdapter(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    assert away.check_session(page.context.new_page()) == "unknown"


def test_an_expired_session_is_login_required_and_a_death_mid_form_files_nothing(page, etax, tx):
    log_in(etax, page)
    tx.expire_sessions()
    with pytest.raises(LoginRequired):
        etax.open_vat_return(page, Q3)
    assert not etax.session_alive(page)
    tx.faults(session_expire_mid_flow=True)
    log_in(etax, page)
    etax.open_vat_return(page, Q3)
    etax.fill_return(page, books_values(compute_return(q3_records(), Q3)))
    with pytest.raises(LoginRequired):
        etax.submit_return(page)
    assert tx.state()["filings"] == []
