"""A warm Chromium per worker process, a fresh context per run.

Launching Chromium costs about a second; a context costs milliseconds. The worker therefore starts one
browser when it starts (``BrowserRuntime.start``) and every run gets ``runtime.context(...)``: a new,
isolated context loaded with the account's storage_state and fenced to the site's hosts
(``rpa.fence``).

Chromium never outlives its worker: Playwright's driver closes the browser when its parent's pipe
closes, including after a SIGKILL of the worker (measured: see docs/architecture.md).
"""
from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Iterator

from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from core.private import plain_env
from core.settings import Settings
from rpa.fence import DenyProxy, proxy_settings

log = logging.getLogger(__name__)

VIEWPORT = {"width": 1280, "height": 900}


def browser_env() -> dict[str, str]:
    """What Chromium is told of the environment: only what it needs to run and render. The service's own
    variables (the model's key, the webhook URL, the vault keys) never reach a process that runs pages."""
    return plain_env()


class BrowserRuntime:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._fence: DenyProxy | None = None

    def start(self) -> "BrowserRuntime":
        # Keep Chromium's profile junk out of ~/.config.
        xdg = self.settings.paths.browser / "xdg"
        xdg.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("XDG_CONFIG_HOME", str(xdg))
        self._fence = DenyProxy().start()
        self._pw = sync_playwright().start()
        self._launch()
        return self

    def _launch(self) -> None:
        self._browser = self._pw.chromium.launch(executable_path=self.settings.chromium_path,
                                                 args=self.settings.chromium_args(), headless=True,
                                                 env=browser_env())

    @property
    def blocked(self) -> list[str]:
        """Hosts refused since start (hosts only: URLs may carry tokens)."""
        return self._fence.blocked if self._fence else []

    @property
    def browser(self) -> Browser:
        if self._browser is None or not self._browser.is_connected():
            log.warning("chromium was gone; relaunching")
            self._launch()
        return self._browser

    @contextmanager
    def context(self, allowed_hosts: list[str], storage_state: dict | None = None) -> Iterator[BrowserContext]:
        ctx = self.browser.new_context(storage_state=storage_state, viewport=VIEWPORT, locale="zh-CN",
                                       timezone_id=self.settings.timezone, accept_downloads=False,
                                       proxy=proxy_settings(self._fence.url, allowed_hosts))
        ctx.set_default_timeout(self.settings.browser_timeout_ms)
        try:
            yield ctx
        finally:
            ctx.close()

    def stop(self) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            if self._pw is not None:
                self._pw.stop()
            if self._fence is not None:
                self._fence.stop()
            self._browser = self._pw = self._fence = None
