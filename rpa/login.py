"""The login job: put the site's login QR on the owner's phone and wait for the scan, or, for a site that
logs in by password (the tax bureau), sign in with the stored login to check it.

The QR is captured from the site's own login page (refreshed when it expires) and stored on the
account so the phone page can show it. Once the site lets us in, the context's storage_state goes
into the vault and every run of the account that was waiting for the login is queued again. When the
site asks for an SMS code after the scan, the account's phone page asks the owner for it
(``rpa.handoff``) and the worker types it into the site's prompt.

A password login is checked on the site itself when the account is added and at every 重新登录: the
account shows 已登录 only after the site let us in, and the site's refusal (「用户名或密码错误」) in its own
words otherwise (recorded as the account's last check, ``core.accounts.last_check``). Whatever the site
adds on top goes to the owner's phone: the SMS code, the slider (a take-over), the face check's QR (shown
like a login QR, and scanned with the tax app).
"""
from __future__ import annotations

import logging
import time

from sqlalchemy import update

from core import fairshare
from core.db import transaction
from core.accounts import DELETED
from core.errors import (BusinessError, CodeRequired, HumanTimeout, PageChanged, SiteTimeout,
                         SliderRequired)
from core.models import Account, Run, utcnow
from core.runs import audit
from rpa.handoff import Waiting, ask_code
from rpa.process import Resources
from rpa.sign_in import type_login
from rpa.takeover import slider_area, take_over
from sites import adapter_for

log = logging.getLogger(__name__)

POLL_S = 1.0
CODE_TRIES = 3
"""A slider, up to three codes and a face check: more than that is not a login any more."""
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
    except Exception:
        # Whatever went wrong, the account must not stay 登录中 with no job behind it.
        _give_up(res, account_id, "登录时出错，请重新登录")
        raise
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
        if getattr(adapter, "login_kind", "qr") == "password":
            try:
                if not _sign_in(res, account_id, adapter, page):
                    _give_up(res, account_id, "登录验证没有完成，已停止")
                    return "timeout"
            except HumanTimeout as late:
                _give_up(res, account_id, late.message)
                return "timeout"
            except BusinessError as refused:  # the site's own words: 用户名或密码错误, 账号已锁定 ...
                _give_up(res, account_id, refused.message, "account.login_refused")
                return "refused"
        shown, failed_looks = None, 0
        while time.monotonic() < deadline:
            try:
                if adapter.logged_in(page):
                    if _deleted(res, account_id):
                        return "deleted"  # deleted meanwhile: its session must not come back
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
    _give_up(res, account_id, "登录超时：没有等到扫码，请重新登录")
    return "timeout"


def _sign_in(res: Resources, account_id: str, adapter, page) -> bool:
    """Type the stored login and press 登录; every check the site adds goes to the owner's phone.
    True once the site let us in or shows its face-check QR (the caller's QR loop shows and waits for it)."""
    credentials = res.vault.load_credentials(account_id)
    if not credentials:
        raise BusinessError("没有保存登录信息，请删除这个账号后重新添加，填写账号和密码")
    who = Waiting(account_id=account_id, giving_up="登录已取消")

    def drag(asked: SliderRequired) -> None:
        take_over(res.db, who, adapter.human_page(page), res.settings.storage, asked.message,
                  res.settings.code_timeout_s, area=lambda: slider_area(adapter.slider_box(page)),
                  passed=lambda: adapter.slider_gone(page), reset=lambda: adapter.slider_retry(page))

    try:
        signed = type_login(adapter, page, credentials, drag=drag,
                            code=lambda asked: ask_code(res.db, who, asked.message, res.settings.code_timeout_s))
    except HumanTimeout:
        return False
    return signed is not False  # a face check: its QR is shown by the caller's loop, like a login QR


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


def _deleted(res: Resources, account_id: str) -> bool:
    with res.db() as s:
        return s.get(Account, account_id).status == DELETED


def _show_qr(res: Resources, account_id: str, qr: str) -> None:
    with transaction(res.db) as s:
        account = s.get(Account, account_id)
        if account.status == DELETED:
            return
        account.login_qr, account.login_qr_at, account.status = qr, utcnow(), "logging_in"


def _activate(res: Resources, account_id: str) -> None:
    with transaction(res.db) as s:
        account = s.get(Account, account_id)
        account.status, account.login_qr, account.logged_in_at = "active", None, utcnow()
        audit(s, account.workspace_id, "system", "account.login_ok", account_id)
        waiting = [r.id for r in s.query(Run).filter_by(account_id=account_id, status="awaiting_login")
                   .order_by(Run.not_before, Run.created_at)]
        s.execute(update(Run).where(Run.id.in_(waiting)).values(status="queued", updated_at=utcnow()))
        workspace_id = account.workspace_id
    if waiting:
        # Queued, and let in under the workspace's share: one at a time on this account (the first now, the
        # others by the scheduler as the account frees), not all at once onto the account's lock.
        with res.db() as s:
            fairshare.enqueue_new(res.settings, s, workspace_id, waiting)


def _give_up(res: Resources, account_id: str, reason: str, action: str = "account.login_timeout") -> None:
    with transaction(res.db) as s:
        account = s.get(Account, account_id)
        if account.status == DELETED:
            return
        account.status, account.login_qr = "needs_login", None
        audit(s, account.workspace_id, "system", action, account_id, {"reason": reason})
