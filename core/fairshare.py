"""Fair share between workspaces on one deployment: one owner's backlog never starves another's next run.

RQ's queue is first in, first out. Without a share, an owner who queues 500 runs puts another owner's
10:00 post behind all of them. So a workspace has at most ``Settings.runs_per_workspace`` runs *in flight*
(a job waiting in Redis, or a run a worker holds); its other ready runs wait in the database (``queued``
with no job, or ``scheduled`` and due), and the scheduler lets them into the queue as slots free up, taking
one run from each workspace in turn (round-robin), each workspace's oldest first. Another workspace's run
then waits behind at most the share of each busy workspace, never behind a whole backlog. Within the share,
one run per account is in flight: the account's lock would hold a second one anyway.

The API enqueues a new run at once while its workspace is under its share (the common case: no delay); the
rest are left to the scheduler (``scheduler.claim_ready``), which sweeps queued runs without a job anyway.
The API notes the runs it held back (``HELD``), so that the scheduler may let one in the moment its account
frees, even a run made a second ago.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Iterable, NamedTuple

from redis.exceptions import RedisError
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.models import Run
from core.queue import RunJobs, enqueue_run, redis_for
from core.runs import HELD_BY_A_WORKER, TERMINAL
from core.settings import Settings

NEW_WORK = ("scheduled", "queued")
"""Statuses whose claim starts new work and so takes a slot of the share. A run taken up again (its worker
died), resumed after the owner's decision or after her login is let through: it is hers, and waiting."""
FOR_THE_ACCOUNT = ("awaiting_login",)
"""Let through past the share but one per account: they all waited for the same login, and let in together
they would only wait on the account's lock (each holding a worker slot) and be set back."""


HELD = "opc:runs:held"
"""Redis hash of the runs ``enqueue_new`` held back: run id → the run's ``updated_at`` (ISO) as the API saw it.
A queued run with no job is let in by the scheduler only once it is ``scheduler.JOB_GRACE`` old, since the API
request that made it may be about to enqueue it; a run named here was decided on and will never be enqueued
by its request, so it may go as soon as its account frees (the account's next post, made in the same batch a
second ago, waited out the grace: a run's whole length on the replica, docs/benchmarks.md). Only while the
run's ``updated_at`` is still the one noted: a claim changes it, and from then on the run is the scheduler's
like any other. A hint: without it (Redis away) the grace applies, as before."""


class Ready(NamedTuple):
    run_id: str
    workspace_id: str
    status: str
    account_id: str | None = None


class Busy(NamedTuple):
    """What is in flight: a job waiting or started in Redis, or a run a worker holds."""
    workspaces: Counter
    """Runs in flight per workspace."""
    accounts: set[str]
    """Accounts with a run in flight. The account's lock lets one run at a time onto its site
    (``graphs.runner``): a second run let in meanwhile only takes a worker slot to wait on the lock and be
    set back (「同一账号的另一个任务正在运行」), which cost the load benchmark a third of its throughput."""


def in_flight(s: Session, jobs: RunJobs, ready: Iterable[str] = ()) -> Busy:
    """``ready``: the runs about to be admitted, which the caller found without a live job: a worker killed
    before it marked its run running leaves the job in RQ's started registry, and that entry must not keep
    the run's own account busy (it would wait for itself)."""
    # A job entry counts only for a run that can still move: the killed worker's entry stays there long
    # after the run was taken up again and finished, and held its account (and a slot of the share) as long.
    with_jobs = (jobs.waiting | jobs.started) - set(ready)
    rows = s.execute(select(Run.workspace_id, Run.account_id).where(or_(
        Run.status.in_(HELD_BY_A_WORKER),
        and_(Run.id.in_(with_jobs), Run.status.notin_((*TERMINAL, "scheduled")))))).all()
    return Busy(Counter(ws for ws, _acc in rows), {acc for _ws, acc in rows if acc})


def admit(ready: Iterable[Ready], busy: Busy, cap: int) -> list[Ready]:
    """The ready runs that may move now, in the order to enqueue them: runs that are no new work first (of those
    that waited for a login, one per account whose account has nothing in flight), then
    new work one per workspace in turn (each workspace's in the given order: oldest first, skipping a run
    whose account already has one in flight), while the workspace has fewer than ``cap`` in flight. ``busy``
    is updated with what was admitted."""
    passed, per_ws, per_account = [], defaultdict(list), []
    for r in ready:
        (per_ws[r.workspace_id] if r.status in NEW_WORK else
         per_account if r.status in FOR_THE_ACCOUNT and r.account_id else passed).append(r)
    busy.accounts.update(r.account_id for r in passed if r.account_id)
    for r in per_account:
        if r.account_id not in busy.accounts:
            passed.append(r)
            busy.accounts.add(r.account_id)
    # The least busy workspace goes first in each round: a workspace with nothing running is served at once.
    order = sorted(per_ws, key=lambda ws: busy.workspaces[ws])
    while order:
        for ws in list(order):
            run = next((r for r in per_ws[ws] if r.account_id not in busy.accounts), None) \
                if busy.workspaces[ws] < cap else None
            if run is None:
                order.remove(ws)
                continue
            per_ws[ws].remove(run)
            passed.append(run)
            busy.workspaces[ws] += 1
            if run.account_id:
                busy.accounts.add(run.account_id)
    return passed


def enqueue_new(settings: Settings, s: Session, workspace_id: str, run_ids: list[str]) -> list[str]:
    """Enqueue the workspace's just-committed queued runs its share allows now; the others stay queued in the
    database for the scheduler (a few seconds later, round-robin with other workspaces). Returns the enqueued."""
    held = s.scalars(select(Run.account_id).where(
        Run.workspace_id == workspace_id, Run.status.in_(("queued", *HELD_BY_A_WORKER)), Run.id.notin_(run_ids))).all()
    made = {r.id: r for r in s.execute(select(Run.id, Run.account_id, Run.updated_at).where(Run.id.in_(run_ids)))}
    busy = Busy(Counter({workspace_id: len(held)}), {acc for acc in held if acc})
    ready = [Ready(run_id, workspace_id, "queued", made[run_id].account_id if run_id in made else None)
             for run_id in run_ids]
    now = [r.run_id for r in admit(ready, busy, settings.runs_per_workspace)]
    conn = redis_for(settings)  # one connection for the request's enqueues and its note
    for run_id in now:
        enqueue_run(settings, run_id, conn)  # if Redis is away, the scheduler picks the queued run up
    note_held(conn, {run_id: row.updated_at for run_id, row in made.items() if run_id not in set(now)})
    return now


def note_held(conn, runs: dict[str, datetime]) -> None:
    """``HELD``: these runs were decided on, and none of them will be enqueued by the caller."""
    if not runs:
        return
    try:
        conn.hset(HELD, mapping={run_id: at.isoformat() for run_id, at in runs.items()})
    except RedisError:
        pass  # the grace applies to them, as it did before the note


def held_back(conn) -> dict[str, str]:
    """The runs ``enqueue_new`` held back, as noted (``HELD``); empty when Redis is away."""
    try:
        return {k.decode(): v.decode() for k, v in conn.hgetall(HELD).items()}
    except RedisError:
        return {}
