"""www.xiaohongshu.com's inbound pages: the notification page (``/notification``, tab 评论和@) and the note
page's comment area (``/explore/<note_id>``), with the comment endpoint both post to.

After real-sites-interaction.md §2 (xpzouying/xiaohongshu-mcp): tabs ``.reds-tab-item`` 评论和@ / 赞和收藏 /
新增关注; rows ``.tabs-content-container > .container`` (comment on my note = ``comment/item``, reply to my
comment = ``comment/comment``), inline reply: ``.action-reply`` → ``textarea.comment-input`` (placeholder names
the nickname) → ``button.submit``, success = the textarea goes away. Note page: ``.comments-container``,
``.parent-comment`` / ``.comment-item``, ``#comment-<id>``, ``.right .interactions .reply``, the input
``div.input-box div.content-edit p.content-input`` and ``div.bottom button.submit``; 「展开 N 条回复」;
「这是一片荒地」 when empty; ``.end-container`` THE END; posting ``POST /api/sns/web/v1/comment/post`` with
``note_id, content, target_comment_id``. Personal messages are not on the web (no page here either).
GUESS: the row's inner classes and texts (评论了你的笔记 / 回复了你的评论), the time format, the 作者 tag's
class, the ``回复 昵称：`` prefix element, the refusal texts and the 仅自己可见 tag; one origin serves
www and creator paths, and a dead session is sent to ``/login`` (the real www page opens a login modal).
"""
from __future__ import annotations

import json
from html import escape

from fastapi import APIRouter, Request

from sandbox.common.inbound import THREAD_SUFFIX, Item, Reply
from sandbox.xiaohongshu.api import EXPIRED, fail, ok
from sandbox.xiaohongshu.pages import layout
from sandbox.xiaohongshu.rules import COOKIE
from sandbox.xiaohongshu.state import SITE_TZ, World

NOTIFICATION = "/notification"
POST = "/api/sns/web/v1/comment/post"
MAX_COMMENT = 280  # GUESS
SLIDER = 461
"""HTTP-like code of the captcha answer (the real site answers HTTP 461 with ``Verifytype``)."""
REFUSALS = {
    "private": "当前笔记暂时无法浏览",
    "rate": "操作过于频繁，请稍后再试",  # GUESS wording on XHS
    "gone": "评论已被删除",  # GUESS
    "missing": "评论已被删除",
}
INBOX_CSS = '<link rel="stylesheet" href="/static/inbox.css">'
"""The inbound pages' own styles, apart from the publish pages' ``style.css``."""
HINT = {"comment": "评论了你的笔记", "reply": "回复了你的评论"}


def shown(item_or_reply) -> str:
    return item_or_reply.at.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M")


def note_href(item: Item) -> str:
    return f"/explore/{item.target_id}?xsec_token=XS{item.target_id[:8]}&xsec_source=pc_notice"


def notice_row(item: Item) -> str:
    quote = (f'<div class="quote-info">{escape(item.extra.get("my_comment", ""))}</div>'
             if item.kind == "reply" else "")
    kind = "comment/comment" if item.kind == "reply" else "comment/item"
    return (f'<div class="container" data-id="{item.id}" data-type="{kind}">'
            f'<div class="user-info"><a class="user-name">{escape(item.author)}</a></div>'
            f'<div class="interaction-hint"><span class="hint">{HINT[item.kind]}</span>'
            f'<span class="interaction-time">{shown(item)}</span></div>'
            f'<div class="interaction-content">{escape(item.text)}</div>{quote}'
            f'<a class="extra" data-note-id="{item.target_id}" href="{note_href(item)}">'
            f'<span class="note-title">{escape(item.target_title)}</span></a>'
            f'<div class="actions"><div class="action-reply" role="button">回复</div></div></div>')


def notification_page(items: list[Item], config: dict) -> str:
    rows = "".join(notice_row(i) for i in items) or '<div class="empty">暂无消息</div>'
    tabs = "".join(f'<div class="reds-tab-item{" active" if i == 0 else ""}" role="tab" aria-selected="{str(i == 0).lower()}">'
                   f'{t}</div>' for i, t in enumerate(("评论和@", "赞和收藏", "新增关注")))
    return layout("通知 - 小红书", f"""{INBOX_CSS}
<div class="notification-page" data-config="{escape(json.dumps(config))}">
 <div class="reds-tabs-list" role="tablist">{tabs}</div>
 <div class="tabs-content-container">{rows}</div>
 <div class="end-container">- THE END -</div>
</div>""", script="inbox.js", menu=False)


