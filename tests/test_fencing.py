"""Exactly once even when a worker stalls: a worker paused past its lease changes nothing and presses
nothing once another worker has taken its run (fencing tokens), and a ``done`` press is never rewritten."""
from __future__ import annotations

import os
import signal
import time

import pytest
from sqlalchemy import select

from core import ledger
from core.content import Post
from core.db import session_factory, transaction
from core.errors import LeaseLost
from core.models import Account, AuditLog, Run
from core.runs import create_run
from core.models import Employee
from rpa import press_guard
from rpa.lease import Lease, account_lock
from rpa.stall import WRITING
from tests.core_fixtures import core_settings, redis_conn, redis_server, wait_until  # noqa: F401
from tests.factories import make_image, seed_workspace
from tests.sandbox_fixtures import chromium, context, page  # noqa: F401
from tests.stack_fixtures import Env, make_stack
from tests.stall_fixtures import WORKFLOWS, prepare, stall, stall_stack


@pytest.fixture
def run_row(core_settings, tmp_path):  # noqa: F811
    db = session_factory(core_settings.db_url)
    _ws, emp, acc = seed_workspace(db)
    image = str(make_image(tmp_path / "a.jpg"))
    with transaction(db) as s:
        run = create_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp),
                         post=Post(title="桂花乌龙", body="清香", images=[image]))
    return db, run.id, acc


def _lease(db, run_id, acc, redis_conn, lease_s=3) -> Lease:  # noqa: F811
    lock = account_lock(redis_conn, f"{acc}-{time.monotonic_ns()}", lease_s)
    assert lock.acquire()
    return Lease(db, run_id, lock, lease_s)


def test_each_hand_over_raises_the_token_and_the_old_holder_is_fenced_off(run_row, redis_conn):  # noqa: F811
    db, run_id, acc = run_row
    first = _lease(db, run_id, acc, redis_conn).__enter__()
    second = _lease(db, run_id, acc, redis_conn).__enter__()  # the scheduler handed the run over
    assert second.token == first.token + 1
    with transaction(db) as s:
        with pytest.raises(LeaseLost):
            ledger.record_intent(s, s.get(Run, run_id), fence=first)
    assert not first.held()
    with transaction(db) as s:
        assert ledger.record_intent(s, s.get(Run, run_id), fence=second).status == "intent"
    with db() as s:
        assert s.execute(select(Run.lease_token).where(Run.id == run_id)).scalar_one() == second.token
    second.__exit__(None, None, None)
    first.__exit__(None, None, None)


def test_a_done_press_is_never_turned_back_into_an_intent(run_row, redis_conn):  # noqa: F811
    db, run_id, acc = run_row
    lease = _lease(db, run_id, acc, redis_conn).__enter__()
    with transaction(db) as s:
        ledger.record_intent(s, s.get(Run, run_id), fence=lease)
        ledger.record_done(s, s.get(Run, run_id), "note-1")
    with transaction(db) as s:
        entry = ledger.record_intent(s, s.get(Run, run_id), fence=lease)
        assert (entry.status, entry.external_id) == ("done", "note-1")
        assert ledger.record_done(s, s.get(Run, run_id), "note-2").external_id == "note-1"
    lease.__exit__(None, None, None)


def test_a_test_stop_never_lands_inside_the_leases_write(run_row, redis_conn):  # noqa: F811
    """A worker stopped inside the renewal's write would keep SQLite's write lock: the scheduler could not
    hand its run over (CI saw two minutes of ``database is locked``). The stall points wait for the write."""
    db, run_id, acc = run_row
    lease = _lease(db, run_id, acc, redis_conn).__enter__()
    lease._stop.set()  # only the renewal below
    opened_while_held = []

    def session():
        opened_while_held.append(WRITING.locked())
        return db()
    lease.db = session
    lease._renew()
    lease.db = db
    lease.__exit__(None, None, None)
    assert opened_while_held == [True]
    assert not WRITING.locked()


