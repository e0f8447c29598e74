"""Per-workspace fair share: one owner's backlog of 500 queued runs never starves another owner's next
scheduled post. Real Redis, the real scheduler process and a real worker process."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from redis import Redis
from rq import Queue

from core import fairshare
from core.admin import create_workspace
from core.content import Post
from core.db import session_factory, transaction
from core.models import Account, Employee, Run, utcnow
from core.queue import RunJobs
from core.runs import create_run
from scheduler import claim_ready
from tests.core_fixtures import wait_until
from tests.factories import make_image, seed_workspace
from tests.stack_fixtures import Env, make_stack
from tests.web_fixtures import start_web_stack, Web

BACKLOG = 500


def _post(tmp_path, title: str) -> Post:
    return Post(title=title, body="夏天来一杯", images=[str(make_image(tmp_path / "a.jpg"))], topics=["冷泡茶"])


def _logging_in_accounts(s, ws_id: str, n: int = 1) -> tuple[list[Account], Employee]:
    """Accounts whose login is already under way: a run on one goes to 等待登录 at once, with no browser work
    and no second login job (a cheap run for the worker)."""
    accounts = [Account(workspace_id=ws_id, site="xiaohongshu", name=f"账号{i}", status="logging_in")
                for i in range(n)]
    s.add_all(accounts)
    s.flush()
    return accounts, s.query(Employee).filter_by(workspace_id=ws_id, role="marketing").one()


def test_a_workspace_with_500_queued_runs_does_not_hold_up_another_workspaces_next_post(tmp_path_factory, tmp_path):
    stack, password = start_web_stack(tmp_path_factory, workers=1, env={"OPC_RUNS_PER_WORKSPACE": "4"})
    web = Web(stack, password)
    web.settings.runs_per_workspace = 4
    try:
        with transaction(web.db) as s:
            a_accounts, a_employee = _logging_in_accounts(s, create_workspace(s, "甲公司", "jia").workspace_id, 5)
            (b_account,), b_employee = _logging_in_accounts(s, create_workspace(s, "乙公司", "yi").workspace_id)
            backlog = [create_run(s, account=a_accounts[i % 5], employee=a_employee,
                                  post=_post(tmp_path, f"存货{i}")).id for i in range(BACKLOG)]
        with web.db() as s:  # what the API does after its commit
            enqueued = fairshare.enqueue_new(web.settings, s, a_employee.workspace_id, backlog)
        assert enqueued == backlog[:4]  # the share goes to the queue, the rest waits in the database
        with transaction(web.db) as s:  # B's next post, due in a moment (the scheduler starts it)
            b_run = create_run(s, account=s.get(Account, b_account.id), employee=s.get(Employee, b_employee.id),
                               post=_post(tmp_path, "乙的新品"), not_before=utcnow() + timedelta(seconds=1)).id

        def b_started() -> str | None:
            with web.db() as s:
                status = s.get(Run, b_run).status
            return status if status not in ("scheduled", "queued") else None

        assert wait_until(b_started, timeout=180, what="B's post started") in ("running", "awaiting_login")
        with web.db() as s:
            a_waiting = s.query(Run).filter(Run.id.in_(backlog), Run.status == "queued").count()
        assert a_waiting >= BACKLOG - 50, f"B's post waited until A's backlog was down to {a_waiting}"
        queue = Queue(web.settings.queue_name, connection=Redis.from_url(web.settings.redis_url))
        a_jobs = [j for j in queue.get_jobs() if j.args and j.args[0] in set(backlog)]
        assert len(a_jobs) <= 4  # A never has more than its share in the queue
        # and A's backlog still moves: the worker goes on through it
        def a_started() -> int:
            with web.db() as s:
                return s.query(Run).filter(Run.id.in_(backlog), Run.status == "awaiting_login").count()

        done = a_started()
        wait_until(lambda: a_started() >= done + 8, timeout=120, what="A's backlog moving")
    finally:
        stack.stop()


def test_waiting_runs_are_let_in_one_workspace_after_another_up_to_each_share():
    ready = [fairshare.Ready(f"a{i}", "A", "queued", f"A-acc{i}") for i in range(6)] + [
        fairshare.Ready("b0", "B", "scheduled", "B-acc0"), fairshare.Ready("b1", "B", "queued", "B-acc1"),
        fairshare.Ready("c-resume", "C", "awaiting_approval", "C-acc")]
    busy = fairshare.Busy(Counter({"A": 1}), {"A-acc9"})
    order = [r.run_id for r in fairshare.admit(ready, busy, cap=3)]
    # the owner's decided card goes first; then B (nothing in flight) and A take turns, A stopping at its share
    assert order == ["c-resume", "b0", "a0", "b1", "a1"]
    assert busy.workspaces == Counter({"A": 3, "B": 2})


def test_one_run_per_account_is_let_in_and_the_workspaces_next_account_goes_ahead():
    # A's shop 1 is busy; its backlog alternates between shops 1 and 2, and B's two posts are both for one shop
    ready = [fairshare.Ready(f"a{i}", "A", "queued", f"shop{1 + i % 2}") for i in range(4)] + [
        fairshare.Ready("b0", "B", "scheduled", "b-shop"), fairshare.Ready("b1", "B", "scheduled", "b-shop"),
        fairshare.Ready("c-resume", "C", "awaiting_approval", "c-shop"), fairshare.Ready("c0", "C", "queued", "c-shop")]
    busy = fairshare.Busy(Counter({"A": 1}), {"shop1"})
    order = [r.run_id for r in fairshare.admit(ready, busy, cap=8)]
    # shop 1's runs wait for its run in flight, shop 2 takes one; B's second post waits for its first; C's
    # resumed run holds its shop, so C's new run waits for it
    assert order == ["c-resume", "b0", "a1"]
    assert busy.accounts == {"shop1", "shop2", "b-shop", "c-shop"}


def test_runs_that_waited_for_one_login_go_in_one_at_a_time_and_other_accounts_are_not_held():
    ready = [fairshare.Ready(f"a{i}", "A", "awaiting_login", "shop1") for i in range(3)] + [
        fairshare.Ready("b0", "A", "awaiting_login", "shop2"), fairshare.Ready("c0", "A", "awaiting_login", "busy")]
    busy = fairshare.Busy(Counter({"A": 8}), {"busy"})  # past its share: these are let through anyway
    assert [r.run_id for r in fairshare.admit(ready, busy, cap=8)] == ["a0", "b0"]


def test_after_the_owner_logs_in_her_waiting_posts_publish_one_after_another_never_set_back(tmp_path_factory,
                                                                                            tmp_path):
    # Two workers, so that runs let in together would meet on the account's lock: one would wait on it and
    # be set back (「同一账号的另一个任务正在运行」, status 已排期 for seconds).
    stack = make_stack(tmp_path_factory, workers=2)
    env = Env(stack)
    try:
        _ws, emp, acc = seed_workspace(env.db, mode="auto", account_status="needs_login")
        with transaction(env.db) as s:
            runs = [create_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp),
                               post=_post(tmp_path, f"冷泡茶第{i}批")) for i in range(3)]
            for run in runs:
                run.status = "awaiting_login"
            runs = [r.id for r in runs]
        seen: dict[str, set] = {r: set() for r in runs}

        def all_published() -> bool:
            with env.db() as s:
                for run in s.query(Run).filter(Run.id.in_(runs)):
                    seen[run.id].add(run.status)
                return all(s.get(Run, r).status in ("published", "failed") for r in runs)

        env.replica.faults(slow_upload=4000)  # a post takes longer than a run waits on the account's lock
        env.qr_login(acc, user="waiting-owner")
        wait_until(all_published, timeout=240, every=0.1, what="the three waiting posts published")
        with env.db() as s:
            assert [s.get(Run, r).status for r in runs] == ["published"] * 3
        assert all("scheduled" not in statuses for statuses in seen.values()), seen
        titles = [n["title"] for n in env.replica.state()["notes"]]
        assert sorted(titles) == [f"冷泡茶第{i}批" for i in range(3)]
    finally:
        stack.stop()


def test_a_run_taken_up_again_goes_before_its_workspaces_backlog(core_settings, tmp_path):
    db = session_factory(core_settings.db_url)
    ws, emp, _acc = seed_workspace(db)
    now = utcnow()
    with transaction(db) as s:
        employee = s.get(Employee, emp)
        accounts = [Account(workspace_id=ws, site="xiaohongshu", name=f"账号{i}", status="active") for i in range(6)]
        s.add_all(accounts)
        s.flush()
        backlog = [create_run(s, account=a, employee=employee, post=_post(tmp_path, f"积压{i}")) for i, a in
                   enumerate(accounts[:5])]
        retried = create_run(s, account=accounts[5], employee=employee, post=_post(tmp_path, "重试的笔记"))
        for run in backlog:
            run.status = "queued"
        # its Chromium died under it: set back for a retry a few seconds on, behind the backlog's times
        retried.status, retried.attempts, retried.not_before = "scheduled", 1, now + timedelta(seconds=5)
        s.flush()
        retried_id = retried.id
    assert claim_ready(db, now + timedelta(seconds=10), RunJobs(set(), set()), share=1) == [retried_id]


def test_the_api_enqueues_one_run_per_account_and_leaves_the_rest_to_the_scheduler(tmp_path_factory, tmp_path):
    stack, password = start_web_stack(tmp_path_factory, workers=0)
    web = Web(stack, password)
    try:
        with transaction(web.db) as s:
            (shop1, shop2), employee = _logging_in_accounts(s, create_workspace(s, "甲公司", "jia").workspace_id, 2)
            runs = [create_run(s, account=shop, employee=employee, post=_post(tmp_path, f"新品{i}")).id
                    for i, shop in enumerate([shop1, shop1, shop2, shop1])]
        with web.db() as s:
            enqueued = fairshare.enqueue_new(web.settings, s, employee.workspace_id, runs)
        assert enqueued == [runs[0], runs[2]]
        queue = Queue(web.settings.queue_name, connection=Redis.from_url(web.settings.redis_url))
        assert {j.args[0] for j in queue.get_jobs()} == {runs[0], runs[2]}
    finally:
        stack.stop()


def test_a_job_a_killed_worker_left_behind_holds_nothing_once_its_run_is_over(core_settings):
    """A worker killed mid-run leaves its job in RQ's started registry; the run is taken up again and ends."""
    db = session_factory(core_settings.db_url)
    ws, emp, shop = seed_workspace(db)
    with transaction(db) as s:
        other = Account(workspace_id=ws, site="xiaohongshu", name="另一个号", status="active")
        s.add(other)
        s.flush()
        other_shop, runs = other.id, {}
        for status in ("published", "failed", "scheduled", "running", "queued", "awaiting_approval"):
            run = Run(workspace_id=ws, employee_id=emp, account_id=other_shop if status == "running" else shop,
                      site="xiaohongshu", mode="auto", status=status, content={}, not_before=utcnow())
            s.add(run)
            s.flush()
            runs[status] = run.id
    with db() as s:
        def busy(*waiting, started=(), ready=()):
            return fairshare.in_flight(s, RunJobs({runs[st] for st in waiting}, {runs[st] for st in started}),
                                       [runs[st] for st in ready])

        only_the_running_one = fairshare.Busy(Counter({ws: 1}), {other_shop})  # a worker holds it, job or not
        assert busy(started=("published", "running")) == only_the_running_one
        assert busy("failed", "scheduled") == only_the_running_one
        assert busy("queued") == fairshare.Busy(Counter({ws: 2}), {shop, other_shop})
        assert busy("awaiting_approval", started=("published",)) == fairshare.Busy(Counter({ws: 2}), {shop, other_shop})
        # killed before it marked its run running: the scheduler found the run without a live job and lets it
        # in again; its old entry must not hold its own account
        assert busy(started=("queued",), ready=("queued",)) == only_the_running_one


