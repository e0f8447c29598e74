"""Sessions never expire by surprise: the scheduler has every logged-in account's saved session looked at (on an
interval, and ahead of each timed run), marks an account 需要登录 when the site shows its login wall, and pushes
a re-login request to the owner's group bot once, before the run that needs it is due (docs/session-health.md).

On real processes: Redis, two workers with Chromium, the scheduler, the web server, the Xiaohongshu and Douyin
replicas, and a group bot's webhook on a local port. Time is driven by the replica's clock and expiry switch and
by the scheduler's settings: the checker looks ``LEAD_S`` ahead of a run (the hour of the story, shrunk)."""
from __future__ import annotations

import itertools
from contextlib import closing
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import httpx
import pytest

from api.auth import hash_password
from core.content import Post, Timing
from core.db import session_factory, transaction
from core.models import Account, Employee, Run, User, utcnow
from core.runs import create_run
from core.settings import Settings
from health.models import EXPIRED, UNKNOWN, VALID, SessionHealth
from health.schedule import due_checks
from serve import wait_http
from tests.core_fixtures import wait_until
from tests.factories import make_first_workspace, make_image, seed_workspace
from tests.stack_fixtures import Env, make_stack
from tests.webhook_fixtures import Bot

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = "owner-pass-123"
LEAD_S = 30
_n = itertools.count()


@pytest.fixture(scope="module")
def bot():
    b = Bot()
    yield b
    b.server.shutdown()


@pytest.fixture(scope="module")
def env(tmp_path_factory, bot):
    stack = make_stack(tmp_path_factory, workers=2, web=True, sites=("xiaohongshu", "douyin"),
                       OPC_NOTIFY_WEBHOOK_URL=bot.url, OPC_PUBLIC_URL="http://192.168.1.5:8000",
                       OPC_SESSION_CHECK_EVERY_MIN="60", OPC_SESSION_CHECK_LEAD_MIN=str(LEAD_S / 60),
                       OPC_SESSION_CHECK_RETRY_MIN="0.05")
    yield Env(stack)
    stack.stop()


@pytest.fixture
def shop(env, bot, tmp_path):
    """A workspace with an owner and a Xiaohongshu and a Douyin account, both logged in by QR scan."""
    for replica in env.replicas.values():
        replica.reset()
    ws, emp, xhs = seed_workspace(env.db, site="xiaohongshu", mode="auto", account_status="needs_login")
    make_first_workspace(env.db, ws)  # the deployment's webhook is its first owner's
    with transaction(env.db) as s:
        s.get(Account, xhs).name = f"小红书主号{next(_n)}"
        dy = Account(workspace_id=ws, site="douyin", name=f"抖音主号{next(_n)}", status="needs_login")
        s.add_all([dy, User(workspace_id=ws, username=f"owner{ws}", password_hash=hash_password(PASSWORD))])
        s.flush()
        accounts = {"xiaohongshu": xhs, "douyin": dy.id}
    for site, account_id in accounts.items():
        env.qr_login(account_id, user=f"{site}-{account_id}")
    bot.received.clear()
    images = [str(make_image(tmp_path / f"p{i}.jpg", text=str(i))) for i in range(2)]
    return {"workspace": ws, "employee": emp, "accounts": accounts, "images": images}


def _health(env, account_id: str) -> SessionHealth:
    with env.db() as s:
        return s.get(SessionHealth, account_id) or SessionHealth(account_id=account_id)


def _account(env, account_id: str) -> Account:
    with env.db() as s:
        return s.get(Account, account_id)


def _phone(env, shop) -> httpx.Client:
    return env.phone(f"owner{shop['workspace']}", PASSWORD)


def _timed_post(env, shop, site: str, title: str, at: datetime) -> str:
    post = Post(title=title, body="正文", images=shop["images"], topics=["冷泡茶"], timing=Timing(mode="at", at=at))
    with transaction(env.db) as s:
        run = create_run(s, account=s.get(Account, shop["accounts"][site]), employee=s.get(Employee, shop["employee"]),
                         post=post, mode="auto")
        assert run.status == "scheduled"
        return run.id


def _interval_comes(env, account_id: str) -> None:
    """The account's turn on the check interval comes now (the interval itself: the last test below)."""
    with transaction(env.db) as s:
        row = s.get(SessionHealth, account_id)
        if row is None:
            s.add(SessionHealth(account_id=account_id, next_check_at=utcnow()))
        else:
            row.next_check_at = utcnow()


def _relogin_texts(bot) -> list[str]:
    return [t for t in bot.texts() if "登录已失效" in t]


