"""作品管理 (``/creator-micro/content/manage``): the account's works, newest first, each card with its cover,
title, time, numbers and who can see it, and the two things the owner does there: 设置权限 (公开 / 好友可见 /
仅自己可见) and 删除, each through a dialog.

Real: the path, the header 作品管理, the tabs 全部作品 已发布 审核中 未通过, 共 N 个作品 and 没有更多作品 (the saved
real page, an empty account), the card's number words 播放 点赞 评论 分享 收藏 (real-sites-interaction.md), the
Semi components (``semi-modal``, ``label.semi-radio`` with ``span.semi-radio-addon``, as in the publish form's
declaration dialog). GUESS: the card's buttons 设置权限 / 删除, the dialogs' titles and texts, the action
endpoints under ``/janus/douyin/creator/pc/work/`` and the failure texts. The card keeps what the publish
read-back locates (``data-aweme-id``, ``info-title-text``, ``info-time``, 作品ID). The numbers are the 数据中心's
own (``sandbox.common.stats.grown`` at the data clock), so both pages agree.
"""
from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request

from sandbox.common import manage
from sandbox.common.stats import grown, site_now
from sandbox.douyin.auth import NOT_LOGGED_IN, fail, ok
from sandbox.douyin.data import COLUMNS
from sandbox.douyin.models import Work
from sandbox.douyin.pages import layout
from sandbox.douyin.rules import COOKIE

PATH = "/creator-micro/content/manage"
VISIBILITY = {"public": "公开", "friends": "好友可见", "private": "仅自己可见"}
SITE = manage.Site(
    css="semi", row_attr="data-aweme-id", id_field="item_id",
    permission_path="/janus/douyin/creator/pc/work/permission", delete_path="/janus/douyin/creator/pc/work/delete",  # GUESS
    visibility=VISIBILITY, permission_title="设置权限", delete_title="删除作品",
    delete_text="确定删除该作品吗？删除后作品将无法恢复",  # GUESS
    failed_text="操作失败，请稍后重试", missing_text="作品不存在",
    ok=ok, fail=fail, expired=NOT_LOGGED_IN, code_field="status_code")


def router(world) -> APIRouter:
    def user_of(request: Request) -> str | None:
        return world.user_of(request.cookies.get(COOKIE))

    def add(user: str, title: str) -> Work:
        return world.add_work("", user=user, kind="video", title=title, desc="", topics=[], images=0, publish_at=None)

    return manage.router(world, SITE, world.works_of, lambda: world.works, user_of, add)


def manage_page(world, user: str) -> str:
    now = site_now(world)
    works = world.works_of(user)
    cards = "".join(_card(world, w, now) for w in works)
    tabs = "".join(f'<div class="tab-h3i_ps"><div class="tab-item-E7ebGh{" active-SddZpN" if i == 0 else ""}">{t}</div></div>'
                   for i, t in enumerate(("全部作品", "已发布", "审核中", "未通过")))
    return layout(f"""
<div class="card-gkf5WW full-q_Xr0F card-container-onEptt">
 <div class="title-UUrMOP"><div class="card-head-GZc0t6"><div>作品管理</div><div class="search">
  <div class="semi-input-wrapper search-input-t_Rgx2"><input class="semi-input semi-input-default" type="text" placeholder="搜索作品" value=""></div>
 </div></div></div>
 <div class="content-header-bTzYtC"><div class="content-header-op-S0HhLA"><div class="content-header-tabs-BW7UKv">
  <div class="tabs-ejosc1">{tabs}</div></div><div class="content-header-total-cqI3dd">共 {len(works)} 个作品</div></div></div>
 <div class="content-body-ITDUWf">{cards}</div>
 <div class="load-more-dkW_MA"><div class="loading-text-XUAXtG">没有更多作品</div></div>
</div>{manage.dialogs(SITE)}{manage.script(SITE)}""")


def _card(world, w: Work, now) -> str:
    when = f'定时发布 {escape(w.publish_at)}' if w.status == "定时发布" else w.shown_time()
    kind = "图文" if w.kind == "image" else "视频"
    # GUESS: how the real list shows a work's declaration (no saved page has a declared work)
    declared = f'<div class="info-declaration">自主声明：{escape(w.declaration)}</div>' if w.declaration else ""
    figures = "".join(f'<div class="info-figure-item"><span>{label}</span> <span data-metric="{m}">'
                      f'{grown(world, w.id, m, w.created_at, now)}</span></div>' for label, m in COLUMNS)
    return (f'<div class="video-card-zQ02ng" data-aweme-id="{w.id}" data-kind="{w.kind}" data-visibility="{w.visibility}">'
            f'<div class="video-card-cover-Xu3nD1"><img alt="封面" src="{manage.cover(world, w.id)}"></div>'
            f'<div class="video-card-info-AcRRBq"><div class="info-title-text-YTLo9y">{escape(w.title or w.desc)}</div>'
            f'<div class="info-time-iAYLF0">{when}</div><div class="info-kind">{kind} · 作品ID {w.id}</div>'
            f'{declared}<div class="info-figure-Fa2jqY">{figures}</div></div>'
            f'<div class="info-status-AvYzJY">{w.status}</div>'
            f'<div class="info-permission-Lq0vY1">{VISIBILITY[w.visibility]}</div>'
            f'<div class="video-card-op-pw1qYa"><button type="button" class="semi-button" data-manage="permission">设置权限</button>'
            f'<button type="button" class="semi-button semi-button-danger" data-manage="delete">删除</button></div></div>')

