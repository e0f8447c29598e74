"""作品管理 (``/creator-micro/content/manage``): the site's own list of works, used to read a publish back.

The saved real page (``manage.html``) is an empty account: header ``作品管理``, tabs ``全部作品`` …,
``共 0 个作品`` and ``没有更多作品``. Those are verified. The work cards themselves are GUESS: the
replica's explicit ``[data-aweme-id]`` first, then ``div[class*=video-card-]`` with
``[class*=info-title-text]`` / ``[class*=info-time]`` (class stems reported by public code). The id is read
from ``data-aweme-id``, a link to ``/video/<id>``, or a shown ``作品ID``. A work's 自主声明 is read as an
option's text in its row (GUESS: no saved page shows a declared work).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from playwright.sync_api import Page, TimeoutError as PlaywrightTimeoutError

from core.errors import PageChanged
from sites.common import newest_match, parse_site_time
from sites.douyin.errors import SITE
from sites.douyin.pages.declaration import KNOWN_OPTIONS
from sites.douyin.pages.guards import LoginWall
from sites.douyin.pages.locate import Fallback, goto, visible

PATH = "/creator-micro/content/manage"
TOTAL_TEXT = re.compile(r"共\s*\d+\s*个作品")
EMPTY_TEXT = re.compile("没有更多作品|暂无作品|还没有作品")
ROW_CSS = ("[data-aweme-id]", "div[class*='video-card-']:not([class*='video-card-info']):not([class*='video-card-cover'])")
TITLE_CSS = "[class*='info-title-text'], [class*='info-title'], [class*='title']"
TIME_CSS = "[class*='info-time'], time, [class*='time']"
LINK_CSS = "a[href*='/video/'], a[href*='modal_id=']"
# Per row: its id attribute, title, time, link and whole text (the id's last fallback).
READ_ROWS_JS = """(rows, [titleCss, timeCss, linkCss]) => rows.map(row => {
  const title = row.querySelector(titleCss), time = row.querySelector(timeCss), link = row.querySelector(linkCss);
  return {
    id: row.getAttribute('data-aweme-id'), title: title ? title.innerText : '', time: time ? time.innerText : '',
    href: link ? link.getAttribute('href') : null, text: row.innerText,
  };
})"""
ID_PATTERNS = (re.compile(r"/video/(\d{8,})"), re.compile(r"modal_id=(\d{8,})"), re.compile(r"作品ID\s*(\d{8,})"))


@dataclass
class WorkRow:
    work_id: str
    title: str
    created_at: datetime | None
    url: str | None
    declaration: str | None = None
    """The 自主声明 the row shows (``内容由AI生成`` …), None when it shows none."""


class WorksPage:
    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.wall = LoginWall(page)
        self.total = visible(page.get_by_text(TOTAL_TEXT))
        self.empty = visible(page.get_by_text(EMPTY_TEXT))
        self.rows = Fallback(page, "作品列表", *(page.locator(css) for css in ROW_CSS))

    def open(self) -> None:
        goto(self.page, self.base_url + PATH)
        waiting = self.rows.union.filter(visible=True).or_(self.total).or_(self.empty).or_(self.wall.union).first
        try:
            waiting.wait_for()
        except PlaywrightTimeoutError as e:
            self.wall.raise_if_up()
            raise PageChanged("作品管理页上找不到作品列表，抖音页面可能改版了", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()

    def count_shown(self) -> int | None:
        """The header's own ``共 N 个作品``; None when the header is not there."""
        if not self.total.count():
            return None
        return int(re.search(r"\d+", self.total.first.inner_text()).group())

    def works(self) -> list[WorkRow]:
        """Rows of the first row pattern the page uses, top (newest) first, read in one round trip (an
        account lists hundreds of works; a call per attribute per row grew with its history)."""
        for candidate in self.rows.candidates:
            rows = candidate.filter(visible=True)
            if rows.count():
                raws = rows.evaluate_all(READ_ROWS_JS, [TITLE_CSS, TIME_CSS, LINK_CSS])
                return [self._row(raw) for raw in raws]
        return []

    def find(self, title: str, since: datetime | None = None) -> WorkRow | None:
        return newest_match(self.works(), title, since)

    def _row(self, raw: dict) -> WorkRow:
        href = raw["href"]
        work_id = raw["id"] or _id_from(href or "") or _id_from(raw["text"])
        if not work_id:
            raise PageChanged("作品列表里读不到作品编号，抖音页面可能改版了", site=SITE, url=self.page.url)
        url = urljoin(self.page.url, href) if href else f"https://www.douyin.com/video/{work_id}"
        declared = next((t for t in KNOWN_OPTIONS if t in raw["text"]), None)
        return WorkRow(work_id=work_id, title=raw["title"].strip(), created_at=parse_site_time(raw["time"]),
                       url=url, declaration=declared)


def _id_from(text: str) -> str:
    for pattern in ID_PATTERNS:
        m = pattern.search(text)
        if m:
            return m.group(1)
    return ""
