"""数据中心 → 作品数据 (tabs 直播 / 投稿作品, sub-tab 投稿列表) and the home page's fans count.

From real-sites-interaction.md: `/creator-micro/data-center/content`, the tab 直播 open by default, 投稿作品
and 投稿列表, the columns 作品名称 … 分析详情 and the words 播放 点赞 评论 分享 收藏; the fans count in
`#guide_home_fans` on `/creator-micro/home`. GUESS: the 发布时间 column, 下一页 paging, and the work id on the
row (`data-aweme-id`, else the 作品ID text) — every locator is here and nowhere else.
"""
from __future__ import annotations

import re
from datetime import datetime

from playwright.sync_api import Page

from core.errors import PageChanged
from sites.douyin.errors import SITE
from sites.douyin.pages.guards import LoginWall
from sites.douyin.pages.locate import goto
from sites.locate import wait_until_there
from sites.stats import DataTable, Reading, Row, number, read_posts

CONTENT_PATH = "/creator-micro/data-center/content"
HOME_PATH = "/creator-micro/home"
WORKS_TAB, LIST_TAB = "投稿作品", "投稿列表"
COLUMNS = {"播放": "plays", "点赞": "likes", "评论": "comments", "分享": "shares", "收藏": "collects"}
TIME_COLUMN = "发布时间"
FANS_CSS = "#guide_home_fans"
WORK_ID = re.compile(r"作品ID\s*(\d{6,})")


class WorksData:
    def __init__(self, page: Page, base_url: str, timeout_ms: float):
        self.page, self.base_url, self.timeout_ms = page, base_url, timeout_ms
        self.wall = LoginWall(page)
        self.works_tab = page.get_by_role("tab", name=WORKS_TAB, exact=True)
        self.list_tab = page.get_by_role("tab", name=LIST_TAB, exact=True)
        self.table = DataTable(page, "播放", timeout_ms)

    def open(self) -> int:
        """Open the page and its 投稿作品 → 投稿列表 tab; the pages that took."""
        goto(self.page, self.base_url + CONTENT_PATH)
        opened = 1
        try:
            wait_until_there(self.works_tab.or_(self.wall.union).first, self.timeout_ms)
            self.wall.raise_if_up()
            if self.works_tab.get_attribute("aria-selected") != "true":
                self.works_tab.click()
                opened += 1
            wait_until_there(self.list_tab.or_(self.table.table).first, self.timeout_ms)
            if self.list_tab.count() and self.list_tab.get_attribute("aria-selected") != "true":
                self.list_tab.click()
                opened += 1
            self.table.wait(self.wall.union)
        except PageChanged:
            raise
        except Exception as e:  # noqa: BLE001 - Playwright's timeout: the tabs or the table never came
            self.wall.raise_if_up()
            raise PageChanged("数据中心找不到投稿列表，抖音页面可能改版了", site=SITE, url=self.page.url) from e
        return opened

    def read(self, since: datetime | None) -> tuple[list[Reading], int]:
        """Every work's numbers, newest first, down to the page that reaches back past ``since``;
        and how many more pages that took."""
        return read_posts(self.table, since, TIME_COLUMN, COLUMNS, self._work_id)

    def _work_id(self, row: Row) -> str:
        m = WORK_ID.search(row.cells.get("作品名称", ""))
        work_id = row.attrs.get("aweme-id") or (m.group(1) if m else "")
        if not work_id:
            raise PageChanged("投稿列表里读不到作品ID，抖音页面可能改版了", site=SITE, url=self.page.url)
        return work_id


class HomeFans:
    def __init__(self, page: Page, base_url: str, timeout_ms: float):
        self.page, self.base_url, self.timeout_ms = page, base_url, timeout_ms
        self.wall = LoginWall(page)
        self.fans = page.locator(FANS_CSS)

    def read(self) -> Reading:
        goto(self.page, self.base_url + HOME_PATH)
        try:
            wait_until_there(self.fans.or_(self.wall.union).first, self.timeout_ms)
        except Exception as e:  # noqa: BLE001
            raise PageChanged("首页找不到粉丝数，抖音页面可能改版了", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()
        return Reading("account", "", "fans", number(self.fans.first.inner_text()))
