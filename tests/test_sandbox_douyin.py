"""The Douyin replica behaves like the creator center, driven the way a person uses it.

The replica runs as its own process (delays off); real Chromium clicks, types and uploads.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError, Page, expect

from tests.douyin_sandbox_fixtures import (MANAGE, UPLOAD, chromium, context, dy, fake_mp4, form_ready, log_in,  # noqa: F401
                                           make_test_image, mp4, page, qr_token, replica, upload_video)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TITLE = 'input[placeholder*="填写作品标题"]'
EDITOR = 'div.zone-container[contenteditable="true"]'
DATE = '.semi-input[placeholder="日期和时间"]'
publish_button = lambda page: page.get_by_role("button", name="发布", exact=True)  # noqa: E731


def wall(delta: timedelta) -> str:
    return (datetime.now(SHANGHAI) + delta).strftime("%Y-%m-%d %H:%M")


def session_cookie(context) -> dict:
    (cookie,) = [c for c in context.cookies() if c["name"] == "sessionid"]
    return cookie


def fill_and_publish(page: Page, title: str, desc: str = "今天的视频") -> None:
    page.locator(TITLE).fill(title)
    page.locator(EDITOR).click()
    page.keyboard.type(desc)
    publish_button(page).click()


# -- login and sessions --------------------------------------------------------------------------------
def test_the_qr_expires_shows_its_text_and_a_click_on_it_refreshes(page, dy):
    dy.faults(qr_ttl_s=1)
    page.goto(dy.url + "/")
    old = page.locator("#animate_qrcode_container img[aria-label='二维码']").get_attribute("src")
    assert old.startswith("data:image/png;base64,")
    expect(page.get_by_text("二维码失效")).to_be_visible(timeout=5_000)
    assert dy.scan(qr_token(old)).status_code == 404
    dy.faults(qr_ttl_s=60)
    page.get_by_text("二维码失效").click()
    expect(page.get_by_text("二维码失效")).to_be_hidden()
    new = page.locator("div[class*='scan_qrcode_login_content'] img[src^='data:image']").get_attribute("src")
    assert new != old
    assert dy.scan(qr_token(new)).status_code == 200
    page.wait_for_url("**/creator-micro/home")


def test_scanning_sets_an_httponly_sessionid_and_the_upload_page_shows_the_drop_zone(page, context, dy):
    log_in(page, dy)
    page.wait_for_url("**/creator-micro/home")
    assert session_cookie(context)["httpOnly"]
    page.goto(dy.url + UPLOAD)
    expect(page.get_by_text("点击上传 或直接将视频文件拖入此区域")).to_be_visible()
    file_input = page.locator("div.container-drag-AOMYqU input[type=file]")
    expect(file_input).to_be_hidden()
    assert "video/mp4" in file_input.get_attribute("accept")


def test_a_dead_session_shows_the_login_texts_on_the_upload_url_without_redirecting(page, dy):
    log_in(page, dy)
    dy.expire_sessions()
    resp = page.goto(dy.url + UPLOAD)
    assert resp.status == 200 and page.url == dy.url + UPLOAD
    expect(page.get_by_text("扫码登录")).to_be_visible()
    expect(page.get_by_text("手机号登录")).to_be_visible()
    expect(page.locator("div.container-drag-AOMYqU")).to_have_count(0)
    log_in(page, dy, UPLOAD)  # scanning there logs in and stays on the upload URL
    expect(page.get_by_text("点击上传 或直接将视频文件拖入此区域")).to_be_visible()
    assert page.url == dy.url + UPLOAD


# -- video upload ---------------------------------------------------------------------------------------
def test_a_fake_video_ends_in_upload_failed_and_no_fields(page, dy, fake_mp4):
    log_in(page, dy)
    upload_video(page, dy, fake_mp4)
    expect(page.locator("div.progress-div")).to_contain_text("上传失败")
    expect(page.locator("div.progress-div").get_by_text("重新上传")).to_be_visible()
    assert dy.state()["works"] == []


def test_a_real_mp4_is_accepted_and_the_v2_form_renders_its_fields_only_after_processing(page, dy, mp4):
    dy.faults(form_variant="post_video", slow_upload=1500)
    log_in(page, dy)
    upload_video(page, dy, mp4)
    assert "/creator-micro/content/post/video?enter_from=publish_page" in page.url
    expect(page.locator("div.progress-div")).to_contain_text("上传中")
    assert page.locator(TITLE).count() == 0
    form_ready(page)
    expect(page.locator("span.limit-FToEI9")).to_have_text("0/30")
    expect(page.locator(TITLE)).to_have_attribute("placeholder", "填写作品标题，为作品获得更多流量")


def test_the_v1_form_shows_fields_at_once_and_the_variant_is_random_by_default(page, dy, mp4):
    dy.faults(form_variant="publish")
    log_in(page, dy)
    upload_video(page, dy, mp4)
    assert "/creator-micro/content/publish?enter_from=publish_page" in page.url
    dy.faults(form_variant="random")
    seen = set()
    for _ in range(12):
        upload_video(page, dy, mp4)
        seen.add(page.url.split("?")[0].rsplit("/", 1)[1])
    assert seen == {"publish", "video"}


def test_upload_failed_fault_then_reupload_succeeds(page, dy, mp4):
    dy.faults(upload_failed=1)
    log_in(page, dy)
    upload_video(page, dy, mp4)
    expect(page.locator("div.progress-div")).to_contain_text("上传失败")
    page.locator("div.progress-div input[type=file]").set_input_files(str(mp4))
    form_ready(page)


# -- publishing -----------------------------------------------------------------------------------------
def test_publish_now_lands_on_the_works_list_with_id_and_title(page, dy, mp4):
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    fill_and_publish(page, "红色的一秒钟")
    page.wait_for_url("**" + MANAGE)
    state = dy.state()
    assert state["submissions"] == 1
    (work,) = state["works"]
    card = page.locator(f"div.video-card-zQ02ng[data-aweme-id='{work['id']}']")
    expect(card.locator(".info-title-text-YTLo9y")).to_have_text("红色的一秒钟")
    expect(card).to_contain_text("已发布")
    expect(page.get_by_text("共 1 个作品")).to_be_visible()
    assert re.fullmatch(r"\d{19}", work["id"]) and work["desc"] == "今天的视频"


def test_a_schedule_outside_the_window_is_refused_and_a_valid_one_is_kept(page, dy, mp4):
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    page.locator("label").filter(has_text="定时发布").click()
    date = page.locator(DATE)
    expect(date).to_be_visible()
    prefilled = date.input_value()
    for bad in (wall(timedelta(hours=1)), wall(timedelta(days=15)), "明天下午"):
        date.fill(bad)
        date.press("Enter")
        expect(page.locator(".schedule-error")).to_have_text("定时发布时间需在2小时后至14天内")
        expect(date).to_have_value(prefilled)
    good = wall(timedelta(hours=3))
    date.fill(good)
    date.press("Enter")
    expect(date).to_have_value(good)
    fill_and_publish(page, "定时的作品")
    page.wait_for_url("**" + MANAGE)
    assert dy.state()["works"][0]["publish_at"] == good
    expect(page.locator("div.video-card-zQ02ng")).to_contain_text("定时发布")


def test_the_window_is_configurable_and_the_server_checks_it_too(page, context, dy, mp4):
    dy.faults(schedule_min_h=1, schedule_max_days=7)
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    page.locator("label").filter(has_text="定时发布").click()
    page.locator(DATE).fill(wall(timedelta(days=8)))
    page.locator(DATE).press("Enter")
    expect(page.locator(".schedule-error")).to_have_text("定时发布时间需在1小时后至7天内")
    upload_id = page.evaluate("JSON.parse(document.getElementById('sandbox-config').textContent).uploadId")
    cookies = {"sessionid": session_cookie(context)["value"]}  # straight to the API: the server checks too
    body = {"kind": "video", "upload_id": upload_id, "title": "t", "timing": wall(timedelta(days=8))}
    resp = httpx.post(dy.url + "/web/api/media/aweme/create/", json=body, cookies=cookies).json()
    assert resp == {"status_code": 1, "status_msg": "定时发布时间需在1小时后至7天内"}
    body["timing"] = wall(timedelta(days=6))
    assert httpx.post(dy.url + "/web/api/media/aweme/create/", json=body, cookies=cookies).json()["status_code"] == 0
    assert dy.state()["submissions"] == 2


def test_cover_required_refuses_until_a_cover_is_set(page, dy, mp4):
    dy.faults(cover_required=True)
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    fill_and_publish(page, "需要封面")
    expect(page.get_by_text("请设置封面后再发布")).to_be_visible()
    assert "/content/manage" not in page.url
    page.get_by_text("选择封面").click()
    done = page.get_by_role("button", name="完成")
    expect(done).to_be_enabled()
    done.click()
    publish_button(page).click()
    page.wait_for_url("**" + MANAGE)
    assert dy.state()["submissions"] == 2


def test_sms_required_accepts_only_the_issued_code_and_only_real_clicks(page, dy, mp4):
    dy.faults(sms_required=True)
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    fill_and_publish(page, "要验证码")
    send = page.get_by_role("button", name="获取验证码")
    send.dispatch_event("click")  # a synthetic event: the real modal ignores it
    page.wait_for_timeout(300)
    assert dy.sms_code() is None
    send.click()
    expect(page.get_by_text(re.compile(r"\d+s后重新获取"))).to_be_visible()
    code = dy.sms_code()
    assert re.fullmatch(r"\d{6}", code)
    page.locator('input[placeholder*="验证码"]').fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="验证", exact=True).click()
    expect(page.get_by_text("验证码错误，请重新输入")).to_be_visible()
    page.locator('input[placeholder*="验证码"]').fill(code)
    page.get_by_role("button", name="验证", exact=True).click()
    page.wait_for_url("**" + MANAGE)
    assert len(dy.state()["works"]) == 1


def test_the_tour_overlay_intercepts_clicks_until_closed(page, dy, mp4):
    dy.faults(tour=True)
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    page.locator(TITLE).fill("有引导")
    expect(page.locator(".shepherd-modal-overlay-container")).to_be_visible()
    with pytest.raises(PlaywrightError, match="intercepts pointer events"):
        publish_button(page).click(timeout=1_500)
    page.locator(".shepherd-element").get_by_role("button", name="下一步").click()
    page.locator(".shepherd-element").get_by_role("button", name="我知道了").click()
    expect(page.locator(".shepherd-modal-overlay-container")).to_have_count(0)
    publish_button(page).click()
    page.wait_for_url("**" + MANAGE)


def test_the_topic_dropdown_intercepts_clicks_until_escape_and_inserts_a_topic(page, dy, mp4):
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    page.locator(EDITOR).click()
    page.keyboard.type("出门 #旅行")
    dropdown = page.locator(".tag-dropdown")
    expect(dropdown).to_be_visible()
    with pytest.raises(PlaywrightError, match="intercepts pointer events"):
        page.get_by_text("选择封面").click(timeout=1_500)
    page.keyboard.press("Escape")
    expect(dropdown).to_have_count(0)
    page.keyboard.type(" #美食")
    dropdown.get_by_text("#美食日常").click()
    expect(page.locator(EDITOR)).to_have_text(re.compile(r"出门 #旅行 #美食日常\s*$"))
    page.locator(TITLE).fill("带话题")
    publish_button(page).click()
    page.wait_for_url("**" + MANAGE)
    assert dy.state()["works"][0]["topics"] == ["旅行", "美食日常"]


def test_publish_failed_shows_the_error_and_the_next_try_succeeds(page, dy, mp4):
    dy.faults(publish_failed=1)
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    fill_and_publish(page, "第一次失败")
    expect(page.get_by_text("发布失败，请稍后重试")).to_be_visible()
    publish_button(page).click()
    page.wait_for_url("**" + MANAGE)
    assert dy.state()["submissions"] == 2


def test_the_server_enforces_the_title_and_description_limits(page, context, dy, mp4):
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    upload_id = page.evaluate("JSON.parse(document.getElementById('sandbox-config').textContent).uploadId")
    cookies = {"sessionid": session_cookie(context)["value"]}
    post = lambda **kw: httpx.post(dy.url + "/web/api/media/aweme/create/", cookies=cookies,  # noqa: E731
                                   json={"kind": "video", "upload_id": upload_id, **kw}).json()
    assert post(title="字" * 31)["status_msg"] == "作品标题最多30个字"
    assert post(title="t", desc="字" * 1001)["status_msg"] == "作品描述最多1000个字"
    assert post(title="字" * 30)["status_code"] == 0
    assert dy.state()["submissions"] == 3


# -- image-text -----------------------------------------------------------------------------------------
def test_image_post_takes_35_images_and_refuses_36_and_gifs(page, context, dy, tmp_path):
    pictures = [str(make_test_image(tmp_path / f"{i}.png", fmt="PNG", size=(60, 80), color=(i * 7, 90, 120)))
                for i in range(36)]
    gif = make_test_image(tmp_path / "a.gif", fmt="GIF", size=(60, 80))
    log_in(page, dy)
    page.goto(dy.url + UPLOAD)
    page.get_by_text("发布图文").click()
    images = page.locator("div.container-drag-AOMYqU input[accept*='image']")
    images.set_input_files(str(gif))
    expect(page.get_by_text("图片格式不支持，请上传jpg、jpeg、png、webp格式的图片")).to_be_visible()
    images.set_input_files(pictures)
    expect(page.get_by_text("最多支持上传35张图片")).to_be_visible()
    page.wait_for_url("**/creator-micro/content/post/image?**", timeout=30_000)
    expect(page.locator(".img-list .img-item")).to_have_count(35)
    expect(page.locator("span.limit-FToEI9")).to_have_text("0/20")
    ids = page.evaluate("JSON.parse(document.getElementById('sandbox-config').textContent).imageIds")
    cookies = {"sessionid": session_cookie(context)["value"]}
    body = {"kind": "image", "image_ids": ids + ids[:1], "title": "三十六张"}
    resp = httpx.post(dy.url + "/web/api/media/aweme/create/", json=body, cookies=cookies).json()
    assert resp["status_msg"] == "最多支持上传35张图片"
    body = {"kind": "image", "image_ids": ids, "title": "字" * 21}
    assert httpx.post(dy.url + "/web/api/media/aweme/create/", json=body, cookies=cookies).json()["status_code"] != 0
    fill_and_publish(page, "三十五张图")
    page.wait_for_url("**" + MANAGE)
    (work,) = dy.state()["works"]
    assert work["kind"] == "image" and work["images"] == 35
    expect(page.locator(f"div.video-card-zQ02ng[data-aweme-id='{work['id']}']")).to_contain_text("三十五张图")


# -- the form's sections as on the real site (issue 18) -------------------------------------------------
SECTIONS = ["作品描述", "作品活动奖励", "设置封面", "添加标签", "添加到", "允许他人保存视频", "设置谁可以看", "发布时间"]


def test_the_video_form_has_the_real_sections_in_the_real_order(page, dy, mp4):
    dy.faults(form_variant="publish", declaration_variant="assistant")
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    text = page.locator(".form-fields").inner_text()
    at = [text.index(s) for s in SECTIONS]
    assert at == sorted(at), dict(zip(SECTIONS, at))
    expect(page.get_by_text("智能推荐封面")).to_be_visible()
    expect(page.locator("[class^='recommendCover-']")).to_have_count(3)
    expect(page.locator(".postAssistant-Fc978B").get_by_text("快速检测")).to_be_visible()
    expect(page.get_by_text("作品未见异常")).to_be_visible()


def test_the_reupload_card_is_not_in_the_page_until_the_upload_is_processed(page, dy, mp4):
    dy.faults(form_variant="publish", slow_upload=1500)
    log_in(page, dy)
    upload_video(page, dy, mp4)
    expect(page.locator("div.progress-div")).to_contain_text("上传中")
    assert page.locator("div[class*=long-card]").count() == 0  # absent, not merely hidden
    assert page.get_by_text("重新上传").filter(visible=False).count() == 1  # only the progress box's own slot
    form_ready(page)


@pytest.mark.parametrize("variant,entry,header", [
    ("form", "添加自主声明", "请选择声明类型（单选）"),
    ("select", "请选择自主声明", "请选择声明类型（单选）"),
    ("assistant", "添加声明", "对作品内容添加声明"),
])
def test_the_declaration_modal_has_role_modal_and_the_choice_is_kept_with_the_work(page, dy, mp4, variant, entry,
                                                                                   header):
    dy.faults(declaration_variant=variant)
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    page.get_by_text(entry, exact=True).click()
    modal = page.locator("[role='modal']").filter(has_text=header)
    expect(modal).to_be_visible()
    assert page.get_by_role("dialog").count() == 0  # not an ARIA dialog: role=dialog locators miss it
    assert modal.locator("span.semi-radio-addon").all_inner_texts()[:3] == ["内容由AI生成", "内容为转载信息",
                                                                            "内容为个人观点或见解"]
    modal.locator("label.semi-radio").filter(has_text="内容由AI生成").click()
    modal.get_by_role("button", name="确定").click()
    expect(modal).to_have_count(0)
    expect(page.get_by_text("内容由AI生成", exact=True)).to_be_visible()
    fill_and_publish(page, f"声明{variant}")
    page.wait_for_url("**" + MANAGE)
    (work,) = dy.state()["works"]
    assert work["declaration"] == "内容由AI生成"
    expect(page.locator(f"[data-aweme-id='{work['id']}']")).to_contain_text("自主声明：内容由AI生成")


def test_without_the_declaration_entry_the_form_offers_none(page, dy, mp4):
    dy.faults(no_declaration=True)
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    for entry in ("添加自主声明", "请选择自主声明", "添加声明"):
        assert page.get_by_text(entry, exact=True).count() == 0


def test_a_recommended_cover_is_applied_only_after_its_confirm_modal(page, dy, mp4):
    dy.faults(cover_required=True)
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    second = page.locator("[class^='recommendCover-']").nth(1)
    second.click()
    confirm = page.locator("[role='modal']").filter(has_text="是否确认应用此封面？")
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name="取消").click()
    fill_and_publish(page, "推荐封面")
    expect(page.get_by_text("请设置封面后再发布")).to_be_visible()  # cancelled: no cover yet
    second.click()
    confirm.get_by_role("button", name="确定").click()
    expect(second).to_have_class(re.compile("selected"))
    publish_button(page).click()
    page.wait_for_url("**" + MANAGE)
    assert [w["cover"] for w in dy.state()["works"]] == ["recommended:2"]


def test_the_cover_editor_is_a_dy_creator_content_modal_that_takes_an_upload(page, dy, mp4, tmp_path):
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    page.get_by_text("选择封面").click()
    editor = page.locator("div.dy-creator-content-modal")
    expect(editor).to_be_visible()
    editor.locator("input.semi-upload-hidden-input").set_input_files(str(make_test_image(tmp_path / "c.jpg")))
    editor.get_by_role("button", name="完成").click()
    expect(editor).to_have_count(0)
    fill_and_publish(page, "上传封面")
    page.wait_for_url("**" + MANAGE)
    assert [w["cover"] for w in dy.state()["works"]] == ["uploaded:c.jpg"]


def test_a_collection_and_allowing_saves_are_kept_with_the_work(page, dy, mp4):
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    select = page.locator("[class*='select-collection']")
    expect(select).to_have_text("请选择合集")
    select.click()
    page.get_by_role("listbox").get_by_role("option", name="冷泡茶教程", exact=True).click()
    expect(select).to_have_text("冷泡茶教程")
    page.locator("label[data-group='download']").filter(has_text=re.compile(r"^允许$")).click()
    fill_and_publish(page, "加入合集")
    page.wait_for_url("**" + MANAGE)
    (work,) = dy.state()["works"]
    assert (work["collection"], work["allow_download"]) == ("冷泡茶教程", True)


def test_the_tour_has_no_close_icon_and_only_its_last_button_closes_it(page, dy, mp4):
    dy.faults(tour=True)
    log_in(page, dy)
    upload_video(page, dy, mp4)
    form_ready(page)
    tour = page.locator(".shepherd-element")
    assert tour.locator(".shepherd-cancel-icon").count() == 0
    page.keyboard.press("Escape")
    expect(page.locator(".shepherd-modal-overlay-container")).to_be_visible()
    tour.get_by_role("button", name="下一步").click()
    tour.get_by_role("button", name="我知道了").click()
    expect(page.locator(".shepherd-modal-overlay-container")).to_have_count(0)
