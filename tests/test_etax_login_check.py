"""A tax-bureau account is checked on the site (the replica, real worker and Chromium): 已登录 only after
the portal let the stored login in, the portal's refusal in its own words otherwise, and 重新登录 checks again,
with a corrected password or an SMS code the owner types on the phone."""
from __future__ import annotations

import httpx
import pytest

from sandbox.etax.config import TAXPAYERS
from tests.core_fixtures import wait_until
from tests.filing_fixtures import env, finance_owner, start_filing  # noqa: F401  (module-scoped etax stack)

LOGIN = {"credit_code": "91310115MA1K4QXR7D", "user": "13800138000", "password": "Etax@2026"}


def _wait_account(owner, *statuses: str) -> dict:
    def state():
        return owner["phone"].get(f"/api/accounts/{owner['account']}").json()

    wait_until(lambda: state()["status"] in statuses, timeout=90, what=f"the account to reach {statuses}")
    return state()


@pytest.fixture
def wrong_password(env):
    yield from finance_owner(env, {**LOGIN, "password": "Etax@2025"}, "密码错了", "2026Q3")


@pytest.fixture
def right_password(env):
    yield from finance_owner(env, LOGIN, "密码对了", "2026Q3")


def test_a_wrong_password_shows_the_portals_refusal_and_a_corrected_one_logs_in(wrong_password):
    owner = wrong_password
    refused = _wait_account(owner, "needs_login", "active")
    assert refused["status_label"] == "需要登录"
    assert refused["login_note"] == "电子税务局拒绝登录：用户名或密码错误"
    assert "电子税务局拒绝登录：用户名或密码错误" in owner["phone"].get(f"/accounts/{owner['account']}").text

    again = owner["phone"].post(f"/api/accounts/{owner['account']}/login", json=LOGIN)
    assert again.status_code == 202 and again.json()["status_label"] == "正在网站上核对账号密码"
    done = _wait_account(owner, "active")
    assert done["status_label"] == "已登录" and done["login_note"] is None


def test_relogin_checks_again_and_passes_the_portals_sms_code_from_the_phone(env, right_password):
    owner = right_password
    assert _wait_account(owner, "active", "needs_login")["status"] == "active"
    owner["bureau"].faults(sms_required=True)
    assert owner["phone"].post(f"/api/accounts/{owner['account']}/login").status_code == 202
    wait_until(lambda: owner["phone"].get(f"/api/accounts/{owner['account']}").json()["code_prompt"],
               timeout=60, what="the SMS prompt on the account page")
    code = httpx.get(f"{env.stack.replica_url('etax')}/__sandbox__/sms-code", timeout=10).json()["code"]
    assert owner["phone"].post(f"/api/accounts/{owner['account']}/code", json={"code": code}).status_code == 200
    assert _wait_account(owner, "active")["status_label"] == "已登录"


def test_a_filing_refused_at_sign_in_shows_the_refusal_on_the_account_too(env, right_password):
    owner = right_password
    assert _wait_account(owner, "active", "needs_login")["status"] == "active"
    changed = [{**tp, "password": "Changed@2027"} for tp in TAXPAYERS]  # changed on the portal meanwhile
    owner["bureau"].faults(taxpayers=changed)
    owner["bureau"].expire_sessions()  # so the filing signs in with the stored password
    run_id = start_filing(owner, "2026Q3")
    wait_until(lambda: env.run(run_id).status in ("failed", "awaiting_approval", "published"), timeout=120,
               what="the filing to stop")
    assert env.run(run_id).status == "failed" and "用户名或密码错误" in env.run(run_id).reason
    account = owner["phone"].get(f"/api/accounts/{owner['account']}").json()
    assert account["status_label"] == "需要登录"
    assert account["login_note"] == "电子税务局拒绝登录：用户名或密码错误"
