"""互动管理 → 评论管理 (``/creator-micro/interactive/comment``): the page shell and the JSON it loads.

After real-sites-interaction.md §1 (an Electron app's douyin-service.ts; HISCRM's crawler and reply
scripts): the page loads the works (``GET /aweme/v1/creator/item/list``), a 「选择作品」 button opens the works
picker (``.douyin-creator-interactive-list-items > div``), a combobox (``div.douyin-creator-interactive-select
[role=combobox]``) filters 全部评论 / 未回复 and reloads the list from ``…/comment/list/select/?aweme_id=…
&comment_select_options=0[,not_replied]``. Each comment row (``div.container-…``) has ``div.operations-…``
whose 3rd ``div.item-…`` is 回复; it opens ``div.reply-content-…`` (an input and 发送). Replies load from
``…/comment/list/reply/?comment_id=`` behind 「查看N条回复」 (then 「收起」); the list ends with 「没有更多评论」.
The owner's replies carry ``label_text`` 作者. ``?item_id=`` picks the work (idx 69314597248).
GUESS: the other operation items (赞, 置顶, 删除), the time format, the 回复成功 toast, the ``data-cid``
attribute (the real DOM shows encrypted ids), the error codes other than 15421, and the 仅自己可见 tag on a
reply the site holds back. Behaviour in ``static/comments.js``.
"""
from __future__ import annotations

import asyncio
import random
import zlib
from datetime import datetime

from fastapi import APIRouter, Request

from sandbox.common.inbound import Item, Reply
from sandbox.douyin.auth import NOT_LOGGED_IN, fail, ok
from sandbox.douyin.pages import layout
from sandbox.douyin.rules import COOKIE
from sandbox.douyin.state import SITE_TZ, World

PATH = "/creator-micro/interactive/comment"
LIST = "/web/api/third_party/aweme/api/comment/read/aweme/v1/web/comment/list/select/"
REPLIES = "/web/api/third_party/aweme/api/comment/read/aweme/v1/web/comment/list/reply/"
REPLY = "/aweme/v1/creator/comment/reply/"  # GUESS (one source)
MAX_REPLY = 100  # GUESS: the length the reply box takes
REFUSALS = {  # outcome -> (status_code, status_msg)
    "private": (15421, "私密作品无法评论"),
    "rate": (2053, "操作过于频繁，请稍后再试"),  # code GUESS
    "gone": (2054, "该评论已被删除"),  # GUESS
    "missing": (2054, "该评论已被删除"),
}
SLIDER = 2155
"""status_code that makes the page bring up the slider (GUESS)."""


def comment_page(config: dict) -> str:
    return layout("""
<div class="card-gkf5WW comment-manage-qw7Ldx">
 <div class="title-UUrMOP"><div class="card-head-GZc0t6"><div>评论管理</div></div></div>
 <div class="header-bar-Rk9bq1">
  <button type="button" class="douyin-creator-interactive-button"><span
   class="douyin-creator-interactive-button-content">选择作品</span></button>
  <div class="work-info-h9Tq2x"><span class="work-title-Lp3xd0"></span></div>
  <div class="douyin-creator-interactive-select" role="combobox" tabindex="0" aria-expanded="false"
   aria-haspopup="listbox"><span class="select-value">全部评论</span></div>
  <ul class="douyin-creator-interactive-select-options" role="listbox" hidden>
   <li role="option" data-value="0" aria-selected="true">全部评论</li>
   <li role="option" data-value="0,not_replied" aria-selected="false">未回复</li>
  </ul>
 </div>
 <div class="douyin-creator-interactive-tabs-pane" role="tabpanel"><div class="comment-list-P0aX3e"></div>
  <div class="comment-end-KcJ0m2" hidden>没有更多评论</div></div>
 <div class="semi-modal-wrap work-picker-Zq4N1e" hidden><div class="semi-modal" role="dialog" aria-label="选择作品">
  <div class="semi-modal-header">选择作品</div>
  <div class="douyin-creator-interactive-list-items"></div>
  <div class="semi-modal-footer"><button type="button" class="picker-cancel">取消</button></div>
 </div></div>
 <div id="captcha_container" class="captcha_verify_container" hidden><p>请完成下列验证</p>
  <div class="captcha-slider">按住左边按钮拖动完成上方拼图</div></div>
</div>""", scripts=("common.js", "comments.js"), config=config)


def shown(at: datetime) -> str:
    return at.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M")


def comment_json(item: Item) -> dict:
    return {"cid": item.id, "text": item.text, "create_time": int(item.at.timestamp()), "time_text": shown(item.at),
            "digg_count": 0, "reply_comment_total": len(item.replies), "level": 1, "status": 1,
            "user": {"uid": f"u{zlib.crc32(item.author.encode())}", "nickname": item.author}, "aweme_id": item.target_id}


def reply_json(item: Item, r: Reply) -> dict:
    return {"cid": r.id, "text": r.text, "create_time": int(r.at.timestamp()), "time_text": shown(r.at), "level": 2,
            "label_text": "作者" if r.by_owner else "", "reply_to_username": item.author,
            "user": {"nickname": r.author}, "only_self": not r.visible}


def router(world: World) -> APIRouter:
    api = APIRouter()

    def user(request: Request) -> str | None:
        return world.user_of(request.cookies.get(COOKIE))

    @api.get("/aweme/v1/creator/item/list")
    def item_list(request: Request):
        who = user(request)
        if not who:
            return NOT_LOGGED_IN
        targets = [(w.id, w.title or w.desc) for w in world.works_of(who)] + world.inbox.targets_of(who)
        items = [{"item_id_plain": i, "title": t, "comment_count": len(world.inbox.of(who, target_id=i))}
                 for i, t in dict(targets).items()]
        return ok(item_info_list=items, cursor=0, has_more=False, total_count=len(items))

    @api.get(LIST)
    def comments(request: Request, aweme_id: str = "", comment_select_options: str = "0"):
        who = user(request)
        if not who:
            return NOT_LOGGED_IN
        rows = world.inbox.of(who, kind="comment", target_id=aweme_id)
        if "not_replied" in comment_select_options:
            rows = [i for i in rows if not i.owner_replied]
        return ok(comments=[comment_json(i) for i in rows], cursor=0, has_more=False, total=len(rows))

    @api.get(REPLIES)
    def replies(request: Request, comment_id: str = ""):
        who = user(request)
        if not who:
            return NOT_LOGGED_IN
        item = world.inbox.get(who, comment_id)
        return ok(comments=[reply_json(item, r) for r in item.replies] if item else [], has_more=False)

    @api.post(REPLY)
    async def reply(request: Request):
        cookie = request.cookies.get(COOKIE, "")
        who = world.user_of(cookie)
        if not who:
            return NOT_LOGGED_IN
        body = await request.json()
        text = str(body.get("text") or "").strip()
        if not text or len(text) > MAX_REPLY:
            return fail(f"回复内容需在1-{MAX_REPLY}字之间")  # GUESS
        await asyncio.sleep(world.delay(random.uniform(0.3, 0.8), 0.01))
        outcome = world.inbox.reply(who, cookie, str(body.get("comment_id") or ""), text)
        if outcome.status == "kicked":
            return NOT_LOGGED_IN
        if outcome.status == "slider":
            return fail("请完成安全验证", code=SLIDER)
        if outcome.status in REFUSALS:
            return fail(REFUSALS[outcome.status][1], code=REFUSALS[outcome.status][0])
        return ok(comment_info={"comment_id": outcome.reply.id})

    return api

