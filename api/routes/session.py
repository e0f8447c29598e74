"""Logging in and out, and changing the password. The cookie names a server-side session; the response
carries the CSRF token."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api import auth, login_guard
from api.deps import DbDep, KeyDep, OwnerDep
from api.errors import FieldErrors, field_error
from core.models import User

router = APIRouter(prefix="/api/session", tags=["session"])


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class PasswordChange(BaseModel):
    old_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=10, max_length=200)


def _open_session(request: Request, response: Response, s: DbDep, key: bytes, user: User) -> dict:
    token = auth.make_session(s, key, user.id)
    s.commit()
    response.set_cookie(auth.COOKIE, token, max_age=auth.SESSION_TTL_S, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return {"username": user.username, "csrf_token": auth.csrf_token(key, token)}


@router.post("", responses={401: {"description": "用户名或密码不对"}, 429: {"description": "尝试次数过多"}})
def login(body: Credentials, request: Request, response: Response, s: DbDep, key: KeyDep) -> dict:
    keys = login_guard.keys(body.username, request.client.host if request.client else None)
    wait = login_guard.wait_left(s, keys)
    if wait:
        raise FieldErrors([field_error("password", f"{wait}秒后再试", f"登录失败次数过多，请{wait}秒后再试")],
                          status=429, headers={"Retry-After": str(wait)})
    user = s.query(User).filter_by(username=body.username).first()
    # A missing user still costs one scrypt: the answer's timing must not tell which names exist.
    if not auth.verify_password(body.password, user.password_hash if user else None):
        login_guard.failed(s, keys)
        s.commit()
        raise FieldErrors([field_error("password", "正确的用户名和密码", "用户名或密码不对")], status=401)
    login_guard.succeeded(s, keys)
    return _open_session(request, response, s, key, user)


@router.delete("")
def logout(user: OwnerDep, request: Request, response: Response, s: DbDep) -> dict:
    auth.end_session(s, request.cookies.get(auth.COOKIE))
    s.commit()
    response.delete_cookie(auth.COOKIE, path="/")
    return {"ok": True}


@router.put("/password", responses={422: {"description": "旧密码不对或新密码太短"}})
def change_password(body: PasswordChange, user: OwnerDep, request: Request, response: Response, s: DbDep,
                    key: KeyDep) -> dict:
    """Every other browser of this owner is logged out; this one gets a fresh session."""
    if not auth.verify_password(body.old_password, user.password_hash):
        raise FieldErrors([field_error("old_password", "当前密码", "当前密码不对")])
    auth.set_password(s, user, body.new_password)
    return _open_session(request, response, s, key, user)
