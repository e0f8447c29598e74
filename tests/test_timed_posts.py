"""Timed posts on real processes: a post timed a couple of minutes ahead goes out at its time on every site
that publishes, and a run that starts late goes ahead with a note within the grace, or fails with a reason
beyond it, nothing posted (the rule in docs/architecture.md, "Timed posts")."""
from __future__ import annotations

import itertools
from contextlib import closing
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import httpx
import pytest

from api.auth import hash_password
from core.approvals import decide
from core.content import Post, Timing
from core.db import transaction
from core.models import Account, Approval, Employee, Run, User, utcnow
from core.queue import enqueue_resume
from core.runs import create_run
from sites import SITES
from tests.factories import make_image, seed_workspace
from tests.stack_fixtures import Env, make_stack

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "owner-pass-123"
_n = itertools.count()


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    stack = make_stack(tmp_path_factory, workers=2, web=True, sites=("xiaohongshu", "douyin"))
    yield Env(stack)
    stack.stop()


@pytest.fixture
def shop(env, tmp_path):
    """A workspace with an owner, a Xiaohongshu and a Douyin account (both logged in by QR scan), two images."""
    for replica in env.replicas.values():
        replica.reset()
    ws, emp, xhs = seed_workspace(env.db, site="xiaohongshu", mode="auto", account_status="needs_login")
    with transaction(env.db) as s:
        s.get(Account, xhs).name = f"xhs{next(_n)}"
        dy = Account(workspace_id=ws, site="douyin", name=f"dy{next(_n)}", status="needs_login")
        s.add_all([dy, User(workspace_id=ws, username=f"owner{ws}", password_hash=hash_password(PASSWORD))])
        s.flush()
        accounts = {"xiaohongshu": xhs, "douyin": dy.id}
    for site, account_id in accounts.items():
        env.qr_login(account_id, user=f"{site}-{account_id}")
    images = [str(make_image(tmp_path / f"p{i}.jpg", text=str(i))) for i in range(2)]
    return {"workspace": ws, "employee": emp, "accounts": accounts, "images": images}


def _phone(env, shop) -> httpx.Client:
    c = httpx.Client(base_url=env.stack.web_url, timeout=30)
    r = c.post("/api/session", json={"username": f"owner{shop['workspace']}", "password": PASSWORD})
    r.raise_for_status()
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def _posted(env, site: str) -> list[dict]:
    """What the site's replica holds: notes on Xiaohongshu, works on Douyin."""
    state = env.replicas[site].state()
    return state["notes"] if site == "xiaohongshu" else state["works"]


def _local(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def test_a_post_timed_two_minutes_ahead_publishes_at_its_time_on_every_site_that_takes_posts(env, shop):
    publishing = {site for site, adapter in SITES.items() if "publish" in adapter.workflows}
    assert publishing == set(shop["accounts"])  # every site that publishes is in this test
    # The phone sends minutes: two minutes from now, rounded down, is one to two minutes ahead.
    at = (datetime.now(SHANGHAI) + timedelta(minutes=2)).replace(second=0, microsecond=0)
    with closing(_phone(env, shop)) as phone:
        resp = phone.post("/api/runs", data={
            "account_id": list(shop["accounts"].values()), "employee_id": shop["employee"], "mode": "auto",
            "title": "两分钟后发布", "body": "定时发布的笔记", "topics": "冷泡茶", "timing": "at",
            "publish_at": at.strftime("%Y-%m-%dT%H:%M")},
            files=[("images", (f"p{i}.jpg", open(p, "rb"), "image/jpeg")) for i, p in enumerate(shop["images"])])
    assert resp.status_code == 201, resp.text
    runs = resp.json()["runs"]
    assert [r["status_label"] for r in runs] == ["已排期"] * 2
    assert all(_posted(env, site) == [] for site in publishing)  # nothing goes out early

    wait = (at - datetime.now(SHANGHAI)).total_seconds() + 90
    for r in runs:
        run = env.wait_status(r["id"], "published", "failed", timeout=wait)
        assert run.status == "published", run.reason
        assert run.reason is None  # on time: no late note
        (post,) = _posted(env, run.site)
        assert post["id"] == run.external_id and post["title"] == "两分钟后发布"
        published_at = datetime.fromisoformat(post["created_at"])
        assert at <= published_at < at + timedelta(seconds=60), (run.site, published_at, at)


def _timed_run(env, shop, site: str, title: str, mode: str) -> str:
    """A post timed an hour ahead, as the owner sends it (scheduled, not started)."""
    post = Post(title=title, body="正文", images=shop["images"], topics=["冷泡茶"],
                timing=Timing(mode="at", at=utcnow() + timedelta(hours=1)))
    with transaction(env.db) as s:
        run = create_run(s, account=s.get(Account, shop["accounts"][site]), employee=s.get(Employee, shop["employee"]),
                         post=post, mode=mode)
        assert run.status == "scheduled"
        return run.id


def _worker_was_down(env, run_id: str, since: timedelta) -> datetime:
    """The run's time passed ``since`` ago while no worker ran: its time and slot are moved into the past."""
    due = utcnow() - since
    with transaction(env.db) as s:
        run = s.get(Run, run_id)
        run.content = {**run.content, "timing": {"mode": "at", "at": due.isoformat()}}
        run.not_before = run.slot_at = due
    return due


def test_a_post_whose_worker_was_down_past_its_time_goes_out_within_the_grace_with_a_note(env, shop):
    run_id = _timed_run(env, shop, "xiaohongshu", "晚了一会儿的笔记", mode="semi_auto")
    due = _worker_was_down(env, run_id, timedelta(minutes=12))
    run = env.wait_status(run_id, "awaiting_approval", "failed", timeout=90)
    assert run.status == "awaiting_approval", run.reason
    assert run.reason.startswith(f"计划{_local(due)}发布，实际晚了12分钟")  # the owner sees it before approving
    with transaction(env.db) as s:
        payload = decide(s, s.query(Approval).filter_by(run_id=run_id).one(), approve=True)
    enqueue_resume(env.settings, run_id, payload)
    run = env.wait_status(run_id, "published", "failed", timeout=90)
    assert run.status == "published", run.reason
    assert run.reason == f"计划{_local(due)}发布，实际晚了12分钟（允许晚30分钟以内）"
    assert [n["title"] for n in _posted(env, "xiaohongshu")] == ["晚了一会儿的笔记"]


@pytest.mark.parametrize("site", ["xiaohongshu", "douyin"])
def test_a_post_whose_worker_was_down_beyond_the_grace_fails_naming_its_time_and_posts_nothing(env, shop, site):
    run_id = _timed_run(env, shop, site, "错过时间的笔记", mode="auto")
    due = _worker_was_down(env, run_id, timedelta(hours=3, minutes=5))
    run = env.wait_status(run_id, "published", "failed", timeout=90)
    assert run.status == "failed"
    assert run.reason == (f"计划{_local(due)}发布，开始时已晚了3小时5分钟，超过允许的30分钟，没有发布。"
                          "如仍要发布，请重新安排时间")
    assert _posted(env, site) == [] and env.replicas[site].state()["submissions"] == 0
