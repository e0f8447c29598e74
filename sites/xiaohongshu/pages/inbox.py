"""www.xiaohongshu.com's inbound pages: the notification page (评论和@) and a note's comment area.

Verified by public code (real-sites-interaction.md §2, xpzouying/xiaohongshu-mcp): ``/notification`` with
``.reds-tab-item`` 评论和@, rows ``.tabs-content-container > .container``, the inline reply ``.action-reply``
→ ``textarea.comment-input`` → ``button.submit`` (taken = the textarea goes away within 8 s); the note page
``/explore/<id>?xsec_token=…`` with ``.comments-container``, ``.parent-comment``, ``#comment-<id>``,
「展开 N 条回复」 (``.show-more``), 「这是一片荒地」, the inaccessible-note texts. Personal messages are not on
the web. GUESS: the row's ``data-id`` (the real page keeps ids in ``__INITIAL_STATE__``), its inner classes
(``.user-name``, ``.interaction-content``, ``.interaction-time``, ``.quote-info``, ``.extra``), 回复了你的评论,
the time format, the 作者 ``.tag``, the ``.reply-to`` prefix, the toast's role, the captcha box, 仅自己可见.
"""
from __future__ import annotations

import re
import time
from datetime import datetime

from playwright.sync_api import Locator, Page, TimeoutError as PlaywrightTimeoutError

from core.errors import PageChanged, RateLimited, SliderRequired, TargetGone
from sites.inbound import Inbound, ReplyProof, before, said_at
from sites.xiaohongshu.errors import SITE
from sites.xiaohongshu.pages.locate import goto, visible
from sites.xiaohongshu.pages.login import LoginWall

NOTIFICATION = "/notification"
ROWS = ".tabs-content-container > .container"
REPLY_HINT = "回复了你的评论"
AUTHOR_TAG = "作者"
ONLY_SELF = "仅自己可见"
RATE_TEXT = re.compile("操作过于频繁|操作频繁|请稍后再试|请勿频繁")
GONE_TEXT = re.compile("评论已被删除|评论已删除|当前笔记暂时无法浏览|该内容因违规已被删除|该笔记已被删除|内容不存在|"
                       "笔记不存在|已失效|私密笔记|仅作者可见|因用户设置，你无法查看|因违规无法查看")
CAPTCHA_TEXT = re.compile("请完成验证|滑块验证|安全验证")
REPLY_WAIT_S = 8
NOTE_ID = re.compile(r"/explore/([0-9a-f]{24})")
READ_ROWS_JS = """rows => rows.map(row => {
  const t = css => (row.querySelector(css) || {}).innerText || '', link = row.querySelector('.extra, a[href*="/explore/"]');
  return {id: row.getAttribute('data-id'), author: t('.user-name'), hint: t('.interaction-hint'), time: t('.interaction-time'),
          text: t('.interaction-content'), quote: t('.quote-info'), href: link ? link.getAttribute('href') : '',
          title: t('.note-title')};
})"""
READ_SUBS_JS = """subs => subs.map(s => ({
  id: s.id.replace(/^comment-/, ''), tags: Array.from(s.querySelectorAll('.author span')).map(x => x.innerText.trim()),
  replyTo: ((s.querySelector('.reply-to span') || {}).innerText || '').trim(),
  text: ((s.querySelector('.note-text') || {}).innerText || '').trim()}))"""


class Refusals:
    """What the www pages show when a reply is not taken."""

    def __init__(self, page: Page):
        self.page = page
        self.wall = LoginWall(page)
        alert = page.get_by_role("alert")
        self.toast = visible(alert.get_by_text(RATE_TEXT).or_(alert.get_by_text(GONE_TEXT)))
        self.captcha = visible(page.get_by_role("dialog").get_by_text(CAPTCHA_TEXT))

    @property
    def union(self) -> Locator:
        return self.toast.or_(self.captcha).or_(self.wall.union.filter(visible=True))

    def raise_if_any(self) -> None:
        if self.captcha.count():
            raise SliderRequired("小红书要求完成滑块验证，请在电脑上手动完成后重试", site=SITE, url=self.page.url)
        self.wall.raise_if_up()
        shown = self.toast.first.inner_text().strip() if self.toast.count() else ""
        if RATE_TEXT.search(shown):
            raise RateLimited(f"小红书提示：{shown}，这个账号的回复先暂停", site_message=shown, site=SITE, url=self.page.url)
        if GONE_TEXT.search(shown):
            raise TargetGone(f"小红书提示：{shown}，这条评论无法回复", reason=shown, site=SITE, url=self.page.url)


