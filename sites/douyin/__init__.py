"""The Douyin (抖音) creator-center adapter: page objects composed into the SiteAdapter intents.

Playwright's own errors stop here: every public method turns them into ``core.errors`` types (a page
that does not get ready → ``SiteTimeout``; an ambiguous locator → ``PageChanged``).
"""
from __future__ import annotations

from datetime import datetime

from playwright.sync_api import Page

from core.content import Post
from core.declaration import declaration_for
from core.settings import Settings
from sites.base import Published
from sites.common import allowed_hosts, boundary, site_wall_time, session_state
from sites.douyin.errors import SITE, DeclarationMissing
from sites.douyin.limits import limits as douyin_limits
from sites.douyin.pages import data, login, works
from sites.stats import Stats
from sites.douyin.pages.chat import ChatPage
from sites.douyin.pages.declaration import DeclarationSection, option_for
from sites.douyin.pages.inbox import CommentPage
from sites.inbound import Inbound, ReplyProof, check_reply_text, sibling_url, unreplied_first
from sites.douyin.pages.form import PublishForm
from sites.douyin.pages.submit import Submitter
from sites.douyin.pages.upload import UploadPage

# What the real creator pages load besides creator.douyin.com (hosts named in the saved pages; upload
# and API hosts beyond those are GUESS). The replica needs only its own host.
REAL_EXTRA_HOSTS = [
    "lf-fe-creator.douyinstatic.com", "sf6-cdn-tos.douyinstatic.com", "lf3-static.bytednsdoc.com",
    "lf3-cdn-tos.bytescm.com", "lf1-cdn-tos.bytegoofy.com", "lf-security.bytegoofy.com",
    "unpkg.byted-static.com", "lf-c-flwb.bytetos.com", "lf-zt.douyin.com", "lf3-short.ibytedapm.com",
    "mon.zijieapi.com", "auth.zijieapi.com", "lf-ucenter-web.yhgfb-cn-static.com", "summon.bytedance.com",
    "p3.douyinpic.com", "p11.douyinpic.com", "p3-sign.douyinpic.com", "p0-creator-media-private.douyin.com",
    "sso.douyin.com", "www.douyin.com", "vod.bytedanceapi.com", "tos-d-x-hl.snssdk.com",
    "verify.snssdk.com", "verify.zijieapi.com",
]


