"""Enqueueing jobs on RQ by dotted path (thin jobs: they take ids, load the rest themselves).

The database is the source of truth; Redis only carries the nudge. Enqueueing after a commit is
best-effort: when Redis is away, the committed run waits in the database and the scheduler's sweep
(``scheduler.claim_ready``) enqueues every run that should be moving but has no job (``runs_with_jobs``).
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from typing import NamedTuple

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.registry import StartedJobRegistry

from core.settings import Settings

log = logging.getLogger(__name__)

RUN_JOB = "worker.run_graph"
RESUME_JOB = "worker.resume_graph"
LOGIN_JOB = "worker.login_account"
CHECK_JOB = "worker.check_session"

CONNECT_TIMEOUT_S = 2
"""A Redis that is down answers at once (connection refused); one that hangs must not hold a request."""


class RedisMisconfigured(RuntimeError):
    """The run stack's Redis would drop jobs under memory pressure and could not be told otherwise."""


def redis_for(settings: Settings) -> Redis:
    return Redis.from_url(settings.redis_url, socket_connect_timeout=CONNECT_TIMEOUT_S, health_check_interval=10)


def queue_for(settings: Settings, conn: Redis | None = None) -> Queue:
    return Queue(settings.queue_name, connection=conn or redis_for(settings))


def check_redis(conn: Redis) -> None:
    """A queue must never lose a job to eviction: ``maxmemory-policy`` must be ``noeviction``.

    Set it when it is not (and say so); refuse to start when the server forbids the change (managed Redis)."""
    policy = conn.config_get("maxmemory-policy").get("maxmemory-policy")
    if policy == "noeviction":
        return
    try:
        conn.config_set("maxmemory-policy", "noeviction")
    except RedisError as e:
        raise RedisMisconfigured(
            f"Redis maxmemory-policy is {policy!r}: queued jobs could be evicted. Set "
            f"'maxmemory-policy noeviction' in redis.conf (CONFIG SET was refused: {e})") from None
    log.warning("Redis maxmemory-policy was %r; set to 'noeviction' so queued jobs are never evicted", policy)


def _job_id(kind: str, target_id: str) -> str:
    # The target's id is part of the job id, so the sweep can tell which runs have a job without
    # loading each job.
    return f"{kind}-{target_id}-{uuid.uuid4().hex[:8]}"


def _enqueue(settings: Settings, conn: Redis | None, func: str, *args, job_id: str, queue: str | None = None,
             **kwargs):
    try:
        q = Queue(queue or settings.queue_name, connection=conn or redis_for(settings))
        return q.enqueue(func, *args, job_id=job_id, **kwargs)
    except RedisError as e:  # committed already: the scheduler's sweep enqueues it once Redis answers
        log.warning("enqueue %s failed (%s); the scheduler will pick it up", job_id, type(e).__name__)
        return None


def enqueue_run(settings: Settings, run_id: str, conn: Redis | None = None):
    """Start (or continue) a run's graph. Safe to call twice: the run's lock and checkpoint decide.
    Best-effort: None when Redis is away."""
    return _enqueue(settings, conn, RUN_JOB, run_id, job_id=_job_id("run", run_id),
                    job_timeout=settings.job_timeout_s, result_ttl=3600, failure_ttl=86400,
                    description=f"run {run_id}")


def enqueue_resume(settings: Settings, run_id: str, decision: dict, conn: Redis | None = None):
    """Resume a run paused at an interrupt (approval, login) with the owner's decision. Best-effort.

    A worker that kept the run's filled form open (``rpa.parking``) gets the job on its own queue and presses
    at once; if it is busy or gone, the scheduler's sweep puts the run on the shared queue after
    ``scheduler.JOB_GRACE`` (it counts only the shared queue's jobs), and any worker fills the form again."""
    conn = conn or redis_for(settings)
    try:
        keeper = conn.get(kept_key(settings, run_id))
    except RedisError as e:  # the enqueue would meet the same outage: the sweep enqueues it once Redis answers
        log.warning("enqueue resume %s failed (%s); the scheduler will pick it up", run_id, type(e).__name__)
        return None
    return _enqueue(settings, conn, RESUME_JOB, run_id, decision, job_id=_job_id("run", run_id),
                    queue=keeper.decode() if keeper else None,
                    # a job left on the queue of a worker that died meanwhile must not linger in Redis
                    ttl=int(settings.keep_filled_s) + 60 if keeper else None,
                    job_timeout=settings.job_timeout_s, result_ttl=3600, failure_ttl=86400,
                    description=f"resume {run_id}")


def own_queue_name(settings: Settings) -> str:
    """This worker process's own queue, which it serves before the shared one: resumes of the runs whose filled
    forms it keeps (``rpa.parking``). Host and pid: unique among live workers, never taken over by a new one."""
    return f"{settings.queue_name}:worker:{socket.gethostname()}:{os.getpid()}"


def kept_key(settings: Settings, run_id: str) -> str:
    """Redis key naming the queue of the worker that keeps ``run_id``'s filled form (expires with it)."""
    return f"{settings.queue_name}:kept:{run_id}"


def enqueue_login(settings: Settings, account_id: str, conn: Redis | None = None):
    """Open the site's login page, publish its QR to the phone and wait for the scan. Best-effort: the
    owner taps 登录 again if Redis was away."""
    return _enqueue(settings, conn, LOGIN_JOB, account_id, job_id=_job_id("login", account_id),
                    job_timeout=settings.login_timeout_s + 60, result_ttl=600, failure_ttl=86400,
                    description=f"login {account_id}")


def enqueue_check(settings: Settings, account_id: str, conn: Redis | None = None):
    """Look at an account's saved session (``health.check``): read-only, no run. Best-effort: a lost one is
    queued again once its claim lapses (``health.schedule.CLAIM_STALE``)."""
    return _enqueue(settings, conn, CHECK_JOB, account_id, job_id=_job_id("check", account_id),
                    job_timeout=settings.job_timeout_s, result_ttl=600, failure_ttl=86400,
                    description=f"session check {account_id}")


class RunJobs(NamedTuple):
    waiting: set[str]
    """Runs with a job in the queue."""
    started: set[str]
    """Runs with a job in RQ's started registry: running, or left there by a worker that was killed."""


def runs_with_jobs(settings: Settings, conn: Redis) -> RunJobs:
    """Which runs have a job in Redis (raises RedisError when Redis is away)."""
    queue = queue_for(settings, conn)
    waiting = conn.lrange(queue.key, 0, -1)
    started = conn.zrange(StartedJobRegistry(queue.name, connection=conn).key, 0, -1)
    return RunJobs(_run_ids(waiting), _run_ids(started))


def _run_ids(job_ids: list[bytes]) -> set[str]:
    ids = set()
    for raw in job_ids:  # a started entry is "<job id>:<execution id>"
        kind, _, rest = raw.decode().split(":")[0].partition("-")
        if kind == "run":
            ids.add(rest.rpartition("-")[0])
    return ids
