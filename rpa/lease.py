"""A run's lease, its fencing token and its account lock, renewed by a thread while the worker lives.

If the worker is killed, renewal stops: the lock frees itself after ``lease_s`` and the scheduler's
sweep sees the expired lease and takes the run up again. A worker that was only paused (SIGSTOP, a
swapped-out machine, a long GC) may wake up after that hand-over, still believing it holds the run.
Fencing keeps it from doing harm:

- taking the run raises its ``lease_token`` by one; this worker keeps the value it got;
- a renewal, every status change and every irreversible step's ledger intent check, in their own
  transaction, that the run still carries that token (``Lease.check``); a mismatch raises ``LeaseLost``;
- without a database round trip, ``Lease.ensure_held`` refuses once the lease's own time has run out
  (monotonic clock, so a pause counts) or a renewal found the token taken: the workbench asks it before
  handing out the page, so a stale worker stops touching the site at its next step.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Callable

from redis import Redis
from redis.exceptions import LockNotOwnedError, RedisError
from redis.lock import Lock
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from core.errors import LeaseLost
from core.models import Run, utcnow
from rpa import stall

log = logging.getLogger(__name__)


LOCK_POLL_S = 0.02
"""How often a run waiting for its account's lock asks again: the previous run is usually only closing
its browser context, a matter of milliseconds (redis-py's default of 0.1 s was a tenth of a second lost)."""

FREED = "opc:accounts:freed"
"""Redis channel on which a released account lock is announced (the account's id). The scheduler waits on it
between its ticks (``scheduler.main``): the account's next waiting run is let into the queue as soon as the
account is free, not at the next tick (on the replica, a tick was a third of a run's whole cycle:
docs/benchmarks.md, throughput_bench)."""

SAFETY = 0.8
"""The share of a lease this worker counts on: the scheduler sees the lease expire on the database's clock,
so this worker stops believing in it a little earlier than that."""


LOCK_PREFIX = "opc:lock:account:"


class AccountLock(Lock):
    """An account's lock whose release says so on ``FREED``. Best effort: a lost announcement (Redis away, no
    scheduler listening) only leaves the next run to the scheduler's tick, as before."""

    def release(self) -> None:
        super().release()
        try:
            self.redis.publish(FREED, self.name.removeprefix(LOCK_PREFIX))
        except RedisError:
            pass


def account_lock(conn: Redis, account_id: str, lease_s: int) -> Lock:
    return conn.lock(f"{LOCK_PREFIX}{account_id}", timeout=lease_s, blocking=False, thread_local=False,
                     sleep=LOCK_POLL_S, lock_class=AccountLock)


class Lease:
    def __init__(self, db: sessionmaker[Session], run_id: str, lock: Lock, lease_s: int,
                 on_start: Callable[[Session, str], None] | None = None):
        self.db, self.run_id, self.lock, self.lease_s = db, run_id, lock, lease_s
        self.on_start = on_start
        """Written in the lease's first transaction (the run's status): one commit, not two."""
        self.token: int | None = None
        self._lost = threading.Event()
        self._lock_gone = False
        """The account's lock ran out and another run took it: no more attempts to extend it."""
        self._held_until = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew_forever, daemon=True, name=f"lease-{run_id}")

    def __enter__(self) -> "Lease":
        started = time.monotonic()
        with self.db() as s, s.begin():
            s.execute(update(Run).where(Run.id == self.run_id)
                      .values(lease_token=Run.lease_token + 1, lease_until=self._until()))
            self.token = s.execute(select(Run.lease_token).where(Run.id == self.run_id)).scalar_one()
            if self.on_start is not None:
                self.on_start(s, self.run_id)
        self._held_until = started + self.lease_s * SAFETY
        self._thread.start()  # the lock was just taken: the first renewal is due a third of a lease on
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        if self.held():
            with self.db() as s, s.begin():
                s.execute(update(Run).where(Run.id == self.run_id, Run.lease_token == self.token)
                          .values(lease_until=None))

    # -- the fence -------------------------------------------------------------------------------
    def held(self) -> bool:
        return not self._lost.is_set() and time.monotonic() < self._held_until

    def ensure_held(self) -> None:
        if not self.held():
            raise LeaseLost(f"任务 {self.run_id} 已由另一个工作进程接手")

    def deadline(self) -> float:
        """The moment this worker stops believing in the lease, on the wall clock (seconds since the epoch),
        for the page's own guard (``rpa.press_guard``); 0 once the lease is lost."""
        if self._lost.is_set():
            return 0.0
        return time.time() + (self._held_until - time.monotonic())

    def check(self, s: Session) -> None:
        """In the caller's transaction: the run still carries this worker's token. The no-op update takes
        the row's write lock, so no other worker can take the run until that transaction ends."""
        self.ensure_held()
        done = s.execute(update(Run).where(Run.id == self.run_id, Run.lease_token == self.token)
                         .values(lease_token=Run.lease_token))
        if done.rowcount != 1:
            self._lost.set()
            raise LeaseLost(f"任务 {self.run_id} 已由另一个工作进程接手")

    # -- renewal ---------------------------------------------------------------------------------
    def _until(self):
        return utcnow() + timedelta(seconds=self.lease_s)

    def _renew(self) -> None:
        started = time.monotonic()
        with stall.WRITING, self.db() as s, s.begin():
            done = s.execute(update(Run).where(Run.id == self.run_id, Run.lease_token == self.token)
                             .values(lease_until=self._until()))
            if done.rowcount != 1:
                self._lost.set()
                log.warning("run %s was taken by another worker; this one stops", self.run_id)
                return
        self._keep_lock()
        # The token was still ours when the row was written: nobody took the run, so it is held again
        # from then on, even if a pause had made it lapse on this worker's clock.
        self._held_until = started + self.lease_s * SAFETY

    def _keep_lock(self) -> None:
        """Extend the account's lock; once it has run out (a pause longer than the lease, Redis restarted
        without its file), take it again under the same token if it is free, and say once what happened:
        a renewal every third of a lease would otherwise repeat the same failure (a traceback a tick)."""
        if self._lock_gone:
            return
        try:
            self.lock.reacquire()
            return
        except LockNotOwnedError:
            pass
        if self.lock.acquire(blocking=False, token=self.lock.local.token):
            log.warning("the account lock of run %s had run out; it was free and is held again", self.run_id)
            return
        self._lock_gone = True
        log.warning("the account lock of run %s ran out and another run of the account holds it now; this run "
                    "keeps its lease (the database's fencing token) and stops renewing the lock", self.run_id)

    def _renew_forever(self) -> None:
        failing = False
        while not self._stop.wait(self.lease_s / 3) and not self._lost.is_set():
            try:
                self._renew()
                if failing:
                    log.info("lease renewal for run %s works again", self.run_id)
                failing = False
            except Exception as e:  # a missed renewal only shortens the lease; held() notices when it runs out
                if not failing:  # once per streak: a Redis or database outage fails every tick alike
                    log.warning("lease renewal failed for run %s (%s: %s); retrying every %.0f s", self.run_id,
                                type(e).__name__, e, self.lease_s / 3, exc_info=not isinstance(e, RedisError))
                failing = True