def test_a_valid_session_stays_valid_when_looked_at_and_nothing_is_sent(env, shop, bot):
    xhs = shop["accounts"]["xiaohongshu"]
    _interval_comes(env, xhs)
    wait_until(lambda: _health(env, xhs).checked_at, timeout=60, what="the check")
    assert _health(env, xhs).state == VALID and _account(env, xhs).status == "active"
    assert bot.received == []  # a valid session is nobody's business
    with env.db() as s:  # the check is no run: the owner's runs list stays empty
        assert s.query(Run).filter_by(workspace_id=shop["workspace"]).count() == 0
    with closing(_phone(env, shop)) as phone:
        page = phone.get(f"/accounts/{xhs}").text
        listed = phone.get("/accounts").text
    checked = _health(env, xhs).valid_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert "已登录" in page and f"登录有效（{checked}检查）" in page
    assert f"登录有效（{checked}检查）" in listed


def test_a_session_the_site_expires_at_nine_is_pushed_before_the_ten_oclock_post_which_then_goes_out(env, shop, bot):
    xhs, replica = shop["accounts"]["xiaohongshu"], env.replicas["xiaohongshu"]
    # The replica's clock reads 08:59:50; its sessions die at 09:00, ten seconds on.
    today = datetime.now(SHANGHAI).date()
    httpx.post(f"{replica.url}/__sandbox__/clock", json={"now": f"{today}T08:59:50"}, timeout=10).raise_for_status()
    r = httpx.post(f"{replica.url}/__sandbox__/expire-sessions", json={"at": f"{today}T09:00:00"}, timeout=10)
    assert r.json()["expire_at"] == f"{today}T09:00:00+08:00"
    # The post is due LEAD_S + 15 s after the expiry: the checker's look-ahead comes after the expiry.
    due = utcnow() + timedelta(seconds=10 + LEAD_S + 15)
    run_id = _timed_post(env, shop, "xiaohongshu", "十点的定时笔记", due)

    (pushed,) = wait_until(lambda: _relogin_texts(bot), timeout=60, what="the re-login push")
    assert utcnow() < due and env.run(run_id).status == "scheduled"  # told before the post is due
    name = _account(env, xhs).name
    at = due.astimezone(SHANGHAI)
    assert pushed.startswith(f"运营管家提醒：小红书账号「{name}」的登录已失效（")
    assert f"请打开账号页重新扫码登录。{at.month}月{at.day}日 {at:%H:%M}的「十点的定时笔记」要用这个账号" in pushed
    assert pushed.endswith(f"\nhttp://192.168.1.5:8000/accounts/{xhs}")
    assert _account(env, xhs).status == "needs_login" and _health(env, xhs).state == EXPIRED

    with closing(_phone(env, shop)) as phone:
        page = phone.get(f"/accounts/{xhs}").text
        assert "需要登录" in page and "检查发现小红书已退出登录（登录已失效），请重新扫码登录" in page
        # The owner opens the link and scans (the sandbox's stand-in for the phone app).
        assert phone.post(f"/api/accounts/{xhs}/login").status_code == 202
        wait_until(lambda: _account(env, xhs).login_qr, timeout=60, what="the login QR")
        assert phone.post(f"/api/accounts/{xhs}/simulate-scan").status_code == 200
    wait_until(lambda: _account(env, xhs).status == "active", timeout=60, what="logged in again")
    assert utcnow() < due  # in time for the post

    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    assert run.reason is None  # on time, nothing to say
    assert [n["title"] for n in replica.state()["notes"]] == ["十点的定时笔记"]
    assert len(_relogin_texts(bot)) == 1  # once per expiry
    httpx.post(f"{replica.url}/__sandbox__/clock", json={"now": None}, timeout=10).raise_for_status()
    httpx.post(f"{replica.url}/__sandbox__/expire-sessions", json={"at": None}, timeout=10).raise_for_status()


def test_a_network_error_during_the_check_never_logs_the_account_out_and_the_check_is_tried_again(env, shop, bot):
    dy = shop["accounts"]["douyin"]
    env.stack.stop_proc("douyin")  # the site does not answer at all
    try:
        _interval_comes(env, dy)
        wait_until(lambda: _health(env, dy).checked_at, timeout=60, what="the check")
        assert _health(env, dy).state == UNKNOWN
        assert _account(env, dy).status == "active" and bot.received == []
        with closing(_phone(env, shop)) as phone:
            page = phone.get(f"/accounts/{dy}").text
        assert "已登录" in page and "登录状态待确认：上次检查时网站没有打开，稍后会自动再查" in page
        wait_until(lambda: _health(env, dy).failures >= 2, timeout=60, what="the check tried again")
        assert _account(env, dy).status == "active" and bot.received == []
    finally:
        env.stack.restart("douyin")
        wait_http(f"{env.stack.replica_url('douyin')}/healthz")
    # The replica came back without its sessions (a restart forgets them): the next try tells the truth.
    (pushed,) = wait_until(lambda: _relogin_texts(bot), timeout=60, what="the re-login push")
    assert pushed.startswith(f"运营管家提醒：抖音账号「{_account(env, dy).name}」的登录已失效（")
    assert _account(env, dy).status == "needs_login"


