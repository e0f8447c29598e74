"""The session check job: open a cheap logged-in page with the account's saved session, read-only, and
record what the site showed (``health.models``).

The job holds the account's lock (``rpa.lease.account_lock``, renewed while it looks) like every run, so it
never opens the site beside a run of the same account; an account that is busy is looked at again a few
minutes later (the run on the site finds out for itself). It is not a run: no row in the owner's runs list,
no ledger, nothing pressed on the site.

- valid: the session is alive; the context's cookies go back to the vault (sites refresh them as we go).
- expired: the site showed its login wall. The account becomes 需要登录 (a compare-and-set: a login the owner
  finished meanwhile is not undone) and the scheduler's next tick pushes the re-login request, once.
- unknown: nothing could be told (a network error, a page that never loaded). The account keeps its state;
  the check is tried again after ``session_check_retry_min``. A transient failure never logs anyone out.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Iterator

from redis.lock import Lock
from sqlalchemy import update

from core.db import transaction
from core.models import Account, utcnow
from core.runs import audit
from health.models import EXPIRED, UNKNOWN, VALID, SessionHealth
from health.schedule import next_interval
from rpa.lease import account_lock
from rpa.process import Resources
from sites import adapter_for

log = logging.getLogger(__name__)

LOCK_WAIT_S = 3
BUSY = "busy"


def run_check(account_id: str, res: Resources) -> str:
    """Look at the account's session once; what was found (``valid`` | ``expired`` | ``unknown`` | ``busy``)."""
    with res.db() as s:
        account = s.get(Account, account_id)
        status, site, seen_login = account.status, account.site, account.logged_in_at
    if status != "active":
        _record(res, account_id, None, seen_login)  # logged out or deleted meanwhile: nothing to look at
        return status
    lock = account_lock(res.redis, account_id, res.settings.lease_s)
    if not lock.acquire(blocking=True, blocking_timeout=LOCK_WAIT_S):
        _record(res, account_id, None, seen_login)
        return BUSY
    try:
        with _renewed(lock, res.settings.lease_s):
            state = _look(res, account_id, site)
    finally:
        try:
            lock.release()
        except Exception:  # lapsed meanwhile: nothing to release
            pass
    _record(res, account_id, state, seen_login)
    return state


def _look(res: Resources, account_id: str, site: str) -> str:
    saved = res.vault.load(account_id)
    if not saved:
        return EXPIRED
    adapter = adapter_for(site, res.settings)
    try:
        with res.runtime.context(adapter.allowed_hosts(), storage_state=saved) as ctx:
            state = adapter.check_session(ctx.new_page())
            if state == VALID:
                res.vault.save(account_id, ctx.storage_state())
            return state
    except Exception as e:  # the browser itself failed: that says nothing about the session
        log.warning("session check of account %s could not look (%s)", account_id, type(e).__name__)
        return UNKNOWN


@contextmanager
def _renewed(lock: Lock, lease_s: int) -> Iterator[None]:
    """Keep the account lock while the page loads (it lapses after ``lease_s`` if this worker dies)."""
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(lease_s / 3):
            try:
                lock.reacquire()
            except Exception:
                log.warning("session check lost its account lock")
                return

    thread = threading.Thread(target=renew, daemon=True, name="session-check-lock")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _record(res: Resources, account_id: str, state: str | None, seen_login: datetime | None) -> None:
    """Write what the look found (``None``: no look, the account was busy or not logged in)."""
    now = utcnow()
    retry = now + timedelta(minutes=res.settings.session_check_retry_min)
    with transaction(res.db) as s:
        row = s.get(SessionHealth, account_id)
        if row is None:
            row = SessionHealth(account_id=account_id)
            s.add(row)
        row.claimed_at, row.checked_at = None, now
        if state is None:
            row.next_check_at = retry
        elif state == VALID:
            row.state, row.valid_at, row.failures = VALID, now, 0
            row.next_check_at = next_interval(res.settings, now)
        elif state == UNKNOWN:
            row.state, row.failures, row.next_check_at = UNKNOWN, (row.failures or 0) + 1, retry
        elif _log_out(s, account_id, seen_login):
            row.state, row.expired_at, row.failures = EXPIRED, now, 0
            row.next_check_at = next_interval(res.settings, now)
        else:
            row.next_check_at = retry  # the owner logged in again while we looked: that session is new


def _log_out(s, account_id: str, seen_login: datetime | None) -> bool:
    """需要登录, unless the account changed since the look began (a new login, a delete)."""
    same_login = Account.logged_in_at.is_(None) if seen_login is None else Account.logged_in_at == seen_login
    won = s.execute(update(Account).where(Account.id == account_id, Account.status == "active", same_login)
                    .values(status="needs_login", login_qr=None)
                    .execution_options(synchronize_session=False)).rowcount == 1
    if won:
        account = s.get(Account, account_id)
        audit(s, account.workspace_id, "system", "account.session_expired", account_id,
              {"reason": "检查发现网站已退出登录，需要重新登录"})
    return won
