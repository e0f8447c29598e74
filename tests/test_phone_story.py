"""The owner's story on a phone-sized browser (390×844), against the whole service as real processes:
log in, add a Xiaohongshu account by (simulated) QR scan, write a note for the marketing employee in
semi-auto mode, see the filled form's screenshot in the approval queue, edit the title and approve, and
see the run published with the note id — and exactly one note on the replica."""
from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.douyin_sandbox_fixtures import mp4  # noqa: F401  (a real MP4 made by ffmpeg)
from tests.factories import make_image
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import PHONE, log_in, phone, tab  # noqa: F401  (phone: a fixture)
from tests.web_fixtures import Web, start_web_stack


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    stack, password = start_web_stack(tmp_path_factory, replica=True, workers=1)
    yield stack, password
    stack.stop()


def _add_account_by_qr(page, name, site_label="小红书"):
    tab(page, "账号")
    page.get_by_label("平台").select_option(label=site_label)
    page.get_by_label("名称").fill(name)
    page.get_by_role("button", name="添加账号").click()
    qr = page.get_by_role("img", name="登录二维码")
    # captured from the replica's login page by a worker
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/png;base64,"), timeout=60_000)
    expect(qr).to_be_visible()
    page.get_by_role("button", name="模拟扫码（演示模式）").click()
    expect(page.locator("#account-status")).to_have_text("已登录", timeout=60_000)
    expect(qr).to_be_hidden()


def _write_note(page, name, images):
    _compose_for(page, name, "桂花乌龙冷泡茶上新", body="清香回甘，冰镇更好喝。", topics="冷泡茶 夏日饮品")
    page.get_by_label(re.compile("^图片")).set_input_files(images)
    page.get_by_role("button", name="交给员工").click()
    expect(page).to_have_url(re.compile(r"/runs/\w+$"))


def test_owner_adds_an_account_writes_a_note_approves_it_on_the_phone_and_sees_it_published(
        service, phone, tmp_path):
    stack, password = service
    images = [str(make_image(tmp_path / f"p{i}.jpg", text=str(i))) for i in range(2)]
    page = phone

    log_in(page, Web(stack, password))
    _add_account_by_qr(page, "我的小红书")

    # A note that breaks the site's limit is refused on the form, naming the field, before any run exists.
    tab(page, "写笔记")
    page.get_by_label("标题").fill("这是一个明显超过二十个字的标题用来测试长度限制是否生效")
    page.get_by_label(re.compile("^图片")).set_input_files(images)
    page.get_by_role("button", name="交给员工").click()
    expect(page.locator(".errors [data-field=title]")).to_contain_text("标题超过20字")
    expect(page.get_by_label("标题")).to_have_attribute("aria-invalid", "true")

    _write_note(page, "我的小红书", images)
    expect(page.locator("#run-status")).to_have_text("待审批", timeout=90_000)

    tab(page, "审批")
    page.get_by_role("link", name=re.compile("桂花乌龙冷泡茶上新")).click()
    shot = page.get_by_role("img", name="已填写的发布页面截图")
    expect(shot).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", shot.element_handle()) > 300  # a real screenshot loaded
    expect(page.locator("dd[data-field=title]")).to_have_text("桂花乌龙冷泡茶上新")  # read back from the form
    assert httpx.get(f"{stack.xhs_url}/__sandbox__/state").json()["submissions"] == 0

    page.get_by_label("标题").fill("桂花乌龙冷泡茶｜夏日上新")
    page.get_by_role("button", name="批准发布").click()
    expect(page.locator("#run-status")).to_have_text("已发布", timeout=90_000)

    notes = httpx.get(f"{stack.xhs_url}/__sandbox__/state").json()["notes"]
    assert [n["title"] for n in notes] == ["桂花乌龙冷泡茶｜夏日上新"]
    expect(page.locator("#external-id")).to_have_text(notes[0]["id"])
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling


def _compose_for(page, name, title, body="一分钟看懂冷泡茶", topics="冷泡茶"):
    tab(page, "写笔记")
    for box in page.get_by_role("checkbox").all():
        box.uncheck()
    page.get_by_role("checkbox", name=re.compile(name)).check()
    page.get_by_label("本次模式").select_option(label="半自动（先审批）")
    page.get_by_label("标题").fill(title)
    page.get_by_label("正文").fill(body)
    page.get_by_label("话题（空格分隔，最多10个）").fill(topics)


def _approve_on_phone(page, title):
    expect(page.locator("#run-status")).to_have_text("待审批", timeout=120_000)
    tab(page, "审批")
    page.get_by_role("link", name=re.compile(title)).click()
    expect(page.get_by_role("img", name="已填写的发布页面截图")).to_be_visible()
    page.get_by_role("button", name="批准发布").click()


