"""The adapter's own page objects find what they need on the saved real Xiaohongshu pages.

The pages (../shared/reference/real-pages/xiaohongshu) are DOM snapshots of the real creator platform.
They open in real Chromium with every request except the file itself aborted, so the site's scripts do
not run and the saved DOM stays as it was. Each locator checked here is the very object the adapter
uses; each must match exactly one element (``tests.pages_fixtures.only_one``: the chosen candidate of a
fallback list matching two would let ``.first`` act on whichever comes first, e.g. a second file input).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, sync_playwright

from core.settings import Settings
from sites.xiaohongshu.pages.locate import Fallback
from sites.xiaohongshu.pages.login import LoginWall
from sites.xiaohongshu.pages.declare import DeclarationForm
from sites.xiaohongshu.pages.publish import PublishPage
from tests.pages_fixtures import only_one

REAL_PAGES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "real-pages" / "xiaohongshu"
if not REAL_PAGES.is_dir():
    REAL_PAGES = Path("/work/shared/reference/real-pages/xiaohongshu")

pytestmark = pytest.mark.skipif(not REAL_PAGES.is_dir(), reason="saved real pages not available")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    import os
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
def upload_page(browser):
    page = open_saved(browser, "publish-upload.html")
    yield page
    page.context.close()


@pytest.fixture
def edit_page(browser):
    page = open_saved(browser, "publish.html")
    yield page
    page.context.close()


def resolves_to_one(element: Fallback) -> Locator:
    return only_one(element)


def test_the_upload_step_on_the_video_tab_has_one_video_input_and_no_image_input(upload_page):
    form = PublishPage(upload_page, "file://")
    video = resolves_to_one(form.video_input)
    assert "upload-input" in video.get_attribute("class") and ".mp4" in video.get_attribute("accept")
    assert form.file_input.union.count() == 0  # the image locator never takes the video input
    assert form.image_tab.count() == 1 and form.video_tab.count() == 1  # the adapter switches tabs


def test_the_bare_upload_input_class_is_ambiguous_on_the_saved_edit_page_and_the_image_locator_is_not(edit_page):
    assert edit_page.locator("input.upload-input").count() == 2  # both take video: why the class alone is refused
    assert PublishPage(edit_page, "file://").file_input.union.count() == 0


def test_a_candidate_matching_two_elements_fails_the_locator_check(edit_page):
    two = Fallback(edit_page, "视频上传框", edit_page.locator("input.upload-input"), state="attached")
    with pytest.raises(AssertionError, match="2个「视频上传框」"):
        only_one(two)


def test_the_saved_edit_page_shows_the_video_as_uploaded(edit_page):
    form = PublishPage(edit_page, "file://")
    assert form.video_done.count() == 1 and form.video_done.first.is_visible()


def test_the_saved_video_form_has_one_upload_cover_entry_and_no_open_cover_dialog(edit_page):
    form = PublishPage(edit_page, "file://")
    cover = resolves_to_one(form.cover_button)
    assert "上传封面" in cover.inner_text() and cover.is_visible()
    assert form.cover_dialog.count() == 0  # set_cover waits for the picker this click opens


def test_the_older_form_has_its_declaration_entry_and_the_original_card_is_absent(edit_page):
    """The saved page is the older form: 自主声明 with 「添加自主声明」, no 原创声明 switch card."""
    form = DeclarationForm(edit_page)
    entry = resolves_to_one(form.entry)
    assert "添加自主声明" in entry.inner_text()
    assert form.original_card.union.count() == 0


def test_edit_form_title_input_is_found_by_its_placeholder(edit_page):
    title = resolves_to_one(PublishPage(edit_page, "file://").title)
    assert title.get_attribute("placeholder") == "填写标题会有更多赞哦～"
    assert title.input_value() == "vault-vaulter"


def test_edit_form_body_editor_is_the_contenteditable_quill_editor(edit_page):
    body = resolves_to_one(PublishPage(edit_page, "file://").body)
    assert body.get_attribute("contenteditable") == "true"
    assert "#英语" in body.inner_text()


def test_edit_form_has_a_topic_entry_point(edit_page):
    assert PublishPage(edit_page, "file://").topic_button.count() == 1


def test_edit_form_has_the_scheduled_publish_control_and_card(edit_page):
    form = PublishPage(edit_page, "file://")
    card = resolves_to_one(form.schedule_card)
    assert "定时发布" in card.inner_text()
    switch = resolves_to_one(form.schedule_switch)
    assert switch.inner_text().strip() == "定时发布"


def test_edit_form_publish_button_is_the_one_that_says_publish(edit_page):
    button = resolves_to_one(PublishPage(edit_page, "file://").publish_button)
    assert button.inner_text().strip() == "发布"
    assert "publishBtn" in button.get_attribute("class")


def test_a_logged_in_publish_page_shows_no_login_wall(edit_page):
    assert not LoginWall(edit_page).box.first.is_visible()
    assert edit_page.get_by_text("登录已过期").count() == 0
