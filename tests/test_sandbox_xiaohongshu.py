"""The Xiaohongshu replica behaves like the creator platform, driven the way a person uses it.

The replica runs as its own process (delays off); real Chromium clicks, types and uploads.
"""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.sandbox_fixtures import chromium, context, make_test_image, page, qr_token, running_replica  # noqa: F401

SHANGHAI = ZoneInfo("Asia/Shanghai")
IMAGE_FORM = "/publish/publish?from=homepage&target=image"


@pytest.fixture(scope="module")
def replica():
    with running_replica("sandbox.xiaohongshu") as control:
        yield control


@pytest.fixture
def xhs(replica):
    replica.reset()
    return replica


@pytest.fixture
def pictures(tmp_path):
    return [make_test_image(tmp_path / "a.jpg"), make_test_image(tmp_path / "b.png", fmt="PNG", color=(20, 160, 90))]


def log_in(page: Page, xhs, user: str = "demo") -> None:
    page.goto(f"{xhs.url}/login")
    expect(page.get_by_text("APP扫一扫登录")).to_be_visible()
    src = page.locator("div[class*='login-box'] img").get_attribute("src")
    assert xhs.scan(qr_token(src), user).status_code == 200
    page.wait_for_url("**/new/home")


IMAGE_INPUT = "input.upload-input[accept*='.jpg']"
VIDEO_INPUT = ".upload-content input.upload-input[accept*='.mp4']"


def open_form(page: Page, xhs, first_image) -> None:
    """Logged in, on the image form, with the first image uploaded (the edit form is showing)."""
    log_in(page, xhs)
    page.goto(xhs.url + IMAGE_FORM)
    page.locator(IMAGE_INPUT).set_input_files(str(first_image))
    expect(page.locator(".img-preview-area .pr")).to_have_count(1)


def wall(delta: timedelta) -> str:
    return (datetime.now(SHANGHAI) + delta).strftime("%Y-%m-%d %H:%M")


publish_button = lambda page: page.get_by_role("button", name=re.compile(r"^(定时)?发布$"))  # noqa: E731


# -- login and sessions --------------------------------------------------------------------------------
def test_scanning_the_login_qr_lets_the_user_in_with_an_httponly_session_cookie(page, context, xhs):
    page.goto(f"{xhs.url}/publish/publish?source=official")
    assert page.url.endswith("/login")
    log_in(page, xhs)
    (cookie,) = [c for c in context.cookies() if c["name"] == "web_session"]
    assert cookie["httpOnly"]
    page.goto(f"{xhs.url}/publish/publish?source=official")
    expect(page.locator("div.creator-tab").filter(has_text="上传图文")).to_be_visible()


def test_an_expired_qr_refuses_the_scan_and_refreshing_gives_a_new_one(page, xhs):
    xhs.faults(qr_ttl_s=1)
    page.goto(f"{xhs.url}/login")
    old = page.locator(".qrcode-img").get_attribute("src")
    expect(page.get_by_text("二维码已过期")).to_be_visible(timeout=5_000)
    assert xhs.scan(qr_token(old)).status_code == 404
    xhs.faults(qr_ttl_s=60)
    page.get_by_role("button", name="点击刷新").click()
    expect(page.get_by_text("二维码已过期")).to_be_hidden()
    new = page.locator(".qrcode-img").get_attribute("src")
    assert new != old
    assert xhs.scan(qr_token(new)).status_code == 200
    page.wait_for_url("**/new/home")


def test_a_second_login_of_the_same_user_kicks_out_the_first_session(chromium, page, xhs):
    log_in(page, xhs, "shop")
    other = chromium.new_context()
    try:
        log_in(other.new_page(), xhs, "shop")
    finally:
        other.close()
    page.goto(xhs.url + IMAGE_FORM)
    assert page.url.endswith("/login")


def test_expired_sessions_send_every_page_back_to_login(page, xhs):
    log_in(page, xhs)
    xhs.expire_sessions()
    for path in ("/new/home", "/new/note-manager", IMAGE_FORM):
        page.goto(xhs.url + path)
        assert page.url.endswith("/login"), path


