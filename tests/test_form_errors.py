"""Form errors on the phone (390×844): all of them at once, each next to its field, the page scrolled to the
first; a file too big is refused in the browser before any upload, named by the owner's own file name."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.models import Account, Employee, Run
from tests.factories import make_image
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server on the demo workspace)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium, web):
    ctx = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                               timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    page.goto(f"{web.url}/login")
    page.get_by_label("用户名").fill("owner")
    page.get_by_label("密码").fill(web.password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="待审批")).to_be_visible()
    yield page
    ctx.close()


def _runs(web) -> int:
    with web.db() as s:
        return s.query(Run).count()


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"]


def test_every_error_of_a_note_shows_next_to_its_field_and_the_page_scrolls_to_the_first(web, phone, tmp_path):
    page = phone
    page.goto(f"{web.url}/compose")
    page.locator("input[name=account_id]").first.check()  # the picker never pre-ticks a logged-out account
    page.get_by_label("标题").fill("标" * 25)
    page.get_by_label("正文").fill("好" * 1001)
    page.get_by_label(re.compile("^图片")).set_input_files(str(make_image(tmp_path / "我的桂花照.jpg")))
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.get_by_role("button", name="交给员工").click()

    title_error = page.locator("label:has(input[name=title]) + .field-error")
    body_error = page.locator("label:has(textarea[name=body]) + .field-error")
    expect(title_error).to_contain_text("标题")
    expect(body_error).to_contain_text("正文")
    expect(page.locator("input[name=title]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("textarea[name=body]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".errors p")).to_have_count(page.locator(".field-error").count())
    assert _in_view(page, page.locator("input[name=title]")), "the page did not scroll to the first error"
    expect(page.locator("input[name=title]")).to_be_focused()
    assert _runs(web) == 0


def test_a_photo_too_big_is_refused_before_the_upload_by_its_own_name(web, phone, tmp_path):
    page = phone
    page.goto(f"{web.url}/compose")
    big = tmp_path / "夏天的大图.jpg"
    make_image(big)
    with big.open("ab") as f:  # a real JPEG with 21 MB of padding after its end: what a camera's raw export weighs
        f.write(b"\0" * (21 * 1024 * 1024))
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.get_by_label("标题").fill("桂花乌龙冷泡茶上新")
    page.get_by_label(re.compile("^图片")).set_input_files(str(big))
    error = page.locator("label:has(input[name=images]) + .field-error")
    expect(error).to_contain_text("「夏天的大图.jpg」")
    expect(error).to_contain_text("20MB")
    page.get_by_role("button", name="交给员工").click()
    expect(error).to_have_count(1)
    assert sent == [] and _runs(web) == 0

    page.get_by_label(re.compile("^图片")).set_input_files(str(make_image(tmp_path / "小图.jpg")))
    expect(page.locator(".field-error")).to_have_count(0)  # a file that fits takes the message away


def test_a_site_refusing_a_file_names_it_as_the_owner_named_it(web, tmp_path):
    gif = tmp_path / "动起来的图.gif"
    make_image(gif, fmt="GIF")
    phone = web.client()
    with web.db() as s:
        account = s.query(Account).filter_by(site="xiaohongshu").first().id
        employee = s.query(Employee).filter_by(role="marketing").one().id
    r = phone.post("/api/runs", data={"account_id": account, "employee_id": employee, "title": "桂花乌龙"},
                   files=[("images", (gif.name, gif.read_bytes(), "image/gif"))])
    assert r.status_code == 422, r.text
    messages = [e["message"] for e in r.json()["detail"] if e["field"] == "images"]
    assert any("动起来的图.gif" in m for m in messages), messages


def test_an_input_the_request_itself_refuses_is_explained_in_chinese_by_its_field(web):
    phone = web.client()
    with web.db() as s:
        account = s.query(Account).filter_by(site="xiaohongshu").first().id
    r = phone.post("/api/runs", data={"account_id": account, "title": "标" * 501})
    assert r.status_code == 422, r.text
    messages = {e["field"]: e["message"] for e in r.json()["detail"]}
    assert messages["title"] == "标题最多500字"
    assert messages["employee_id"] == "员工必填"
