"""The QR login job: put the site's login QR on the owner's phone and wait for the scan.

The QR is captured from the site's own login page (refreshed when it expires) and stored on the
account so the phone page can show it. Once the site lets us in, the context's storage_state goes
into the vault and every run of the account that was waiting for the login is queued again. When the
site asks for an SMS code after the scan, the account's phone page asks the owner for it
(``rpa.handoff``) and the worker types it into the site's prompt.
"""
from __future__ import annotations

import logging
import time

from sqlalchemy import update

from core.db import transaction
from core.errors import CodeRequired, HumanTimeout, PageChanged, SiteTimeout
from core.models import Account, Run, utcnow
from core.queue import enqueue_run
from rpa.handoff import Waiting, ask_code
from rpa.process import Resources
from sites import adapter_for

log = logging.getLogger(__name__)

POLL_S = 1.0
CODE_TRIES = 3
LOOK_TRIES = 3
"""Looks at the login page that may fail in a row: the page navigates home the moment the scan is
confirmed, and a look that falls into that navigation finds neither the QR nor the home page."""


def run_login(account_id: str, res: Resources) -> str:
    # One login per account: the graph and the phone may both ask for one, and each copy would hold
    # a worker (and show a different QR) until the owner scans.
    lock = res.redis.lock(f"opc:lock:login:{account_id}", timeout=res.settings.login_timeout_s + 60,
                          blocking=False)
    if not lock.acquire():
        return "already_running"
    try:
        return _login(account_id, res)
    finally:
        lock.release()


def _login(account_id: str, res: Resources) -> str:
    with res.db() as s:
        account = s.get(Account, account_id)
    adapter = adapter_for(account.site, res.settings)
    deadline = time.monotonic() + res.settings.login_timeout_s
    with res.runtime.context(adapter.allowed_hosts()) as ctx:
        page = ctx.new_page()
        adapter.open_login(page)
        shown, failed_looks = None, 0
        while time.monotonic() < deadline:
            try:
                if adapter.logged_in(page):
                    res.vault.save(account_id, ctx.storage_state())
                    _activate(res, account_id)
                    return "active"
                qr = adapter.login_qr(page)
            except CodeRequired as asked:
                if not _answer_codes(res, account_id, adapter, page, asked):
                    break
                continue
            except (PageChanged, SiteTimeout):
                failed_looks += 1
                if failed_looks >= LOOK_TRIES:
                    raise
                page.wait_for_timeout(POLL_S * 1000)
                continue
            failed_looks = 0
            if qr and qr != shown:
                _show_qr(res, account_id, qr)
                shown = qr
            page.wait_for_timeout(POLL_S * 1000)  # the owner scans at human speed; the page polls on its own
    _give_up(res, account_id)
    return "timeout"


def _answer_codes(res: Resources, account_id: str, adapter, page, asked: CodeRequired) -> bool:
    """The owner types the code the site sent; False when it never came or was refused every time."""
    who = Waiting(account_id=account_id, giving_up="登录已取消")
    for _ in range(CODE_TRIES):
        try:
            code = ask_code(res.db, who, asked.message, res.settings.code_timeout_s)
        except HumanTimeout:
            return False
        try:
            adapter.enter_login_code(page, code)
            return True
        except CodeRequired as again:
            asked = again
    return False


def _show_qr(res: Resources, account_id: str, qr: str) -> None:
    with transaction(res.db) as s:
        account = s.get(Account, account_id)
        account.login_qr, account.login_qr_at, account.status = qr, utcnow(), "logging_in"


def _activate(res: Resources, account_id: str) -> None:
    with transaction(res.db) as s:
        account = s.get(Account, account_id)
        account.status, account.login_qr, account.logged_in_at = "active", None, utcnow()
        waiting = [r.id for r in s.query(Run).filter_by(account_id=account_id, status="awaiting_login")]
        s.execute(update(Run).where(Run.id.in_(waiting)).values(status="queued", updated_at=utcnow()))
    for run_id in waiting:
        enqueue_run(res.settings, run_id, res.redis)


def _give_up(res: Resources, account_id: str) -> None:
    with transaction(res.db) as s:
        account = s.get(Account, account_id)
        account.status, account.login_qr = "needs_login", None
