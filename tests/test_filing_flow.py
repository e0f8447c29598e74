"""The quarterly VAT return on real processes: books imported on the phone, the return computed, the tax
bureau replica filled, two approvals (the return, then the payment), each step at most once."""
from __future__ import annotations

import base64
from decimal import Decimal

import httpx
import pytest

from core.models import Run
from sandbox.scan import simulate_scan
from tests.filing_fixtures import (approve_and_kill_the_worker_at_the_press, decide, env,  # noqa: F401
                                   finance_owner, import_income, pending_card, start_filing)

LOGIN = {"credit_code": "91310115MA1K4QXR7D", "user": "13800138000", "password": "Etax@2026"}
PERIOD = "2026Q3"
OVER = """日期,金额,发票类型,类别,税率
2026-07-10,202000,普票,货物,1%
2026-08-20,101000,专票,服务,1%
2026-09-05,50500,未开票,货物,1%
"""
UNDER = """日期,金额,发票类型,类别,税率
2026-07-10,101000,普票,货物,1%
2026-08-20,50500,未开票,服务,1%
"""


@pytest.fixture
def owner(env):
    """A workspace with its finance assistant, the owner on the phone, and a tax-bureau account."""
    yield from finance_owner(env, LOGIN, "公司", PERIOD)


def test_a_quarter_with_tax_due_is_filed_and_paid_after_two_approvals_with_differences_highlighted(env, owner):
    import_income(owner, OVER)
    # The portal knows a different invoiced figure than the books.
    httpx.post(f"{owner['bureau'].url}/__sandbox__/prefill",
               json={"period": PERIOD, "values": {"2.services": 90000}}).raise_for_status()
    run_id = start_filing(owner, PERIOD)
    card = pending_card(env, owner, run_id, "vat_return")
    assert owner["bureau"].state()["counters"]["submissions"] == 0  # nothing filed before the owner says so
    rows = {(r["line"], r["column"]): r for r in card["tax"]["rows"]}
    invoiced = rows[(2, "服务、不动产和无形资产")]
    assert (invoiced["books"], invoiced["portal"], invoiced["submit"], invoiced["differs"]) == (
        "100000.00", "90000.00", "100000.00", True)
    assert rows[(1, "货物及劳务")]["differs"] and rows[(1, "货物及劳务")]["rule"]
    assert Decimal(card["tax"]["tax_due"]) > 0 and card["screenshot"]
    page = owner["phone"].get(f"/approvals/{card['id']}").text
    assert "不一致" in page and "税局预填" in page
    decide(owner, card)
    pay = pending_card(env, owner, run_id, "payment")
    assert pay["tax"]["amount"] == card["tax"]["tax_due"] and pay["tax"]["agreement"]
    (filing,) = owner["bureau"].state()["filings"]
    assert filing["values"]["2.services"] == 100000 and owner["bureau"].state()["payments"] == []
    decide(owner, pay)
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    state = owner["bureau"].state()
    assert len(state["filings"]) == 1 and len(state["payments"]) == 1
    assert run.external_id == filing["serial"] and "缴款" in run.reason


def test_a_quarter_under_the_threshold_is_filed_with_nothing_to_pay(env, owner):
    import_income(owner, UNDER)
    run_id = start_filing(owner, PERIOD)
    card = pending_card(env, owner, run_id, "vat_return")
    lines = {r["line"] for r in card["tax"]["rows"]}
    assert 10 in lines and 1 not in lines and Decimal(card["tax"]["tax_due"]) == 0
    decide(owner, card)
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    assert "无需缴款" in run.reason
    state = owner["bureau"].state()
    assert len(state["filings"]) == 1 and state["payments"] == []


def test_a_rejected_return_submits_nothing(env, owner):
    import_income(owner, OVER)
    run_id = start_filing(owner, PERIOD)
    card = pending_card(env, owner, run_id, "vat_return")
    decide(owner, card, approve=False, reason="数字不对，我再核一下")
    run = env.wait_status(run_id, "rejected", "failed", timeout=60)
    assert run.status == "rejected" and "数字不对" in run.reason
    assert owner["bureau"].state()["counters"]["submissions"] == 0
    r = owner["phone"].post("/api/filings", json={"account_id": owner["account"], "period": PERIOD})
    assert r.status_code == 201  # a rejected filing does not block a new one


