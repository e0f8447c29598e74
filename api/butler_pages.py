"""The phone's 运营管家 page: reminders (typed in the owner's words, confirmed before saving), the daily
brief's time, what it told her, and the workspace's group bots with their 「发送测试消息」 button."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.butler_views import butler_view
from api.deps import DbDep, KeyDep, UserDep, WorkspaceDep
from api.pages import _render
from employees.roster import ensure_roster

router = APIRouter(include_in_schema=False)


@router.get("/butler")
def butler_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep) -> HTMLResponse:
    ensure_roster(s, ws.id)  # 运营管家 exists before its brief time can be set
    s.commit()
    return _render(request, "butler.html", key, b=butler_view(s, ws))
