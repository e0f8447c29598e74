"""The RQ worker and the jobs it runs.

Worker model (measured, see docs/benchmarks.md): RQ's ``SimpleWorker`` runs jobs in the worker
process itself, so one Chromium started with the worker serves every job and each run only pays for
a fresh context. The forking worker would launch Chromium per job. Concurrency comes from running
several worker processes, each with its own warm browser.

Jobs are thin: they take ids, and hand over to ``graphs.runner`` and ``rpa.login``.
"""
from __future__ import annotations

import argparse
import atexit

from rq import SimpleWorker, Worker

from core import logs
from core.private import restrict_process
from core.queue import queue_for, redis_for
from core.settings import get_settings
from rpa.process import Resources

_resources: Resources | None = None


def resources() -> Resources:
    """The process's resources; started lazily so a job also runs under a plain forking worker."""
    global _resources
    if _resources is None:
        _resources = Resources(get_settings()).start()
        atexit.register(_resources.close)
    return _resources


def run_graph(run_id: str) -> str:
    from graphs.runner import execute

    return execute(run_id, resources())


def resume_graph(run_id: str, decision: dict | None = None) -> str:
    """Continue a paused run. The decision itself is read from the database, the one source of truth."""
    return run_graph(run_id)


def login_account(account_id: str) -> str:
    from rpa.login import run_login

    return run_login(account_id, resources())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="OPC Digital Staff worker")
    parser.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    parser.add_argument("--name", default=None)
    parser.add_argument("--fork", action="store_true",
                        help="RQ's forking worker (a browser per job); for benchmarks only")
    args = parser.parse_args(argv)
    restrict_process()
    logs.setup()
    settings = get_settings()
    conn = redis_for(settings)
    if args.fork:  # the child of each job starts its own browser: nothing warm may cross a fork
        worker = Worker([queue_for(settings, conn)], connection=conn, name=args.name)
    else:
        resources()  # warm the browser before the first job arrives
        worker = SimpleWorker([queue_for(settings, conn)], connection=conn, name=args.name)
    worker.work(burst=args.burst, with_scheduler=False)


if __name__ == "__main__":
    # Jobs import ``worker`` by its dotted path; run main() from that module, not from ``__main__``,
    # or the jobs would see a second copy of this module without the warm browser.
    import worker

    worker.main()