def test_a_session_older_than_its_ttl_is_dead(page, xhs):
    log_in(page, xhs)
    xhs.faults(session_ttl_s=0)
    page.goto(xhs.url + IMAGE_FORM)
    assert page.url.endswith("/login")


# -- the form ---------------------------------------------------------------------------------------------
def test_images_upload_one_request_each_and_the_preview_count_grows(page, xhs, pictures):
    uploads = []
    page.on("request", lambda r: uploads.append(r) if r.method == "POST" and "/upload/" in r.url else None)
    open_form(page, xhs, pictures[0])
    expect(page.locator(".upload-container")).to_have_count(0)  # the upload step is gone
    page.locator("input[type=file][accept*='.jpg']").set_input_files(str(pictures[1]))
    expect(page.locator(".img-preview-area .pr")).to_have_count(2)
    expect(page.get_by_text("2/18")).to_be_visible()
    assert len(uploads) == 2  # two images, two requests


def test_each_tab_has_its_own_upload_input_with_the_same_class_and_shows_only_its_own(page, xhs):
    log_in(page, xhs)
    page.goto(f"{xhs.url}/publish/publish?source=official")
    inputs = page.locator(".upload-content input.upload-input")
    expect(inputs).to_have_count(2)  # the bare class is ambiguous, as on the saved real page
    shown = page.locator(".upload-wrapper:visible input.upload-input")
    assert ".mp4" in shown.get_attribute("accept")
    page.locator("div.creator-tab").filter(has_text="上传图文").click()
    expect(shown).to_have_attribute("accept", ".jpg,.jpeg,.png,.webp")
    expect(page.get_by_text("拖拽图片到此或点击上传")).to_be_visible()


def test_a_file_that_is_not_a_real_image_is_refused_with_a_visible_error(page, xhs, tmp_path):
    fake = tmp_path / "fake.jpg"
    fake.write_text("not an image")
    log_in(page, xhs)
    page.goto(xhs.url + IMAGE_FORM)
    page.locator(IMAGE_INPUT).set_input_files(str(fake))
    expect(page.get_by_text("图片格式不支持").first).to_be_visible()
    expect(page.locator(".img-preview-area .pr")).to_have_count(0)


def test_publish_is_disabled_until_an_image_and_a_title_are_there(page, xhs, pictures):
    open_form(page, xhs, pictures[0])
    expect(publish_button(page)).to_be_disabled()
    expect(publish_button(page)).to_have_class(re.compile(r"\bdisabled\b"))
    page.get_by_placeholder("填写标题会有更多赞哦～").fill("周末咖啡")
    expect(publish_button(page)).to_be_enabled()


def test_a_title_over_twenty_counted_characters_shows_the_counter_and_blocks_publish(page, xhs, pictures):
    open_form(page, xhs, pictures[0])
    title = page.get_by_placeholder("填写标题会有更多赞哦～")
    title.fill("a" * 40)  # ASCII counts half: exactly 20
    expect(page.locator("div.max_suffix")).to_have_count(0)
    title.fill("周" * 21)
    expect(page.locator("div.title-container div.max_suffix")).to_have_text("21/20")
    expect(publish_button(page)).to_be_disabled()
    title.fill("周" * 20)
    expect(page.locator("div.max_suffix")).to_have_count(0)
    expect(publish_button(page)).to_be_enabled()


def test_a_body_over_1000_characters_shows_the_length_error(page, xhs, pictures):
    open_form(page, xhs, pictures[0])
    page.get_by_placeholder("填写标题会有更多赞哦～").fill("标题")
    page.locator("div.tiptap[contenteditable='true']").click()
    page.keyboard.insert_text("字" * 1001)
    expect(page.locator("div.edit-container div.length-error")).to_have_text("1001/1000")
    expect(publish_button(page)).to_be_disabled()
    page.keyboard.press("Backspace")
    expect(page.locator("div.length-error")).to_have_count(0)


