"""评价管理 → 来自买家的评价 (``/home.htm/comment-manage/list/rateWait4PC``) and 问大家
(``/home.htm/comment-manage/ask-all``): the pages and the reply endpoint.

After real-sites-interaction.md §3: the paths, the 来自买家的评价 list (rows of ``mainRate{feedId, content,
date}``, ``appendRate`` shown as 「确认收货后N天后追加评论」, ``userInfo.userName`` masked ``w**``,
``itemInfo{itemId, title}``, ``orderInfo.mainOrderId``), the sentiment filter (全部 / 正面 / 中性 / 负面 in the
API; the buyer's own words 好评 / 中评 / 差评 on the row), the 已回复 / 未回复 filter, replies up to 500
characters, the seller's reply called 解释.
GUESS: the page layout, the 回复 / 提交 / 回答 buttons, the reply endpoint (no public source names it), the
回复成功 toast, the 掌柜回复 label of a 问大家 answer, the refusal texts other than 操作过于频繁, and the
仅自己可见 tag on a reply the site holds back. Filters are links (the real SPA re-queries in place).
"""
from __future__ import annotations

import asyncio
import random
from html import escape
from urllib.parse import urlencode

from fastapi import APIRouter, Request

from sandbox.common.inbound import Item
from sandbox.taobao.api import NOT_LOGIN
from sandbox.taobao.baxia import punish_url
from sandbox.taobao.rules import COOKIE
from sandbox.taobao.state import SITE_TZ, World

REVIEWS = "/home.htm/comment-manage/list/rateWait4PC"
ASK = "/home.htm/comment-manage/ask-all"
REPLY = "/comment-manage/reply.json"  # GUESS
MAX_REPLY = 500
RATINGS = (("ALL", "全部"), ("POSITIVE", "好评"), ("NEUTRAL", "中评"), ("NEGATIVE", "差评"))
EMOTION = {"好评": "POSITIVE", "中评": "NEUTRAL", "差评": "NEGATIVE"}
STATUSES = (("ALL", "全部"), ("UNREPLIED", "未回复"), ("REPLIED", "已回复"))
REFUSALS = {
    "private": "该评价暂不支持回复",  # GUESS
    "rate": "操作过于频繁，请稍后再试",
    "gone": "该评价已被删除",  # GUESS
    "missing": "该评价已被删除",
}
OWNER_LABEL = {"review": "解释", "question": "掌柜回复"}


def shown(item: Item) -> str:
    return item.at.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M")


def owner_block(item: Item) -> str:
    label = OWNER_LABEL[item.kind]
    return "".join(f'<div class="rate-reply" data-reply-id="{r.id}"><span class="reply-label">{label}</span>'
                   f'{"<span class=only-self>仅自己可见</span>" if not r.visible else ""}'
                   f'<span class="reply-content">{escape(r.text)}</span></div>' for r in item.replies if r.by_owner)


def review_row(item: Item) -> str:
    append = item.extra.get("append")
    days = item.extra.get("append_days", 3)
    append_html = (f'<div class="rate-append"><span class="append-title">确认收货后{days}天后追加评论</span>'
                   f'<span class="append-content">{escape(append)}</span></div>') if append else ""
    action = "" if item.owner_replied else '<button type="button" class="next-btn reply-btn">回复</button>'
    return (f'<div class="rate-item" data-feed-id="{item.id}" data-kind="review">'
            f'<div class="rate-head"><span class="rate-user">{escape(item.author)}</span>'
            f'<span class="rate-emotion">{escape(item.extra.get("rating", "好评"))}</span>'
            f'<span class="rate-date">{shown(item)}</span></div>'
            f'<div class="rate-content">{escape(item.text)}</div>{append_html}'
            f'<div class="rate-item-info"><a class="item-title" data-item-id="{item.target_id}" '
            f'href="/item.htm?id={item.target_id}">{escape(item.target_title)}</a>'
            f'<span class="order-id">订单号：{escape(str(item.extra.get("order_id", "")))}</span></div>'
            f'{owner_block(item)}<div class="rate-actions">{action}</div></div>')


def question_row(item: Item) -> str:
    action = "" if item.owner_replied else '<button type="button" class="next-btn reply-btn">回答</button>'
    others = "".join(f'<div class="ask-answer"><span class="answer-user">{escape(r.author)}</span>'
                     f'<span class="reply-content">{escape(r.text)}</span></div>' for r in item.replies if not r.by_owner)
    return (f'<div class="rate-item ask-item" data-feed-id="{item.id}" data-kind="question">'
            f'<div class="rate-head"><span class="ask-tag">问</span><span class="rate-user">{escape(item.author)}</span>'
            f'<span class="rate-date">{shown(item)}</span></div>'
            f'<div class="rate-content">{escape(item.text)}</div>'
            f'<div class="rate-item-info"><a class="item-title" data-item-id="{item.target_id}" '
            f'href="/item.htm?id={item.target_id}">{escape(item.target_title)}</a></div>'
            f'{others}{owner_block(item)}<div class="rate-actions">{action}</div></div>')


