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


# -- the rule itself, without a browser --------------------------------------------------------------

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)  # Monday 10:00 in Shanghai


@pytest.fixture
def db(core_settings):
    from core.db import session_factory

    return session_factory(core_settings.db_url)


def _post(tmp_path, timing: Timing) -> Post:
    return Post(title="春日咖啡", body="正文", images=[str(make_image(tmp_path / "a.jpg"))], timing=timing)


def _run_at(db, tmp_path, slot: datetime, graph: str = "publish") -> str:
    ws, emp, acc = seed_workspace(db)
    with transaction(db) as s:
        run = create_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp),
                         post=_post(tmp_path, Timing(mode="at", at=utcnow() + timedelta(hours=1))))
        run.slot_at, run.graph = slot, graph
        return run.id


@pytest.mark.parametrize("late, note", [
    (timedelta(seconds=40), None),
    (timedelta(minutes=12, seconds=5), "计划2026-12-07 10:00发布，实际晚了12分钟（允许晚30分钟以内）"),
    (timedelta(minutes=30), "计划2026-12-07 10:00发布，实际晚了30分钟（允许晚30分钟以内）"),
])
def test_a_run_that_starts_within_the_grace_goes_ahead_with_a_note_from_a_minute_late(db, tmp_path, late, note):
    from core.runs import late_start

    run_id = _run_at(db, tmp_path, NOW)
    with db() as s:
        assert late_start(s, s.get(Run, run_id), NOW + late, timedelta(minutes=30)) == note


def test_a_run_that_starts_beyond_the_grace_is_refused_with_the_time_and_the_delay(db, tmp_path):
    from core.errors import ValidationFailed
    from core.runs import late_start

    run_id = _run_at(db, tmp_path, NOW, graph="listing")
    with db() as s, pytest.raises(ValidationFailed) as refused:
        late_start(s, s.get(Run, run_id), NOW + timedelta(days=1, hours=2, minutes=7), timedelta(minutes=30))
    (err,) = refused.value.errors
    assert err["field"] == "timing"
    assert err["message"] == ("计划2026-12-07 10:00上架，开始时已晚了1天2小时，超过允许的30分钟，没有上架。"
                              "如仍要上架，请重新安排时间")


def test_a_run_without_a_time_is_never_late(db, tmp_path):
    from core.runs import late_start

    ws, emp, acc = seed_workspace(db)
    with transaction(db) as s:
        run = create_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp),
                         post=_post(tmp_path, Timing(mode="now")))
        assert late_start(s, run, utcnow() + timedelta(days=3), timedelta(minutes=30)) is None


def test_a_timed_post_and_a_planned_listing_keep_their_time_as_the_slot(db, tmp_path):
    from core.runs import create_listing_run
    from sites.taobao.product import Product

    at = utcnow() + timedelta(hours=2)
    ws, emp, acc = seed_workspace(db)
    with transaction(db) as s:
        account, employee = s.get(Account, acc), s.get(Employee, emp)
        post = create_run(s, account=account, employee=employee, post=_post(tmp_path, Timing(mode="at", at=at)))
        shop = Account(workspace_id=ws, site="taobao", name="店铺", status="active")
        s.add(shop)
        s.flush()
        product = Product(category_keyword="茶叶", properties={"品牌": "桂香"}, title="桂花乌龙冷泡茶 一盒十包",
                          main_images=[str(make_image(tmp_path / "m.jpg", size=(800, 800)))], price="39", stock=10)
        listing = create_listing_run(s, account=shop, employee=employee, product=product, at=at)
        paced = create_listing_run(s, account=shop, employee=employee, product=product,
                                   not_before=utcnow() + timedelta(seconds=20))
        assert (post.status, post.not_before, post.slot_at) == ("scheduled", at, at)
        assert (listing.status, listing.not_before, listing.slot_at) == ("scheduled", at, at)
        assert paced.slot_at is None  # pacing only holds a run back: it has no time of the owner's to miss


