"""Filled forms kept open across their approval, so that the owner's 同意 presses at once.

A run pauses for the owner with a filled form and its screenshot. Without this, the worker closes the page
(its slot must not wait for a person) and the resume fills the whole form again: 0.7 s of the 0.78 s from
同意 to the press (docs/benchmarks.md, approve_bench). Now the worker keeps the paused run's workbench, the
very page the owner's screenshot shows, for ``Settings.keep_filled_s`` (at most ``keep_filled_max`` per
process, the oldest closed first), and names its own queue in Redis (``core.queue.kept_key``) so that the
resume job comes back to it (``core.queue.enqueue_resume``).

Nothing else about the resume changes: it takes the account's lock and the run's lease as always, and the
submit node presses on a kept page only once the site adapter has read the form back and found it as filled
(``graphs.steps.form_ready``); any doubt fills it again. A worker that is busy or gone is covered by the
scheduler's sweep, which puts a decided run with no job on the shared queue; a kept page nobody came back for
is closed at the next job after its time (a worker with no job meanwhile holds it until then, within the
``keep_filled_max`` bound).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from redis import Redis
from redis.exceptions import RedisError

from core.queue import kept_key, own_queue_name
from core.settings import Settings
from rpa.workbench import Workbench

log = logging.getLogger(__name__)


@dataclass
class _Kept:
    workbench: Workbench
    until: float


class Parking:
    """One worker process's kept forms, by run id. Safe to use from its run threads."""

    def __init__(self, settings: Settings, redis: Redis):
        self.settings = settings
        self.redis = redis
        self.queue: str | None = None
        """The worker's own queue, once it serves one (``serve``); until then nothing is kept: a job run
        outside such a worker (a forked child, a test calling the runner) would wait for a resume in vain."""
        self._kept: dict[str, _Kept] = {}
        self._lock = threading.Lock()

    def serve(self) -> str:
        """Called by a worker that will take jobs from its own queue (``core.queue.own_queue_name``) first."""
        self.queue = own_queue_name(self.settings)
        return self.queue

    @property
    def enabled(self) -> bool:
        return self.queue is not None and self.settings.keep_filled_s > 0 and self.settings.keep_filled_max > 0

    def keep(self, run_id: str, workbench: Workbench) -> bool:
        """Keep ``workbench`` open for ``run_id``'s resume; False (the caller closes it) when keeping is off."""
        if not self.enabled:
            return False
        hold = self.settings.keep_filled_s
        with self._lock:
            self._kept[run_id] = _Kept(workbench, time.monotonic() + hold)
            over = list(self._kept)[:-self.settings.keep_filled_max]
        for old in over:
            self._close(old)
        try:
            self.redis.set(kept_key(self.settings, run_id), self.queue, ex=max(1, round(hold)))
        except RedisError:  # the resume goes to the shared queue and fills again; the page goes at its time
            log.warning("run %s: could not name this worker as the keeper of its form", run_id)
        return True

    def take(self, run_id: str) -> Workbench | None:
        """The run's kept workbench if it is still in time (no longer kept afterwards), else None."""
        self.sweep()
        with self._lock:
            kept = self._kept.pop(run_id, None)
        if kept is None:
            return None
        self._forget(run_id)
        kept.workbench.kept = True
        return kept.workbench

    def sweep(self) -> None:
        """Close what was kept longer than its time."""
        now = time.monotonic()
        with self._lock:
            late = [run_id for run_id, k in self._kept.items() if k.until <= now]
        for run_id in late:
            self._close(run_id)

    def close(self) -> None:
        with self._lock:
            every = list(self._kept)
        for run_id in every:
            self._close(run_id)

    def __len__(self) -> int:
        return len(self._kept)

    def _close(self, run_id: str) -> None:
        with self._lock:
            kept = self._kept.pop(run_id, None)
        if kept is None:
            return
        self._forget(run_id)
        try:
            kept.workbench.close()
        except Exception:  # noqa: BLE001 - its Chromium may be gone already; nothing is left to free
            log.warning("run %s: its kept form did not close cleanly", run_id, exc_info=True)

    def _forget(self, run_id: str) -> None:
        try:
            self.redis.delete(kept_key(self.settings, run_id))
        except RedisError:
            pass  # it expires by itself; a resume sent here meanwhile finds nothing kept and fills again