def test_typing_a_hash_tag_offers_topics_and_picking_one_inserts_a_topic_tag(page, xhs, pictures):
    open_form(page, xhs, pictures[0])
    editor = page.locator("div.tiptap[contenteditable='true']")
    expect(editor.locator("[data-placeholder='输入正文描述，真诚有价值的分享予人温暖']")).to_have_count(1)
    editor.click()
    page.keyboard.type("好喝 #冷泡茶")
    items = page.locator("#creator-editor-topic-container .item")
    expect(items.first).to_be_visible()
    items.filter(has_text="#冷泡茶").first.click()
    expect(items).to_have_count(0)
    expect(editor.locator("a.tiptap-topic")).to_have_text("#冷泡茶", use_inner_text=True)
    assert editor.inner_text().strip() == "好喝 #冷泡茶"


def test_a_schedule_outside_one_hour_to_fourteen_days_is_refused_and_a_valid_one_sticks(page, xhs, pictures):
    open_form(page, xhs, pictures[0])
    page.locator(".custom-switch-card").filter(has_text="定时发布").locator(".d-switch").click()
    expect(publish_button(page)).to_have_text("定时发布")
    box = page.get_by_placeholder("选择日期和时间")
    good = wall(timedelta(days=2))
    box.fill(good)
    box.press("Enter")
    expect(box).to_have_value(good)
    for bad in (wall(timedelta(minutes=30)), wall(timedelta(days=15)), "明天早上"):
        box.fill(bad)
        box.press("Enter")
        expect(page.get_by_text("定时发布时间需在1小时后至14天内")).to_be_visible()
        expect(box).to_have_value(good)
    page.locator(".post-time-wrapper .d-switch").click()
    expect(publish_button(page)).to_have_text("发布")


def test_publishing_creates_one_note_counts_one_submission_and_lists_it(page, xhs, pictures):
    open_form(page, xhs, pictures[0])
    page.locator("input[type=file][accept*='.jpg']").set_input_files(str(pictures[1]))
    expect(page.locator(".img-preview-area .pr")).to_have_count(2)
    page.get_by_placeholder("填写标题会有更多赞哦～").fill("桂花乌龙冷泡茶")
    page.locator("div.tiptap").click()
    page.keyboard.type("清香回甘 #冷泡茶")
    page.locator("#creator-editor-topic-container .item").first.click()
    publish_button(page).click()
    page.wait_for_url("**/publish/success**")
    expect(page.get_by_text("发布成功")).to_be_visible()
    page.wait_for_url(re.compile(r"/publish/publish\?source="))

    state = xhs.state()
    assert state["submissions"] == 1
    (note,) = state["notes"]
    assert (note["title"], note["topics"], note["images"], note["status"]) == ("桂花乌龙冷泡茶", ["冷泡茶"], 2, "已发布")
    assert "清香回甘 #冷泡茶" in note["body"] and re.fullmatch(r"[0-9a-f]{24}", note["id"])
    page.goto(f"{xhs.url}/new/note-manager")
    row = page.locator(f"[data-note-id='{note['id']}']")
    expect(row.locator(".title")).to_have_text("桂花乌龙冷泡茶")
    expect(row.locator(".status")).to_have_text("已发布")


def test_a_scheduled_note_keeps_its_time_and_is_listed_as_scheduled(page, xhs, pictures):
    open_form(page, xhs, pictures[0])
    page.get_by_placeholder("填写标题会有更多赞哦～").fill("明天见")
    page.locator(".post-time-wrapper .d-switch").click()
    at = wall(timedelta(days=1))
    page.locator(".date-picker-container input").fill(at)
    page.locator(".date-picker-container input").press("Enter")
    publish_button(page).click()
    page.wait_for_url("**/publish/success**")
    (note,) = xhs.state()["notes"]
    assert (note["publish_at"], note["status"]) == (at, "定时发布中")


# -- fault switches ---------------------------------------------------------------------------------------
def test_slow_upload_keeps_the_preview_waiting(page, xhs, pictures):
    xhs.faults(slow_upload=1500)
    log_in(page, xhs)
    page.goto(xhs.url + IMAGE_FORM)
    started = time.monotonic()
    page.locator(IMAGE_INPUT).set_input_files(str(pictures[0]))
    expect(page.locator(".img-preview-area .pr")).to_have_count(1)
    assert time.monotonic() - started >= 1.4