# -- when a look is due, on the database alone ----------------------------------------------------------

BEIJING_9 = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)  # Monday 09:00 in Shanghai


def test_a_timed_run_brings_its_accounts_check_forward_to_its_lead_and_once_only(core_settings, tmp_path):
    db = session_factory(core_settings.db_url)
    settings = Settings(**{**core_settings.model_dump(), "session_check_every_min": 240, "session_check_lead_min": 60})
    ws, emp, acc = seed_workspace(db)
    with transaction(db) as s:
        s.add(SessionHealth(account_id=acc, state=VALID, checked_at=BEIJING_9 - timedelta(hours=1),
                            next_check_at=BEIJING_9 + timedelta(hours=3)))
        run = create_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp),
                         post=Post(title="十点的笔记", body="正文", images=[str(make_image(tmp_path / "a.jpg"))],
                                   timing=Timing(mode="at", at=utcnow() + timedelta(days=1))))
        run.not_before = run.slot_at = BEIJING_9 + timedelta(hours=1)  # 10:00
    sites = ["xiaohongshu"]
    assert due_checks(db, settings, BEIJING_9 - timedelta(minutes=1), sites) == []  # 08:59: not yet
    assert due_checks(db, settings, BEIJING_9 + timedelta(seconds=5), sites) == [acc]  # 09:00: the look-ahead
    assert due_checks(db, settings, BEIJING_9 + timedelta(seconds=6), sites) == []  # queued already
    with transaction(db) as s:  # the check reported at 09:01
        row = s.get(SessionHealth, acc)
        row.claimed_at, row.checked_at = None, BEIJING_9 + timedelta(minutes=1)
    assert due_checks(db, settings, BEIJING_9 + timedelta(minutes=30), sites) == []  # looked at for this run
    assert due_checks(db, settings, BEIJING_9 + timedelta(hours=3), sites) == [acc]  # the interval's turn
    assert due_checks(db, settings, BEIJING_9 + timedelta(hours=3, seconds=1), ["douyin"]) == []  # other sites'


def test_a_login_counts_as_a_look_for_the_interval_and_for_a_run_due_within_the_lead(core_settings):
    db = session_factory(core_settings.db_url)
    settings = Settings(**{**core_settings.model_dump(), "session_check_every_min": 240, "session_check_lead_min": 60})
    ws, emp, acc = seed_workspace(db)
    with transaction(db) as s:
        s.get(Account, acc).logged_in_at = BEIJING_9 + timedelta(minutes=30)  # scanned at 09:30
    sites = ["xiaohongshu"]
    assert due_checks(db, settings, BEIJING_9 + timedelta(minutes=31), sites) == []
    assert due_checks(db, settings, BEIJING_9 + timedelta(hours=4, minutes=30), sites) == [acc]  # one interval on


def test_a_check_never_opens_the_site_beside_a_run_of_the_same_account_it_is_tried_again_later(core_settings,
                                                                                                 redis_conn):
    from health.check import BUSY, run_check
    from rpa.lease import account_lock
    from rpa.process import Resources

    db = session_factory(core_settings.db_url)
    ws, emp, acc = seed_workspace(db)
    # A run of the account is on the site: its worker renews the lock all along (here: a long one instead).
    run_lock = account_lock(redis_conn, acc, lease_s=60)
    assert run_lock.acquire()
    try:
        before = utcnow()
        assert run_check(acc, Resources(core_settings)) == BUSY  # the browser is never started
    finally:
        run_lock.release()
    row = _row(db, acc)
    assert row.state == UNKNOWN and row.failures == 0 and row.claimed_at is None  # nothing was found out
    retry = timedelta(minutes=core_settings.session_check_retry_min)
    assert before + retry <= row.next_check_at <= utcnow() + retry
    with db() as s:
        assert s.get(Account, acc).status == "active"


def _row(db, account_id: str) -> SessionHealth:
    with db() as s:
        return s.get(SessionHealth, account_id)
