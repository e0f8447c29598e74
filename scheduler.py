"""The scheduler process: fires due runs and recurring slots, and takes stuck runs up again.

Several schedulers may run at once (for availability): every change is a compare-and-set in the
database, so a slot fires once and a run is enqueued by one scheduler only.
"""
from __future__ import annotations

import argparse
import logging
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter
from redis.exceptions import RedisError
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core import fairshare, logs, notify
from core.content import Post
from core.db import session_factory, transaction
from core.errors import ValidationFailed
from core.models import Account, Approval, Employee, Run, Schedule, utcnow
from core.private import restrict_process
from core.idempotency import forget_expired
from core.queue import RunJobs, enqueue_check, enqueue_run, redis_for, runs_with_jobs
from core.runs import HELD_BY_A_WORKER, create_run, set_status
from core.settings import Settings, get_settings
from core.storage import Storage
from errands import skills
from errands.skills import SKILL_GRAPH
from rpa.lease import FREED

log = logging.getLogger("scheduler")

JOB_GRACE = timedelta(seconds=2)
"""The API enqueues within milliseconds of its commit: a run ready this long with no job in Redis lost it
(Redis was down at the commit, restarted without its data, or the enqueue failed) and is enqueued again."""
STALE_STARTED = timedelta(seconds=60)


def next_slot(cron: str, tz: str, after: datetime) -> datetime:
    """The next cron slot after ``after``, the expression read in the schedule's time zone."""
    local = after.astimezone(ZoneInfo(tz))
    return croniter(cron, local).get_next(datetime).astimezone(ZoneInfo("UTC"))


def fire_recurring(db: sessionmaker[Session], now: datetime, storage: Storage | None = None) -> list[str]:
    """``storage``: where the schedules' pictures are (the site rules read them before a slot's run is made)."""
    fired = []
    with db() as s:
        due = s.scalars(select(Schedule).where(Schedule.enabled, Schedule.next_at <= now)).all()
    for sched in due:
        run_id = _fire_slot(db, sched, storage)
        if run_id:
            fired.append(run_id)
        with db() as s, s.begin():  # advance, unless another scheduler already did
            s.execute(update(Schedule).where(Schedule.id == sched.id, Schedule.next_at == sched.next_at)
                      .values(next_at=next_slot(sched.cron, sched.timezone, max(sched.next_at, now))))
    return fired


def _fire_slot(db: sessionmaker[Session], sched: Schedule, storage: Storage | None = None) -> str | None:
    try:
        with transaction(db) as s:
            if sched.graph == SKILL_GRAPH:  # a 技能 on a repeating time: its replay, with the values checked then
                return skills.slot_run(s, sched).id
            run = create_run(s, account=s.get(Account, sched.account_id), employee=s.get(Employee, sched.employee_id),
                             post=Post.model_validate(sched.content), mode=sched.mode, schedule_id=sched.id,
                             slot_at=sched.next_at, storage=storage)  # recurring work is publishing (Schedule.graph)
            return run.id
    except IntegrityError:
        return None  # another scheduler fired this slot
    except ValidationFailed as e:
        log.warning("schedule %s slot skipped: %s", sched.id, e)
        return None


