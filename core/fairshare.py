"""Fair share between workspaces on one deployment: one owner's backlog never starves another's next run.

RQ's queue is first in, first out. Without a share, an owner who queues 500 runs puts another owner's
10:00 post behind all of them. So a workspace has at most ``Settings.runs_per_workspace`` runs *in flight*
(a job waiting in Redis, or a run a worker holds); its other ready runs wait in the database (``queued``
with no job, or ``scheduled`` and due), and the scheduler lets them into the queue as slots free up, taking
one run from each workspace in turn (round-robin), each workspace's oldest first. Another workspace's run
then waits behind at most the share of each busy workspace, never behind a whole backlog.

The API enqueues a new run at once while its workspace is under its share (the common case: no delay); the
rest are left to the scheduler (``scheduler.claim_ready``), which sweeps queued runs without a job anyway.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.models import Run
from core.queue import RunJobs, enqueue_run
from core.runs import HELD_BY_A_WORKER
from core.settings import Settings

NEW_WORK = ("scheduled", "queued")
"""Statuses whose claim starts new work and so takes a slot of the share. A run taken up again (its worker
died), resumed after the owner's decision or after her login is let through: it is hers, and waiting."""


class Ready(NamedTuple):
    run_id: str
    workspace_id: str
    status: str


def in_flight(s: Session, jobs: RunJobs) -> Counter:
    """Runs in flight per workspace: those with a job in Redis (waiting or started) and those a worker holds."""
    with_jobs = jobs.waiting | jobs.started
    rows = s.execute(select(Run.workspace_id, func.count()).where(
        or_(Run.id.in_(with_jobs), Run.status.in_(HELD_BY_A_WORKER))).group_by(Run.workspace_id)).all()
    return Counter(dict(rows))


def admit(ready: Iterable[Ready], busy: Counter, cap: int) -> list[Ready]:
    """The ready runs that may move now, in the order to enqueue them: runs that are no new work first, then
    new work one per workspace in turn (each workspace's in the given order: oldest first), while the
    workspace has fewer than ``cap`` in flight. ``busy`` is updated with what was admitted."""
    passed, per_ws = [], defaultdict(list)
    for r in ready:
        (per_ws[r.workspace_id] if r.status in NEW_WORK else passed).append(r)
    # The least busy workspace goes first in each round: a workspace with nothing running is served at once.
    order = sorted(per_ws, key=lambda ws: busy[ws])
    while order:
        for ws in list(order):
            if busy[ws] >= cap or not per_ws[ws]:
                order.remove(ws)
                continue
            passed.append(per_ws[ws].pop(0))
            busy[ws] += 1
    return passed


def enqueue_new(settings: Settings, s: Session, workspace_id: str, run_ids: list[str]) -> list[str]:
    """Enqueue the workspace's just-committed queued runs its share allows now; the others stay queued in the
    database for the scheduler (a few seconds later, round-robin with other workspaces). Returns the enqueued."""
    others = s.scalar(select(func.count()).select_from(Run).where(
        Run.workspace_id == workspace_id, Run.status.in_(("queued", *HELD_BY_A_WORKER)), Run.id.notin_(run_ids)))
    now = run_ids[:max(0, settings.runs_per_workspace - others)]
    for run_id in now:
        enqueue_run(settings, run_id)  # if Redis is away, the scheduler picks the queued run up
    return now
