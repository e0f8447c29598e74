"""The reply's ledger entry, keyed by (site, account, item id) rather than by run: whatever run answers an
item (a retry, a second run after a reopen, two workers), the site gets one reply. Written under the
run's fence (``rpa.lease``), before the send click; ``done`` once the reply is read back under the item."""
from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from core.db import transaction
from core.models import LedgerEntry, Run, utcnow
from graphs.context import RunContext

KEY_MAX = 100


def reply_key(site: str, account_id: str, item_id: str) -> str:
    key = f"reply:{site}:{account_id}:{item_id}"
    return key if len(key) <= KEY_MAX else f"reply:{site}:{account_id}:{hashlib.sha256(item_id.encode()).hexdigest()[:40]}"


def get(s: Session, key: str) -> LedgerEntry | None:
    return s.get(LedgerEntry, key)


def claim(ctx: RunContext, run: Run, key: str) -> LedgerEntry:
    """The intent, written only while this worker holds the run; a ``done`` entry is returned as it is
    (the caller then never clicks)."""
    with transaction(ctx.db) as s:
        ctx.fence.check(s)
        entry = get(s, key)
        if entry is None:
            entry = LedgerEntry(key=key, run_id=run.id, site=run.site, account_id=run.account_id)
            s.add(entry)
        elif entry.status == "done":
            return entry
        entry.status, entry.intent_at, entry.run_id = "intent", utcnow(), run.id
    ctx.fence.ensure_held()  # a pause inside the commit must not be followed by a click
    return entry


def done(s: Session, run: Run, key: str, external_id: str) -> None:
    entry = get(s, key) or LedgerEntry(key=key, run_id=run.id, site=run.site, account_id=run.account_id,
                                       intent_at=utcnow())
    if entry.status == "done":
        return
    entry.status, entry.done_at, entry.external_id = "done", utcnow(), external_id[:64]
    s.add(entry)
