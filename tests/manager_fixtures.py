"""Fixtures for the content managers of the Xiaohongshu and Douyin replicas (笔记管理, 作品管理): each replica as
its own process, a logged-in page, and posts of known titles and ages added through the control API."""
from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.sandbox_fixtures import qr_token, running_replica

NOTE_MANAGER = "/new/note-manager"
WORKS_MANAGER = "/creator-micro/content/manage"


@pytest.fixture(scope="module")
def xhs_replica():
    with running_replica("sandbox.xiaohongshu") as control:
        yield control


@pytest.fixture(scope="module")
def douyin_replica():
    with running_replica("sandbox.douyin") as control:
        yield control


def add_post(replica, title: str, hours_ago: float = 1, user: str = "demo", visibility: str | None = None) -> str:
    """A note or work already on the site (``sandbox.common.manage``): its id."""
    r = httpx.post(f"{replica.url}/__sandbox__/posts", json={"user": user, "title": title, "hours_ago": hours_ago,
                                                             "visibility": visibility}, timeout=10)
    r.raise_for_status()
    return r.json()["id"]


def manage_log(replica) -> list[dict]:
    return replica.state()["manage_log"]


def log_in_xhs(page: Page, replica, user: str = "demo") -> None:
    page.goto(f"{replica.url}/login")
    src = page.locator("div[class*='login-box'] img").get_attribute("src")
    assert replica.scan(qr_token(src), user).status_code == 200
    page.wait_for_url("**/new/home")


def log_in_douyin(page: Page, replica, user: str = "demo") -> None:
    page.goto(replica.url + "/")
    src = page.locator("#animate_qrcode_container img").get_attribute("src")
    assert replica.scan(qr_token(src), user).status_code == 200
    expect(page.get_by_text("扫码登录")).to_have_count(0)
