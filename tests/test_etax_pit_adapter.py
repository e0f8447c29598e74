"""The tax bureau adapter's 经营所得 A表 against the replica, in real Chromium: what the books computed is
what the portal keeps, the portal's refusals reach us in its words, and paying reads back as paid."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from books.models import IncomeRecord
from books.periods import Quarter
from books.pit import Figures, compute_prepayment
from core.errors import ContentRejected
from sites.etax import EtaxAdapter
from sites.etax.errors import AlreadyFiled, ReadBackMismatch, ReturnNotListed
from sites.etax.pages.pit_form import PIT_TITLE
from tests.etax_sandbox_fixtures import replica  # noqa: F401  (the replica process)
from tests.sandbox_fixtures import chromium, context, page  # noqa: F401

CODE, USER, PASSWORD = "92330106MA2H8LW31N", "zhanglan", "Lan#2026tax"
Q3 = Quarter(2026, 3)


@pytest.fixture
def etax(replica):
    replica.reset()
    replica.faults(notices=1, current_period="2026Q3")
    return EtaxAdapter(replica.url)


def log_in(etax: EtaxAdapter, page, code=CODE, user=USER, password=PASSWORD) -> None:
    etax.open_login(page)
    etax.log_in(page, code, user, password)
    etax.close_notices(page)


def q3_return(paid=None):
    """300,000 − 120,000 − 45,000 − 15,000 = 120,000 → 13,500; halved → 6,750 due (hand-checked)."""
    sales = [IncomeRecord(id="s1", day=date(2026, 8, 1), amount=D("300000"), tax_included=False, invoice="none",
                          category="services", rate=D("0.01"))]
    return compute_prepayment(sales, Q3, {3: Figures(costs=D("120000"), special_deductions=D("15000"))}, paid=paid)


def values(ret) -> dict:
    return {k: line.value for k, line in ret.lines.items()}


def test_the_books_a_form_is_filled_read_back_filed_and_paid(page, etax, replica):
    ret = q3_return()
    assert ret.tax_due == D("6750.00")
    log_in(etax, page)
    etax.open_pit_return(page, Q3)
    shown = etax.read_pit_prefilled(page)
    assert shown["paid"] == 0 and shown["rate"] == D("0.05") and shown["income"] == 0
    back = etax.fill_pit_return(page, values(ret))
    assert back["tax"] == D("13500.00") and back["rate"] == D("0.20") and back["due"] == D("6750.00")
    serial = etax.submit_return(page)
    filed = etax.find_filed(page, Q3, PIT_TITLE)
    assert filed.serial == serial and filed.tax_due == D("6750.00") and filed.pay_status == "未缴款"
    assert etax.find_filed(page, Q3) is None  # the VAT return of the quarter is another form, not filed
    info = etax.open_payment(page, Q3, PIT_TITLE)
    assert info.amount == D("6750.00") and info.serial == serial
    voucher = etax.pay(page, info.amount)
    assert voucher.isdigit()
    assert etax.find_payment(page, Q3, PIT_TITLE).paid
    assert replica.state()["payments"][0]["amount"] == 6750.0


def test_a_figure_the_portal_computes_differently_is_a_read_back_mismatch_naming_it(page, etax, replica):
    log_in(etax, page)
    etax.open_pit_return(page, Q3)
    with pytest.raises(ReadBackMismatch, match="已缴税额 应为100.00，页面显示0.00"):
        etax.fill_pit_return(page, values(q3_return(paid=D("100"))))
    assert replica.state()["counters"]["submissions"] == 0


def test_the_portals_refusal_comes_back_in_its_words_and_a_filed_quarter_is_not_opened_again(page, etax, replica):
    log_in(etax, page)
    etax.open_pit_return(page, Q3)
    etax.fill_pit_return(page, {**{k: v for k, v in values(q3_return()).items() if k in ("income", "costs")},
                                "relief": D("999999")})
    with pytest.raises(ContentRejected, match="“减免税额”不能大于“应纳税额”"):
        etax.submit_return(page)
    etax.open_pit_return(page, Q3)
    etax.fill_pit_return(page, values(q3_return()))
    serial = etax.submit_return(page)
    with pytest.raises(AlreadyFiled) as again:
        etax.open_pit_return(page, Q3)
    assert again.value.filed.serial == serial


def test_a_taxpayer_with_no_a_form_due_is_told_so(page, etax):
    log_in(etax, page, "91310115MA1K4QXR7D", "13800138000", "Etax@2026")
    with pytest.raises(ReturnNotListed, match="经营所得"):
        etax.open_pit_return(page, Q3)