def filter_links(path: str, name: str, options, current: str, keep: dict) -> str:
    return "".join(f'<a role="tab" aria-selected="{str(key == current).lower()}" class="filter-tab'
                   f'{" active" if key == current else ""}" href="{path}?{urlencode({**keep, name: key})}">{label}</a>'
                   for key, label in options)


def reviews_page(items: list[Item], emotion: str, status: str) -> str:
    rows = "".join(review_row(i) for i in items) or '<div class="rate-empty">暂无数据</div>'
    return f"""
<div class="qn-card rate-manage"><h2>评价管理</h2>
 <div class="next-tabs" role="tablist"><a role="tab" aria-selected="true" class="next-tabs-tab active"
  href="{REVIEWS}">来自买家的评价</a><a role="tab" aria-selected="false" class="next-tabs-tab" href="{ASK}">问大家</a></div>
 <div class="rate-filter"><div class="filter-line" role="tablist" aria-label="评价类型"><span>评价类型：</span>
  {filter_links(REVIEWS, "emotion", RATINGS, emotion, {"replyStatus": status})}</div>
  <div class="filter-line" role="tablist" aria-label="回复状态"><span>回复状态：</span>
  {filter_links(REVIEWS, "replyStatus", STATUSES, status, {"emotion": emotion})}</div></div>
 <p class="rate-total">共 {len(items)} 条评价</p>
 <div class="rate-list">{rows}</div></div>"""


def ask_page(items: list[Item], status: str) -> str:
    rows = "".join(question_row(i) for i in items) or '<div class="rate-empty">暂无数据</div>'
    return f"""
<div class="qn-card rate-manage"><h2>评价管理</h2>
 <div class="next-tabs" role="tablist"><a role="tab" aria-selected="false" class="next-tabs-tab"
  href="{REVIEWS}">来自买家的评价</a><a role="tab" aria-selected="true" class="next-tabs-tab active" href="{ASK}">问大家</a></div>
 <div class="rate-filter"><div class="filter-line" role="tablist" aria-label="回复状态"><span>回答状态：</span>
  {filter_links(ASK, "replyStatus", (("ALL", "全部"), ("UNREPLIED", "待回答"), ("REPLIED", "已回答")), status, {})}</div></div>
 <p class="rate-total">共 {len(items)} 个问题</p>
 <div class="rate-list">{rows}</div></div>"""


def pick(items: list[Item], emotion: str = "ALL", status: str = "ALL") -> list[Item]:
    if emotion != "ALL":
        items = [i for i in items if EMOTION.get(i.extra.get("rating", "好评")) == emotion]
    if status == "UNREPLIED":
        items = [i for i in items if not i.owner_replied]
    elif status == "REPLIED":
        items = [i for i in items if i.owner_replied]
    return items


def router(world: World) -> APIRouter:
    api = APIRouter()

    @api.post(REPLY)
    async def reply(request: Request):
        cookie = request.cookies.get(COOKIE, "")
        who = world.user_of(cookie)
        if not who:
            return NOT_LOGIN
        body = await request.json()
        text = str(body.get("content") or "").strip()
        if not text or len(text) > MAX_REPLY:
            return {"success": False, "code": "INVALID", "message": f"回复内容需在1-{MAX_REPLY}字之间"}  # GUESS
        await asyncio.sleep(world.delay(random.uniform(0.3, 0.8), 0.01))
        token = world.maybe_slider(cookie, "submit")
        if token:
            return {"success": False, "code": "BAXIA", "punishUrl": punish_url(token)}
        outcome = world.inbox.reply(who, cookie, str(body.get("feedId") or ""), text)
        if outcome.status == "kicked":
            return NOT_LOGIN
        if outcome.status == "slider":
            with world.lock:
                world.faults["slider_submits"] += 1
            return {"success": False, "code": "BAXIA", "punishUrl": punish_url(world.maybe_slider(cookie, "submit"))}
        if outcome.status in REFUSALS:
            return {"success": False, "code": outcome.status.upper(), "message": REFUSALS[outcome.status]}
        return {"success": True, "data": {"replyId": outcome.reply.id, "onlySelf": not outcome.reply.visible}}

    return api