def comment_block(cid: str, author: str, text: str, at: str, *, owner: bool, sub: bool, reply_to: str = "",
                  only_self: bool = False) -> str:
    tag = '<span class="tag">作者</span>' if owner else ""
    hidden = '<span class="only-self">仅自己可见</span>' if only_self else ""
    prefix = f'<span class="reply-to">回复 <span>{escape(reply_to)}</span>：</span>' if reply_to else ""
    return (f'<div class="comment-item{" comment-item-sub" if sub else ""}" id="comment-{cid}">'
            f'<div class="right"><div class="author-wrapper"><div class="author"><a class="name">{escape(author)}</a>'
            f'{tag}{hidden}</div></div><div class="content">{prefix}<span class="note-text">{escape(text)}</span></div>'
            f'<div class="info"><div class="date"><span>{at}</span></div>'
            f'<div class="interactions"><div class="reply" role="button">回复</div></div></div></div></div>')


def owner_reply_block(item: Item, r: Reply) -> str:
    return comment_block(r.id, r.author, r.text, shown(r), owner=True, sub=True,
                         reply_to=item.author if item.kind == "reply" else "", only_self=not r.visible)


def thread(item: Item, owner_name: str) -> str:
    """One ``.parent-comment``: a comment on the note with the owner's replies under it, or the owner's
    own comment with the reply to it and her answers."""
    subs = "".join(owner_reply_block(item, r) for r in item.replies)
    if item.kind == "reply":
        parent = comment_block(f"{item.id}{THREAD_SUFFIX}", owner_name, item.extra.get("my_comment", ""), shown(item),
                               owner=True, sub=False)
        subs = comment_block(item.id, item.author, item.text, shown(item), owner=False, sub=True) + subs
    else:
        parent = comment_block(item.id, item.author, item.text, shown(item), owner=False, sub=False)
    count = subs.count('class="comment-item comment-item-sub"')
    more = f'<div class="show-more" role="button">展开 {count} 条回复</div>' if count else ""
    return f'<div class="parent-comment">{parent}<div class="reply-container" hidden>{subs}</div>{more}</div>'


def note_page(note_id: str, title: str, body: str, items: list[Item], owner_name: str, config: dict) -> str:
    threads = "".join(thread(i, owner_name) for i in items)
    listing = (f'<div class="list-container">{threads}</div><div class="end-container">- THE END -</div>' if items
               else '<div class="no-comments-text">这是一片荒地</div>')
    return layout(f"{title} - 小红书", f"""{INBOX_CSS}
<div class="note-container" data-note-id="{note_id}" data-config="{escape(json.dumps(config))}">
 <h2 class="title" id="detail-title">{escape(title)}</h2>
 <div class="desc" style="white-space:pre-wrap">{escape(body)}</div>
 <div class="comments-container"><div class="total">共 {len(items)} 条评论</div>{listing}</div>
 <div class="engage-bar"><div class="input-box"><div class="content-edit"><span>说点什么...</span>
  <p class="content-input" contenteditable="true" role="textbox"></p></div></div>
  <div class="bottom"><button type="button" class="btn submit">发送</button>
   <button type="button" class="btn cancel">取消</button></div></div>
</div>""", script="inbox.js", menu=False)


def router(world: World) -> APIRouter:
    api = APIRouter()

    @api.post(POST)
    async def post(request: Request):
        # Only replies (with target_comment_id): a new top-level comment is not part of the inbound story.
        outcome = await world.inbox.answer(request, COOKIE, "target_comment_id", "content", MAX_COMMENT)
        if outcome.status in ("logged_out", "kicked"):
            return EXPIRED
        if outcome.status == "invalid":
            return fail(f"评论内容需在1-{MAX_COMMENT}字之间")  # GUESS
        if outcome.status == "slider":
            return fail("请完成验证", code=SLIDER)
        if outcome.status in REFUSALS:
            return fail(REFUSALS[outcome.status])
        return ok({"comment": {"id": outcome.reply.id, "content": outcome.reply.text,
                               "show_tags": ["is_author"], "only_self": not outcome.reply.visible}})

    return api
