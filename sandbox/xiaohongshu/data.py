"""数据中心 of the creator platform: 笔记数据 (one row per note, newest first, 10 a page) and 粉丝数据.

Paths from real-sites-interaction.md (`/statistics/data-analysis` with `.d-pagination-page`,
`/statistics/fans-data`); the column words 观看 点赞 收藏 评论 分享 涨粉 are the real labels. The real page
fills its table from `creator/datacenter/note/analyze/list`; the replica renders it on the server, since the
adapter reads the rendered table either way. The 总粉丝数 wording is a GUESS.
"""
from __future__ import annotations

from datetime import datetime
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from sandbox.common.stats import grown, page_of, pager, post_control, shown_posts, site_now, unit
from sandbox.common.world import SITE_TZ
from sandbox.xiaohongshu.pages import layout
from sandbox.xiaohongshu.rules import COOKIE

NOTES = "/statistics/data-analysis"
FANS = "/statistics/fans-data"
PAGE_SIZE = 10
COLUMNS = (("观看", "views"), ("点赞", "likes"), ("收藏", "collects"), ("评论", "comments"), ("分享", "shares"),
           ("涨粉", "fans_gained"))


def router(world) -> APIRouter:
    r = APIRouter()

    def user(request: Request) -> str | None:
        return world.user_of(request.cookies.get(COOKIE))

    def html(text: str) -> HTMLResponse:
        return HTMLResponse(text, headers={"Cache-Control": "no-store"})

    @r.get(NOTES)
    def notes(request: Request, page: int = 1):
        who = user(request)
        if not who:
            return RedirectResponse("/login", status_code=302)
        now = site_now(world)
        rows = shown_posts(world.notes_of(who), now)
        shown, page, pages = page_of(rows, page, PAGE_SIZE)
        body = "".join(_row(world, n, now) for n in shown) or '<tr><td colspan="8" class="empty">暂无数据</td></tr>'
        head = "".join(f"<th>{label}</th>" for label, _m in COLUMNS)
        return html(layout("数据中心 - 小红书创作服务平台", f"""
<div class="content-title">数据中心</div>
<div class="d-tabs" role="tablist"><a role="tab" href="/statistics/account/v2">账号概览</a>
 <a role="tab" aria-selected="true" class="active" href="{NOTES}">内容分析</a>
 <a role="tab" href="{FANS}">粉丝数据</a></div>
<h3>笔记数据</h3>
<table class="note-data-table"><thead><tr><th>笔记</th><th>发布时间</th>{head}</tr></thead>
<tbody>{body}</tbody></table>
{pager(NOTES, page, pages, len(rows))}"""))

    @r.get(FANS)
    def fans(request: Request):
        who = user(request)
        if not who:
            return RedirectResponse("/login", status_code=302)
        total = account_fans(world, who, site_now(world))
        return html(layout("粉丝数据 - 小红书创作服务平台", f"""
<div class="content-title">数据中心</div>
<h3>粉丝数据</h3>
<div class="fans-overview"><div class="data-item"><span class="label">总粉丝数</span>
<span class="value" aria-label="总粉丝数">{total}</span></div></div>"""))

    r.include_router(post_control(
        world, world.notes_of, lambda user, now: account_fans(world, user, now), [m for _l, m in COLUMNS],
        lambda user, n: world.add_note(user=user, title=f"往期笔记 {n}", body="", topics=[], images=1,
                                       publish_at=None),
        lambda: world.notes))
    return r


def _row(world, note, now: datetime) -> str:
    cells = "".join(f'<td data-metric="{m}">{grown(world, note.id, m, note.created_at, now)}</td>' for _l, m in COLUMNS)
    when = note.created_at.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M")
    return (f'<tr data-note-id="{note.id}"><td><a class="title" href="/statistics/note-detail?noteId={note.id}">'
            f'{escape(note.title)}</a></td><td class="time">{when}</td>{cells}</tr>')


def account_fans(world, user: str, now: datetime) -> int:
    """A base following plus what every note brought in (the account grows with its notes)."""
    base = 300 + int(2000 * unit(world, user, "fans"))
    return base + sum(grown(world, n.id, "fans_gained", n.created_at, now) for n in world.notes_of(user)
                      if n.created_at <= now)