def _douyin_state(stack) -> dict:
    return httpx.get(f"{stack.replica_url('douyin')}/__sandbox__/state").json()


def test_owner_posts_a_douyin_video_and_types_the_sms_code_on_the_phone(service, phone, mp4):
    stack, password = service
    page = phone
    log_in(page, Web(stack, password))
    _add_account_by_qr(page, "我的抖音", site_label="抖音")
    httpx.post(f"{stack.replica_url('douyin')}/__sandbox__/faults", json={"sms_required": True}).raise_for_status()

    _compose_for(page, "我的抖音", "冷泡茶开箱视频")
    page.get_by_label(re.compile("^视频（")).set_input_files(str(mp4))
    page.get_by_role("button", name="交给员工").click()
    _approve_on_phone(page, "冷泡茶开箱视频")

    expect(page.locator("#run-status")).to_have_text("等待验证码", timeout=90_000)
    expect(page.get_by_text("网站要求输入验证码")).to_be_visible()
    code = httpx.get(f"{stack.replica_url('douyin')}/__sandbox__/sms-code").json()["code"]
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="提交验证码").click()
    expect(page.locator("#run-status")).to_have_text("已发布", timeout=90_000)
    works = _douyin_state(stack)["works"]
    assert [(w["kind"], w["title"]) for w in works] == [("video", "冷泡茶开箱视频")]
    expect(page.locator("#external-id")).to_have_text(works[0]["id"])


def test_owner_posts_a_douyin_image_text_post_on_the_phone(service, phone, tmp_path):
    stack, password = service
    images = [str(make_image(tmp_path / f"d{i}.jpg", text=str(i))) for i in range(4)]
    page = phone
    log_in(page, Web(stack, password))
    _add_account_by_qr(page, "抖音图文号", site_label="抖音")
    httpx.post(f"{stack.replica_url('douyin')}/__sandbox__/faults", json={"sms_required": False}).raise_for_status()
    _compose_for(page, "抖音图文号", "四张图的图文")
    page.get_by_label(re.compile("^图片")).set_input_files(images)
    page.get_by_role("button", name="交给员工").click()
    _approve_on_phone(page, "四张图的图文")
    expect(page.locator("#run-status")).to_have_text("已发布", timeout=90_000)
    work = next(w for w in _douyin_state(stack)["works"] if w["title"] == "四张图的图文")
    assert (work["kind"], work["images"]) == ("image", 4)
    expect(page.locator("#external-id")).to_have_text(work["id"])


def _xhs_state(stack) -> dict:
    return httpx.get(f"{stack.xhs_url}/__sandbox__/state").json()


def test_owner_posts_a_xiaohongshu_video_note_as_original_from_the_phone(service, phone, mp4, tmp_path):
    stack, password = service
    page = phone
    cover = str(make_image(tmp_path / "cover.jpg", text="封面"))
    log_in(page, Web(stack, password))
    _add_account_by_qr(page, "小红书视频号")
    submitted = _xhs_state(stack)["submissions"]  # the module's other stories share the replica
    _compose_for(page, "小红书视频号", "冷泡茶视频笔记")
    page.get_by_label(re.compile("^视频（")).set_input_files(str(mp4))
    page.get_by_label("视频封面（可选）").set_input_files(cover)
    page.get_by_role("combobox", name=re.compile("^声明")).select_option(label="原创")
    page.get_by_role("button", name="交给员工").click()
    expect(page).to_have_url(re.compile(r"/runs/\w+$"))

    expect(page.locator("#run-status")).to_have_text("待审批", timeout=120_000)
    tab(page, "审批")
    page.get_by_role("link", name=re.compile("冷泡茶视频笔记")).click()
    expect(page.get_by_role("img", name="已填写的发布页面截图")).to_be_visible()
    expect(page.locator("dd[data-field=declaration]")).to_have_text("原创声明")  # read back from the form
    expect(page.locator("dd[data-field=media]")).to_have_text("视频已上传，已设置封面")
    assert _xhs_state(stack)["submissions"] == submitted  # nothing sent before the approval
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="批准发布").click()

    expect(page.locator("#run-status")).to_have_text("已发布", timeout=90_000)
    (note,) = [n for n in _xhs_state(stack)["notes"] if n["title"] == "冷泡茶视频笔记"]
    assert (note["kind"], note["cover"], note["original"], note["declaration"]) == ("video", True, True, None)
    expect(page.locator("#external-id")).to_have_text(note["id"])
    assert _xhs_state(stack)["submissions"] == submitted + 1
