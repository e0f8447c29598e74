"""The idempotency ledger: one entry per irreversible action.

``intent`` is committed *before* the click; ``done`` after the site's own list shows the result. A run
that finds an ``intent`` entry must look the result up on the site before it may click again. A ``done``
entry is final: nothing rewrites it, so a worker that arrives late learns the result instead of clicking.

``record_intent`` takes the run's fence: in the same transaction as the intent it checks that the
worker still holds the run (``rpa.lease.Lease.check``), so an intent, and the click after it, come only
from the run's current worker.
"""
from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from core.models import LedgerEntry, Run, utcnow


class Fence(Protocol):
    def check(self, s: Session) -> None:
        """Raise ``core.errors.LeaseLost`` unless the caller still holds the run (in ``s``'s transaction)."""

    def ensure_held(self) -> None:
        """The same without the database, on the worker's own clock."""

    def deadline(self) -> float:
        """When the worker stops counting on the run, seconds since the epoch (for the page's guard)."""


def key_for(run: Run, action: str = "submit") -> str:
    return f"{run.id}:{action}"


def get(s: Session, run: Run, action: str = "submit") -> LedgerEntry | None:
    return s.get(LedgerEntry, key_for(run, action))


def record_intent(s: Session, run: Run, action: str = "submit", *, fence: Fence) -> LedgerEntry:
    """The intent to press, or the ``done`` entry already there: the caller presses only when the
    returned entry's status is ``intent``."""
    fence.check(s)
    entry = get(s, run, action)
    if entry is not None and entry.status == "done":
        return entry
    if entry is None:
        entry = LedgerEntry(key=key_for(run, action), run_id=run.id, site=run.site, account_id=run.account_id)
        s.add(entry)
    entry.intent_at = utcnow()
    entry.status = "intent"
    return entry


def record_done(s: Session, run: Run, external_id: str, action: str = "submit") -> LedgerEntry:
    entry = get(s, run, action)
    if entry is None:
        entry = LedgerEntry(key=key_for(run, action), run_id=run.id, site=run.site, account_id=run.account_id,
                            intent_at=utcnow())
        s.add(entry)
    elif entry.status == "done":
        return entry  # the first reading of the site's list stands
    entry.status = "done"
    entry.done_at = utcnow()
    entry.external_id = external_id
    return entry