def test_a_lease_that_ran_out_on_the_workers_own_clock_is_not_held(run_row, redis_conn):  # noqa: F811
    db, run_id, acc = run_row
    lease = _lease(db, run_id, acc, redis_conn, lease_s=1).__enter__()
    lease._stop.set()  # as if the renewal thread were frozen with the rest of the process
    time.sleep(1.0)
    with pytest.raises(LeaseLost):
        lease.ensure_held()
    lease.__exit__(None, None, None)


def test_a_renewal_whose_account_lock_was_taken_says_so_once_and_keeps_the_lease(run_row, redis_conn, caplog):  # noqa: F811
    db, run_id, acc = run_row
    lease = _lease(db, run_id, acc, redis_conn, lease_s=3).__enter__()
    redis_conn.delete(lease.lock.name)  # the lock ran out (a long pause) and another run of the account took it
    other = account_lock(redis_conn, lease.lock.name.removeprefix("opc:lock:account:"), 30)
    assert other.acquire()
    with caplog.at_level("INFO", logger="rpa.lease"):
        wait_until(lambda: len([r for r in caplog.records if r.name == "rpa.lease"]) >= 1, timeout=10)
        time.sleep(3.5)  # three more renewals (one a second): none repeats it
    said = [r for r in caplog.records if r.name == "rpa.lease"]
    assert [r.levelname for r in said] == ["WARNING"]
    assert "another run of the account holds it" in said[0].getMessage()
    assert said[0].exc_info is None  # a sentence, not a traceback
    assert lease.held()  # the database's token is still this worker's
    assert redis_conn.get(lease.lock.name).decode() == other.local.token.decode()  # the other run keeps it
    lease.__exit__(None, None, None)


def test_a_renewal_whose_account_lock_ran_out_takes_it_again_when_it_is_free(run_row, redis_conn, caplog):  # noqa: F811
    db, run_id, acc = run_row
    lease = _lease(db, run_id, acc, redis_conn, lease_s=3).__enter__()
    redis_conn.delete(lease.lock.name)
    with caplog.at_level("INFO", logger="rpa.lease"):
        wait_until(lambda: redis_conn.get(lease.lock.name) is not None, timeout=10)
        time.sleep(2.5)
    assert redis_conn.get(lease.lock.name) == lease.lock.local.token
    said = [r.getMessage() for r in caplog.records if r.name == "rpa.lease"]
    assert len(said) == 1 and "is held again" in said[0]
    lease.__exit__(None, None, None)


# -- the page's own guard ----------------------------------------------------------------------

FORM = """<form onsubmit="event.preventDefault(); document.title = 'sent'">
<button type="submit" onclick="window.clicks = (window.clicks || 0) + 1">发布</button></form>"""


def test_a_page_armed_with_a_lease_that_ran_out_refuses_the_press(page):  # noqa: F811
    page.set_content(FORM)
    with press_guard.armed(page, time.time() - 0.01):
        page.get_by_role("button", name="发布").click()
    assert page.title() == "" and page.evaluate("window.clicks || 0") == 0


def test_a_page_armed_with_a_lease_still_held_lets_the_press_through(page):  # noqa: F811
    page.set_content(FORM)
    with press_guard.armed(page, time.time() + 30):
        page.get_by_role("button", name="发布").click()
    assert page.title() == "sent" and page.evaluate("window.clicks") == 1


def test_the_guard_is_taken_off_after_the_press_so_the_owners_own_clicks_go_through(page):  # noqa: F811
    page.set_content(FORM)
    with press_guard.armed(page, time.time() - 0.01):
        page.get_by_role("button", name="发布").click()
        assert page.title() == ""
    page.get_by_role("button", name="发布").click()
    assert page.title() == "sent" and page.evaluate("window.clicks") == 1


def test_a_press_that_leaves_the_page_is_not_held_up_by_the_next_page_when_the_guard_comes_off(page):  # noqa: F811
    """The guard is taken off in the document it was put on: the success page a press led to (here one whose own
    script keeps the page busy for 0.6 s) is not waited for."""
    pages = {"/form": FORM.replace("<form onsubmit=\"event.preventDefault(); document.title = 'sent'\">",
                                   "<form action='/done'>"),
             "/done": "<script>const end = Date.now() + 600; while (Date.now() < end) {}</script><p>发布成功</p>"}
    page.route("http://127.0.0.1:9/**", lambda route: route.fulfill(
        content_type="text/html; charset=utf-8", body=pages[route.request.url.split("127.0.0.1:9")[1].split("?")[0]]))
    page.goto("http://127.0.0.1:9/form")
    with press_guard.armed(page, time.time() + 30):
        page.get_by_role("button", name="发布").click()
        page.wait_for_url("**/done*", wait_until="commit")
        left_at = time.monotonic()
    assert time.monotonic() - left_at < 0.3
    assert page.get_by_text("发布成功").is_visible()


