"""Quarters whose surcharges (lines 23-25) used to make filing impossible, filed end to end on real processes:
专票 income under 30万 (education surcharges exempt), per-column rounding, and a portal that computes a
surcharge differently from the books (the owner gets an explanation and decides)."""
from __future__ import annotations

import pytest

from tests.filing_fixtures import decide, env, finance_owner, import_income, pending_card, start_filing  # noqa: F401

LOGIN = {"credit_code": "91310115MA1K4QXR7D", "user": "13800138000", "password": "Etax@2026"}
PERIOD = "2026Q3"
SPECIAL_UNDER = """日期,金额,发票类型,类别,税率
2026-07-10,101000,普票,货物,1%
2026-08-20,50500,专票,服务,1%
"""
"""150,000 of sales: 100,000 exempt (line 10), 50,000 on a 专票 taxed at 1% (line 20 = 500.00)."""
ROUNDING = """日期,不含税金额,发票类型,类别,税率
2026-07-10,246420,普票,货物,1%
2026-08-20,100000,专票,服务,1%
"""
"""346,420 of sales: line 20 = 3,464.20, where halving each rounded surcharge and rounding once differ."""


@pytest.fixture
def owner(env):
    yield from finance_owner(env, LOGIN, "公司", PERIOD)


def file_and_pay(env, owner, run_id: str, card: dict) -> dict:
    decide(owner, card)
    pay = pending_card(env, owner, run_id, "payment")
    decide(owner, pay)
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    (filing,) = owner["bureau"].state()["filings"]
    return {"filing": filing, "paid": owner["bureau"].state()["payments"][0]["amount"]}


def test_a_quarter_with_special_invoice_income_under_30wan_is_filed_and_paid(env, owner):
    import_income(owner, SPECIAL_UNDER)
    run_id = start_filing(owner, PERIOD)
    card = pending_card(env, owner, run_id, "vat_return")
    assert "mismatch" not in card["tax"]
    rows = {(r["line"], r["column"]): r for r in card["tax"]["rows"]}
    assert rows[(23, "合计")]["submit"] == "17.50" and (24, "合计") not in rows
    assert card["tax"]["tax_due"] == "517.50"
    done = file_and_pay(env, owner, run_id, card)
    values = done["filing"]["values"]
    assert (values["23"], values["24"], values["25"]) == (17.5, 0.0, 0.0)
    assert done["paid"] == 517.5


def test_a_quarter_whose_surcharges_need_per_column_rounding_is_filed_to_the_cent(env, owner):
    import_income(owner, ROUNDING)
    run_id = start_filing(owner, PERIOD)
    card = pending_card(env, owner, run_id, "vat_return")
    assert "mismatch" not in card["tax"] and card["tax"]["tax_due"] == "3672.04"
    done = file_and_pay(env, owner, run_id, card)
    values = done["filing"]["values"]
    assert (values["23"], values["24"], values["25"]) == (121.24, 51.96, 34.64)
    assert done["paid"] == 3672.04


def test_doubled_books_at_exactly_30wan_are_filed_with_the_education_surcharges_exempt(env, owner):
    import_income(owner, SPECIAL_UNDER)
    again = owner["phone"].post("/api/books/import", data={"duplicates": "import"},
                                files={"file": ("income.csv", SPECIAL_UNDER.encode("gbk"), "text/csv")})
    assert again.status_code == 201 and again.json()["added"] == 2  # the owner chose to import it twice
    run_id = start_filing(owner, PERIOD)
    card = pending_card(env, owner, run_id, "vat_return")
    # 300,000.00 of sales: "不超过30万" — still exempt; line 20 = 1,000.00, city tax 70.00 halved.
    assert "mismatch" not in card["tax"] and card["tax"]["tax_due"] == "1035.00"
    done = file_and_pay(env, owner, run_id, card)
    values = done["filing"]["values"]
    assert (values["23"], values["24"], values["25"]) == (35.0, 0.0, 0.0) and done["paid"] == 1035.0


def test_a_portal_that_computes_a_surcharge_differently_explains_it_and_files_its_figure_only_when_approved(env, owner):
    # A portal that does not apply the education-surcharge exemption (as the replica did before).
    owner["bureau"].faults(education_exempt_up_to=0)
    import_income(owner, SPECIAL_UNDER)
    run_id = start_filing(owner, PERIOD)
    card = pending_card(env, owner, run_id, "vat_return")
    mismatch = card["tax"]["mismatch"]
    assert [(m["line"], m["books"], m["portal"]) for m in mismatch["lines"]] == [
        (24, "0.00", "7.50"), (25, "0.00", "5.00")]
    assert "财税〔2016〕12号" in mismatch["lines"][0]["why"]
    assert (mismatch["books_tax_due"], mismatch["portal_tax_due"]) == ("517.50", "530.00")
    assert card["tax"]["tax_due"] == "530.00"
    rows = {(r["line"], r["column"]): r for r in card["tax"]["rows"]}
    assert (rows[(24, "合计")]["books"], rows[(24, "合计")]["submit"], rows[(24, "合计")]["differs"]) == (
        "0.00", "7.50", True)
    page = owner["phone"].get(f"/approvals/{card['id']}").text
    assert "账本和电子税务局算的不一样" in page and "按税局数字申报" in page and "先改账本" in page
    assert "应为" not in page and "页面显示" not in page  # no line-number error for the owner
    assert owner["bureau"].state()["counters"]["submissions"] == 0
    done = file_and_pay(env, owner, run_id, card)
    assert (done["filing"]["values"]["24"], done["filing"]["values"]["25"]) == (7.5, 5.0)
    assert done["paid"] == 530.0


def test_books_edited_after_approval_are_not_filed_with_figures_the_owner_did_not_see(env, owner):
    import_income(owner, SPECIAL_UNDER)
    run_id = start_filing(owner, PERIOD)
    card = pending_card(env, owner, run_id, "vat_return")
    # A sale added after the card was shown: what would be filed is no longer what was approved.
    added = owner["phone"].post("/api/books/records", json={"day": "2026-09-01", "amount": "10100", "invoice": "专票",
                                                           "category": "服务", "rate": "1%"})
    assert added.status_code == 201, added.text
    decide(owner, card)
    run = env.wait_status(run_id, "published", "failed", "rejected", timeout=120)
    assert run.status == "failed" and "和你批准时不一样" in run.reason and "没有申报" in run.reason
    assert "第1栏" in run.reason and "批准时50000.00，现在60000.00" in run.reason
    assert owner["bureau"].state()["counters"]["submissions"] == 0


def test_a_portal_figure_that_changes_after_approval_is_not_filed(env, owner):
    owner["bureau"].faults(education_exempt_up_to=0)
    import_income(owner, SPECIAL_UNDER)
    run_id = start_filing(owner, PERIOD)
    card = pending_card(env, owner, run_id, "vat_return")
    assert card["tax"]["mismatch"]
    owner["bureau"].faults(education_exempt_up_to=300000)  # the portal now computes lines 24/25 otherwise
    decide(owner, card)
    run = env.wait_status(run_id, "published", "failed", "rejected", timeout=120)
    assert run.status == "failed" and "第24栏" in run.reason and "批准时7.50，现在0.00" in run.reason
    assert owner["bureau"].state()["counters"]["submissions"] == 0
