"""Request dependencies, as ``Annotated`` aliases the routers use in their signatures."""
from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from api import auth
from core.models import User, Workspace
from core.settings import Settings


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _db(request: Request) -> Iterator[Session]:
    with request.app.state.db() as s:
        yield s


def _key(request: Request) -> bytes:
    return request.app.state.signing_key


SettingsDep = Annotated[Settings, Depends(_settings)]
DbDep = Annotated[Session, Depends(_db)]
KeyDep = Annotated[bytes, Depends(_key)]


class NotLoggedIn(Exception):
    """Raised for a request without a valid session; pages redirect to /login, the API answers 401."""


def _user(request: Request, s: DbDep, key: KeyDep) -> User:
    user_id = auth.read_session(s, key, request.cookies.get(auth.COOKIE))
    user = s.get(User, user_id) if user_id else None
    if user is None:
        raise NotLoggedIn()
    return user


UserDep = Annotated[User, Depends(_user)]


def _workspace(user: UserDep, s: DbDep) -> Workspace:
    return s.get(Workspace, user.workspace_id)


WorkspaceDep = Annotated[Workspace, Depends(_workspace)]


def _csrf(request: Request, key: KeyDep, user: UserDep) -> User:
    """Every state change needs the token a page of ours received; a cross-site form cannot know it."""
    expected = auth.csrf_token(key, request.cookies.get(auth.COOKIE, ""))
    if request.headers.get("x-csrf-token") != expected:
        raise HTTPException(403, detail=[{"field": "csrf_token", "limit": "必需",
                                          "message": "页面已过期，请刷新后重试"}])
    return user


OwnerDep = Annotated[User, Depends(_csrf)]
"""The logged-in owner, for requests that change something (session + CSRF checked)."""
