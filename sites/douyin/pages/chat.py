"""www.douyin.com/chat: private messages (they left the creator center in 2026; real-sites-interaction.md §1).

Verified by public code (DouYinSparkFlow's selector set): conversation rows ``[data-e2e="conversation-item"]``
with ``.conversationConversationItemtitle``; messages ``[data-e2e="msg-item-content"]``, the owner's own under
``.MessageBoxContentisFromMe``; the editor ``[data-e2e="msg-input"]`` (Draft.js ``.public-DraftEditor-content``);
the send button ``.messageMsgInputpublishBtn``; failure toasts 消息发送失败 / 系统繁忙 and the rate-limit
words. Opening a conversation marks it read on the real site (the only change reading makes; the replica
keeps no read state). GUESS: the ``data-conversation-id`` / ``data-msg-id`` attributes (without them a
message's id is a digest of conversation, position and text), the time text, 对方已设置不接收私信 / 消息已撤回.
"""
from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, TimeoutError as PlaywrightTimeoutError

from core.errors import PageChanged, RateLimited, TargetGone
from sites.assertions import expect
from sites.douyin.errors import SITE
from sites.douyin.pages.guards import LoginWall, Verification
from sites.douyin.pages.inbox import digest
from sites.douyin.pages.locate import goto, visible
from sites.inbound import Inbound, ReplyProof, before, said_at

PATH = "/chat"
RATE_TEXT = re.compile("发送过于频繁|操作过于频繁|操作频繁|请稍后再试|请勿频繁|系统繁忙")
GONE_TEXT = re.compile("不接收私信|拒绝接收|消息已撤回|用户已被封禁|消息发送失败")
SEND_WAIT_MS = 15_000
READ_MESSAGES_JS = """rows => rows.map(r => ({
  id: r.getAttribute('data-msg-id'), mine: r.classList.contains('MessageBoxContentisFromMe'),
  text: ((r.querySelector('[data-e2e="msg-item-content"]') || {}).innerText || '').trim(),
  time: ((r.querySelector("[class*='time']") || {}).innerText || '').trim()}))"""


class ChatPage:
    def __init__(self, page: Page, www_url: str):
        self.page = page
        self.www_url = www_url
        self.wall = LoginWall(page)
        self.verification = Verification(page)
        self.conversations = visible(page.locator('[data-e2e="conversation-item"]'))
        self.list = page.locator(".conversationConversationListwrapper")
        self.messages = page.locator(
            ":is(.MessageBoxContentwrapper, [class*='MessageBoxContent']):has([data-e2e='msg-item-content'])")
        self.editor = page.locator('[data-e2e="msg-input"] .public-DraftEditor-content')
        self.send_button = page.get_by_role("button", name="发送")
        self.toasts = visible(page.locator(".semi-toast").get_by_text(RATE_TEXT).or_(
            page.locator(".semi-toast").get_by_text(GONE_TEXT)))

    def open(self) -> None:
        goto(self.page, self.www_url + PATH)
        try:
            self.list.or_(self.wall.union).first.wait_for()
        except PlaywrightTimeoutError as e:
            self.wall.raise_if_up()
            raise PageChanged("私信页上找不到会话列表，抖音页面可能改版了", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()

    def conversation_ids(self) -> list[tuple[str, str]]:
        raws = self.conversations.evaluate_all(
            "rows => rows.map(r => [r.getAttribute('data-conversation-id'), "
            "(r.querySelector('.conversationConversationItemtitle') || r).innerText.trim()])")
        return [(cid or digest(title), title) for cid, title in raws]

    def enter(self, conversation_id: str, title: str) -> list[dict]:
        """Open one conversation; its messages, oldest first."""
        row = self.conversations.and_(self.page.locator(f"[data-conversation-id='{conversation_id}']"))
        if not row.count():
            row = self.conversations.filter(has=self.page.locator(".conversationConversationItemtitle", has_text=title))
        if not row.count():
            raise TargetGone(f"抖音私信里找不到和「{title}」的会话", reason="会话不存在", site=SITE, url=self.page.url)
        row.first.click()
        expect(self.editor).to_be_visible()
        self.messages.first.wait_for()
        raws = self.messages.evaluate_all(READ_MESSAGES_JS)
        for n, raw in enumerate(raws):
            raw["id"] = raw["id"] or digest(conversation_id, str(n), raw["text"])
        return raws

    def read(self, since) -> list[Inbound]:
        items = []
        for cid, title in self.conversation_ids():
            raws = self.enter(cid, title)
            for n, raw in enumerate(raws):
                at = said_at(raw["time"])
                if raw["mine"] or before(at, since):
                    continue
                thread = tuple(f"{'我' if m['mine'] else title}：{m['text']}" for m in raws[:n])
                items.append(Inbound(site=SITE, account_key=None, kind="message", item_id=raw["id"], author=title,
                                     text=raw["text"], at=at, target_id=cid, target_title=title, thread=thread,
                                     owner_replied=any(m["mine"] for m in raws[n + 1:])))
        return items

    def send(self, item: Inbound, text: str) -> None:
        self.enter(item.target_id or "", item.target_title or item.author)
        mine_before = self.mine(text).count()
        self.editor.click()
        self.editor.press_sequentially(text)  # Draft.js takes typed keys, not a script's text
        self.send_button.click()
        outcome = self.mine(text).nth(mine_before).or_(self.toasts).or_(self.wall.union).or_(self.verification.slider).first
        try:
            outcome.wait_for(timeout=SEND_WAIT_MS)
        except PlaywrightTimeoutError as e:
            raise PageChanged("抖音没有说私信发送成功与否，抖音页面可能改版了", site=SITE, url=self.page.url) from e
        self.verification.raise_if_asked(send=False)
        self.wall.raise_if_up()
        shown = self.toasts.first.inner_text().strip() if self.toasts.count() else ""
        if RATE_TEXT.search(shown):
            raise RateLimited(f"抖音提示：{shown}，这个账号的私信先暂停", site_message=shown, site=SITE, url=self.page.url)
        if GONE_TEXT.search(shown):
            raise TargetGone(f"抖音提示：{shown}", reason=shown, site=SITE, url=self.page.url)

    def mine(self, text: str) -> Locator:
        return self.messages.and_(self.page.locator(".MessageBoxContentisFromMe")).filter(
            has=self.page.get_by_text(text, exact=True))

    def find(self, item: Inbound, text: str) -> ReplyProof | None:
        raws = self.enter(item.target_id or "", item.target_title or item.author)
        ids = [m["id"] for m in raws]
        start = ids.index(item.item_id) + 1 if item.item_id in ids else 0
        for raw in raws[start:]:
            if raw["mine"] and raw["text"] == text.strip():
                return ReplyProof(item_id=raw["id"], text=raw["text"], by_author=True, visible=True)
        return None
