"""笔记管理 (``/new/note-manager``): the account's notes, newest first, each with its cover, title, time, numbers
and who can see it, and the two things the owner does there: 权限设置 and 删除, each through a dialog.

Real: the path and the menu word 笔记管理 (real-sites-interaction.md), the three visibility words 公开可见 /
仅自己可见 / 仅互关好友可见 (the publish form's select, real-sites.md), the number words 观看 评论 点赞 收藏 分享
(数据中心's columns). GUESS: the row's layout, the buttons 权限设置 / 删除, the dialogs' titles and texts, the
action endpoints under ``/api/galaxy/creator/note/`` and the failure texts. The row keeps what the publish
read-back locates (``data-note-id``, ``data-impression``, ``.title``, ``.time``, ``.declaration``). The numbers are
the data pages' own (``sandbox.common.stats.grown`` at the data clock), so both pages agree.
"""
from __future__ import annotations

import json
from html import escape

from fastapi import APIRouter, Request

from sandbox.common import manage
from sandbox.common.stats import grown, site_now
from sandbox.xiaohongshu.api import EXPIRED, fail, ok
from sandbox.xiaohongshu.data import COLUMNS
from sandbox.xiaohongshu.pages import layout
from sandbox.xiaohongshu.rules import COOKIE
from sandbox.xiaohongshu.state import Note

PATH = "/new/note-manager"
VISIBILITY = {"public": "公开可见", "private": "仅自己可见", "friends": "仅互关好友可见"}
FIGURES = [(label, metric) for label, metric in COLUMNS if metric != "fans_gained"]
SITE = manage.Site(
    css="d", row_attr="data-note-id", id_field="note_id",
    permission_path="/api/galaxy/creator/note/permission", delete_path="/api/galaxy/creator/note/delete",  # GUESS
    visibility=VISIBILITY, permission_title="权限设置", delete_title="删除笔记",
    delete_text="确定删除这篇笔记吗？删除后将无法恢复",  # GUESS
    failed_text="操作失败，请稍后重试", missing_text="笔记不存在",
    ok=lambda: ok({}), fail=fail, expired=EXPIRED, code_field="code")


def router(world) -> APIRouter:
    def user_of(request: Request) -> str | None:
        return world.user_of(request.cookies.get(COOKIE))

    def add(user: str, title: str) -> Note:
        return world.add_note(user=user, title=title, body="", topics=[], images=1, publish_at=None)

    return manage.router(world, SITE, world.notes_of, lambda: world.notes, user_of, add)


LOAD_FAILED = "网络错误，请稍后重试"  # GUESS: the list's failure state (a busy site, a dropped request)


def notes_page(world, user: str) -> str:
    now = site_now(world)
    rows = "".join(_row(world, n, now) for n in world.notes_of(user)) or '<div class="empty">暂无笔记</div>'
    if world.take("notes_load_failed"):
        rows = f'<div class="load-failed">{LOAD_FAILED}</div>'
    return layout("笔记管理 - 小红书创作服务平台", f"""
<div class="content-title">笔记管理 <button type="button" class="refresh-notes">刷新</button></div>
<div class="notes-container">{rows}</div>
{manage.dialogs(SITE)}{manage.script(SITE)}""", script="notes.js")


def _row(world, n: Note, now) -> str:
    scheduled = f' · 定时 {escape(n.publish_at)}' if n.publish_at else ""
    impression = escape(json.dumps({"noteTarget": {"noteId": n.id}}))
    figures = "".join(f'<span class="count" data-metric="{m}">{label} {grown(world, n.id, m, n.created_at, now)}</span>'
                      for label, m in FIGURES)
    return (f'<div class="note" data-note-id="{n.id}" data-impression="{impression}" data-visibility="{n.visibility}">'
            f'<div class="cover"><img alt="封面" src="{manage.cover(world, n.id)}"></div>'
            f'<div class="info"><a class="title" href="/explore/{n.id}">{escape(n.title)}</a>'
            f'<div class="time">发布于 {n.shown_time()}{scheduled}</div>'
            f'<div class="declaration">{escape(n.declaration_text())}</div>'
            f'<div class="icon_list">{figures}</div></div>'
            f'<span class="status">{n.status}</span>'
            f'<span class="permission">{VISIBILITY[n.visibility]}</span>'
            f'<div class="control"><button type="button" data-manage="permission">权限设置</button>'
            f'<button type="button" data-manage="delete">删除</button></div></div>')

