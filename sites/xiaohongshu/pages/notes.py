"""The creator note manager: the site's own list of notes, used to read a publish back.

GUESS: real-sites.md has no URL or DOM for this page. ``/new/note-manager`` is the path the creator
platform's ``笔记管理`` menu is publicly known to open; the row, id, title and time locators below are
the best public knowledge (a ``div.note`` card whose ``data-impression`` JSON carries ``noteId``) with
the replica's explicit ``data-note-id`` rows first. All of them live here and nowhere else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from playwright.sync_api import Page

from core.errors import PageChanged
from sites.common import newest_match, not_older, parse_site_time
from sites.xiaohongshu.errors import SITE
from sites.xiaohongshu.pages.locate import Fallback, goto, quiet, wait_until_there
from sites.xiaohongshu.pages.login import LoginWall

PATH = "/new/note-manager"  # GUESS (see module docstring)
EMPTY_TEXT = re.compile("暂无笔记|还没有笔记|暂无内容|暂无数据")
LOAD_FAILED_TEXT = re.compile("^(网络错误|网络异常|加载失败)")
"""GUESS: the list's own failure state (a busy site, a dropped request). Seen, the read ends at once instead
of waiting out its timeout for rows that will not come; the read-back retries it (``graphs.steps.reading_back``)."""
ROW_CSS = ("[data-note-id]", "div.note[data-impression]", "div.note")
TITLE_CSS = "[data-note-title], .title, [class*='title']"
TIME_CSS = "[data-note-time], time, .time, [class*='time']"
DECLARATION_CSS = "[data-note-declaration], .declaration"
"""GUESS: no public source shows how the real list marks a note's declaration; absent, none is checked."""
READ_ROWS_MAX = 50
"""A read-back looks for a post made minutes ago: the newest rows are enough, however long the history."""
READ_ROWS_DEEP = 500
"""... unless all of them are newer than the post: a retried run that waited while the account posted more
reads this far down before it says the note is not there."""
# The rows of the first of ROW_CSS that has rendered ones (as Playwright's visible: a box, and not
# visibility:hidden), newest first and at most READ_ROWS_MAX: the id, title, time and link of each,
# preferring explicit data attributes, then the CSS fallbacks. Plain DOM in the page's own world: a locator
# read there would first set up Playwright's selector engine in it (~40 ms a page).
READ_ROWS_JS = """([rowCss, titleCss, timeCss, max, declarationCss]) => {
  const shown = row => {
    const box = row.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(row).visibility !== 'hidden';
  };
  for (const css of rowCss) {
    const rows = Array.from(document.querySelectorAll(css)).filter(shown).slice(0, max);
    if (rows.length) return rows.map(row => {
      const title = row.querySelector(titleCss), time = row.querySelector(timeCss);
      const link = row.querySelector('a[href]'), declared = row.querySelector(declarationCss);
      return {
        id: row.getAttribute('data-note-id'), impression: row.getAttribute('data-impression'),
        title: row.getAttribute('data-note-title') || (title ? title.innerText : ''),
        time: row.getAttribute('data-note-time') || (time ? time.innerText : ''),
        href: link ? link.getAttribute('href') : null,
        declaration: declared ? declared.innerText : null,
      };
    });
  }
  return [];
}"""


@dataclass
class NoteRow:
    note_id: str
    title: str
    created_at: datetime | None
    url: str | None
    declaration: str | None = None
    """What the row says about the note's declaration; None when the list shows nothing of the kind."""


class NotesPage:
    def __init__(self, page: Page, base_url: str, timeout_ms: float = 30_000):
        self.page = page
        self.base_url = base_url
        self.timeout_ms = timeout_ms
        self.wall = LoginWall(page)
        self.rows = Fallback(page, "笔记列表", *(page.locator(css) for css in ROW_CSS))
        self.empty = page.get_by_text(EMPTY_TEXT)
        self.load_failed = page.get_by_text(LOAD_FAILED_TEXT).first

    def open(self) -> None:
        quiet(self.page)  # right after a post this is the success page, which goes back to the form by itself
        waiting = self.rows.union.or_(self.empty).or_(self.load_failed).or_(self.wall.union).filter(visible=True).first
        for last in (False, True):
            goto(self.page, self.base_url + PATH)
            try:
                wait_until_there(waiting, self.timeout_ms)
            except Exception as e:  # noqa: BLE001 - Playwright's timeout: the list never showed
                self.wall.raise_if_up()
                if not last and PATH not in self.page.url:
                    # The success page's return to the form was already under way and landed after ours
                    # (the load benchmark, docs/benchmarks.md); it has happened now, so once more.
                    continue
                raise PageChanged("笔记管理页上找不到笔记列表，小红书页面可能改版了", site=SITE,
                                  url=self.page.url) from e
            if self.load_failed.is_visible() and not self.rows.union.first.is_visible():
                raise PageChanged(f"笔记管理页的列表没有加载出来，小红书提示「{self.load_failed.inner_text()}」",
                                  site=SITE, url=self.page.url)
            return

    def notes(self) -> list[NoteRow]:
        """Rows of the first row pattern the page uses, top (newest) first.

        The rows are read in one round trip, in the page: a busy account lists hundreds of notes, and a
        call per attribute per row (or Playwright's visibility filter over every row) made read-back grow
        with the account's history. Rows mean a live session; only a page without any is asked whether
        it is the login wall."""
        return self._notes(READ_ROWS_MAX)

    def _notes(self, most: int) -> list[NoteRow]:
        raws = self.page.evaluate(READ_ROWS_JS, [list(ROW_CSS), TITLE_CSS, TIME_CSS, most, DECLARATION_CSS])
        if raws:
            return [self._row(raw) for raw in raws]
        self.wall.raise_if_up()
        return []

    def find(self, title: str, since: datetime | None = None) -> NoteRow | None:
        rows = self.notes()
        found = newest_match(rows, title, since)
        if found or len(rows) < READ_ROWS_MAX or since is None or not not_older(rows[-1], since):
            return found
        # Every row read is as new as the post: the account posted more since (a retry waits its turn), and
        # "not there" would tell the owner it was taken down. Look further before saying so.
        return newest_match(self._notes(READ_ROWS_DEEP), title, since)

    def _row(self, raw: dict) -> NoteRow:
        note_id = raw["id"] or _id_from_impression(raw["impression"])
        if not note_id:
            raise PageChanged("笔记列表里读不到笔记编号，小红书页面可能改版了", site=SITE, url=self.page.url)
        return NoteRow(note_id=note_id, title=(raw["title"] or "").strip(),
                       created_at=parse_site_time(raw["time"] or ""), url=_absolute(self.page, raw["href"]),
                       declaration=None if raw["declaration"] is None else " ".join(raw["declaration"].split()))


def _id_from_impression(raw: str | None) -> str:
    # data-impression is JSON (the saved publish page shows the same attribute on its buttons).
    found = re.search(r'"noteId"\s*:\s*"([0-9a-zA-Z]+)"', raw or "")
    return found.group(1) if found else ""


def _absolute(page: Page, href: str | None) -> str | None:
    return urljoin(page.url, href) if href else None