def test_the_tips_popover_covers_publish_until_escape(page, xhs, pictures):
    xhs.faults(popover=True)
    open_form(page, xhs, pictures[0])
    page.get_by_placeholder("填写标题会有更多赞哦～").fill("被挡住了")
    expect(page.locator("div.d-popover")).to_be_visible()
    with pytest.raises(Exception, match="intercepts pointer events"):
        publish_button(page).click(timeout=1_500)
    assert xhs.state()["submissions"] == 0
    page.keyboard.press("Escape")
    expect(page.locator("div.d-popover")).to_have_count(0)
    publish_button(page).click()
    page.wait_for_url("**/publish/success**")


def test_publish_failed_shows_the_failure_and_creates_no_note_then_a_retry_works(page, xhs, pictures):
    xhs.faults(publish_failed=1)
    open_form(page, xhs, pictures[0])
    page.get_by_placeholder("填写标题会有更多赞哦～").fill("会失败一次")
    publish_button(page).click()
    expect(page.get_by_text("发布失败，请稍后重试")).to_be_visible()
    assert "/publish/publish" in page.url
    assert (xhs.state()["submissions"], xhs.state()["notes"]) == (1, [])
    publish_button(page).click()
    page.wait_for_url("**/publish/success**")
    assert xhs.state()["submissions"] == 2 and len(xhs.state()["notes"]) == 1


def test_session_expiring_mid_flow_says_login_expired_and_goes_to_login(page, xhs, pictures):
    log_in(page, xhs)
    xhs.faults(session_expire_mid_flow=True)
    page.goto(xhs.url + IMAGE_FORM)
    page.locator(IMAGE_INPUT).set_input_files(str(pictures[0]))
    expect(page.get_by_text("登录已过期")).to_be_visible()
    page.wait_for_url("**/login")
    assert xhs.state()["notes"] == []


def test_missing_suggestions_leave_the_typed_tag_as_plain_text(page, xhs, pictures):
    xhs.faults(suggestions_missing=True)
    open_form(page, xhs, pictures[0])
    page.locator("div.tiptap").click()
    page.keyboard.type("#冷泡茶")
    page.wait_for_timeout(1_000)  # ten times the replica's suggestion delay: asserting they never come
    expect(page.locator("#creator-editor-topic-container .item")).to_have_count(0)
    expect(page.locator("a.tiptap-topic")).to_have_count(0)


def test_unknown_fault_switches_are_refused(xhs):
    resp = httpx.post(f"{xhs.url}/__sandbox__/faults", json={"no_such_switch": 1})
    assert resp.status_code == 400


# -- declarations, 原创, 合集, the older form, video notes ----------------------------------------------
MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 2048


def fill_title(page: Page, title: str) -> None:
    page.get_by_placeholder("填写标题会有更多赞哦～").fill(title)


def test_a_repost_declaration_asks_for_the_media_name_and_is_listed_with_the_note(page, xhs, pictures):
    open_form(page, xhs, pictures[0])
    fill_title(page, "转载的笔记")
    page.locator(".d-select-wrapper").filter(has_text="添加内容类型声明").click()
    page.get_by_text("内容来源声明", exact=True).click()
    page.get_by_text("来源转载", exact=True).click()
    page.get_by_role("button", name="确认").click()
    expect(page.locator(".repost-error")).to_have_text("请输入媒体名称")
    page.get_by_placeholder("请输入媒体名称").fill("新华社")
    page.get_by_role("button", name="确认").click()
    expect(page.locator(".declaration-wrapper .d-select-description")).to_have_text("来源转载：新华社")
    publish_button(page).click()
    page.wait_for_url("**/publish/success**")
    note = xhs.state()["notes"][0]
    assert note["declaration"] == {"kind": "repost", "label": "来源转载", "source": "新华社"}
    page.goto(f"{xhs.url}/new/note-manager")
    expect(page.locator(f"[data-note-id='{note['id']}'] .declaration")).to_have_text("来源转载：新华社")


