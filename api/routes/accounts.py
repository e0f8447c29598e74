"""Site accounts: add one (a password login is checked on the site), show its login QR while the worker
waits for the scan, log in again, rename, delete."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from api.codes import Code, hand_over
from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.scoped import owned
from api.views import account_view
from core.accounts import DELETED, NAME_MAX, delete_account, live_accounts, rename
from core.models import Account
from core.queue import enqueue_login
from core.runs import audit
from core.undo import Refused
from rpa.handoff import Waiting
from rpa.vault import Vault
from sandbox.scan import ScanError, simulate_scan
from sites import SITES

router = APIRouter(prefix="/api/accounts", tags=["accounts"])


class Login(BaseModel):
    """A password login (the tax bureau's): stored encrypted in the vault, never returned."""

    credit_code: str = Field("", pattern=r"^([0-9A-Z]{15,20})?$")
    user: str = Field("", max_length=64)
    password: str = Field("", max_length=128)

    def credentials(self) -> dict | None:
        if not (self.credit_code and self.user and self.password):
            return None
        return {"credit_code": self.credit_code, "user": self.user, "password": self.password}

    def missing(self) -> list[dict]:
        return [field_error(k, "必填", "电子税务局账号请填写统一社会信用代码、用户名和密码")
                for k in ("credit_code", "user", "password") if not getattr(self, k)]


class NewAccount(Login):
    site: str
    name: str = Field(min_length=1, max_length=NAME_MAX)


class Rename(BaseModel):
    name: str = Field(min_length=1, max_length=NAME_MAX)


def _by_password(site: str) -> bool:
    return getattr(SITES.get(site), "login_kind", "qr") == "password"


def _live(s, account_id: str, ws_id: str) -> Account:
    account = owned(s, Account, account_id, ws_id)
    if account.status == DELETED:
        raise HTTPException(404, "这个账号已删除")
    return account


@router.get("")
def list_accounts(user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return {"accounts": [account_view(s, a) for a in live_accounts(s, ws.id)],
            "sites": [{"key": k, "label": v.label} for k, v in SITES.items()]}


@router.post("", status_code=201)
def add_account(body: NewAccount, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    if body.site not in SITES:
        raise FieldErrors([field_error("site", "|".join(SITES), f"暂不支持这个平台：{body.site}")])
    by_password = _by_password(body.site)
    if by_password and body.credentials() is None:
        raise FieldErrors(body.missing())
    # A password login shows 正在核对 until a worker has signed in with it on the site (rpa.login).
    account = Account(workspace_id=ws.id, site=body.site, name=body.name.strip(),
                      status="logging_in" if by_password else "needs_login")
    s.add(account)
    s.flush()
    if by_password:
        Vault(settings).save_credentials(account.id, body.credentials())
    audit(s, ws.id, owner.username, "account.added", account.id, {"site": body.site})
    s.commit()
    enqueue_login(settings, account.id)
    return account_view(s, account)


@router.get("/{account_id}")
def get_account(account_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return account_view(s, _live(s, account_id, ws.id))


@router.patch("/{account_id}")
def rename_account(account_id: str, body: Rename, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    name = body.name.strip()
    if not name:
        raise FieldErrors([field_error("name", f"1–{NAME_MAX}字", "请填写账号名称")])
    account = rename(s, _live(s, account_id, ws.id), name, owner.username)
    s.commit()
    return account_view(s, account)


@router.delete("/{account_id}")
def remove_account(account_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    """Delete the account: its session and stored login go, its runs not yet on the site are cancelled."""
    account = _live(s, account_id, ws.id)
    try:
        cancelled = delete_account(s, account, owner.username)
        s.commit()
    except Refused as e:
        s.rollback()
        raise FieldErrors([field_error("account", "没有执行中的任务", e.message)], status=409) from None
    Vault(settings).delete(account.id)  # after the commit: a refused delete keeps the login working
    message = f"已删除账号「{account.name}」"
    return {"deleted": account.id, "cancelled_runs": cancelled,
            "message": message + (f"，{cancelled}条还没提交的任务已取消" if cancelled else "")}


@router.post("/{account_id}/login", status_code=202)
def start_login(account_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep,
                body: Login | None = None) -> dict:
    """Ask a worker to log in again: open the login page for a QR, or check a password login on the site
    (with a corrected login when one is given). At most one login job per account runs (rpa.login)."""
    account = _live(s, account_id, ws.id)
    if _by_password(account.site):
        if body is not None and body.credentials() is not None:
            Vault(settings).save_credentials(account.id, body.credentials())
        elif body is not None and any((body.credit_code, body.user, body.password)):
            raise FieldErrors(body.missing())
        account.status, account.login_qr = "logging_in", None
        audit(s, ws.id, owner.username, "account.relogin", account.id)
        s.commit()
    enqueue_login(settings, account.id)
    return account_view(s, account)


@router.post("/{account_id}/code")
def enter_code(account_id: str, body: Code, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The code the site asks for after the scan; the worker holding the login page types it in."""
    account = _live(s, account_id, ws.id)
    hand_over(s, Waiting(account_id=account.id), body.code)
    return account_view(s, account)


@router.post("/{account_id}/simulate-scan")
def simulated_scan(account_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    """Sandbox only: stands in for the phone app scanning the replica's QR."""
    if not settings.sandbox:
        raise HTTPException(404, "仅演示模式可用")
    account = _live(s, account_id, ws.id)
    if not account.login_qr:
        raise FieldErrors([field_error("login_qr", "二维码", "还没有二维码，请稍候")], status=409)
    try:
        simulate_scan(settings.site_base_url(account.site), account.login_qr, user=f"{account.name}-{account.id}")
    except ScanError as e:
        raise FieldErrors([field_error("login_qr", "有效二维码", f"扫码失败：{e}")], status=409) from None
    return account_view(s, account)
