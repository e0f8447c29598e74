"""Site accounts: add one, show its login QR while the worker waits for the scan, log in again."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from api.codes import Code, hand_over
from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.scoped import owned
from api.views import account_view
from core.models import Account
from core.queue import enqueue_login
from rpa.handoff import Waiting
from rpa.vault import Vault
from sandbox.scan import ScanError, simulate_scan
from sites import SITES

router = APIRouter(prefix="/api/accounts", tags=["accounts"])


class NewAccount(BaseModel):
    site: str
    name: str = Field(min_length=1, max_length=40)
    # A password login (the tax bureau's): stored encrypted in the vault, never returned.
    credit_code: str = Field("", pattern=r"^([0-9A-Z]{15,20})?$")
    user: str = Field("", max_length=64)
    password: str = Field("", max_length=128)

    def credentials(self) -> dict | None:
        if not (self.credit_code and self.user and self.password):
            return None
        return {"credit_code": self.credit_code, "user": self.user, "password": self.password}


@router.get("")
def list_accounts(user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    rows = s.query(Account).filter_by(workspace_id=ws.id).order_by(Account.created_at).all()
    return {"accounts": [account_view(s, a) for a in rows],
            "sites": [{"key": k, "label": v.label} for k, v in SITES.items()]}


@router.post("", status_code=201)
def add_account(body: NewAccount, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    if body.site not in SITES:
        raise FieldErrors([field_error("site", "|".join(SITES), f"暂不支持这个平台：{body.site}")])
    by_password = getattr(SITES[body.site], "login_kind", "qr") == "password"
    if by_password and body.credentials() is None:
        missing = [k for k in ("credit_code", "user", "password") if not getattr(body, k)]
        raise FieldErrors([field_error(k, "必填", "电子税务局账号请填写统一社会信用代码、用户名和密码") for k in missing])
    account = Account(workspace_id=ws.id, site=body.site, name=body.name.strip(),
                      status="active" if by_password else "needs_login")
    s.add(account)
    s.flush()
    if by_password:
        # Checked by the first run's login; a refusal there says so in the portal's own words.
        Vault(settings).save_credentials(account.id, body.credentials())
    s.commit()
    if not by_password:
        enqueue_login(settings, account.id)
    return account_view(s, account)


@router.get("/{account_id}")
def get_account(account_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return account_view(s, owned(s, Account, account_id, ws.id))


@router.post("/{account_id}/login", status_code=202)
def start_login(account_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    """Ask a worker to open the login page; at most one login job per account runs (see rpa.login)."""
    account = owned(s, Account, account_id, ws.id)
    enqueue_login(settings, account.id)
    return account_view(s, account)


@router.post("/{account_id}/code")
def enter_code(account_id: str, body: Code, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The code the site asks for after the scan; the worker holding the login page types it in."""
    account = owned(s, Account, account_id, ws.id)
    hand_over(s, Waiting(account_id=account.id), body.code)
    return account_view(s, account)


@router.post("/{account_id}/simulate-scan")
def simulated_scan(account_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    """Sandbox only: stands in for the phone app scanning the replica's QR."""
    if not settings.sandbox:
        raise HTTPException(404, "仅演示模式可用")
    account = owned(s, Account, account_id, ws.id)
    if not account.login_qr:
        raise FieldErrors([field_error("login_qr", "二维码", "还没有二维码，请稍候")], status=409)
    try:
        simulate_scan(settings.site_base_url(account.site), account.login_qr, user=f"{account.name}-{account.id}")
    except ScanError as e:
        raise FieldErrors([field_error("login_qr", "有效二维码", f"扫码失败：{e}")], status=409) from None
    return account_view(s, account)