def test_a_run_held_back_for_its_busy_account_goes_as_soon_as_the_account_frees(core_settings, redis_conn, tmp_path):
    """The API decided on it (``fairshare.HELD``): it need not wait out the grace a run gets whose request may
    still enqueue it, and once claimed it gets the grace like any run (never a second job)."""
    db = session_factory(core_settings.db_url)
    ws, emp, acc = seed_workspace(db)
    with transaction(db) as s:
        first, second = (create_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp),
                                    post=_post(tmp_path, f"连发{i}")).id for i in range(2))
    with db() as s:
        assert fairshare.enqueue_new(core_settings, s, ws, [first, second]) == [first]
    with transaction(db) as s:
        s.get(Run, first).status = "published"  # the account's run is over
        made = s.get(Run, second).updated_at
    no_jobs, soon = RunJobs(set(), set()), made + timedelta(milliseconds=500)  # within JOB_GRACE
    assert claim_ready(db, soon, no_jobs, share=8) == []  # a queued run nobody vouches for: the grace
    held = fairshare.held_back(redis_conn)
    assert set(held) == {second}
    assert claim_ready(db, soon, no_jobs, share=8, held=held) == [second]
    # Claimed (and maybe about to be enqueued): the note lets nobody claim it again before the grace.
    assert claim_ready(db, soon + timedelta(milliseconds=100), no_jobs, share=8, held=held) == []
