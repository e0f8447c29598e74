"""Test-only stop points: a worker stops itself and its browser (SIGSTOP to its process group) at a named
point of an irreversible step, once, so the stall benchmark and the fencing tests hit each step for sure
instead of by timing.

Off unless the worker's environment names a file in ``OPC_STALL_FILE``; then a point whose name is the
file's text claims it by renaming it to ``<file>.hit`` (a rename succeeds once: one worker, one stop) and
stops. The one who wrote the file sees ``.hit`` and that the worker is stopped, hands the run to another
worker and continues the first one later. ``during`` stops a block part-way (a fill with slowed uploads):
if the block ends first, the file becomes ``<file>.missed`` and nothing stops.

Points, in the order a press meets them (``POINTS``): before the (re-)fill, during it, right after the
ledger's intent is committed (before the fence's own look at the clock), right before the press (after
every check, with the page armed: ``rpa.press_guard``), right after the press, during the read-back.
"""
from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

POINTS = ("fill", "filling", "intent", "press", "clicked", "readback")
DURING_S = 0.8
"""How far into a ``during`` block the stop comes (the benchmark slows the site so a fill takes longer)."""


def _claim(name: str) -> str | None:
    path = os.environ.get("OPC_STALL_FILE")
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            if f.read().strip() != name:
                return None
        os.rename(path, f"{path}.hit")
    except FileNotFoundError:
        return None  # not set, or another worker claimed it first
    return path


WRITING = threading.Lock()
"""Held by the lease's renewal thread while it writes the run's row (``rpa.lease``). A stop waits for it: a
process stopped inside a write keeps SQLite's write lock, and the whole stack (the scheduler's hand-over
included) would wait for the stopped worker. A real freeze can land there: docs/database.md."""


def _stop() -> None:
    with WRITING:
        os.killpg(os.getpgrp(), signal.SIGSTOP)


def point(name: str) -> None:
    if _claim(name) is not None:
        _stop()


@contextmanager
def during(name: str, after_s: float = DURING_S) -> Iterator[None]:
    path = _claim(name)
    if path is None:
        yield
        return
    lock, inside, stopped = threading.Lock(), [True], [False]

    def fire() -> None:
        with lock:
            if inside[0]:
                stopped[0] = True
                _stop()

    timer = threading.Timer(after_s, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            inside[0] = False
        timer.cancel()
        if not stopped[0]:
            os.replace(f"{path}.hit", f"{path}.missed")


@contextmanager
def filling() -> Iterator[None]:
    """Around a (re-)fill: the ``fill`` point before it, the ``filling`` point inside it."""
    point("fill")
    with during("filling"):
        yield
