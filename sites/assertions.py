"""Playwright's ``expect`` for the page objects: works on a run's own Playwright objects and on the proxies
of a worker that serves several runs on one Playwright (``rpa.bridge``), whose assertions must be made in
that Playwright's thread. A proxy says so by offering ``bridged_expect``; sites import nothing of rpa's."""
from __future__ import annotations

from typing import Any

from playwright.sync_api import expect as _expect


def expect(actual: Any, message: str | None = None) -> Any:
    hand_over = getattr(type(actual), "bridged_expect", None)
    return hand_over(actual, message) if hand_over is not None else _expect(actual, message)