def test_a_past_time_is_refused_when_the_owner_sends_it_but_not_when_its_run_starts(tmp_path):
    from core.errors import ValidationFailed
    from core.runs import validate_post

    post = _post(tmp_path, Timing(mode="at", at=NOW - timedelta(minutes=5)))
    for site in ("xiaohongshu", "douyin"):
        with pytest.raises(ValidationFailed, match="发布时间必须晚于现在"):
            validate_post(site, post, NOW)
        validate_post(site, post, NOW, starting=True)


@pytest.mark.parametrize("site, label, earliest", [("xiaohongshu", "小红书", "1小时"), ("douyin", "抖音", "2小时")])
def test_a_site_scheduled_post_whose_run_starts_too_close_to_its_time_fails_naming_it(tmp_path, site, label,
                                                                                         earliest):
    """``site`` timing is the site's own scheduled publish: the site takes only times inside its window, so a run
    that starts too late for it says so (and posts nothing) rather than send a time the site refuses."""
    post = _post(tmp_path, Timing(mode="site", at=NOW + timedelta(minutes=20)))
    (err,) = SITES[site].limits.validate(post, NOW, starting=True)
    assert err["message"] == (f"{label}定时发布时间2026-12-07 10:20离现在已不足{earliest}，"
                              f"{label}只接受{earliest}后到14天内的时间，没有发布")
    assert SITES[site].limits.validate(post, NOW - timedelta(hours=3), starting=True) == []


def test_a_timed_listing_whose_run_starts_after_its_shelf_time_fails_naming_it(tmp_path):
    from sites.taobao.product import Product

    product = Product(category_keyword="茶叶", properties={"品牌": "桂香"}, title="桂花乌龙冷泡茶 一盒十包",
                      main_images=[str(make_image(tmp_path / "m.jpg", size=(800, 800)))], price="39", stock=10,
                      shelf="at", shelf_at=NOW - timedelta(minutes=3))
    (err,) = SITES["taobao"].limits.validate(product, NOW, starting=True)
    assert err["message"] == "定时上架时间2026-12-07 09:57已经过了，淘宝不接受过去的时间，没有上架"
    (err,) = SITES["taobao"].limits.validate(product, NOW)
    assert err["message"] == "上架时间必须晚于现在"


def test_a_recurring_slot_the_scheduler_missed_is_judged_by_the_same_rule(db, tmp_path):
    from core.errors import ValidationFailed
    from core.models import Schedule
    from core.runs import late_start
    from scheduler import fire_recurring

    ws, emp, acc = seed_workspace(db)
    with transaction(db) as s:
        s.add(Schedule(workspace_id=ws, account_id=acc, employee_id=emp, cron="0 10 * * *",
                       content=_post(tmp_path, Timing()).model_dump(mode="json"), next_at=NOW))
    (run_id,) = fire_recurring(db, NOW + timedelta(hours=2))  # the scheduler was down at 10:00
    with db() as s, pytest.raises(ValidationFailed, match="计划2026-12-07 10:00发布，开始时已晚了2小时"):
        late_start(s, s.get(Run, run_id), NOW + timedelta(hours=2), timedelta(minutes=30))


def test_the_card_of_a_timed_post_whose_time_has_come_can_be_edited_and_approved(db, tmp_path):
    """The README's 派活 story: the slot is due, the owner fixes the title on the card and approves."""
    from core.models import Approval

    run_id = _run_at(db, tmp_path, NOW)
    with transaction(db) as s:
        run = s.get(Run, run_id)
        run.content = {**run.content, "timing": {"mode": "at", "at": (utcnow() - timedelta(minutes=1)).isoformat()}}
        s.add(Approval(run_id=run_id, fields={}))
    with transaction(db) as s:
        decide(s, s.query(Approval).filter_by(run_id=run_id).one(), approve=True, edits={"title": "改好的标题"})
    with db() as s:
        assert s.get(Run, run_id).content["title"] == "改好的标题"
