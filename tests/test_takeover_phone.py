"""The owner clears Taobao's slider with a finger on the phone page, against the whole service as real
processes: a listing in auto mode meets the slider at submit, the run page at 390×844 shows the live
picture, a fast jump is refused by the site, a slow touch drag gets through, and the item is listed once.
Only the logged-in owner of the run can look or act."""
from __future__ import annotations

import re
from contextlib import closing

import httpx
import pytest
from playwright.sync_api import expect

from api.auth import hash_password
from core.db import transaction
from core.models import Employee, User, Workspace
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.listing_fixtures import (PASSWORD, env, listed_items, listing_phone, product_form,  # noqa: F401
                                    product_images, shop)

PHONE = {"width": 390, "height": 844}
# The picture frames the replica's 300 px track 24 px either side and its 40×34 knob 96 px below the top
# (graphs.steps.slider_area).
WIDTH, HEIGHT = 300 + 48, 34 + 160
KNOB = ((24 + 20) / WIDTH, (96 + 17) / HEIGHT)
SPAN = (300 - 40) / WIDTH


@pytest.fixture
def phone(chromium):  # noqa: F811
    ctx = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                               timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    yield page, ctx.new_cdp_session(page)
    ctx.close()


def _log_in(page, env, shop):  # noqa: F811
    page.goto(f"{env.stack.web_url}/login")
    page.get_by_label("用户名").fill(f"owner{shop['workspace']}")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="待审批")).to_be_visible()


def _touch_drag(page, cdp, moves: int, wait_ms: int) -> None:
    """A finger on the knob in the picture, moved right along the track in ``moves`` steps."""
    picture = page.get_by_role("img", name=re.compile("网站当前画面"))
    picture.scroll_into_view_if_needed()
    box = picture.bounding_box()
    x0, y = box["x"] + KNOB[0] * box["width"], box["y"] + KNOB[1] * box["height"]
    span = SPAN * box["width"]

    def touch(kind: str, x: float | None = None) -> None:
        points = [] if x is None else [{"x": x, "y": y, "radiusX": 4, "radiusY": 4, "force": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", x0)
    page.wait_for_timeout(wait_ms)
    for i in range(1, moves + 1):
        touch("touchMove", x0 + span * i / moves)
        page.wait_for_timeout(wait_ms)  # the finger's pace: what the site judges
    touch("touchEnd")


def _stranger(env) -> httpx.Client:
    """The owner of another workspace, logged in on her own phone."""
    with transaction(env.db) as s:
        ws = Workspace(name="别人的店")
        s.add(ws)
        s.flush()
        s.add(User(workspace_id=ws.id, username=f"other{ws.id}", password_hash=hash_password(PASSWORD)))
        name = f"other{ws.id}"
    c = httpx.Client(base_url=env.stack.web_url, timeout=30)
    r = c.post("/api/session", json={"username": name, "password": PASSWORD})
    r.raise_for_status()
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def test_the_owner_drags_the_slider_with_a_finger_on_the_phone_and_the_item_is_listed_once(env, shop, phone):  # noqa: F811
    page, cdp = phone
    replica = shop["replica"]
    replica.faults(slider_submits=1)
    with transaction(env.db) as s:
        s.get(Employee, shop["employee"]).mode = "auto"
    with closing(listing_phone(env, shop)) as api:
        run_id = api.post("/api/listings", data=product_form(shop, title="手机上拖滑块的手机壳"), files=product_images(shop)).json()["id"]
    _log_in(page, env, shop)
    page.goto(f"{env.stack.web_url}/runs/{run_id}")
    takeover = page.locator(".takeover")
    expect(takeover).to_be_visible(timeout=120_000)
    expect(page.locator("#run-status")).to_have_text("等待你在手机上操作")
    expect(takeover.get_by_role("img", name=re.compile("网站当前画面"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    first_picture = takeover.locator("img").get_attribute("src")

    _touch_drag(page, cdp, moves=5, wait_ms=15)  # a flick: too fast and too few moves for the site
    expect(takeover.locator(".drag-prompt")).to_contain_text("再拖一次", timeout=30_000)
    assert replica.state()["slider"] == {"shown": 1, "passed": 0, "failed": 1}
    expect(takeover.locator("img")).not_to_have_attribute("src", first_picture)  # the live picture moved on

    with closing(_stranger(env)) as other:
        assert other.get(f"/api/runs/{run_id}/step").status_code == 404
        assert other.get(f"/api/runs/{run_id}/step/picture").status_code == 404
        assert other.post(f"/api/runs/{run_id}/tap", json={"x": 0.5, "y": 0.5}).status_code == 404
        del other.headers["X-CSRF-Token"]
        assert other.post(f"/api/runs/{run_id}/tap", json={"x": 0.5, "y": 0.5}).status_code == 403
    with closing(listing_phone(env, shop)) as api:
        bad = api.post(f"/api/runs/{run_id}/text", json={"text": "长" * 201})
        assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "text"
        bad = api.post(f"/api/runs/{run_id}/tap", json={"x": 1.5, "y": 0.5})
        assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "x"
    assert replica.state()["slider"]["failed"] == 1  # nothing refused reached the browser

    _touch_drag(page, cdp, moves=30, wait_ms=30)  # the owner's slow, steady drag
    expect(page.locator("#run-status")).to_have_text("已上架", timeout=120_000)
    expect(takeover).to_be_hidden()
    assert replica.state()["slider"] == {"shown": 1, "passed": 1, "failed": 1}
    assert [i["title"] for i in listed_items(shop)] == ["手机上拖滑块的手机壳"]
    with closing(listing_phone(env, shop)) as api:
        late = api.post(f"/api/runs/{run_id}/tap", json={"x": 0.5, "y": 0.5})
        assert late.status_code == 409 and "没有需要你在手机上操作" in late.json()["detail"][0]["message"]
