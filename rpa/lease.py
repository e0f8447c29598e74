"""A run's lease and its account lock, renewed by a thread while the worker lives.

If the worker is killed, renewal stops: the lock frees itself after ``lease_s`` and the scheduler's
sweep sees the expired lease and takes the run up again.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Callable

from redis import Redis
from redis.lock import Lock
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from core.models import Run, utcnow

log = logging.getLogger(__name__)


LOCK_POLL_S = 0.02
"""How often a run waiting for its account's lock asks again: the previous run is usually only closing
its browser context, a matter of milliseconds (redis-py's default of 0.1 s was a tenth of a second lost)."""


def account_lock(conn: Redis, account_id: str, lease_s: int) -> Lock:
    return conn.lock(f"opc:lock:account:{account_id}", timeout=lease_s, blocking=False, thread_local=False,
                     sleep=LOCK_POLL_S)


class Lease:
    def __init__(self, db: sessionmaker[Session], run_id: str, lock: Lock, lease_s: int,
                 on_start: Callable[[Session, str], None] | None = None):
        self.db, self.run_id, self.lock, self.lease_s = db, run_id, lock, lease_s
        self.on_start = on_start
        """Written in the lease's first transaction (the run's status): one commit, not two."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew_forever, daemon=True, name=f"lease-{run_id}")

    def __enter__(self) -> "Lease":
        with self.db() as s, s.begin():
            self._write_until(s)
            if self.on_start is not None:
                self.on_start(s, self.run_id)
        self._thread.start()  # the lock was just taken: the first renewal is due a third of a lease on
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        with self.db() as s, s.begin():
            s.execute(update(Run).where(Run.id == self.run_id).values(lease_until=None))

    def _renew(self) -> None:
        with self.db() as s, s.begin():
            self._write_until(s)
        self.lock.reacquire()

    def _write_until(self, s: Session) -> None:
        s.execute(update(Run).where(Run.id == self.run_id)
                  .values(lease_until=utcnow() + timedelta(seconds=self.lease_s)))

    def _renew_forever(self) -> None:
        while not self._stop.wait(self.lease_s / 3):
            try:
                self._renew()
            except Exception:  # a missed renewal only shortens the lease; the next one may work
                log.exception("lease renewal failed for run %s", self.run_id)