class NotificationPage:
    def __init__(self, page: Page, www_url: str):
        self.page = page
        self.www_url = www_url
        self.wall = LoginWall(page)
        self.tab = page.get_by_role("tab", name="评论和@")
        self.rows = visible(page.locator(ROWS))
        self.refusals = Refusals(page)

    def open(self) -> None:
        goto(self.page, self.www_url + NOTIFICATION)
        try:
            self.tab.or_(self.wall.union).first.wait_for()
        except PlaywrightTimeoutError as e:
            self.wall.raise_if_up()
            raise PageChanged("通知页上找不到「评论和@」，小红书页面可能改版了", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()
        if self.tab.get_attribute("aria-selected") != "true":
            self.tab.click()

    def read(self, since: datetime | None) -> list[Inbound]:
        items = []
        for raw in self.rows.evaluate_all(READ_ROWS_JS) if self.rows.count() else []:
            at = said_at(raw["time"])
            if before(at, since):
                continue
            note = NOTE_ID.search(raw["href"] or "")
            if not raw["id"] or not note:
                raise PageChanged("通知里读不到评论或笔记的编号，小红书页面可能改版了", site=SITE, url=self.page.url)
            reply = REPLY_HINT in raw["hint"]
            extra = {"note_url": raw["href"], **({"my_comment": raw["quote"].strip()} if reply else {})}
            items.append(Inbound(site=SITE, account_key=None, kind="reply" if reply else "comment", item_id=raw["id"],
                                 author=raw["author"].strip(), text=raw["text"].strip(), at=at,
                                 target_id=note.group(1), target_title=raw["title"].strip() or None, extra=extra))
        return items

    def reply(self, item: Inbound, text: str) -> None:
        row = self.rows.and_(self.page.locator(f"[data-id='{item.item_id}']"))
        if not row.count():
            raise TargetGone(f"小红书通知里这条评论已经不在了（{item.text[:20]}）", reason="已删除", site=SITE,
                             url=self.page.url)
        row.get_by_role("button", name="回复", exact=True).click()
        box = row.locator("textarea.comment-input")
        box.fill(text)
        row.locator("button.submit").click()
        # Taken = the textarea goes away (xiaohongshu-mcp); refused = the page says why. Watched in short
        # slices because "gone" and "says why" cannot be one locator.
        deadline = time.monotonic() + REPLY_WAIT_S
        while box.count():
            try:
                self.refusals.union.first.wait_for(timeout=250)
            except PlaywrightTimeoutError:
                if time.monotonic() > deadline:
                    raise PageChanged("小红书没有说回复成功与否，小红书页面可能改版了", site=SITE, url=self.page.url) from None
                continue
            self.refusals.raise_if_any()
        self.refusals.raise_if_any()


class NotePage:
    """A note's comment area, as its owner sees it."""

    def __init__(self, page: Page, www_url: str):
        self.page = page
        self.www_url = www_url
        self.wall = LoginWall(page)
        self.ready = page.locator(".comments-container").or_(page.get_by_text(GONE_TEXT))

    def open(self, item: Inbound) -> None:
        path = item.extra.get("note_url") or f"/explore/{item.target_id}"
        goto(self.page, path if path.startswith("http") else self.www_url + path)
        try:
            self.ready.or_(self.wall.union).first.wait_for()
        except PlaywrightTimeoutError as e:
            self.wall.raise_if_up()
            raise PageChanged("笔记页上找不到评论区，小红书页面可能改版了", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()

    def owner_replies(self, item: Inbound) -> list[dict]:
        """The owner's (作者) answers to ``item`` in its thread; the thread's folded replies are opened first."""
        thread = self.page.locator(".parent-comment").filter(has=self.page.locator(f"#comment-{item.item_id}"))
        if not thread.count():
            return []
        more = visible(thread.first.locator(".show-more"))
        if more.count():
            more.first.click()
        subs = thread.first.locator(".comment-item-sub")
        answers = []
        for sub in subs.evaluate_all(READ_SUBS_JS):
            to_item = sub["replyTo"] == item.author if item.kind == "reply" else not sub["replyTo"]
            if AUTHOR_TAG in sub["tags"] and to_item:
                answers.append(sub)
        return answers

    def find_reply(self, item: Inbound, text: str) -> ReplyProof | None:
        for sub in self.owner_replies(item):
            if sub["text"] == text.strip():
                return ReplyProof(item_id=sub["id"], text=sub["text"], by_author=True, visible=ONLY_SELF not in sub["tags"])
        return None
