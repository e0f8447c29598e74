"""作品管理 (``/creator-micro/content/manage``): the site's own list of works, used to read a publish back.

The saved real page (``manage.html``) is an empty account: header ``作品管理``, tabs ``全部作品`` …,
``共 0 个作品`` and ``没有更多作品``. Those are verified. The work cards themselves are GUESS: the
replica's explicit ``[data-aweme-id]`` first, then ``div[class*=video-card-]`` with
``[class*=info-title-text]`` / ``[class*=info-time]`` (class stems reported by public code). The id is read
from ``data-aweme-id``, a link to ``/video/<id>``, or a shown ``作品ID``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from playwright.sync_api import Locator, Page, TimeoutError as PlaywrightTimeoutError

from core.errors import PageChanged
from sites.douyin.errors import SITE
from sites.douyin.pages.guards import LoginWall
from sites.douyin.pages.locate import Fallback, goto, visible
from sites.xiaohongshu.pages.notes import parse_site_time  # same Beijing wall-time formats

PATH = "/creator-micro/content/manage"
TOTAL_TEXT = re.compile(r"共\s*\d+\s*个作品")
EMPTY_TEXT = re.compile("没有更多作品|暂无作品|还没有作品")
ROW_CSS = ("[data-aweme-id]", "div[class*='video-card-']:not([class*='video-card-info']):not([class*='video-card-cover'])")
TITLE_CSS = "[class*='info-title-text'], [class*='info-title'], [class*='title']"
TIME_CSS = "[class*='info-time'], time, [class*='time']"
ID_PATTERNS = (re.compile(r"/video/(\d{8,})"), re.compile(r"modal_id=(\d{8,})"), re.compile(r"作品ID\s*(\d{8,})"))


@dataclass
class WorkRow:
    work_id: str
    title: str
    created_at: datetime | None
    url: str | None


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
        """Rows of the first row pattern the page uses, top (newest) first."""
        for candidate in self.rows.candidates:
            rows = candidate.filter(visible=True)
            if rows.count():
                return [self._read(r) for r in rows.all()]
        return []

    def find(self, title: str, since: datetime | None = None) -> WorkRow | None:
        """The newest row whose title equals ``title`` and (when it shows a time) is not older than
        ``since``, compared at minute precision (the list shows no seconds)."""
        floor = since.replace(second=0, microsecond=0) if since else None
        for row in self.works():
            if row.title.strip() != title.strip():
                continue
            if floor and row.created_at and row.created_at < floor:
                continue
            return row
        return None

    def _read(self, row: Locator) -> WorkRow:
        title_el = row.locator(TITLE_CSS).first
        title = title_el.inner_text().strip() if title_el.count() else ""
        time_el = row.locator(TIME_CSS).first
        created = parse_site_time(time_el.inner_text() if time_el.count() else "")
        link = row.locator("a[href*='/video/'], a[href*='modal_id=']").first
        href = link.get_attribute("href") if link.count() else None
        work_id = row.get_attribute("data-aweme-id") or _id_from(href or "") or _id_from(row.inner_text())
        if not work_id:
            raise PageChanged("作品列表里读不到作品编号，抖音页面可能改版了", site=SITE, url=self.page.url)
        url = urljoin(self.page.url, href) if href else f"https://www.douyin.com/video/{work_id}"
        return WorkRow(work_id=work_id, title=title, created_at=created, url=url)


def _id_from(text: str) -> str:
    for pattern in ID_PATTERNS:
        m = pattern.search(text)
        if m:
            return m.group(1)
    return ""
