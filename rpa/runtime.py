"""A warm Chromium per worker process, a fresh context per run.

Launching Chromium costs about a second; a context costs milliseconds. The worker therefore starts one
browser when it starts (``BrowserRuntime.start``) and every run gets ``runtime.context(...)``: a new,
isolated context loaded with the account's storage_state and fenced to the site's hosts
(``rpa.fence``).

Chromium never outlives its worker: Playwright's driver closes the browser when its parent's pipe
closes, including after a SIGKILL of the worker (measured: see docs/architecture.md).
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from core.private import plain_env
from core.settings import Settings
from rpa.fence import DenyProxy, proxy_settings
from sites import reachable_hosts

log = logging.getLogger(__name__)

VIEWPORT = {"width": 1280, "height": 900}


def chromium_args(settings: Settings) -> list[str]:
    """The worker browser's flags, its resolver kept to the sites' hosts."""
    return settings.chromium_args(reachable_hosts(settings))


def launch_options(settings: Settings) -> dict:
    """How a worker's browser is launched (``chromium.launch``'s keywords), by ``BrowserRuntime`` and by the
    shared browser of ``rpa.shared``."""
    # Keep Chromium's profile junk out of ~/.config.
    xdg = settings.paths.browser / "xdg"
    xdg.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("XDG_CONFIG_HOME", str(xdg))
    return {"executable_path": settings.chromium_path, "args": chromium_args(settings), "headless": True,
            "env": browser_env()}


def browser_env() -> dict[str, str]:
    """What Chromium is told of the environment: only what it needs to run and render. The service's own
    variables (the model's key, the webhook URL, the vault keys) never reach a process that runs pages."""
    return plain_env()


ORIGIN_STORAGE = """(origins) => {
  const mine = origins.find((o) => o.origin === location.origin);
  if (!mine) return;
  for (const { name, value } of mine.localStorage || []) {
    if (localStorage.getItem(name) === null) localStorage.setItem(name, value);
  }
}"""
"""A storage_state's localStorage put back before the site's scripts run (a persistent context has no
``storage_state`` option)."""


@dataclass
class AgentBrowser:
    """A Chromium of its own for one agent run: Playwright's handle and the DevTools address browser-use
    attaches to."""

    context: BrowserContext
    cdp_url: str


class BrowserRuntime:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._fence: DenyProxy | None = None

    def start(self) -> "BrowserRuntime":
        self._fence = DenyProxy().start()
        self._pw = sync_playwright().start()
        self._launch()
        return self

    def _launch(self) -> None:
        self._browser = self._pw.chromium.launch(**launch_options(self.settings))

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
        ctx = self._new_context(allowed_hosts, storage_state)
        try:
            yield ctx
        finally:
            ctx.close()

    def _new_context(self, allowed_hosts: list[str], storage_state: dict | None) -> BrowserContext:
        ctx = self.browser.new_context(storage_state=storage_state, viewport=VIEWPORT, locale="zh-CN",
                                       timezone_id=self.settings.timezone, accept_downloads=False,
                                       proxy=proxy_settings(self._fence.url, allowed_hosts))
        ctx.set_default_timeout(self.settings.browser_timeout_ms)
        return ctx

    @contextmanager
    def agent_browser(self, allowed_hosts: list[str], storage_state: dict | None = None) -> Iterator[AgentBrowser]:
        """A separate Chromium for a browser-use agent, fenced as a whole.

        browser-use drives the browser over CDP and opens its tabs in the browser's default context, where
        a per-context proxy (``context``) would not apply: so the fence is the browser's own proxy setting,
        one browser per agent run. It is launched by this worker's Playwright over a pipe, so it dies with
        the worker like the warm one; its DevTools port listens on loopback only and dies with it."""
        profile = Path(tempfile.mkdtemp(prefix="agent-", dir=self.settings.paths.browser))
        options = launch_options(self.settings)
        options["args"] = [*options["args"], "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0"]
        ctx = self._pw.chromium.launch_persistent_context(
            str(profile), **options,
            proxy=proxy_settings(self._fence.url, allowed_hosts), viewport=VIEWPORT, locale="zh-CN",
            timezone_id=self.settings.timezone, accept_downloads=False)
        try:
            ctx.set_default_timeout(self.settings.browser_timeout_ms)
            if storage_state:
                ctx.add_cookies(storage_state.get("cookies") or [])
                if storage_state.get("origins"):
                    ctx.add_init_script(f"({ORIGIN_STORAGE})({_json(storage_state['origins'])})")
            # Chromium writes the port it picked before it answers Playwright's pipe.
            port = (profile / "DevToolsActivePort").read_text().split()[0]
            yield AgentBrowser(ctx, f"http://127.0.0.1:{port}")
        finally:
            try:
                ctx.close()
            finally:
                shutil.rmtree(profile, ignore_errors=True)

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


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
