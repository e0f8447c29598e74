"""The quarterly 经营所得 A表 on real processes (web, worker, Redis, SQLite, the tax bureau replica in
Chromium): income imported and costs typed on the phone, the prepayment computed, two approvals (the
return, then the payment), nothing submitted on rejection."""
from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import Run
from tests.filing_fixtures import (approve_and_kill_the_worker_at_the_press, decide, env,  # noqa: F401
                                   finance_owner, import_income, pending_card, start_filing)

LOGIN = {"credit_code": "92330106MA2H8LW31N", "user": "zhanglan", "password": "Lan#2026tax"}  # a 个体工商户
PERIOD = "2026Q3"
INCOME = """日期,金额,发票类型,类别,税率
2026-07-10,202000,普票,服务,1%
2026-08-20,101000,未开票,服务,1%
"""
"""300,000 tax-exclusive. With 120,000 costs and 15,000 专项扣除: 300,000 − 120,000 − 45,000 (9 months)
− 15,000 = 120,000 → 20% − 10,500 = 13,500; halved for an individual business → 6,750 due."""


@pytest.fixture
def owner(env):
    """An individual business: its 纳税人类型 set on the finance page, so the A表 is offered."""
    for owner in finance_owner(env, LOGIN, "小吃店", PERIOD):
        r = owner["phone"].put("/api/books/taxpayer", json={"entity": "individual_business"})
        assert r.status_code == 200, r.text
        yield owner


def _books(owner) -> None:
    import_income(owner, INCOME)
    r = owner["phone"].put("/api/books/pit-figures",
                           json={"period": PERIOD, "costs": "120000", "special_deductions": "15000"})
    assert r.status_code == 200, r.text


def test_bad_cost_figures_are_refused_with_the_field_before_any_run(env, owner):
    r = owner["phone"].put("/api/books/pit-figures", json={"period": PERIOD, "costs": "-1", "loss_offset": "1.001"})
    assert r.status_code == 422
    assert [d["field"] for d in r.json()["detail"]] == ["costs", "loss_offset"]
    logins = owner["bureau"].state()["counters"]["logins"]  # adding the account checked its login once
    r = owner["phone"].post("/api/filings", json={"account_id": owner["account"], "period": PERIOD, "form": "iit"})
    assert r.status_code == 422 and owner["bureau"].state()["counters"]["logins"] == logins


def test_a_prepayment_with_tax_due_is_filed_and_paid_after_two_approvals(env, owner):
    _books(owner)
    run_id = start_filing(owner, PERIOD, "pit_business")
    card = pending_card(env, owner, run_id, "pit_return")
    assert owner["bureau"].state()["counters"]["submissions"] == 0  # nothing filed before the owner says so
    rows = {r["item"]: r for r in card["tax"]["rows"]}
    assert rows["收入总额"]["submit"] == "300000.00" and rows["应纳税所得额"]["submit"] == "120000.00"
    assert rows["税率"]["submit"] == "20%" and rows["减免税额"]["submit"] == "6750.00"
    assert "2023年第12号" in rows["减免税额"]["rule"] and not any(r["differs"] for r in rows.values())
    assert card["tax"]["tax_due"] == "6750.00" and card["screenshot"]
    page = owner["phone"].get(f"/approvals/{card['id']}").text
    assert "个人所得税经营所得纳税申报表（A表）" in page and "批准申报" in page
    decide(owner, card)
    pay = pending_card(env, owner, run_id, "payment")
    assert pay["tax"]["amount"] == "6750.00"
    (filing,) = owner["bureau"].state()["filings"]
    assert filing["form"] == "pit" and filing["values"]["tax"] == 13500.0 and owner["bureau"].state()["payments"] == []
    decide(owner, pay)
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    state = owner["bureau"].state()
    assert len(state["filings"]) == 1 and [p["amount"] for p in state["payments"]] == [6750.0]
    assert state["filings"][0]["pay_status"] == "已缴款"
    assert run.external_id == filing["serial"] and "缴款" in run.reason


def test_a_rejected_prepayment_submits_nothing(env, owner):
    _books(owner)
    run_id = start_filing(owner, PERIOD, "pit_business")
    card = pending_card(env, owner, run_id, "pit_return")
    assert Decimal(card["tax"]["tax_due"]) == Decimal("6750.00")
    decide(owner, card, approve=False, reason="成本还没录完")
    run = env.wait_status(run_id, "rejected", "failed", timeout=60)
    assert run.status == "rejected" and "成本还没录完" in run.reason
    state = owner["bureau"].state()
    assert state["counters"]["submissions"] == 0 and state["filings"] == [] and state["payments"] == []


def test_a_worker_killed_between_filing_and_read_back_files_the_a_form_exactly_once(env, owner):
    _books(owner)
    run_id = start_filing(owner, PERIOD, "pit_business")
    card = pending_card(env, owner, run_id, "pit_return")
    approve_and_kill_the_worker_at_the_press(env, owner, run_id, card)
    pay = pending_card(env, owner, run_id, "payment")  # the A表 was found filed in the portal's list, not filed again
    (filing,) = owner["bureau"].state()["filings"]
    assert pay["tax"]["serial"] == filing["serial"]
    decide(owner, pay, approve=False, reason="下周再缴")
    run = env.wait_status(run_id, "rejected", "failed", timeout=120)
    assert run.status == "rejected" and filing["serial"] in run.reason
    state = owner["bureau"].state()
    assert len(state["filings"]) == 1 and state["payments"] == []
    with env.db() as s:
        assert s.get(Run, run_id).external_id == filing["serial"]
