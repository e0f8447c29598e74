"""The phone's 客服 pages: the inbox (with the batch approval and the inbox settings) and one conversation."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from api.deps import DbDep, KeyDep, UserDep, WorkspaceDep
from api.inbox_views import NOT_ON_THE_WEB, conversation_view
from api.pages import _render
from core.inbox import STATUS_LABELS, Conversation
from core.models import Employee

router = APIRouter(include_in_schema=False)


@router.get("/inbox")
def inbox_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep,
               status: str | None = None) -> HTMLResponse:
    from graphs.inbound.settings import inbox_settings  # loads every workflow: only when the page is asked for

    q = s.query(Conversation).filter_by(workspace_id=ws.id)
    if status in STATUS_LABELS:
        q = q.filter_by(status=status)
    rows = [conversation_view(s, c, ws.timezone) for c in q.order_by(Conversation.at.desc()).limit(200)]
    employee = s.query(Employee).filter_by(workspace_id=ws.id, role="service").first()
    counts = {k: s.query(Conversation).filter_by(workspace_id=ws.id, status=k).count() for k in STATUS_LABELS}
    return _render(request, "inbox.html", key, conversations=rows, status=status if status in STATUS_LABELS else None,
                   statuses=STATUS_LABELS, counts=counts, settings=inbox_settings(employee),
                   not_on_the_web=NOT_ON_THE_WEB)


@router.get("/inbox/{conv_id}")
def conversation_page(conv_id: str, request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep,
                      key: KeyDep) -> HTMLResponse:
    c = s.get(Conversation, conv_id)
    if c is None or c.workspace_id != ws.id:
        raise HTTPException(404, "没有这条对话")
    return _render(request, "conversation.html", key, c=conversation_view(s, c, ws.timezone, history=True))
