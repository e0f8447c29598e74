"""www.douyin.com/chat: private messages, which left the creator center (real-sites-interaction.md §1).

After DouYinSparkFlow's selector set: conversation rows ``[data-e2e="conversation-item"]``
(``.conversationConversationItemwrapper``, title ``.conversationConversationItemtitle``) in
``.conversationConversationListwrapper``; messages ``[data-e2e="msg-item-content"]``, the owner's own inside
``.MessageBoxContentisFromMe``; the Draft.js editor ``[data-e2e="msg-input"] .public-DraftEditor-content``;
the send button ``.messageMsgInputpublishBtn`` (``.messageMsgInputpublishRedBtn`` once there is text);
``POST …/v1/message/send``; failure toasts 消息发送失败 / 系统繁忙 / 发送过于频繁. One origin serves www and
creator paths; a dead session shows the QR login box in place (the real page: ``[data-e2e="login-container"]``).
GUESS: the history endpoint's shape, the ``data-msg-id`` / ``data-conversation-id`` attributes, the time
text, the refusal words for a user who takes no messages (对方已设置不接收私信) and for a withdrawn message.
Behaviour in ``static/chat.js``.
"""
from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request

from sandbox.common.inbound import Item
from sandbox.douyin.auth import NOT_LOGGED_IN, fail, ok
from sandbox.douyin.comments import INBOX_CSS, SLIDER, shown
from sandbox.douyin.pages import layout
from sandbox.douyin.rules import COOKIE
from sandbox.douyin.state import World

PATH = "/chat"
HISTORY = "/v1/im/message/history"
SEND = "/v1/message/send"
MAX_MESSAGE = 500  # GUESS
REFUSALS = {
    "private": (7175, "对方已设置不接收私信"),  # GUESS (HISCRM lists 用户拒绝接收)
    "rate": (7195, "发送过于频繁，请稍后再试"),
    "gone": (7176, "消息已撤回"),  # GUESS
    "missing": (7176, "消息已撤回"),
}


def conversations(items: list[Item]) -> list[dict]:
    """One row per person who wrote, newest conversation first."""
    rows: dict[str, dict] = {}
    for item in items:  # newest first
        rows.setdefault(item.target_id, {"id": item.target_id, "title": item.author, "last": item.text,
                                         "time": shown(item.at)})
    return list(rows.values())


def history(items: list[Item]) -> list[dict]:
    """A conversation's messages, oldest first: theirs and the owner's answers."""
    said = [(i.at, {"id": i.id, "text": i.text, "mine": False, "time": shown(i.at)}) for i in items]
    said += [(r.at, {"id": r.id, "text": r.text, "mine": True, "time": shown(r.at)}) for i in items for r in i.replies]
    return [m for _, m in sorted(said, key=lambda pair: pair[0])]


def chat_page(rows: list[dict], config: dict) -> str:
    items = "".join(
        f'<div data-e2e="conversation-item" class="conversationConversationItemwrapper" role="listitem" '
        f'data-conversation-id="{r["id"]}"><div class="conversationConversationItemtitle">{escape(r["title"])}</div>'
        f'<div class="conversationConversationItemcontent">{escape(r["last"])}</div>'
        f'<span class="conversationConversationItemtime">{r["time"]}</span></div>'
        for r in rows)
    return layout(f"""{INBOX_CSS}
<div class="chat-page-Wq1x8e">
 <div class="conversationConversationListwrapper" role="list">{items or '<div class="empty">暂无私信</div>'}</div>
 <div class="messageMessageBoxwrapper">
  <div class="messageMessageBoxheader"></div>
  <div class="messageMessageBoxlist"></div>
  <div class="messageMsgInputwrapper" hidden><div data-e2e="msg-input"><div class="public-DraftEditor-content"
   contenteditable="true" role="textbox" aria-label="发送消息"></div></div>
   <div class="messageMsgInputpublishBtn" role="button">发送</div></div>
 </div>
 <div id="captcha_container" class="captcha_verify_container" hidden><p>请完成下列验证</p></div>
</div>""", scripts=("common.js", "chat.js"), config=config, menu=False)


def router(world: World) -> APIRouter:
    api = APIRouter()

    @api.get(HISTORY)
    def message_history(request: Request, conversation_id: str = ""):
        who = world.user_of(request.cookies.get(COOKIE))
        if not who:
            return NOT_LOGGED_IN
        return ok(messages=history(world.inbox.of(who, kind="message", target_id=conversation_id)))

    @api.post(SEND)
    async def send(request: Request):
        outcome = await world.inbox.answer(request, COOKIE, "reply_to", "text", MAX_MESSAGE)
        if outcome.status in ("logged_out", "kicked"):
            return NOT_LOGGED_IN
        if outcome.status == "invalid":
            return fail("消息发送失败")
        if outcome.status == "slider":
            return fail("请完成安全验证", code=SLIDER)
        if outcome.status in REFUSALS:
            return fail(REFUSALS[outcome.status][1], code=REFUSALS[outcome.status][0])
        return ok(msg_id=outcome.reply.id)

    return api
