"""The RQ worker and the jobs it runs.

Worker model (measured, see docs/benchmarks.md): RQ's ``SimpleWorker`` runs jobs in the worker
process itself, so one Chromium started with the worker serves every job and each run only pays for
a fresh context. The forking worker would launch Chromium per job. Concurrency comes from running
several worker processes, each with its own warm browser, or (``OPC_RUNS_PER_WORKER`` > 1) several RQ
workers on threads of one process sharing one Chromium (``rpa.shared``).

Jobs are thin: they take ids, and hand over to ``graphs.runner`` and ``rpa.login``.
"""
from __future__ import annotations

import argparse
import atexit
import faulthandler
import itertools
import logging
import os
import signal
import sys
import threading
import time

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker, Worker
from rq.registry import StartedJobRegistry
from rq.timeouts import TimerDeathPenalty

from core import logs
from core.private import lower_priority, restrict_process
from core.queue import RedisMisconfigured, check_redis, queue_for, redis_for
from core.settings import get_settings
from rpa.process import Resources

log = logging.getLogger("worker")

_resources: Resources | None = None
_thread = threading.local()
"""A run thread's own resources when the worker serves several runs at once (``serve_shared``)."""


def resources() -> Resources:
    """The process's resources; started lazily so a job also runs under a plain forking worker."""
    global _resources
    mine = getattr(_thread, "resources", None)
    if mine is not None:
        return mine
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


def check_session(account_id: str) -> str:
    from health.check import run_check

    return run_check(account_id, resources())


RECONNECT_MAX_S = 2.0
"""The longest wait between two attempts to reach Redis again (RQ's default is 60 s): recovery after an
outage is measured in seconds (docs/reliability.md)."""


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
    if not lower_priority(settings.worker_nice) and os.geteuid() == 0:  # before Chromium starts: it inherits it
        log.warning("worker: running as root without CAP_SETPCAP, Chromium may raise its own CPU priority")
    conn = redis_for(settings)
    wait_for_redis(conn)
    try:
        check_redis(conn)
    except RedisMisconfigured as e:
        sys.exit(f"worker: {e}")
    if settings.runs_per_worker > 1 and not args.fork:
        return serve_shared(args, settings, conn)
    own = None
    if not args.fork:  # the child of each job starts its own browser: nothing warm may cross a fork
        own = resources().parking.serve()  # and warm the browser before the first job arrives
    name = f"{args.name}-{os.getpid()}" if args.name else None
    work(Worker if args.fork else SimpleWorker, name, settings, conn, args.burst, own_queue=own)


def work(worker_class: type[Worker], name: str | None, settings, conn: Redis, burst: bool,
         stopping: threading.Event | None = None, on_worker=None, own_queue: str | None = None) -> None:
    """RQ's work loop, started again whenever it breaks off on a Redis error. ``own_queue``: served first, the
    resumes of the runs whose filled forms this process keeps (``rpa.parking``)."""
    for life in itertools.count():
        # RQ's work loop gives up on a Redis error outside its dequeue (the heartbeat, a job's result):
        # the worker process, and its warm browser, stay; a new RQ worker takes over once Redis answers.
        # A fresh RQ name per process and per life: the name of a worker that was killed stays registered
        # in Redis for minutes, and RQ refuses to start a second worker under a live-looking name.
        queues = [Queue(own_queue, connection=conn)] if own_queue else []
        worker = worker_class([*queues, queue_for(settings, conn)], connection=conn,
                              name=f"{name}-{life}" if name else None)
        worker.max_connection_wait_time = RECONNECT_MAX_S
        if on_worker:
            on_worker(worker)
        try:
            worker.work(burst=burst, with_scheduler=False)
        except RedisError as e:
            log.warning("worker %s lost Redis (%s)", worker.name, type(e).__name__)
        if burst or getattr(worker, "_shutdown_requested_date", None) is not None or (stopping and stopping.is_set()):
            return  # asked to stop (SIGTERM, Ctrl+C), or a burst is done
        log.warning("worker %s stopped without being asked; starting again once Redis answers", worker.name)
        wait_for_redis(conn)
        _forget(worker, settings, conn)


