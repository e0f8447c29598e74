"""The phone's page of one post (note, work or shop item): its numbers over 7 or 30 days, a chart per number,
and the run that made it. The board itself is the home page (``api.pages.home``)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from api.board_views import post_view
from api.deps import DbDep, KeyDep, UserDep, WorkspaceDep
from api.pages import _render
from board.posts import post_numbers
from board.trends import Period
from core.models import utcnow

router = APIRouter(include_in_schema=False)


@router.get("/board/posts/{subject_id}")
def post_page(subject_id: str, request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep,
              account: Annotated[str | None, Query(max_length=32)] = None,
              days: Annotated[str, Query(max_length=8)] = "7") -> HTMLResponse:
    period = Period.last(30 if days == "30" else 7, ws.timezone, utcnow())
    post = post_numbers(s, ws.id, subject_id, period, account)
    if post is None:
        raise HTTPException(404, "没有这篇内容的数据")
    return _render(request, "board_post.html", key, p=post_view(post, period))
