"""An invited owner sets her password from her link (``core.admin`` makes the link) and is logged in."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from api import auth
from api.deps import DbDep, KeyDep
from api.errors import FieldErrors, field_error
from api.pages import _render
from api.routes.session import _open_session
from core import invites
from core.models import User

router = APIRouter(tags=["session"])

SPENT = "邀请链接无效或已过期，请联系管理员重新发送"


class NewPassword(BaseModel):
    password: str = Field(min_length=10, max_length=200)


@router.get("/invite/{token}", include_in_schema=False)
def invite_page(token: str, request: Request, s: DbDep) -> HTMLResponse:
    invite = invites.valid(s, token)
    user = s.get(User, invite.user_id) if invite else None
    page = _render(request, "invite.html", token=token, username=user.username if user else None, spent=SPENT)
    page.status_code = 200 if user else 404
    return page


@router.post("/api/invites/{token}", responses={404: {"description": SPENT}})
def accept_invite(token: str, body: NewPassword, request: Request, response: Response, s: DbDep,
                  key: KeyDep) -> dict:
    """Sets the owner's password (the link then stops working) and logs her in."""
    invite = invites.valid(s, token)
    if invite is None or not invites.use(s, invite):
        raise FieldErrors([field_error("token", "有效的邀请链接", SPENT)], status=404)
    user = s.get(User, invite.user_id)
    auth.set_password(s, user, body.password)
    return _open_session(request, response, s, key, user)