class ThreadWorker(SimpleWorker):
    """An RQ worker on a thread of a worker process that serves several runs at once. Signals reach only
    the main thread (``serve_shared`` takes them for all), and so does SIGALRM, RQ's usual job time
    limit: the limit is a timer that raises in the job's thread instead."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass


def serve_shared(args, settings, conn: Redis) -> None:
    """``OPC_RUNS_PER_WORKER`` RQ workers on threads of this process, sharing one Playwright driver and one
    Chromium; each thread gives each run its own context there (``rpa.shared``, through ``rpa.bridge``).
    SIGTERM: every thread finishes the run in hand and takes no other."""
    from rpa.shared import SharedChromium, SharedRuntime

    base = Resources(settings)  # its own browser is never started: the threads share one
    shared = SharedChromium(settings).start()
    own = base.parking.serve()  # one process, one set of kept forms: any of its threads may take a resume
    base.with_runtime(base.runtime)  # the shared parts (database, graphs...) made once, before any thread
    stopping = threading.Event()
    workers: dict[int, Worker] = {}

    def serve(k: int) -> None:
        runtime = SharedRuntime(settings, shared).start()
        _thread.resources = base.with_runtime(runtime)
        name = f"{args.name}-{os.getpid()}-{k}" if args.name else None
        try:
            work(ThreadWorker, name, settings, conn, args.burst, stopping, lambda w: workers.__setitem__(k, w),
                 own_queue=own)
        finally:
            try:
                runtime.stop()
            except Exception:  # noqa: BLE001 - its Playwright may be gone already; the process is leaving
                log.warning("run thread %s: its browser connection did not close cleanly", k, exc_info=True)

    def stop(signum, frame) -> None:
        log.info("worker: %s, stopping once the runs in hand are done", signal.Signals(signum).name)
        stopping.set()
        for w in list(workers.values()):
            w._stop_requested = True  # RQ's own flag: leave the loop after the job in hand

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1`: every run thread's stack, to the log
    threads = [threading.Thread(target=serve, args=(k,), name=f"runs-{k}", daemon=True)
               for k in range(settings.runs_per_worker)]
    for t in threads:
        t.start()
    # A thread waiting on the queue only notices a stop when its wait ends: once no run is in hand, the
    # process leaves (the idle threads are daemons), and Playwright's driver takes Chromium with it.
    while any(t.is_alive() for t in threads):
        if stopping.is_set() and not any(t.is_alive() and _busy(workers.get(k)) for k, t in enumerate(threads)):
            break
        time.sleep(0.2)
    for w in list(workers.values()):
        try:
            w.register_death()
        except RedisError:
            pass
    base.parking.close()
    shared.stop()


def _busy(worker: Worker | None) -> bool:
    try:
        return worker is not None and worker.get_current_job_id() is not None
    except RedisError:
        return True


def wait_for_redis(conn: Redis) -> None:
    delay = 0.2
    while True:
        try:
            conn.ping()
            return
        except RedisError:
            time.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_S)


def _forget(worker: Worker, settings, conn: Redis) -> None:
    """Unregister a worker whose loop broke off, and take the job it was running out of the started
    registry: that job ended (or failed) while Redis was away, and the scheduler's sweep must not count
    it as running (``core.queue.runs_with_jobs``)."""
    try:
        worker.unsubscribe()
        worker.register_death()
        job_id = worker.get_current_job_id()
        if job_id:
            registry = StartedJobRegistry(settings.queue_name, connection=conn)
            stale = [m for m in conn.zrange(registry.key, 0, -1) if m.decode().split(":")[0] == job_id]
            if stale:
                conn.zrem(registry.key, *stale)
    except Exception:  # best-effort (Redis went away again): the sweep's fallback covers what is left
        log.warning("could not clean up after worker %s", worker.name, exc_info=True)


if __name__ == "__main__":
    # Jobs import ``worker`` by its dotted path; run main() from that module, not from ``__main__``,
    # or the jobs would see a second copy of this module without the warm browser.
    import worker

    worker.main()