def claim_ready(db: sessionmaker[Session], now: datetime, jobs: RunJobs | None = None, *,
                share: int | None = None, fresh: list[str] = (), held: dict[str, str] | None = None) -> list[str]:
    """Runs that should be moving but have no job: due, retried, lost, or decided while waiting.

    ``jobs``: the runs Redis holds a job for (``core.queue.runs_with_jobs``); None while Redis is
    unreachable, when a lost job cannot be told from a waiting one (and could not be enqueued anyway).
    ``share``: runs one workspace may have in flight (``core.fairshare``); new work beyond it waits, and the
    runs returned (to enqueue in that order) take one workspace after another. ``fresh``: runs just made
    queued (a recurring slot fired this tick), claimed under the share like the rest. ``held``: the runs the
    API held back (``fairshare.held_back``), which need not wait out ``JOB_GRACE`` while unchanged since."""
    held = held or {}
    decided = select(Approval.run_id).where(Approval.status != "pending", Approval.decided_at <= now - JOB_GRACE)
    pending = select(Approval.run_id).where(Approval.status == "pending")
    active = select(Account.id).where(Account.status == "active")
    lost = [] if jobs is None else [
        and_(Run.status == "queued", Run.not_before <= now,
             or_(Run.updated_at <= now - JOB_GRACE, Run.id.in_(list(held)))),
        # decided, and no newer card waiting (a run's warning or payment card after its first approval)
        and_(Run.status == "awaiting_approval", Run.id.in_(decided), Run.id.notin_(pending)),
    ]
    candidates = or_(
        and_(Run.status == "scheduled", Run.not_before <= now),
        and_(Run.status.in_(HELD_BY_A_WORKER), or_(Run.lease_until.is_(None), Run.lease_until < now),
             Run.updated_at <= now - timedelta(seconds=5)),
        and_(Run.status == "awaiting_login", Run.account_id.in_(active)),
        *lost,
        and_(Run.status == "queued", Run.id.in_(fresh)),
    )
    with db() as s:
        # A run taken up again after a failed try (a Chromium that died under it, a list that did not load
        # after its press) goes first in its workspace: its retry time is later than a whole backlog's, and
        # it may be a press waiting to be confirmed; behind the backlog it waited 17 minutes in the load
        # benchmark (docs/benchmarks.md).
        rows = s.execute(select(Run.id, Run.updated_at, Run.status, Run.workspace_id, Run.account_id)
                         .where(candidates).order_by(Run.attempts == 0, Run.not_before, Run.created_at)).all()
        rows = [r for r in rows if not (r.status in ("queued", "awaiting_approval") and r.id not in fresh
                                        and _has_job(jobs, r.id, r.updated_at, now))
                and not (r.status == "queued" and r.id not in fresh and r.updated_at > now - JOB_GRACE
                         and held.get(r.id) != r.updated_at.isoformat())]  # claimed since the note: the grace
        if share is not None and jobs is not None and rows:  # most ticks find nothing: spare the count
            ready = [fairshare.Ready(r.id, r.workspace_id, r.status, r.account_id) for r in rows]
            admitted = fairshare.admit(ready, fairshare.in_flight(s, jobs, [r.id for r in rows]), share)
            seen = {r.id: r.updated_at for r in rows}
            rows = [(a.run_id, seen[a.run_id], a.status) for a in admitted]
        else:
            rows = [(r.id, r.updated_at, r.status) for r in rows]
    # One transaction for the whole burst: at a round time many owners' posts fall due together, and a commit
    # each made the last of 25 wait for 24 commits (on SQLite each waits for the workers' writes too). Each
    # row is still its own compare-and-set, so a run another scheduler took meanwhile is left to it; the rows
    # are updated in id order so that two schedulers lock them in the same order (no deadlock on Postgres).
    won = set()
    with db() as s, s.begin():
        for run_id, seen_at, status in sorted(rows):
            new_status = "queued" if status in ("scheduled", "awaiting_login", *HELD_BY_A_WORKER) else status
            if s.execute(update(Run).where(Run.id == run_id, Run.updated_at == seen_at)
                         .values(status=new_status, updated_at=now)).rowcount:
                won.add(run_id)
    return [run_id for run_id, _seen, _status in rows if run_id in won]  # in the order fair share admitted them


def _has_job(jobs: RunJobs, run_id: str, seen_at: datetime, now: datetime) -> bool:
    # A started entry may be left by a worker killed before it marked the run running: believed for a
    # minute only (a live worker marks its run running within seconds).
    return run_id in jobs.waiting or (run_id in jobs.started and seen_at > now - STALE_STARTED)


def expire_approvals(db: sessionmaker[Session], now: datetime, hours: int) -> None:
    with transaction(db) as s:
        old = s.query(Approval).filter(Approval.status == "pending",
                                       Approval.created_at < now - timedelta(hours=hours)).all()
        for a in old:
            a.status = "expired"
            set_status(s, s.get(Run, a.run_id), "failed", reason=f"审批超过{hours}小时未处理，已取消")


