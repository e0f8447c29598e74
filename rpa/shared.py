"""One Playwright and one Chromium for several runs at once in one worker process (``OPC_RUNS_PER_WORKER`` > 1).

``SharedChromium`` owns the worker's one Playwright driver (``rpa.bridge.Driver``: a thread of its own)
and the Chromium it launched over its pipe. Each run thread has a ``SharedRuntime``: the run still gets a
fresh context of its own, with its account's session and its fence (the per-context proxy of
``rpa.fence``, with the thread's own deny proxy), exactly as ``rpa.runtime.BrowserRuntime`` makes it; the
context and everything in it are ``rpa.bridge`` proxies, so the thread's calls run in the driver's thread
while the thread itself waits. A run's own cost is its renderer; the driver is paid once per worker
(docs/benchmarks.md: shared_browser_bench, model c against the driver-per-thread model b this replaced).

Chromium never outlives its worker: launched over the driver's pipe, it goes when the driver goes, and the
driver goes with the worker, SIGKILL included. When Chromium dies, it is launched again at the next run
that asks; the runs that were on it fail with Playwright's error and are retried under the ledger
(``graphs.runner``). When the driver itself dies, every call waiting on it fails (``DriverGone``) and the
next run starts another.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from typing import Iterator

from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError

from core.settings import Settings
from rpa.bridge import Bridged, Driver
from rpa.fence import DenyProxy
from rpa.runtime import BrowserRuntime, launch_options

log = logging.getLogger(__name__)


class SharedChromium:
    """The worker's one Playwright driver and one Chromium, for all its run threads."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.launches = 0
        self._driver: Driver | None = None
        self._browser: Bridged | None = None
        self._lock = threading.Lock()

    def start(self) -> "SharedChromium":
        self.browser()
        return self

    def browser(self) -> Bridged:
        """The live Chromium: launched again if it died, on a new driver if the driver died."""
        with self._lock:
            if self._driver is None or not self._driver.alive:
                if self._driver is not None:
                    log.warning("the shared Playwright driver was gone; starting it again")
                    self._driver.stop()
                self._driver, self._browser = Driver(name="shared-playwright").start(), None
            if self._browser is not None and not self._browser.is_connected():
                log.warning("the shared Chromium died; launching it again")
                self._browser = None
            if self._browser is None:
                pw = self._driver.wrap(self._driver.playwright)
                self._browser = pw.chromium.launch(**launch_options(self.settings))
                self.launches += 1
            return self._browser

    def playwright(self) -> Bridged:
        """The driver's Playwright, for a browser of an agent run's own (``BrowserRuntime.agent_browser``)."""
        self.browser()
        return self._driver.wrap(self._driver.playwright)

    def stop(self) -> None:
        with self._lock:
            try:
                if self._browser is not None and self._driver is not None and self._driver.alive:
                    self._browser.close()
            except PlaywrightError:
                pass  # it died with the worker's stop already
            finally:
                if self._driver is not None:
                    self._driver.stop()
                self._driver = self._browser = None


class SharedRuntime(BrowserRuntime):
    """A run thread's browser: contexts in the shared Chromium, made exactly as ``BrowserRuntime`` makes
    them, behind the thread's own deny proxy."""

    def __init__(self, settings: Settings, shared: SharedChromium):
        super().__init__(settings)
        self.shared = shared

    def start(self) -> "SharedRuntime":
        self._fence = DenyProxy().start()
        return self

    @property
    def browser(self):
        return self.shared.browser()

    @property
    def _pw(self):  # BrowserRuntime.agent_browser launches with it
        return self.shared.playwright()

    @_pw.setter
    def _pw(self, value) -> None:  # BrowserRuntime.__init__ sets it; this runtime never owns one
        pass

    @contextmanager
    def context(self, allowed_hosts: list[str], storage_state: dict | None = None) -> Iterator[BrowserContext]:
        ctx = self._new_context(allowed_hosts, storage_state)
        try:
            yield ctx
        finally:
            try:
                ctx.close()
            except PlaywrightError:
                if _connected(ctx):
                    raise  # else the context went with its Chromium (or driver): nothing is left to close

    def stop(self) -> None:
        if self._fence is not None:
            self._fence.stop()
            self._fence = None


def _connected(ctx) -> bool:
    try:
        return ctx.browser.is_connected()
    except PlaywrightError:  # the driver is gone too
        return False