def test_the_login_slider_and_sms_code_are_done_on_the_phone(env, owner):
    import_income(owner, UNDER)
    owner["bureau"].faults(slider=True, sms_required=True)
    owner["bureau"].expire_sessions()  # the session of the account's check is gone: the run signs in
    run_id = start_filing(owner, PERIOD)
    phone = owner["phone"]
    env.wait_status(run_id, "awaiting_human", timeout=120)
    step = phone.get(f"/api/runs/{run_id}/step").json()
    assert step["kind"] == "drag" and phone.get(step["screenshot"]).status_code == 200
    # The picture frames the track (302 px) 24 px either side, the 40 px knob 96 px from its top.
    width, height = 302 + 48, 40 + 160
    x0, y, span = 45 / width, 116 / height, 264 / width
    drag = [[x0 + span * i / 30, y, 30 * i] for i in range(31)]
    assert phone.post(f"/api/runs/{run_id}/drag", json={"points": drag}).status_code == 200
    env.wait_status(run_id, "awaiting_code", timeout=60)
    code = httpx.get(f"{owner['bureau'].url}/__sandbox__/sms-code").json()["code"]
    assert phone.post(f"/api/runs/{run_id}/code", json={"code": code}).status_code == 200
    card = pending_card(env, owner, run_id, "vat_return")
    assert owner["bureau"].state()["counters"]["slider_passes"] == 1
    decide(owner, card)
    assert env.wait_status(run_id, "published", "failed", timeout=120).status == "published"


def test_bad_records_are_refused_with_row_and_column_and_nothing_is_added(env, owner):
    bad = "日期,金额,发票类型,类别,税率\n2026-07-10,abc,普票,货物,1%\n2026-13-01,100,普票,货物,1%\n"
    r = owner["phone"].post("/api/books/import", files={"file": ("bad.csv", bad.encode("gbk"), "text/csv")})
    assert r.status_code == 422
    messages = " ".join(d["message"] for d in r.json()["detail"])
    assert "第2行" in messages and "金额" in messages and "第3行" in messages and "日期" in messages
    summary = owner["phone"].get(f"/api/books/summary?period={PERIOD}").json()
    assert summary["records"] == 0 and summary["tax_due"] in ("0", "0.00")


def test_a_worker_killed_between_filing_and_read_back_files_exactly_once(env, owner):
    import_income(owner, UNDER)
    run_id = start_filing(owner, PERIOD)
    card = pending_card(env, owner, run_id, "vat_return")
    approve_and_kill_the_worker_at_the_press(env, owner, run_id, card)
    run = env.wait_status(run_id, "published", "failed", timeout=180)
    assert run.status == "published", run.reason
    assert len(owner["bureau"].state()["filings"]) == 1
    with env.db() as s:
        assert s.get(Run, run_id).external_id == owner["bureau"].state()["filings"][0]["serial"]


def test_the_face_check_qr_is_shown_on_the_phone_and_the_owner_says_when_the_app_scanned_it(env, owner):
    import_income(owner, UNDER)
    owner["bureau"].faults(face_check=True)
    owner["bureau"].expire_sessions()  # the session of the account's check is gone: the run signs in
    run_id = start_filing(owner, PERIOD)
    phone = owner["phone"]
    env.wait_status(run_id, "awaiting_human", timeout=120)
    step = phone.get(f"/api/runs/{run_id}/step").json()
    assert step["kind"] == "scan" and "扫" in step["prompt"]
    picture = phone.get(step["screenshot"])
    assert picture.headers["content-type"] == "image/png"
    # The owner's tax app reads the QR (in the sandbox: the replica's scan endpoint stands in for the app).
    simulate_scan(owner["bureau"].url, "data:image/png;base64," + base64.b64encode(picture.content).decode())
    assert phone.post(f"/api/runs/{run_id}/scanned").status_code == 200
    assert phone.post(f"/api/runs/{run_id}/scanned").status_code == 409  # nothing waits any more
    card = pending_card(env, owner, run_id, "vat_return")
    decide(owner, card)
    assert env.wait_status(run_id, "published", "failed", timeout=120).status == "published"


def test_a_session_that_dies_mid_form_signs_in_again_and_files_once(env, owner):
    import_income(owner, UNDER)
    owner["bureau"].faults(session_expire_mid_flow=True)
    run_id = start_filing(owner, PERIOD)
    card = pending_card(env, owner, run_id, "vat_return")
    owner["bureau"].faults(session_expire_mid_flow=False)
    decide(owner, card)
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    state = owner["bureau"].state()
    assert len(state["filings"]) == 1 and state["counters"]["logins"] >= 2
