"""Fixtures for collection tests: a stack with the Xiaohongshu and Taobao replicas, a workspace whose two accounts
are logged in by QR, its owner's phone, and the replicas' data-page controls."""
from __future__ import annotations

import itertools
from datetime import datetime, timezone

import httpx
import pytest

from api.auth import hash_password
from core.db import transaction
from core.models import Account, Employee, User, Workspace
from core.settings import Settings
from rpa.runtime import BrowserRuntime
from tests.stack_fixtures import Env, make_stack

PASSWORD = "owner-pass-123"
_n = itertools.count()


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    stack = make_stack(tmp_path_factory, workers=1, web=True, sites=("xiaohongshu", "taobao"),
                       OPC_LISTING_PACE_S="1", OPC_NIGHTLY_COLLECTIONS="true")
    yield Env(stack)
    stack.stop()


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    """A browser of its own, for reading a replica with an adapter directly (no stack)."""
    rt = BrowserRuntime(Settings(data_dir=tmp_path_factory.mktemp("browser"), sandbox=True,
                                 browser_timeout_ms=15_000)).start()
    yield rt
    rt.stop()


@pytest.fixture
def studio(env):
    """A workspace with 营销专员, 销售助理 and 运营管家, a Xiaohongshu and a Taobao account logged in."""
    for replica in env.replicas.values():
        replica.reset()
    n = next(_n)
    with transaction(env.db) as s:
        ws = Workspace(name=f"工作室{n}")
        s.add(ws)
        s.flush()
        emps = [Employee(workspace_id=ws.id, role="marketing", name="营销专员", mode="auto"),
                Employee(workspace_id=ws.id, role="sales", name="销售助理", mode="auto",
                         settings={"allowed_warnings": ["no_desc_images"]}),
                Employee(workspace_id=ws.id, role="operations", name="运营管家", mode="suggest")]
        xhs = Account(workspace_id=ws.id, site="xiaohongshu", name=f"xhs{n}", status="needs_login")
        tb = Account(workspace_id=ws.id, site="taobao", name=f"tb{n}", status="needs_login")
        s.add_all([*emps, xhs, tb, User(workspace_id=ws.id, username=f"owner{ws.id}",
                                        password_hash=hash_password(PASSWORD))])
        s.flush()
        ids = {"workspace": ws.id, "marketing": emps[0].id, "sales": emps[1].id, "operations": emps[2].id,
               "xhs": xhs.id, "taobao": tb.id, "xhs_user": f"x-{xhs.id}", "tb_user": f"t-{tb.id}"}
    env.qr_login(ids["xhs"], user=ids["xhs_user"])
    env.qr_login(ids["taobao"], user=ids["tb_user"])
    return ids


def phone(env, studio) -> httpx.Client:
    c = httpx.Client(base_url=env.stack.web_url, timeout=60)
    r = c.post("/api/session", json={"username": f"owner{studio['workspace']}", "password": PASSWORD})
    r.raise_for_status()
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def pin_clock(replica, at: datetime) -> None:
    """The replica's data pages answer as they would at ``at``."""
    replica.faults(stats_now=at.timestamp())


def truth(replica, user: str) -> dict:
    return httpx.get(f"{replica.url}/__sandbox__/stats", params={"user": user}, timeout=10).json()


def changes(replica) -> int:
    return httpx.get(f"{replica.url}/__sandbox__/changes", timeout=10).json()["changes"]


def forget_changes(replica) -> None:
    httpx.post(f"{replica.url}/__sandbox__/changes/reset", timeout=10).raise_for_status()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def scan_in(adapter, page, replica_url: str, user: str) -> None:
    """What the owner does: the adapter shows the QR, the phone scans it, the page lets us in."""
    from sandbox.scan import simulate_scan
    from tests.core_fixtures import wait_until

    adapter.open_login(page)
    simulate_scan(replica_url, adapter.login_qr(page), user)
    wait_until(lambda: adapter.logged_in(page), timeout=30, what="the login page to let us in")


def add_history(replica_url: str, user: str, count: int, days: float) -> None:
    """``count`` older posts on the replica, the newest an hour old, the oldest ``days`` old."""
    httpx.post(f"{replica_url}/__sandbox__/stats/history", json={"user": user, "count": count, "days": days},
               timeout=60).raise_for_status()


def live_on(env, at: datetime) -> None:
    """The world at ``at``, for real: the replicas' data pages answer as of then, and the service's processes
    (web, worker, scheduler) start again with their clock at then (``core.models.CLOCK_AHEAD``), as after a
    night the machine was off. Nothing is written into the past: every reading the service keeps is read then."""
    from core.models import utcnow

    for replica in env.replicas.values():
        pin_clock(replica, at)
    stack = env.stack
    stack.extra_env["OPC_CLOCK_AHEAD_S"] = str((at - utcnow()).total_seconds())
    for name in [n for n in list(stack.procs) if n in ("web", "scheduler") or n.startswith("worker")]:
        stack.stop_proc(name)
    stack.start_web()
    stack.start_worker()
    stack.start_scheduler()


def night_collection(env, account_id: str, after: datetime):
    """The collection the scheduler started for the account's night slot, at or after ``after`` (the service's
    time), once it has finished."""
    from sqlalchemy import select

    from core.models import Run
    from tests.core_fixtures import wait_until

    def started():
        with env.db() as s:
            return s.scalar(select(Run.id).where(Run.account_id == account_id, Run.graph == "collect",
                                                 Run.created_at >= after))
    run_id = wait_until(started, timeout=240, what="the scheduler to start the night's collection")
    return env.wait_status(run_id, "published", "failed", timeout=240)


def approve_card(phone: httpx.Client, run_id: str) -> None:
    """The owner opens the run's approval card on her phone and approves it."""
    cards = [c for c in phone.get("/api/approvals").json()["approvals"] if c["run"]["id"] == run_id]
    assert len(cards) == 1, cards
    r = phone.post(f"/api/approvals/{cards[0]['id']}/decision", json={"approve": True})
    assert r.status_code == 200, r.text
