"""Fixtures and helpers for tests that drive the Taobao replica in real Chromium.

Reuses the generic pieces of ``tests.sandbox_fixtures`` (browser, context, page, replica process, control
API) and adds what Taobao needs: the replica itself, login through the login wall, the category step, the
material picker, the publish form and a human-timed slider drag.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.sandbox_fixtures import ReplicaControl, chromium, context, make_test_image, page, qr_token, running_replica  # noqa: F401

HOME = "/home.htm/QnworkbenchHome/"
CATEGORY = "/sell/ai/category.htm"
ON_SALE, IN_STOCK = "/home.htm/SellManage/on_sale", "/home.htm/SellManage/in_stock"
PHONE_CASE, TSHIRT = 50012342, 50000671
SUBMIT = "提交宝贝信息"


class TaobaoControl(ReplicaControl):
    def sms_code(self) -> str | None:
        return httpx.get(f"{self.url}/__sandbox__/sms-code", timeout=10).json()["code"]

    def stock(self, title: str, price: str = "29.90", quantity: int = 50, user: str = "demo") -> dict:
        """An item on sale in ``user``'s shop, put there through the control API (not the publish form)."""
        r = httpx.post(f"{self.url}/__sandbox__/items", json={"user": user, "title": title, "price": price,
                                                              "quantity": quantity}, timeout=10)
        r.raise_for_status()
        return r.json()


@pytest.fixture(scope="module")
def replica():
    with running_replica("sandbox.taobao") as control:
        yield TaobaoControl(control.url)


@pytest.fixture
def tb(replica):
    replica.reset()
    return replica


@pytest.fixture
def jpg(tmp_path) -> Path:
    return make_test_image(tmp_path / "main.jpg")


def scan_login_box(page: Page, tb, frame=None) -> None:
    """Read the QR in the login box (in ``frame`` or the page) and scan it with the simulated phone."""
    where = frame or page
    src = where.locator("img[alt='二维码']").get_attribute("src")
    assert tb.scan(qr_token(src)).status_code == 200


def open_logged_in(page: Page, tb, path: str = HOME, user: str = "demo") -> None:
    """Go to ``path``; logged out, the login wall comes: scan there, and the wall sends the browser back."""
    page.goto(tb.url + path)
    if "/member/login.jhtml" not in page.url:
        return
    expect(page.get_by_text("亲，请登录")).to_be_visible()
    src = page.locator("img[alt='二维码']").get_attribute("src")
    assert tb.scan(qr_token(src), user).status_code == 200
    page.wait_for_url(tb.url + path)


def form_url(cat_id: int = PHONE_CASE, props: dict | None = None) -> str:
    props = {"品牌": "倍思/Baseus", "型号": "BS-01"} if props is None else props
    return f"/sell/v2/publish.htm?catId={cat_id}&keyProps={quote(json.dumps(props, ensure_ascii=False))}"


def local_upload(page: Page, files: list, frame: str = "mainImagesGroup") -> None:
    """本地上传 in the open picker, then the files into its chooser. Like a person, click again when the
    first click opened nothing (the frame's script binds the button a moment after it shows)."""
    button = page.frame_locator(f"iframe#{frame}").get_by_role("button", name="本地上传")
    for _ in range(4):
        try:
            with page.expect_file_chooser(timeout=2_500) as chooser:
                button.click()
        except PlaywrightTimeoutError:
            continue
        chooser.value.set_files([str(f) for f in files])
        return
    raise AssertionError("本地上传 opened no file chooser")


def add_main_images(page: Page, files: list[Path], done: bool = True) -> None:
    """The dashed 上传图片 slot → the picker iframe → 本地上传 (file chooser) → 完成."""
    page.locator("#struct-mainImagesGroup .image-empty").click()
    picker = page.frame_locator("iframe#mainImagesGroup")
    local_upload(page, files)
    expect(picker.locator(".sucai-status")).to_have_text("上传完成")
    if done:
        picker.get_by_role("button", name="完成").click()
        expect(page.locator("iframe#mainImagesGroup")).to_have_count(0)


def fill_basics(page: Page, title: str = "倍思手机壳 防摔 透明", price: str = "19.90", quantity: str = "50") -> None:
    page.locator("input#title").fill(title)
    page.locator("input#price").fill(price)
    page.locator("input#quantity").fill(quantity)


def ready_form(page: Page, tb, image: Path, **basics) -> None:
    """Logged in, on the phone-case publish form with the basics and one main image."""
    open_logged_in(page, tb, form_url())
    fill_basics(page, **basics)
    add_main_images(page, [image])


def submit_and_confirm(page: Page) -> None:
    """提交宝贝信息, then 确认提交 in the 描述中未添加图片 warning."""
    page.get_by_role("button", name=SUBMIT).click()
    page.get_by_role("dialog").get_by_role("button", name="确认提交").click()


def drag_slider(page: Page, steps: int, step_ms: float, overshoot: int = 0) -> None:
    """Drag the baxia knob to the right end of its track: ``steps`` mouse moves, ``step_ms`` apart."""
    frame = page.frame_locator("iframe#baxia-dialog-content")
    knob, track = frame.locator("#nc_1_n1z").bounding_box(), frame.locator("#nc_1__scale_text").bounding_box()
    x, y = knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2
    distance = track["width"] - knob["width"] + overshoot
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, steps + 1):
        page.mouse.move(x + distance * i / steps, y + (i % 3) - 1)
        if step_ms:
            time.sleep(step_ms / 1000)  # a person's hand takes time: the timing is what is tested
    page.mouse.up()
