"""Fixtures for tests of the inbound pages (comments, reviews, notifications) on the replicas.

A replica's inbox is driven through ``/__sandbox__/inbound`` (``InboxControl``); a logged-in page comes
from each site's own login helper. Browser, context and page come from ``tests.sandbox_fixtures``.
"""
from __future__ import annotations

import httpx
import pytest

from tests.sandbox_fixtures import ReplicaControl, chromium, context, page, running_replica  # noqa: F401


class InboxControl(ReplicaControl):
    def add_item(self, **item) -> dict:
        resp = httpx.post(f"{self.url}/__sandbox__/inbound", json=item, timeout=10)
        resp.raise_for_status()
        return resp.json()

    def grow(self, count: int) -> None:
        httpx.post(f"{self.url}/__sandbox__/inbound/grow", json={"count": count}, timeout=10).raise_for_status()

    def inbox(self) -> dict:
        return httpx.get(f"{self.url}/__sandbox__/inbound", timeout=10).json()

    def item(self, item_id: str) -> dict:
        return next(i for i in self.inbox()["items"] if i["id"] == item_id)


@pytest.fixture(scope="module")
def douyin_inbox():
    with running_replica("sandbox.douyin") as control:
        yield InboxControl(control.url)


@pytest.fixture(scope="module")
def taobao_inbox():
    with running_replica("sandbox.taobao") as control:
        yield InboxControl(control.url)


@pytest.fixture(scope="module")
def xhs_inbox():
    with running_replica("sandbox.xiaohongshu") as control:
        yield InboxControl(control.url)
