"""The tax-filing stack for end-to-end tests (web, a worker, the tax bureau replica) and the owner's side of
it over the phone's JSON API: a workspace with its finance assistant, a logged-in phone, a tax-bureau
account, imported income, filings started, approval cards found and decided."""
from __future__ import annotations

import itertools
import os
import signal
from contextlib import closing
from typing import Iterator

import httpx
import pytest

from api.auth import hash_password
from core.db import transaction
from core.models import Employee, LedgerEntry, User, Workspace
from tests.core_fixtures import wait_until
from tests.stack_fixtures import Env, make_stack

PASSWORD = "owner-pass-123"
_n = itertools.count()


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    stack = make_stack(tmp_path_factory, workers=1, web=True, sites=("etax",), OPC_CODE_TIMEOUT_S="60")
    yield Env(stack)
    stack.stop()


def finance_owner(env: Env, login: dict, shop: str, period: str) -> Iterator[dict]:
    """A fresh replica with ``period`` open, a workspace with its finance assistant, the owner logged in
    on the phone, and a tax-bureau account with ``login``."""
    bureau = env.replicas["etax"]
    bureau.reset()
    bureau.faults(notices=1, current_period=period)
    with transaction(env.db) as s:
        ws = Workspace(name=f"{shop}{next(_n)}")
        s.add(ws)
        s.flush()
        s.add_all([Employee(workspace_id=ws.id, role="finance", name="财务助手", mode="auto"),
                   User(workspace_id=ws.id, username=f"owner{ws.id}", password_hash=hash_password(PASSWORD))])
        ws_id = ws.id
    phone = httpx.Client(base_url=env.stack.web_url, timeout=60)
    r = phone.post("/api/session", json={"username": f"owner{ws_id}", "password": PASSWORD})
    phone.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    r = phone.post("/api/accounts", json={"site": "etax", "name": "电子税务局", **login})
    assert r.status_code == 201, r.text
    # Adding the login has a worker sign in with it on the portal: the owner files once that check is done.
    wait_until(lambda: phone.get(f"/api/accounts/{r.json()['id']}").json()["status"] != "logging_in",
               timeout=90, what="the tax bureau login to be checked")
    with closing(phone):
        yield {"phone": phone, "account": r.json()["id"], "bureau": bureau, "workspace": ws_id}


def import_income(owner, csv: str) -> None:
    r = owner["phone"].post("/api/books/import", files={"file": ("income.csv", csv.encode("gbk"), "text/csv")})
    assert r.status_code == 201, r.text


def start_filing(owner, period: str, form: str | None = None) -> str:
    """The run's id; without ``form`` the request names none (a VAT return, as before forms existed)."""
    body = {"account_id": owner["account"], "period": period, **({"form": form} if form else {})}
    r = owner["phone"].post("/api/filings", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def pending_card(env: Env, owner, run_id, kind: str) -> dict:
    """The run's pending card of ``kind`` once it is on the phone's approval queue."""
    def pending():
        cards = owner["phone"].get("/api/approvals").json()["approvals"]
        found = [c for c in cards if c["run"]["id"] == run_id and c["kind"] == kind]
        assert env.run(run_id).status not in ("failed", "rejected"), env.run(run_id).reason
        return found[0] if found else None
    return wait_until(pending, timeout=120, what=f"a {kind} card")


def decide(owner, card, approve=True, reason=None) -> None:
    r = owner["phone"].post(f"/api/approvals/{card['id']}/decision", json={"approve": approve, "reason": reason})
    assert r.status_code == 200, r.text


def approve_and_kill_the_worker_at_the_press(env: Env, owner, run_id: str, card: dict) -> None:
    """Approve the return, SIGKILL the worker once the filing's intent is in the ledger (the portal is
    slowed so the press is still under way), and start a fresh worker on a portal back at speed."""
    owner["bureau"].faults(slow=3000)
    decide(owner, card)

    def filed_intent():
        with env.db() as s:
            return s.get(LedgerEntry, f"{run_id}:file") is not None

    wait_until(filed_intent, timeout=90, what="the filing's ledger intent")
    worker = next(p for name, p in env.stack.procs.items() if name.startswith("worker") and p.poll() is None)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    owner["bureau"].faults(slow=0)
    env.stack.start_worker()
