"""One Chromium for several runs at once in one worker process (``OPC_RUNS_PER_WORKER`` > 1).

Playwright's sync API is bound to the thread that started it, so each run thread has a Playwright of its
own (``SharedRuntime``) connected over DevTools to the one Chromium that ``SharedChromium`` owns. A run
still gets a fresh context of its own with its account's session and its fence (the per-context proxy of
``rpa.fence``), exactly as with ``rpa.runtime.BrowserRuntime``. Measured against a browser per run in
docs/benchmarks.md (shared_browser_bench): about 130 MiB PSS per extra run instead of about 470 MiB; most
of it is the thread's own Playwright driver.

Chromium never outlives its worker: ``SharedChromium`` launches it through its own Playwright over the
pipe, like the warm browser of ``rpa.runtime``, so it goes when the worker goes, SIGKILL included. Its
DevTools port listens on loopback only, and the pages' fence sends loopback to the deny proxy.
When Chromium dies, it is launched again; the runs that were on it fail with Playwright's error and are
retried under the ledger (``graphs.runner``), like a run whose own browser died.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from core.settings import Settings
from rpa.runtime import BrowserRuntime, browser_env

log = logging.getLogger(__name__)

START_TIMEOUT_S = 60


class SharedChromium:
    """The worker's one Chromium, owned by a thread of its own (its Playwright lives there)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.launches = 0
        self._url: str | None = None
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._own, name="shared-chromium", daemon=True)

    def start(self) -> "SharedChromium":
        self._thread.start()
        self.cdp_url()
        return self

    def cdp_url(self) -> str:
        """The DevTools address of the live Chromium; waits while it is being launched again."""
        if not self._ready.wait(START_TIMEOUT_S):
            raise RuntimeError("the shared Chromium did not start") from self._failed
        return self._url

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _own(self) -> None:
        try:
            with sync_playwright() as pw:
                while not self._stop.is_set():
                    self._serve_one(pw)
        except BaseException as e:  # noqa: BLE001 - noted for cdp_url's caller
            self._failed = e
            log.exception("the shared Chromium's owner stopped")

    def _serve_one(self, pw) -> None:
        """Launch Chromium and hold it until it dies or the worker stops."""
        profile = Path(tempfile.mkdtemp(prefix="shared-", dir=self.settings.paths.browser))
        try:
            ctx = pw.chromium.launch_persistent_context(
                str(profile), executable_path=self.settings.chromium_path, headless=True, env=browser_env(),
                args=[*self.settings.chromium_args(), "--remote-debugging-address=127.0.0.1",
                      "--remote-debugging-port=0"])
            for page in ctx.pages:  # the profile's first tab: a renderer no run uses
                page.close()
            # Chromium writes the port it picked before it answers Playwright's pipe.
            self._url = f"http://127.0.0.1:{(profile / 'DevToolsActivePort').read_text().split()[0]}"
            closed = threading.Event()
            ctx.on("close", lambda _: closed.set())
            self.launches += 1
            self._ready.set()
            while not (self._stop.is_set() or closed.is_set()):
                try:  # Playwright's events are dispatched only inside its own calls: wait in short slices
                    ctx.wait_for_event("close", timeout=500)
                except PlaywrightError:  # the slice's timeout, or the close already seen
                    pass
            self._ready.clear()
            if self._stop.is_set():
                ctx.close()
            else:
                log.warning("the shared Chromium died; launching it again")
        finally:
            shutil.rmtree(profile, ignore_errors=True)


class SharedRuntime(BrowserRuntime):
    """A run thread's browser: its own Playwright connection to the shared Chromium, its own deny proxy,
    and contexts made exactly as ``BrowserRuntime.context`` makes them."""

    def __init__(self, settings: Settings, shared: SharedChromium):
        super().__init__(settings)
        self.shared = shared

    def _launch(self) -> None:
        # Closing this browser later only disconnects this thread: the shared Chromium stays.
        self._browser = self._pw.chromium.connect_over_cdp(self.shared.cdp_url())