class DouyinAdapter:
    workflows = ("publish", "collect")
    """Names in ``graphs.GRAPHS`` this site's adapter serves."""
    name = "douyin"
    label = "抖音"
    limits = douyin_limits

    def __init__(self, base_url: str, settings: Settings | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.settings = settings or Settings()

    def allowed_hosts(self) -> list[str]:
        return allowed_hosts(self.base_url, "douyin.com", REAL_EXTRA_HOSTS)

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

    def enter_login_code(self, page: Page, code: str) -> None:
        with self._boundary(page):
            login.LoginPage(page, self.base_url).enter_code(code)

    def session_alive(self, page: Page) -> bool:
        with self._boundary(page):
            ready = UploadPage(page, self.base_url).video_input.union
            return login.session_alive(page, self.base_url, ready)

    # -- numbers (数据中心; read-only) -----------------------------------------------------------
    def read_stats(self, page: Page, since: datetime | None) -> Stats:
        """Each work's numbers (newest first, back to ``since``; None reads them all) and the account's fans."""
        with self._boundary(page):
            timeout = self.settings.browser_timeout_ms
            works_data = data.WorksData(page, self.base_url, timeout)
            opened = works_data.open()
            readings, clicks = works_data.read(since)
            readings.append(data.HomeFans(page, self.base_url, timeout).read())
            return Stats(readings=readings, pages=opened + clicks + 1)

    def check_session(self, page: Page) -> str:
        return session_state(lambda: self.session_alive(page))

    # -- publish -------------------------------------------------------------------------------
    def fill(self, page: Page, post: Post) -> dict[str, str]:
        with self._boundary(page):
            timeout = self.settings.upload_timeout_ms
            upload = UploadPage(page, self.base_url, timeout)
            upload.open()
            form = PublishForm(page, timeout)
            if post.kind == "video":
                upload.upload_video(post.video or "")
                form.wait_video_uploaded()
            else:
                upload.upload_images(post.images)
                form.wait_images_uploaded()
            form.set_title(post.title)
            form.set_body(post.body)
            skipped = [t for t in post.topics if not form.add_topic(t)]
            cover = ""
            if post.kind == "video" and post.cover:
                form.set_cover(post.cover)
                cover = "已上传封面"
            elif post.kind == "video" and form.choose_recommended_cover():
                cover = "智能推荐封面（第1张）"
            declared = self._declare(page, form, post)
            if post.timing.mode == "site" and post.timing.at is not None:
                form.schedule(site_wall_time(post.timing.at))
            fields = form.read_back([t for t in post.topics if t not in skipped])
            fields["media"] = "视频已上传" if post.kind == "video" else f"{len(post.images)}张图片已上传"
            if cover:
                fields["cover"] = cover
            fields["declaration"] = declared
            if skipped:
                fields["skipped_topics"] = " ".join(f"#{t}" for t in skipped)
            return fields

    @staticmethod
    def _declare(page: Page, form: PublishForm, post: Post) -> str:
        """Set the 自主声明 the content calls for (``core.declaration``) and return what the form shows.
        A declaration that cannot be set raises ``DeclarationNotSet``: the post is never published without it."""
        wanted = declaration_for(post)
        option = option_for(wanted)
        if option is None:
            return "不声明（抖音没有原创声明）" if wanted and wanted.kind == "original" else "不声明"
        return DeclarationSection(page, form.overlays).set(option)

    def form_holds(self, page: Page, fields: dict[str, str]) -> bool:
        with self._boundary(page):
            return PublishForm(page, self.settings.upload_timeout_ms).still_shows(fields)

    def submit(self, page: Page) -> None:
        with self._boundary(page):
            Submitter(page, PublishForm(page, self.settings.upload_timeout_ms)).publish()

    def enter_code(self, page: Page, code: str) -> None:
        with self._boundary(page):
            Submitter(page, PublishForm(page, self.settings.upload_timeout_ms)).enter_code(code)

    def find_published(self, page: Page, post: Post, since: datetime) -> Published | None:
        with self._boundary(page):
            works_page = works.WorksPage(page, self.base_url)
            works_page.open()
            row = works_page.find(post.title, since)
            if row is None:
                return None
            wanted = option_for(declaration_for(post))
            # GUESS: how the real 作品管理 shows a declaration (see works.py). A row that shows none cannot tell:
            # the form's own read-back before 发布 stands; only a row showing another declaration is wrong.
            if row.declaration is not None and row.declaration != wanted:
                raise DeclarationMissing(
                    f"作品已发布（作品ID {row.work_id}），但抖音作品管理里显示的声明是「{row.declaration or '未声明'}」，"
                    f"不是「{wanted or '不声明'}」。请到抖音创作者中心改好这条作品的自主声明", site=SITE, url=page.url)
            return Published(external_id=row.work_id, title=row.title, url=row.url)

    # -- inbound (评论管理 on creator.douyin.com, 私信 on www.douyin.com/chat) ---------------------------
    inbound_kinds = ("comment", "message")
    reply_limit = 100  # GUESS: what the replica's reply box takes; no public source states Douyin's

    @property
    def www_url(self) -> str:
        return sibling_url(self.base_url, "douyin.com", "https://www.douyin.com")

    def read_inbox(self, page: Page, since: datetime | None) -> list[Inbound]:
        with self._boundary(page):
            comments = CommentPage(page, self.base_url)
            comments.open()
            items: list[Inbound] = []
            for work in comments.works():
                comments.open(work.work_id)
                items += comments.read(work, since)
            chat = ChatPage(page, self.www_url)
            chat.open()
            return unreplied_first(items + chat.read(since))

    def reply(self, page: Page, item: Inbound, text: str) -> None:
        check_reply_text(text, self.reply_limit, self.label)
        with self._boundary(page):
            if item.kind == "message":
                chat = ChatPage(page, self.www_url)
                chat.open()
                chat.send(item, text)
                return
            comments = CommentPage(page, self.base_url)
            comments.open(item.target_id)
            comments.reply(item, text)

    def find_reply(self, page: Page, item: Inbound, text: str) -> ReplyProof | None:
        with self._boundary(page):
            if item.kind == "message":
                chat = ChatPage(page, self.www_url)
                chat.open()
                return chat.find(item, text)
            comments = CommentPage(page, self.base_url)
            comments.open(item.target_id)
            return comments.find_reply(item, text)

    def _boundary(self, page: Page):
        return boundary(page, SITE, self.label)  # Playwright's errors stop here (sites.common)
