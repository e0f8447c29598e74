"""Enqueueing jobs on RQ by dotted path (thin jobs: they take ids, load the rest themselves)."""
from __future__ import annotations

from datetime import datetime

from redis import Redis
from rq import Queue

from core.settings import Settings

RUN_JOB = "worker.run_graph"
RESUME_JOB = "worker.resume_graph"
LOGIN_JOB = "worker.login_account"


def redis_for(settings: Settings) -> Redis:
    return Redis.from_url(settings.redis_url)


def queue_for(settings: Settings, conn: Redis | None = None) -> Queue:
    return Queue(settings.queue_name, connection=conn or redis_for(settings))


def enqueue_run(settings: Settings, run_id: str, conn: Redis | None = None):
    """Start (or continue) a run's graph. Safe to call twice: the run's lock and checkpoint decide."""
    return queue_for(settings, conn).enqueue(RUN_JOB, run_id, job_timeout=settings.job_timeout_s,
                                             result_ttl=3600, failure_ttl=86400,
                                             description=f"run {run_id}")


def enqueue_resume(settings: Settings, run_id: str, decision: dict, conn: Redis | None = None):
    """Resume a run paused at an interrupt (approval, login) with the owner's decision."""
    return queue_for(settings, conn).enqueue(RESUME_JOB, run_id, decision, job_timeout=settings.job_timeout_s,
                                             result_ttl=3600, failure_ttl=86400,
                                             description=f"resume {run_id}")


def enqueue_login(settings: Settings, account_id: str, conn: Redis | None = None):
    """Open the site's login page, publish its QR to the phone and wait for the scan."""
    return queue_for(settings, conn).enqueue(LOGIN_JOB, account_id, job_timeout=settings.login_timeout_s + 60,
                                             result_ttl=600, failure_ttl=86400,
                                             description=f"login {account_id}")


def enqueue_at(settings: Settings, run_id: str, at: datetime, conn: Redis | None = None):
    return queue_for(settings, conn).enqueue_at(at, RUN_JOB, run_id, job_timeout=settings.job_timeout_s)
