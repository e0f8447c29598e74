"""数据中心 of the creator platform: 笔记数据 (per note) and 粉丝数据 (the account's fans).

Paths and column words from real-sites-interaction.md (`/statistics/data-analysis`, `/statistics/fans-data`;
观看 点赞 收藏 评论 分享 涨粉). GUESS: the 发布时间 column, the 总粉丝数 label, and the note id on the row
(`data-note-id`, else the `noteId=` of the row's detail link) — every locator is here and nowhere else.
"""
from __future__ import annotations

import re
from datetime import datetime

from playwright.sync_api import Page

from core.errors import PageChanged
from sites.stats import DataTable, Reading, Row, number, read_posts
from sites.xiaohongshu.errors import SITE
from sites.xiaohongshu.pages.locate import goto, wait_until_there
from sites.xiaohongshu.pages.login import LoginWall

NOTES_PATH = "/statistics/data-analysis"
FANS_PATH = "/statistics/fans-data"
COLUMNS = {"观看": "views", "点赞": "likes", "收藏": "collects", "评论": "comments", "分享": "shares", "涨粉": "fans_gained"}
TIME_COLUMN = "发布时间"
FANS_LABEL = "总粉丝数"
NOTE_ID = re.compile(r"noteId=([0-9a-zA-Z]+)")


class NoteData:
    def __init__(self, page: Page, base_url: str, timeout_ms: float):
        self.page, self.base_url = page, base_url
        self.wall = LoginWall(page)
        self.table = DataTable(page, "观看", timeout_ms)

    def open(self) -> None:
        goto(self.page, self.base_url + NOTES_PATH)
        try:
            self.table.wait(self.wall.union)
        except Exception as e:  # noqa: BLE001 - Playwright's timeout: no table came
            self.wall.raise_if_up()
            raise PageChanged("数据中心找不到笔记数据表，小红书页面可能改版了", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()

    def read(self, since: datetime | None) -> tuple[list[Reading], int]:
        """Every note's numbers, newest first, down to the page that reaches back past ``since``;
        and how many more pages that took."""
        return read_posts(self.table, since, TIME_COLUMN, COLUMNS, self._note_id)

    def _note_id(self, row: Row) -> str:
        note_id = row.attrs.get("note-id") or _id_from(row.href)
        if not note_id:
            raise PageChanged("笔记数据表里读不到笔记ID，小红书页面可能改版了", site=SITE, url=self.page.url)
        return note_id


class FansData:
    def __init__(self, page: Page, base_url: str, timeout_ms: float):
        self.page, self.base_url, self.timeout_ms = page, base_url, timeout_ms
        self.wall = LoginWall(page)
        self.total = page.get_by_label(FANS_LABEL, exact=True)

    def read(self) -> Reading:
        goto(self.page, self.base_url + FANS_PATH)
        try:
            wait_until_there(self.total.or_(self.wall.union).first, self.timeout_ms)
        except Exception as e:  # noqa: BLE001
            self.wall.raise_if_up()
            raise PageChanged("粉丝数据页找不到总粉丝数，小红书页面可能改版了", site=SITE, url=self.page.url) from e
        self.wall.raise_if_up()
        return Reading("account", "", "fans", number(self.total.first.inner_text()))


def _id_from(href: str | None) -> str:
    m = NOTE_ID.search(href or "")
    return m.group(1) if m else ""
