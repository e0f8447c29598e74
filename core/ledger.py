"""The idempotency ledger: one entry per irreversible action.

``intent`` is committed *before* the click; ``done`` after the site's own list shows the result. A run
that finds an ``intent`` entry must look the result up on the site before it may click again.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.models import LedgerEntry, Run, utcnow


def key_for(run: Run, action: str = "submit") -> str:
    return f"{run.id}:{action}"


def get(s: Session, run: Run, action: str = "submit") -> LedgerEntry | None:
    return s.get(LedgerEntry, key_for(run, action))


def record_intent(s: Session, run: Run, action: str = "submit") -> LedgerEntry:
    entry = get(s, run, action)
    if entry is None:
        entry = LedgerEntry(key=key_for(run, action), run_id=run.id, site=run.site, account_id=run.account_id)
        s.add(entry)
    entry.intent_at = utcnow()
    entry.status = "intent"
    return entry


def record_done(s: Session, run: Run, external_id: str, action: str = "submit") -> LedgerEntry:
    entry = get(s, run, action) or record_intent(s, run, action)
    entry.status = "done"
    entry.done_at = utcnow()
    entry.external_id = external_id
    return entry
