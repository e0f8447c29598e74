"""Reusable fixtures for tests that drive a replica site in real Chromium.

Import what you need into a test module (``from tests.sandbox_fixtures import chromium, context, page``)
and define a module-scoped fixture that starts your replica with ``running_replica``.

The browser is module-scoped, not session-scoped: Playwright's sync API allows one driver per thread,
so a session-wide browser would break every later module that starts its own (``rpa.runtime``).
"""
from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from PIL import Image
from playwright.sync_api import sync_playwright

from core.settings import Settings
from serve import ROOT, free_port, wait_http


class ReplicaControl:
    """A test's hands on a replica's ``/__sandbox__/`` control API."""

    def __init__(self, url: str):
        self.url = url

    def _post(self, path: str, body: dict | None = None) -> httpx.Response:
        return httpx.post(f"{self.url}/__sandbox__/{path}", json=body or {}, timeout=10)

    def reset(self) -> None:
        self._post("reset").raise_for_status()

    def faults(self, **switches) -> dict:
        resp = self._post("faults", switches)
        resp.raise_for_status()
        return resp.json()

    def state(self) -> dict:
        return httpx.get(f"{self.url}/__sandbox__/state", timeout=10).json()

    def scan(self, token: str, user: str = "demo") -> httpx.Response:
        return self._post("scan", {"token": token, "user": user})

    def expire_sessions(self) -> None:
        self._post("expire-sessions").raise_for_status()


def qr_token(data_url: str) -> str:
    """What the phone reads from a replica QR: the PNG's ``token`` text chunk."""
    raw = base64.b64decode(data_url.split(",", 1)[1])
    return Image.open(io.BytesIO(raw)).text["token"]


@contextmanager
def running_replica(module: str, delays: bool = False) -> Iterator[ReplicaControl]:
    """``python -m <module>`` on a free port, as its own process; stopped on exit."""
    port = free_port()
    cmd = [sys.executable, "-m", module, "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd + ([] if delays else ["--no-delays"]), cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/healthz")
        yield ReplicaControl(url)
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    os.environ.setdefault("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg")))
    settings = Settings(sandbox=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=settings.chromium_path, args=settings.chromium_args(),
                                     headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(chromium):
    ctx = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


def make_test_image(path: Path, fmt: str = "JPEG", size=(640, 800), color=(200, 120, 90)) -> Path:
    img = Image.new("RGB", size, color)
    for x in range(0, size[0], 40):  # some structure, so it is not a flat placeholder
        img.paste((x % 255, 80, 160), (x, 0, x + 10, size[1]))
    img.save(path, fmt)
    return path
