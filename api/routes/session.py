"""Logging in and out. The cookie carries a signed session; the response carries the CSRF token."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api import auth
from api.deps import DbDep, KeyDep, UserDep
from api.errors import FieldErrors, field_error
from core.models import User

router = APIRouter(prefix="/api/session", tags=["session"])


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


@router.post("")
def login(body: Credentials, request: Request, response: Response, s: DbDep, key: KeyDep) -> dict:
    user = s.query(User).filter_by(username=body.username).first()
    if user is None or not auth.verify_password(body.password, user.password_hash):
        raise FieldErrors([field_error("password", "正确的用户名和密码", "用户名或密码不对")], status=401)
    token = auth.make_session(key, user.id)
    response.set_cookie(auth.COOKIE, token, max_age=auth.SESSION_TTL_S, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return {"username": user.username, "csrf_token": auth.csrf_token(key, token)}


@router.delete("")
def logout(user: UserDep, response: Response) -> dict:
    response.delete_cookie(auth.COOKIE, path="/")
    return {"ok": True}
