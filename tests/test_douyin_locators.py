"""The Douyin adapter's own page objects find what they need on the saved real creator-center pages.

The pages (../shared/reference/real-pages/douyin) are DOM snapshots of creator.douyin.com. They open in
real Chromium with every request except the file itself aborted, so the site's scripts do not run and
the saved DOM stays as it was. Each locator checked here is the very object the adapter uses; each
must resolve to exactly one element (a fallback list resolves to the first candidate that matches).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, sync_playwright

from core.settings import Settings
from sites.douyin.pages.form import PublishForm
from sites.douyin.pages.guards import LoginWall, Overlays, Verification
from sites.douyin.pages.locate import Fallback
from sites.douyin.pages.submit import Submitter
from sites.douyin.pages.upload import UploadPage
from sites.douyin.pages.works import WorksPage
from tests.pages_fixtures import only_one

REAL_PAGES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "real-pages" / "douyin"
if not REAL_PAGES.is_dir():
    REAL_PAGES = Path("/work/shared/reference/real-pages/douyin")

pytestmark = pytest.mark.skipif(not REAL_PAGES.is_dir(), reason="saved real pages not available")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    os.environ.setdefault("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))
    settings = Settings(sandbox=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=settings.chromium_path, args=settings.chromium_args())
        yield b
        b.close()


def open_saved(browser, name: str) -> Page:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(5_000)
    url = (REAL_PAGES / name).as_uri()
    ctx.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
    page = ctx.new_page()
    page.goto(url, wait_until="domcontentloaded")
    return page


@pytest.fixture
def saved(browser):
    opened: list[Page] = []

    def open_(name: str) -> Page:
        opened.append(open_saved(browser, name))
        return opened[-1]
    yield open_
    for page in opened:
        page.context.close()


def resolves_to_one(element: Fallback) -> Locator:
    """The element's chosen candidate matches exactly one element on the page (not just its ``.first``)."""
    return only_one(element)


# -- upload page ---------------------------------------------------------------------------------
def test_upload_page_file_input_is_the_hidden_video_input_under_the_drop_zone(saved):
    upload = UploadPage(saved("upload.html"), "file://")
    found = resolves_to_one(upload.video_input)
    assert found.get_attribute("type") == "file" and not found.is_visible()
    assert ".mp4" in found.get_attribute("accept") and ".webm" in found.get_attribute("accept")
    assert found.evaluate("e => !!e.closest('[class*=container-drag]')")
    zone = resolves_to_one(upload.drop_zone)
    assert "点击上传 或直接将视频文件拖入此区域" in zone.inner_text()


def test_upload_page_has_the_image_text_tab(saved):
    tab = resolves_to_one(UploadPage(saved("upload.html"), "file://").image_tab)
    assert tab.inner_text().strip() == "发布图文"
    assert "tab-item" in tab.get_attribute("class")


def test_upload_page_of_a_logged_in_account_shows_no_login_wall_or_verification(saved):
    page = saved("upload.html")
    assert not LoginWall(page).up()
    assert Verification(page).union.count() == 0
    assert UploadPage(page, "file://").failed.count() == 0


# -- publish form --------------------------------------------------------------------------------
def test_title_input_is_found_by_its_placeholder(saved):
    title = resolves_to_one(PublishForm(saved("publish.html")).title)
    assert title.get_attribute("placeholder") == "填写作品标题，为作品获得更多流量"
    assert title.input_value() == "ballet-bandage"


def test_description_editor_is_the_contenteditable_zone_container(saved):
    body = resolves_to_one(PublishForm(saved("publish.html")).body)
    assert body.get_attribute("contenteditable") == "true"
    assert "zone-container" in body.get_attribute("class")
    text = body.inner_text()
    assert "#英语" in text and "芭蕾舞" in text


def test_video_upload_is_seen_as_done_by_the_reupload_button_in_the_long_card(saved):
    form = PublishForm(saved("publish.html"))
    assert form.video_done.count() == 1
    assert form.video_done.inner_text().strip() == "重新上传"
    assert form.upload_failed.count() == 0 and form.uploading.count() == 0


def test_schedule_radio_is_the_one_label_that_says_timed_publish_and_is_off(saved):
    form = PublishForm(saved("publish.html"))
    radio = resolves_to_one(form.schedule_radio)
    assert radio.inner_text().strip() == "定时发布"
    assert radio.evaluate("e => e.tagName") == "LABEL"
    assert not form.scheduled()  # the saved form is on 立即发布
    assert not form.date_input.present()  # the date input only appears after choosing 定时发布
    assert form.read_back([])["schedule"] == "立即发布"


def test_cover_control_is_the_choose_cover_box(saved):
    cover = resolves_to_one(PublishForm(saved("publish.html")).cover_control)
    assert "选择封面" in cover.inner_text()


def test_publish_button_is_the_exact_publish_button_not_the_header_one(saved):
    page = saved("publish.html")
    button = resolves_to_one(Submitter(page, PublishForm(page)).button)
    assert button.inner_text().strip() == "发布"
    assert button.is_enabled()


def test_read_back_returns_the_saved_values_and_finds_topics_in_the_text(saved):
    fields = PublishForm(saved("publish.html")).read_back(["英语", "日语", "不存在"])
    assert fields["title"] == "ballet-bandage"
    assert fields["topics"] == "#英语 #日语"
    assert "\u200b" not in fields["body"]


def test_publish_form_has_no_overlay_wall_or_verification(saved):
    page = saved("publish.html")
    assert not LoginWall(page).up()
    assert Verification(page).union.count() == 0
    overlays = Overlays(page)
    assert overlays.tour.count() == 0 and overlays.dropdowns.count() == 0
    overlays.close()  # nothing to close: returns without touching the page


# -- works list ----------------------------------------------------------------------------------
def test_works_list_of_the_empty_saved_account_reads_as_empty(saved):
    works = WorksPage(saved("manage.html"), "file://")
    assert works.count_shown() == 0
    assert works.empty.count() == 1
    assert works.works() == []
    assert works.find("ballet-bandage") is None
    assert not works.wall.up()


def test_clicking_the_schedule_label_checks_its_own_box_and_a_missing_date_input_is_a_douyin_page_change(saved):
    from core.errors import PageChanged
    form = PublishForm(saved("publish.html"))
    form.schedule_radio.resolve().click()  # a label toggles its checkbox natively, no site script needed
    assert form.scheduled()
    with pytest.raises(PageChanged, match="抖音"):  # the site's script renders the date input; none here
        form.date_input.resolve(timeout=300)