def _inbox_sweeps(db: sessionmaker[Session], now: datetime) -> list[str]:
    """The inbox sweeps due now (``graphs.inbound.schedule``); a failure there never holds up the runs."""
    from graphs.inbound.schedule import due_sweeps  # loads the workflows: once, at the first tick

    try:
        return due_sweeps(db, now)
    except Exception:
        log.exception("inbox sweeps not started this tick")
        return []


def _butler(settings: Settings, db: sessionmaker[Session], now: datetime) -> None:
    """运营管家's reminders and briefs due now, then the pushes still owed; a failure never holds up the runs."""
    from butler import deliver, due  # loads the workflows: once, at the first tick
    from graphs import GRAPHS
    from graphs.notice_shape import ButlerContext
    from rpa.vault import Vault

    try:
        ctx = ButlerContext(settings, db, Vault(settings), now)
        for reminder_id, slot in due.due_reminders(db, now):
            GRAPHS["reminder"]().invoke({"reminder_id": reminder_id, "slot": slot.isoformat()}, context=ctx)
        for ws_id, day, at in due.due_briefs(db, now):
            GRAPHS["daily_brief"]().invoke({"workspace_id": ws_id, "day": day.isoformat(), "due": at.isoformat()},
                                           context=ctx)
        deliver.push_pending(db, ctx.vault, now)
    except Exception:
        log.exception("reminders and briefs not sent this tick")


def _workspace_bots(settings: Settings, db: sessionmaker[Session]):
    """The workspaces' own group bots (运营管家's page), for the pushes of ``core.notify``."""
    from butler.channels import WorkspaceBots
    from rpa.vault import Vault

    return WorkspaceBots(db, Vault(settings))


def _collections(settings: Settings, db: sessionmaker[Session], now: datetime) -> list[str]:
    """Tonight's collection runs due now (``graphs.collect.schedule``); a failure there never holds up the runs."""
    from graphs.collect.schedule import due_collections

    if not settings.nightly_collections:
        return []
    try:
        return due_collections(db, now)
    except Exception:
        log.exception("collections not started this tick")
        return []


def _session_checks(settings: Settings, db: sessionmaker[Session], conn, now: datetime) -> list[str]:
    """Queue the session checks that are due (``health.schedule``); a failure there never holds up the runs."""
    from health.schedule import due_checks
    from sites import SITES  # loads the adapters: once, at the first tick

    # The tax bureau signs in with the stored login at every run: its saved session is not what runs rely on.
    checked = [name for name, adapter in SITES.items() if getattr(adapter, "login_kind", "qr") == "qr"]
    try:
        due = due_checks(db, settings, now, checked)
    except Exception:
        log.exception("session checks not started this tick")
        return []
    for account_id in due:
        enqueue_check(settings, account_id, conn)  # a lost one is queued again once its claim lapses
    return due


def tick(settings: Settings, db: sessionmaker[Session], conn) -> list[str]:
    now = utcnow()
    fired = fire_recurring(db, now, settings.storage)  # only the scheduler whose insert won the slot gets its id
    expire_approvals(db, now, settings.approval_timeout_h)
    claimed = let_in(settings, db, conn, now, fired)
    sweeps = _inbox_sweeps(db, now) + _collections(settings, db, now)  # after the runs: the first tick loads the workflows
    for run_id in sweeps:
        enqueue_run(settings, run_id, conn)  # a lost one is queued by the next tick's claim_ready
    claimed += sweeps
    _session_checks(settings, db, conn, now)
    forget_expired(db, now)
    _butler(settings, db, now)
    notify.send_due(settings, db, now, _workspace_bots(settings, db))  # last: a slow webhook must not hold up the runs
    return claimed


