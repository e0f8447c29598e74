"""评价管理 → 来自买家的评价 and 问大家: read buyers' reviews and questions, reply (解释 / 回答), read back.

Verified by public code (real-sites-interaction.md §3): the paths under myseller.taobao.com, the row
fields (feedId, content, date, the buyer's masked name, the item, the order, 追评 shown as
「确认收货后N天后追加评论」), 已回复 / 未回复, replies of at most 500 characters.
GUESS (no public source shows the seller page's DOM or its reply call): rows ``[data-feed-id]`` with
``.rate-user`` / ``.rate-emotion`` / ``.rate-date`` / ``.rate-content`` / ``.rate-append`` /
``.item-title[data-item-id]`` / ``.order-id``, the owner's reply ``.rate-reply`` labelled 解释 (掌柜回复 on
问大家), the 回复 / 回答 and 提交 buttons, the 回复成功 toast, the refusal texts, the 仅自己可见 tag.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from playwright.sync_api import Locator, Page, TimeoutError as PlaywrightTimeoutError

from core.errors import PageChanged, RateLimited, TargetGone
from sites.common import parse_site_time
from sites.inbound import Inbound, ReplyProof
from sites.taobao.errors import SITE
from sites.taobao.pages.guards import LoginWall, raise_if_slider, slider_frame
from sites.taobao.pages.locate import goto, visible
from sites.taobao.pages.urls import SiteUrls

ROW_CSS = "[data-feed-id]"
READY_TEXT = re.compile(r"共\s*\d+\s*(条评价|个问题)")
RATE_TEXT = re.compile("操作过于频繁|操作频繁|请稍后再试|请勿频繁")
GONE_TEXT = re.compile("已被删除|不存在|暂不支持回复|已超过")
DONE_TEXT = "回复成功"
OWNER_LABELS = ("解释", "掌柜回复")
ONLY_SELF = "仅自己可见"
REPLY_WAIT_MS = 15_000
PAGES = {"review": ("reviews", "回复"), "question": ("ask", "回答")}
READ_ROWS_JS = """rows => rows.map(row => {
  const q = css => row.querySelector(css), t = css => (q(css) || {}).innerText || '';
  const item = q('.item-title');
  return {id: row.getAttribute('data-feed-id'), author: t('.rate-user'), rating: t('.rate-emotion'), time: t('.rate-date'),
          text: t('.rate-content'), append: t('.append-content'), order: t('.order-id').replace(/^订单号：/, ''),
          item_id: item ? item.getAttribute('data-item-id') : null, item_title: item ? item.innerText : '',
          replies: Array.from(row.querySelectorAll('.rate-reply')).map(r => ({
            id: r.getAttribute('data-reply-id'), text: (r.querySelector('.reply-content') || {}).innerText || '',
            labels: Array.from(r.querySelectorAll('span')).map(s => s.innerText.trim())}))};
})"""


class InboxPage:
    """One of the two lists (``kind`` ``review`` or ``question``)."""

    def __init__(self, page: Page, urls: SiteUrls, kind: str):
        self.page = page
        self.urls = urls
        self.kind = kind
        self.url_name, self.button = PAGES[kind]
        self.wall = LoginWall(page)
        self.ready = visible(page.get_by_text(READY_TEXT))
        self.rows = visible(page.locator(ROW_CSS))
        alert = page.get_by_role("alert")  # Fusion's next-message toasts: the page's own words
        self.refusal = visible(alert.get_by_text(RATE_TEXT).or_(alert.get_by_text(GONE_TEXT)))
        self.done = visible(alert.get_by_text(DONE_TEXT, exact=True))

    def open(self) -> None:
        goto(self.page, self.urls(self.url_name))
        try:
            self.ready.or_(self.wall.union).or_(slider_frame(self.page)).first.wait_for()
        except PlaywrightTimeoutError as e:
            self.wall.raise_if_up()
            raise PageChanged("评价管理页上找不到评价列表，淘宝页面可能改版了", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()
        raise_if_slider(self.page, "page")

    def read(self, since: datetime | None) -> list[Inbound]:
        raws = self.rows.evaluate_all(READ_ROWS_JS) if self.rows.count() else []
        items = []
        for raw in raws:
            at = parse_site_time(raw["time"])
            at = at.astimezone(timezone.utc) if at else datetime.now(timezone.utc)
            if since and at < since.replace(second=0, microsecond=0):
                continue
            extra = {k: v for k, v in (("rating", raw["rating"].strip()), ("append", raw["append"].strip()),
                                       ("order_id", raw["order"].strip())) if v}
            items.append(Inbound(site=SITE, account_key=None, kind=self.kind, item_id=raw["id"],
                                 author=raw["author"].strip(), text=raw["text"].strip(), at=at,
                                 target_id=raw["item_id"], target_title=raw["item_title"].strip() or None,
                                 owner_replied=any(owner(r) for r in raw["replies"]), extra=extra))
        return items

    def row_of(self, item: Inbound) -> Locator:
        row = self.rows.and_(self.page.locator(f"[data-feed-id='{item.item_id}']"))
        if not row.count():
            raise TargetGone(f"淘宝上这条{'评价' if self.kind == 'review' else '问题'}已经不在了（{item.text[:20]}）",
                             reason="已删除", site=SITE, url=self.page.url)
        return row.first

    def reply(self, item: Inbound, text: str) -> None:
        row = self.row_of(item)
        row.get_by_role("button", name=self.button, exact=True).click()
        row.get_by_role("textbox").fill(text)
        row.get_by_role("button", name="提交", exact=True).click()
        outcome = self.done.or_(self.refusal).or_(self.wall.union).or_(slider_frame(self.page)).first
        try:
            outcome.wait_for(timeout=REPLY_WAIT_MS)
        except PlaywrightTimeoutError as e:
            raise PageChanged("淘宝没有说回复成功与否，淘宝页面可能改版了", site=SITE, url=self.page.url) from e
        raise_if_slider(self.page, "reply")
        self.wall.raise_if_up()
        shown = self.refusal.first.inner_text().strip() if self.refusal.count() else ""
        if RATE_TEXT.search(shown):
            raise RateLimited(f"淘宝提示：{shown}，这个店铺的回复先暂停", site_message=shown, site=SITE, url=self.page.url)
        if GONE_TEXT.search(shown):
            raise TargetGone(f"淘宝提示：{shown}", reason=shown, site=SITE, url=self.page.url)

    def find_reply(self, item: Inbound, text: str) -> ReplyProof | None:
        row = self.row_of(item)
        raw = row.evaluate(f"r => ({READ_ROWS_JS})([r])[0]")
        for r in raw["replies"]:
            if owner(r) and r["text"].strip() == text.strip():
                return ReplyProof(item_id=r["id"] or item.item_id, text=r["text"].strip(), by_author=True,
                                  visible=ONLY_SELF not in r["labels"])
        return None


def owner(reply: dict) -> bool:
    return any(label in OWNER_LABELS for label in reply["labels"])