# -- end to end: SIGSTOP the worker mid-run, past its lease -------------------------------------

@pytest.fixture(scope="module")
def stall_env(tmp_path_factory):
    stack = make_stack(tmp_path_factory, workers=1)
    yield Env(stack)
    stack.stop()


def test_a_worker_paused_past_its_lease_never_posts_a_second_time(stall_env, tmp_path):
    from core.approvals import decide
    from core.models import Approval
    from core.queue import enqueue_resume

    env = stall_env
    env.replica.reset()
    _ws, emp, acc = seed_workspace(env.db, account_status="needs_login")
    env.qr_login(acc, user=f"stall-{acc}")
    images = [str(make_image(tmp_path / f"p{i}.jpg", text=str(i))) for i in range(2)]
    run_id = env.start_run(acc, emp, Post(title="桂花乌龙冷泡茶上新", body="清香回甘。", images=images,
                                          topics=["冷泡茶"]), mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval")
    # Every upload of the re-fill after the approval takes 3 s: the worker is caught before its press.
    env.replica.faults(slow_upload=3000)
    with transaction(env.db) as s:
        payload = decide(s, s.query(Approval).filter_by(run_id=run_id, status="pending").one(), approve=True)
    enqueue_resume(env.settings, run_id, payload)
    env.wait_status(run_id, "running", timeout=30)
    stalled = env.stack.procs["worker-1"]
    time.sleep(1.0)  # inside the re-fill's first upload
    os.killpg(stalled.pid, signal.SIGSTOP)
    try:
        env.replica.faults(slow_upload=0)
        env.stack.start_worker()  # the scheduler hands the run to this one once the lease runs out
        run = env.wait_status(run_id, "published", "failed", timeout=90)
        assert run.status == "published", run.reason
    finally:
        os.killpg(stalled.pid, signal.SIGCONT)
    published_at = time.time()
    time.sleep(12)  # the stalled worker wakes, finishes its upload, and reaches its press
    notes = [n for n in env.replica.state()["notes"] if n["title"] == "桂花乌龙冷泡茶上新"]
    assert len(notes) == 1, notes
    run = env.run(run_id)
    assert run.status == "published" and run.external_id == notes[0]["id"]
    with env.db() as s:
        later = [a.action for a in s.query(AuditLog).filter(AuditLog.target == run_id).all()
                 if a.at.timestamp() > published_at]
    assert later == [], later  # nothing set the finished run back (no loop of run.running)


@pytest.fixture(scope="module")
def press_env(tmp_path_factory):
    env, stall_file = stall_stack(tmp_path_factory)
    yield env, stall_file
    env.stack.stop()


@pytest.mark.parametrize("workflow", WORKFLOWS)
def test_a_worker_stopped_after_its_intent_right_before_the_press_never_presses_after_the_hand_over(
        press_env, workflow, tmp_path):
    """The most dangerous moment: the ledger's intent is committed and every look at the lease is behind the
    worker; it is stopped (with its browser) there, another worker takes the run over and finishes it, then
    the first one wakes and goes on to its press: the page refuses it (``rpa.press_guard``)."""
    env, stall_file = press_env
    prep = prepare(env, workflow, tmp_path)
    stalled = stall(env, stall_file, prep, "press")
    assert stalled.hit  # the worker really was stopped there
    assert prep.count() == 1  # one note / work / item / filing / payment on the replica
    assert stalled.status == "published", env.run(prep.run_id).reason
    assert stalled.gave_up, stalled.log_tail  # the woken worker left the run alone (its fence said so) and set nothing back
    assert env.run(prep.run_id).status == "published"