def let_in(settings: Settings, db: sessionmaker[Session], conn, now: datetime, fired: list[str] = ()) -> list[str]:
    """The runs that should be moving, enqueued (``claim_ready`` under the workspaces' share); ``fired``: runs a
    recurring slot made queued this tick."""
    held = fairshare.held_back(conn)
    try:
        jobs = runs_with_jobs(settings, conn)
    except RedisError:
        jobs = None  # Redis is away: the database work goes on, lost jobs are found once it is back
    claimed = claim_ready(db, now, jobs, share=settings.runs_per_workspace, fresh=fired, held=held)
    for run_id in claimed:
        enqueue_run(settings, run_id, conn)  # best-effort: a failed one is found by the next sweep
    # A note is of use once: claimed, the run has a new updated_at; past the grace, it is not needed.
    done = [run_id for run_id, at in held.items()
            if run_id in claimed or datetime.fromisoformat(at) <= now - JOB_GRACE]
    if done:
        try:
            conn.hdel(fairshare.HELD, *done)
        except RedisError:
            pass
    return claimed


class Freed:
    """Accounts set free between two ticks (``rpa.lease.FREED``: a run, or a session check, released the
    account's lock). An account's next run waits in the database while the account is busy (``core.fairshare``);
    told that it is free, the scheduler lets that run in at once instead of at its next tick."""

    def __init__(self, conn):
        self.conn = conn
        self._sub = None

    def wait(self, timeout_s: float) -> bool:
        """Whether an account was set free within ``timeout_s`` (all announced meanwhile count as one)."""
        try:
            if self._sub is None:
                self._sub = self.conn.pubsub(ignore_subscribe_messages=True)
                self._sub.subscribe(FREED)
            if self._sub.get_message(timeout=timeout_s) is None:
                return False  # the time is up (or it was the subscription's own confirmation)
            while self._sub.get_message(timeout=0) is not None:
                pass  # a burst of releases is one look at what may move
            return True
        except RedisError:  # Redis is away: a plain sleep, and a new subscription once it answers
            self.close()
            time.sleep(timeout_s)
            return False

    def close(self) -> None:
        try:
            if self._sub is not None:
                self._sub.close()
        except RedisError:
            pass
        self._sub = None


def wait_for_tick(settings: Settings, db: sessionmaker[Session], conn, freed: Freed, wait_s: float) -> None:
    """Sleep until the next tick; an account set free meanwhile lets the runs that may now move in at once."""
    deadline = time.monotonic() + wait_s
    while (left := deadline - time.monotonic()) > 0:
        if freed.wait(left):
            try:
                claimed = let_in(settings, db, conn, utcnow())
                if claimed:
                    log.info("account freed: enqueued %d run(s)", len(claimed))
            except Exception:
                log.exception("scheduler could not let runs in after an account was freed")


def next_wake(db: sessionmaker[Session], tick_s: float) -> float:
    """Seconds to sleep before the next tick: the tick, or less when a timed run or a schedule's slot falls
    due sooner, so that a 10:00 post starts at 10:00 and not up to a tick later (many owners pick the same
    round times, so a whole burst would otherwise wait for the tick)."""
    now = utcnow()
    with db() as s:
        soonest = [s.scalar(select(func.min(Run.not_before)).where(Run.status == "scheduled", Run.not_before > now)),
                   s.scalar(select(func.min(Schedule.next_at)).where(Schedule.enabled, Schedule.next_at > now))]
    due = [t for t in soonest if t is not None]
    return min([tick_s, *((t - now).total_seconds() for t in due)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="OPC Digital Staff scheduler")
    parser.add_argument("--once", action="store_true")
    args = parser.parse_args(argv)
    restrict_process()
    logs.setup()
    settings = get_settings()
    settings.paths.ensure()
    db, conn = session_factory(settings.db_url), redis_for(settings)
    freed = Freed(conn)
    while True:
        try:
            claimed = tick(settings, db, conn)
            if claimed:
                log.info("enqueued %d run(s)", len(claimed))
        except Exception:
            log.exception("scheduler tick failed")
        if args.once:
            return
        try:
            wait = next_wake(db, settings.scheduler_tick_s)
        except Exception:
            log.exception("scheduler could not read the next due time")
            wait = settings.scheduler_tick_s
        wait_for_tick(settings, db, conn, freed, max(wait, 0.01))


if __name__ == "__main__":
    main()
