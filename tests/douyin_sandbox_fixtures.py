"""Fixtures for tests that drive the Douyin replica in real Chromium.

Reuses the generic pieces of ``tests.sandbox_fixtures`` (browser, context, page, replica process,
control API) and adds what Douyin needs: the replica itself, a logged-in page, and test media
(a real tiny MP4 made by ffmpeg, a fake one, images).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.sandbox_fixtures import ReplicaControl, chromium, context, make_test_image, page, qr_token, running_replica  # noqa: F401

UPLOAD = "/creator-micro/content/upload"
MANAGE = "/creator-micro/content/manage?enter_from=publish"
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"


class DouyinControl(ReplicaControl):
    def sms_code(self) -> str | None:
        return httpx.get(f"{self.url}/__sandbox__/sms-code", timeout=10).json()["code"]


@pytest.fixture(scope="module")
def replica():
    with running_replica("sandbox.douyin") as control:
        yield DouyinControl(control.url)


@pytest.fixture
def dy(replica):
    replica.reset()
    return replica


@pytest.fixture(scope="session")
def mp4(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("media") / "red.mp4"
    subprocess.run([FFMPEG, "-v", "error", "-f", "lavfi", "-i", "color=c=red:s=320x240:d=1", "-pix_fmt", "yuv420p",
                    str(out)], check=True, timeout=60)
    return out


@pytest.fixture
def fake_mp4(tmp_path) -> Path:
    path = tmp_path / "fake.mp4"
    path.write_bytes(b"this is not a video, only text renamed to .mp4\n" * 20)
    return path


def log_in(page: Page, dy, path: str = "/", user: str = "demo") -> None:
    """Scan the QR shown at ``path`` (the root login page or a creator page showing the login box)."""
    page.goto(dy.url + path)
    expect(page.get_by_text("扫码登录")).to_be_visible()
    src = page.locator("#animate_qrcode_container img").get_attribute("src")
    assert dy.scan(qr_token(src), user).status_code == 200
    expect(page.get_by_text("扫码登录")).to_have_count(0)


def upload_video(page: Page, dy, video: Path) -> None:
    """Logged in: from the upload page to the publish form with ``video`` chosen."""
    page.goto(dy.url + UPLOAD)
    page.locator("div.container-drag-AOMYqU input[type=file]").set_input_files(str(video))
    page.wait_for_url(lambda url: "/content/publish?" in url or "/content/post/video?" in url)


def form_ready(page: Page) -> None:
    """The upload finished: 重新上传 in the long card and the title field rendered."""
    expect(page.locator("div[class*=long-card]").get_by_text("重新上传")).to_be_visible()
    expect(page.locator('input[placeholder*="填写作品标题"]')).to_be_visible()
