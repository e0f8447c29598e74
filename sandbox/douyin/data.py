"""数据中心 of the creator center: the 作品 analysis page (tabs 直播 / 投稿作品, sub-tab 投稿列表) and the
fans count on the home page.

From real-sites-interaction.md: the path `/creator-micro/data-center/content`, the tabs 直播 (the default) and
投稿作品 with its sub-tab 投稿列表, the columns 作品名称 … 分析详情, the card words 播放 点赞 评论 分享 收藏, and
the home page's `#guide_home_fans`. The table's 发布时间 column and the 下一页 paging are GUESS (the real
table loads more as it scrolls or pages; the source does not say which).
"""
from __future__ import annotations

from datetime import datetime
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from sandbox.common.stats import grown, page_of, pager, post_control, shown_posts, site_now, unit
from sandbox.common.world import SITE_TZ
from sandbox.douyin.pages import layout
from sandbox.douyin.rules import COOKIE

CONTENT = "/creator-micro/data-center/content"
OPERATION = "/creator-micro/data-center/operation"
PAGE_SIZE = 10
COLUMNS = (("播放", "plays"), ("点赞", "likes"), ("评论", "comments"), ("分享", "shares"), ("收藏", "collects"))


def router(world) -> APIRouter:
    r = APIRouter()

    @r.get(CONTENT)
    def content(request: Request, tab: str = "live", sub: str = "list", page: int = 1):
        who = world.user_of(request.cookies.get(COOKIE))
        if not who:
            return RedirectResponse("/creator-micro/home", status_code=302)  # its login box shows in place
        tabs = "".join(f'<a role="tab" aria-selected="{str(key == tab).lower()}" href="{CONTENT}?tab={key}">{name}</a>'
                       for key, name in (("live", "直播"), ("works", "投稿作品")))
        if tab != "works":
            body = '<div class="empty">暂无直播数据</div>'
        else:
            body = works_table(world, who, page)
        return HTMLResponse(layout(f"""
<div class="data-center"><h2>作品数据</h2><div class="semi-tabs-bar" role="tablist">{tabs}</div>
<div class="semi-tabs-content">{body}</div></div>"""), headers={"Cache-Control": "no-store"})

    r.include_router(post_control(
        world, world.works_of, lambda user, now: account_fans(world, user, now), [m for _l, m in COLUMNS],
        lambda user, n: world.add_work("", user=user, kind="video", title=f"往期作品 {n}", desc="", topics=[],
                                       images=0, publish_at=None),
        lambda: world.works))
    return r


def works_table(world, user: str, number: int) -> str:
    now = site_now(world)
    rows = shown_posts(world.works_of(user), now)
    shown, number, pages = page_of(rows, number, PAGE_SIZE)
    head = "".join(f"<th>{label}</th>" for label, _m in COLUMNS)
    body = "".join(_row(world, w, now) for w in shown) or '<tr><td colspan="8" class="empty">暂无数据</td></tr>'
    return (f'<div class="sub-tabs" role="tablist"><a role="tab" aria-selected="true" '
            f'href="{CONTENT}?tab=works&sub=list">投稿列表</a></div>'
            f'<button type="button" class="export">导出数据</button>'
            f'<table class="works-table"><thead><tr><th>作品名称</th><th>发布时间</th>{head}<th>分析详情</th></tr></thead>'
            f'<tbody>{body}</tbody></table>{pager(f"{CONTENT}?tab=works&sub=list", number, pages, len(rows))}')


def _row(world, work, now: datetime) -> str:
    cells = "".join(f"<td>{grown(world, work.id, m, work.created_at, now)}</td>" for _l, m in COLUMNS)
    when = work.created_at.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M")
    return (f'<tr data-aweme-id="{work.id}"><td class="title">{escape(work.title or work.desc)}'
            f'<div class="work-id">作品ID {work.id}</div></td><td class="time">{when}</td>{cells}'
            f'<td><a href="{CONTENT}?tab=works&item_id={work.id}">查看</a></td></tr>')


def account_fans(world, user: str, now: datetime) -> int:
    """A base following plus about one fan per 150 plays of every work."""
    base = 500 + int(3000 * unit(world, user, "fans"))
    return base + sum(grown(world, w.id, "plays", w.created_at, now) // 150 for w in world.works_of(user)
                      if w.created_at <= now)

