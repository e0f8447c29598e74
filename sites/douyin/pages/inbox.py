"""互动管理 → 评论管理 (``/creator-micro/interactive/comment``): read the comments on each work, reply
inline, read the reply back with its 作者 label.

Verified by public code (real-sites-interaction.md §1): the path and ``?item_id=``, 「选择作品」, the works
picker ``.douyin-creator-interactive-list-items > div``, the ``div.douyin-creator-interactive-select
[role=combobox]`` with 「未回复」, rows ``div[class^=container-]`` with ``div[class^=operations-]`` holding
回复, ``div[class^=reply-content-]`` with an input and 「发送」, 「查看N条回复」/「收起」, 「没有更多评论」,
``label_text`` 作者, 「私密作品无法评论」 and 「操作过于频繁」.
GUESS: the picker rows' ``data-item-id`` and the rows' ``data-cid`` (the real DOM shows encrypted ids, so
without them a comment's id is a digest of work, nickname, text and time), the time format, the 回复成功
toast, the 仅自己可见 tag, the wording of a deleted comment.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from playwright.sync_api import Locator, Page, TimeoutError as PlaywrightTimeoutError

from core.errors import LoginRequired, PageChanged, RateLimited, TargetGone
from sites.assertions import expect
from sites.douyin.errors import SITE
from sites.douyin.pages.guards import LoginWall, Verification
from sites.douyin.pages.locate import goto, visible
from sites.inbound import Inbound, ReplyProof, before, said_at

PATH = "/creator-micro/interactive/comment"
END_TEXT = "没有更多评论"
RELOAD_WAIT_MS = 5_000
"""How long the filtered list may take to replace the unfiltered one."""
ROW_CSS = ("div[class^='container-']:has(div[class^='operations-'])"
           ":not(:has(div[class^='container-'] div[class^='operations-']))")  # the innermost: page shells are container-* too
RATE_TEXT = re.compile("操作过于频繁|操作频繁|发送过于频繁|请稍后再试|请勿频繁")
GONE_TEXT = re.compile("私密作品无法评论|评论已被删除|评论已删除|评论不存在|作品已删除|作品不存在")
DONE_TEXT = "回复成功"
AUTHOR_LABEL = "作者"
ONLY_SELF = "仅自己可见"
REPLY_WAIT_MS = 15_000
# Per row: its id attribute, nickname, time, text and reply toggle, read in one round trip.
READ_ROWS_JS = """rows => rows.map(row => {
  const q = css => row.querySelector(css);
  const name = q("[class^='username-']"), time = q("[class^='time-']"), text = q("[class^='comment-content-text-']");
  return {cid: row.getAttribute('data-cid'), author: name ? name.innerText : '', time: time ? time.innerText : '',
          text: text ? text.innerText : ''};
})"""
READ_WORKS_JS = """rows => rows.map(r => ({
  id: r.getAttribute('data-item-id'), title: (r.querySelector("[class^='title-']") || r).innerText}))"""
READ_REPLIES_JS = """rows => rows.map(row => ({
  cid: row.getAttribute('data-cid'), text: (row.querySelector("[class^='comment-content-text-']") || {}).innerText || '',
  labels: Array.from(row.querySelectorAll("[class^='info-'] span")).map(s => s.innerText.trim()),
}))"""


@dataclass(frozen=True)
class Work:
    work_id: str
    title: str


class CommentPage:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.wall = LoginWall(page)
        self.verification = Verification(page)
        self.pick_button = page.get_by_role("button", name="选择作品")
        self.picker_rows = page.locator(".douyin-creator-interactive-list-items > div")
        self.picker_cancel = visible(page.get_by_role("dialog").get_by_role("button", name="取消"))
        self.filter = page.locator("div.douyin-creator-interactive-select[role=combobox]")
        self.unreplied = visible(page.get_by_role("option", name="未回复", exact=True))
        self.end = visible(page.get_by_text(END_TEXT, exact=True))
        self.rows = visible(page.locator(ROW_CSS))
        toast = page.locator(".semi-toast")  # Semi's toast: the page's own words, never a comment's
        self.toasts = visible(toast.get_by_text(RATE_TEXT).or_(toast.get_by_text(GONE_TEXT)))
        self.done = visible(toast.get_by_text(DONE_TEXT, exact=True))

    # -- opening ------------------------------------------------------------------------------------
    def open(self, work_id: str | None = None) -> None:
        goto(self.page, self.base_url + PATH + (f"?item_id={work_id}" if work_id else ""))
        self._wait_list()

    def _wait_list(self) -> None:
        try:
            self.end.or_(self.wall.union).first.wait_for()
        except PlaywrightTimeoutError as e:
            self.wall.raise_if_up()
            raise PageChanged("评论管理页上找不到评论列表，抖音页面可能改版了", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()

    def works(self) -> list[Work]:
        """The works the picker offers; the picker is closed again (choosing nothing changes nothing)."""
        self.pick_button.click()
        try:
            self.picker_rows.first.wait_for()
        except PlaywrightTimeoutError:
            return []  # an account with no works
        raws = self.picker_rows.evaluate_all(READ_WORKS_JS)
        if self.picker_cancel.count():
            self.picker_cancel.first.click()
        if any(not r["id"] for r in raws):
            raise PageChanged("作品选择框里读不到作品编号，抖音页面可能改版了", site=SITE, url=self.page.url)
        return [Work(r["id"], r["title"].strip()) for r in raws]

    def show_unreplied(self) -> None:
        """The 未回复 filter: the list reloads with only the comments the owner has not answered."""
        # The rows shown now belong to the unfiltered list: wait for the reload to take them away, or a read
        # in between sees an emptied list and takes every comment for answered (or the old list for open).
        old = self.rows.first.element_handle() if self.rows.count() else None
        self.filter.click()
        self.unreplied.click()
        expect(self.filter).to_contain_text("未回复")
        if old is not None:
            try:
                self.page.wait_for_function("row => !row.isConnected", arg=old, timeout=RELOAD_WAIT_MS)
            except PlaywrightTimeoutError:
                pass  # a page that keeps its row elements across the reload: the list below is the answer
        self._wait_list()

    # -- reading ------------------------------------------------------------------------------------
    def comments(self, work: Work) -> list[dict]:
        raws = self.rows.evaluate_all(READ_ROWS_JS) if self.rows.count() else []
        for raw in raws:
            raw["cid"] = raw["cid"] or digest(work.work_id, raw["author"], raw["text"], raw["time"])
        return raws

    def read(self, work: Work, since: datetime | None) -> list[Inbound]:
        """The work's comments (the page is open on it): all of them, then the 未回复 ones."""
        everyone = self.comments(work)
        self.show_unreplied()
        open_ids = {raw["cid"] for raw in self.comments(work)}
        items = []
        for raw in everyone:
            at = said_at(raw["time"])
            if before(at, since):
                continue
            items.append(Inbound(site=SITE, account_key=None, kind="comment", item_id=raw["cid"],
                                 author=raw["author"].strip(), text=raw["text"].strip(), at=at,
                                 target_id=work.work_id, target_title=work.title,
                                 owner_replied=raw["cid"] not in open_ids))
        return items

    def row_of(self, item: Inbound) -> Locator:
        by_id = self.rows.and_(self.page.locator(f"[data-cid='{item.item_id}']"))
        if by_id.count():
            return by_id.first
        by_text = self.rows.filter(has_text=item.author).filter(has_text=item.text)
        if by_text.count():
            return by_text.first
        raise TargetGone(f"抖音上这条评论已经不在了（{item.author}：{item.text[:20]}）", reason="评论已删除",
                         site=SITE, url=self.page.url)

    # -- replying -----------------------------------------------------------------------------------
    def reply(self, item: Inbound, text: str) -> None:
        row = self.row_of(item)
        row.get_by_role("button", name="回复", exact=True).click()
        box = row.locator("div[class^='reply-content-']")
        box.get_by_role("textbox").fill(text)
        box.get_by_role("button", name="发送").click()
        shown = row.get_by_role("button", name="收起")  # the page opens the replies once it took this one
        outcome = self.done.or_(shown).or_(self.toasts).or_(self.wall.union).or_(self.verification.slider).first
        try:
            outcome.wait_for(timeout=REPLY_WAIT_MS)
        except PlaywrightTimeoutError as e:
            raise PageChanged("抖音没有说回复成功与否，抖音页面可能改版了", site=SITE, url=self.page.url) from e
        self.raise_refusal()

    def raise_refusal(self) -> None:
        self.verification.raise_if_asked(send=False)
        if self.wall.up():
            raise LoginRequired("抖音登录已失效（账号在别处登录或被踢下线），需要重新扫码登录", site=SITE, url=self.page.url)
        shown = self.toasts.first.inner_text().strip() if self.toasts.count() else ""
        if RATE_TEXT.search(shown):
            raise RateLimited(f"抖音提示：{shown}，这个账号的回复先暂停", site_message=shown, site=SITE, url=self.page.url)
        if GONE_TEXT.search(shown):
            raise TargetGone(f"抖音提示：{shown}，这条评论无法回复", reason=shown, site=SITE, url=self.page.url)
        if self.wall.up():
            raise LoginRequired("抖音登录已失效，需要重新扫码登录", site=SITE, url=self.page.url)

    def find_reply(self, item: Inbound, text: str) -> ReplyProof | None:
        row = self.row_of(item)
        toggle = row.get_by_role("button", name=re.compile(r"^查看\d+条回复$"))
        if not toggle.count():
            return None
        toggle.click()
        replies = row.locator("div[class^='reply-item-']")
        expect(row.get_by_role("button", name="收起")).to_be_visible()
        for raw in replies.evaluate_all(READ_REPLIES_JS):
            if raw["text"].strip() == text.strip() and AUTHOR_LABEL in raw["labels"]:
                return ReplyProof(item_id=raw["cid"] or item.item_id, text=raw["text"].strip(), by_author=True,
                                  visible=ONLY_SELF not in raw["labels"])
        return None


def digest(*parts: str) -> str:
    """A stable id for a comment whose row shows none (the real DOM's ids are encrypted per view)."""
    return "h" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:18]