def test_the_ai_option_and_original_switch_need_the_terms_accepted_and_are_stored(page, xhs, pictures):
    open_form(page, xhs, pictures[0])
    fill_title(page, "AI写的笔记")
    page.locator(".d-select-wrapper").filter(has_text="添加内容类型声明").click()
    page.get_by_text("笔记含AI合成内容", exact=True).click()
    page.locator(".original-card .d-switch").click()
    dialog = page.get_by_role("dialog", name="原创声明")
    expect(dialog.get_by_role("button", name="声明原创")).to_be_disabled()
    dialog.get_by_text("我已阅读并同意").click()
    dialog.get_by_role("button", name="声明原创").click()
    expect(page.locator(".original-card .d-switch")).to_have_attribute("aria-checked", "true")
    page.locator(".collection-container .d-select-wrapper").click()
    page.get_by_text("新品上市", exact=True).click()
    publish_button(page).click()
    page.wait_for_url("**/publish/success**")
    note = xhs.state()["notes"][0]
    assert (note["declaration"]["label"], note["original"], note["collection"]) == ("笔记含AI合成内容", True, "新品上市")
    assert note["declaration_text"] == "笔记含AI合成内容 · 原创"


def test_switches_render_the_changed_ai_wording_and_remove_the_declaration_entry(page, xhs, pictures):
    xhs.faults(ai_wording_changed=True)
    open_form(page, xhs, pictures[0])
    page.locator(".d-select-wrapper").filter(has_text="添加内容类型声明").click()
    expect(page.get_by_text("内容由AI生成", exact=True)).to_be_visible()
    expect(page.get_by_text("笔记含AI合成内容")).to_have_count(0)
    xhs.faults(declaration_missing=True)
    page.goto(xhs.url + IMAGE_FORM)
    page.locator(IMAGE_INPUT).set_input_files(str(pictures[0]))
    expect(page.get_by_text("添加内容类型声明")).to_have_count(0)
    expect(page.get_by_text("原创声明")).to_be_visible()


def test_the_older_form_has_the_quill_editor_the_own_declaration_and_the_schedule_radios(page, xhs, pictures):
    xhs.faults(legacy_editor=True)
    open_form(page, xhs, pictures[0])
    expect(page.locator("div.tiptap")).to_have_count(0)
    expect(page.locator("div.ql-editor[contenteditable='true']")).to_be_visible()
    expect(page.get_by_text("添加自主声明")).to_be_visible()
    expect(page.get_by_text("原创声明")).to_have_count(0)  # as on the saved real older form
    radios = page.get_by_role("radiogroup")
    expect(page.locator(".date-picker-container")).to_be_hidden()
    radios.get_by_text("定时发布", exact=True).click()
    expect(page.locator(".date-picker-container input")).to_be_visible()
    expect(publish_button(page)).to_have_text("定时发布")
    radios.get_by_text("立即发布", exact=True).click()
    expect(page.locator(".date-picker-container")).to_be_hidden()


def test_a_video_uploads_with_progress_is_processed_gets_a_cover_and_is_published(page, xhs, pictures, tmp_path):
    xhs.faults(slow_video_processing=4000)  # long enough to be seen under load: the checks below need that window
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(MP4_HEAD)
    log_in(page, xhs)
    page.goto(f"{xhs.url}/publish/publish?source=official")
    page.locator(VIDEO_INPUT).set_input_files(str(clip))
    expect(page.get_by_text("视频正在转码中")).to_be_visible()
    fill_title(page, "冷泡茶视频")
    expect(publish_button(page)).to_have_class(re.compile("disabled"))  # not until processed
    expect(page.locator(".video-upload-area .stage-text")).to_have_text("上传成功")
    expect(page.get_by_text("视频大小：")).to_be_visible()
    page.get_by_role("button", name="上传封面").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("input[type=file]").set_input_files(str(pictures[0]))
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_text("已设置封面")).to_be_visible()
    publish_button(page).click()
    page.wait_for_url("**/publish/success**")
    note = xhs.state()["notes"][0]
    assert (note["kind"], note["cover"], note["images"]) == ("video", True, 0)


def test_a_file_that_is_not_a_video_is_refused_on_the_video_tab(page, xhs, tmp_path):
    fake = tmp_path / "fake.mp4"
    fake.write_text("not a video")
    log_in(page, xhs)
    page.goto(f"{xhs.url}/publish/publish?source=official")
    page.locator(VIDEO_INPUT).set_input_files(str(fake))
    expect(page.get_by_text("视频格式不支持").first).to_be_visible()
    assert xhs.state()["notes"] == []
