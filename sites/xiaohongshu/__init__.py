"""The Xiaohongshu (小红书) creator-platform adapter: page objects composed into the SiteAdapter intents.

Playwright's own errors stop here: every public method turns them into ``core.errors`` types (a page
that does not get ready → ``SiteTimeout``; an element missing on a loaded page → ``PageChanged``).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from playwright.sync_api import Page

from core.content import Post
from core.declaration import declaration_for
from core.errors import LoginRequired
from core.settings import Settings
from sites.base import Published
from sites.common import allowed_hosts, boundary, site_wall_time, session_state
from sites.inbound import Inbound, ReplyProof, check_reply_text, sibling_url, unreplied_first
from sites.xiaohongshu.errors import SITE, DeclarationNotSet
from sites.xiaohongshu.limits import limits as xhs_limits
from sites.stats import Stats
from sites.xiaohongshu.pages import data, declare, login, notes, publish
from sites.xiaohongshu.pages.inbox import NotePage, NotificationPage

# What the real creator pages load besides their own host (saved pages + public code; API/upload
# hosts are GUESS). The replica needs only its own host.
REAL_EXTRA_HOSTS = [
    "customer.xiaohongshu.com", "edith.xiaohongshu.com", "www.xiaohongshu.com",
    "picasso-static.xiaohongshu.com", "ros-upload.xiaohongshu.com",
    "fe-static.xhscdn.com", "fe-video-qc.xhscdn.com", "fe-img-qc.xhscdn.com",
    "ros-preview.xhscdn.com", "sns-avatar-qc.xhscdn.com",
]


class XiaohongshuAdapter:
    workflows = ("publish", "collect")
    """Names in ``graphs.GRAPHS`` this site's adapter serves."""
    name = "xiaohongshu"
    label = "小红书"
    limits = xhs_limits

    def __init__(self, base_url: str, settings: Settings | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.settings = settings or Settings()

    def allowed_hosts(self) -> list[str]:
        return allowed_hosts(self.base_url, "xiaohongshu.com", REAL_EXTRA_HOSTS)

    # -- login ---------------------------------------------------------------------------------
    def open_login(self, page: Page) -> None:
        with self._boundary(page):
            login.LoginPage(page, self.base_url).open()

    def login_qr(self, page: Page) -> str | None:
        with self._boundary(page):
            return login.LoginPage(page, self.base_url).qr_data_url()

    def logged_in(self, page: Page) -> bool:
        with self._boundary(page):
            return login.LoginPage(page, self.base_url).logged_in()

    def session_alive(self, page: Page) -> bool:
        with self._boundary(page):
            try:
                self._publish_page(page).open()
            except LoginRequired:
                return False
            return True

    def check_session(self, page: Page) -> str:
        return session_state(lambda: self.session_alive(page))

    # -- publish -------------------------------------------------------------------------------
    def fill(self, page: Page, post: Post) -> dict[str, str]:
        with self._boundary(page):
            form = self._publish_page(page)
            form.open(post.kind)
            if post.kind == "video":
                form.upload_video(post.video or "")
            else:
                form.upload_images(post.images)
            form.set_title(post.title)
            form.set_body(post.body)
            skipped, text_before = [], bool(post.body.strip())
            for topic in post.topics:
                if form.add_topic(topic, after_text=text_before):
                    text_before = True
                else:
                    skipped.append(topic)
            if post.kind == "video" and post.cover:
                form.set_cover(post.cover)
            # Before the schedule, as the form orders them; a declaration that cannot be set stops here.
            shown = declare.DeclarationForm(page).set(declaration_for(post))
            if post.timing.mode == "site" and post.timing.at is not None:
                form.schedule(site_wall_time(post.timing.at))
            fields = form.read_back([t for t in post.topics if t not in skipped])
            fields["declaration"] = shown
            if post.kind == "video":
                fields["media"] = "视频已上传，已设置封面" if post.cover else "视频已上传（封面为第一帧）"
            if skipped:
                fields["skipped_topics"] = " ".join(f"#{t}" for t in skipped)
            return fields

    def form_holds(self, page: Page, fields: dict[str, str]) -> bool:
        with self._boundary(page):
            return self._publish_page(page).still_shows(fields)

    def submit(self, page: Page) -> None:
        with self._boundary(page):
            self._publish_page(page).publish()

    def find_published(self, page: Page, post: Post, since: datetime) -> Published | None:
        with self._boundary(page):
            notes_page = notes.NotesPage(page, self.base_url, self.settings.browser_timeout_ms)
            notes_page.open()
            row = notes_page.find(post.title, since)
            if row is None:
                return None
            wanted = declaration_for(post)
            if row.declaration is not None and not declare.shown_matches(wanted, row.declaration):
                # Published, but not as declared: the owner must hear of it (the note is there to fix by hand).
                raise DeclarationNotSet(
                    f"笔记已发布（笔记ID {row.note_id}），但笔记管理里显示的声明是「{row.declaration or '无'}」，"
                    f"应为「{wanted.label if wanted else '无'}」，请到小红书上修改", site=SITE, url=page.url)
            return Published(external_id=row.note_id, title=row.title, url=row.url)

    # -- numbers (数据中心; read-only) -----------------------------------------------------------
    def read_stats(self, page: Page, since: datetime | None) -> Stats:
        """Each note's numbers (newest first, back to ``since``; None reads them all) and the account's fans."""
        with self._boundary(page):
            timeout = self.settings.browser_timeout_ms
            notes_data = data.NoteData(page, self.base_url, timeout)
            notes_data.open()
            readings, clicks = notes_data.read(since)
            readings.append(data.FansData(page, self.base_url, timeout).read())
            return Stats(readings=readings, pages=2 + clicks)

    # -- inbound (www: 通知 评论和@, the note's comments) ---------------------------------------------
    inbound_kinds = ("comment", "reply")
    """Personal messages are not on the web (only the app; 私信通 for professional accounts): left out."""
    reply_limit = 280  # GUESS: what the replica's comment box takes

    @property
    def www_url(self) -> str:
        return sibling_url(self.base_url, "xiaohongshu.com", "https://www.xiaohongshu.com")

    def read_inbox(self, page: Page, since: datetime | None) -> list[Inbound]:
        """The 评论和@ notifications; each note they are on is opened once to see which the owner answered."""
        with self._boundary(page):
            notices = NotificationPage(page, self.www_url)
            notices.open()
            items = notices.read(since)
            note, answered = NotePage(page, self.www_url), set()
            for target in dict.fromkeys(i.target_id for i in items):
                mine = [i for i in items if i.target_id == target]
                note.open(mine[0])
                answered |= {i.item_id for i in mine if note.owner_replies(i)}
            return unreplied_first([replace(i, owner_replied=i.item_id in answered) for i in items])

    def reply(self, page: Page, item: Inbound, text: str) -> None:
        check_reply_text(text, self.reply_limit, self.label)
        with self._boundary(page):
            notices = NotificationPage(page, self.www_url)
            notices.open()
            notices.reply(item, text)

    def find_reply(self, page: Page, item: Inbound, text: str) -> ReplyProof | None:
        with self._boundary(page):
            note = NotePage(page, self.www_url)
            note.open(item)
            return note.find_reply(item, text)

    def _publish_page(self, page: Page) -> publish.PublishPage:
        return publish.PublishPage(page, self.base_url, self.settings.upload_timeout_ms,
                                   self.settings.browser_timeout_ms)

    def _boundary(self, page: Page):
        return boundary(page, SITE, self.label)  # Playwright's errors stop here (sites.common)
