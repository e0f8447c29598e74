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

import asyncio
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from core.settings import Settings
from rpa.runtime import BrowserRuntime, browser_env, chromium_args

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
        self._attached: list["SharedRuntime"] = []
        self._thread = threading.Thread(target=self._own, name="shared-chromium", daemon=True)

    def start(self) -> "SharedChromium":
        self._thread.start()
        self.cdp_url()
        return self

    def cdp_url(self, other_than: str | None = None) -> str:
        """The DevTools address of the live Chromium; waits while it is being launched again (and, given
        ``other_than``, a Chromium known to be dead, until its successor is up)."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while self._ready.wait(max(0.0, deadline - time.monotonic())):
            if self._url != other_than:
                return self._url
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        raise RuntimeError("the shared Chromium did not start") from self._failed

    def attach(self, runtime: "SharedRuntime") -> None:
        self._attached.append(runtime)

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
                args=[*chromium_args(self.settings), "--remote-debugging-address=127.0.0.1",
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
                for runtime in list(self._attached):
                    runtime.stop_driver()
        finally:
            shutil.rmtree(profile, ignore_errors=True)


class SharedRuntime(BrowserRuntime):
    """A run thread's browser: its own Playwright connection to the shared Chromium, its own deny proxy,
    and contexts made exactly as ``BrowserRuntime`` makes them."""

    def __init__(self, settings: Settings, shared: SharedChromium):
        super().__init__(settings)
        self.shared = shared
        self.driver_pid: int | None = None

    def start(self) -> "SharedRuntime":
        with _spawning:
            before = _drivers()
            super().start()
            self.driver_pid = next(iter(_drivers() - before), None)
        self.shared.attach(self)
        return self

    @property
    def browser(self):
        if self._driver_gone():
            # This thread's own Playwright driver is gone (stopped with a Chromium that died): start another.
            log.warning("this thread's Playwright was gone; starting it again")
            _forget(self._pw)
            with _spawning:
                before = _drivers()
                self._pw = sync_playwright().start()
                self.driver_pid = next(iter(_drivers() - before), None)
            self._browser = None
        return super().browser

    @contextmanager
    def context(self, allowed_hosts: list[str], storage_state: dict | None = None) -> Iterator[BrowserContext]:
        try:
            ctx = self._new_context(allowed_hosts, storage_state)
        except PlaywrightError:
            if not self._driver_gone():
                raise
            # An idle thread learns that its driver was stopped only at its next call: once more, on a new one.
            ctx = self._new_context(allowed_hosts, storage_state)
        try:
            yield ctx
        finally:
            try:
                ctx.close()
            except PlaywrightError:
                if not self._driver_gone():
                    raise  # else the context went with its Chromium and its driver: nothing is left to close

    def _driver_gone(self) -> bool:
        """Whether this thread's Playwright driver has ended: its process is gone (the client notices only
        at its next call), or the client saw it go (its dispatcher greenlet exited, playwright._impl._greenlets;
        there is no public way to ask)."""
        fiber = getattr(self._pw, "_dispatcher_fiber", None)
        return bool(fiber is not None and fiber.dead) or (self.driver_pid is not None and not _alive(self.driver_pid))

    def stop_driver(self) -> None:
        """Stop this thread's Playwright driver, so that a call it waits on over a dead Chromium's
        DevTools connection ends now (measured: such a call can wait for minutes) and the run is retried."""
        if self.driver_pid:
            try:
                os.kill(self.driver_pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _launch(self) -> None:
        # Closing this browser later only disconnects this thread: the shared Chromium stays.
        url = self.shared.cdp_url()
        try:
            self._browser = self._pw.chromium.connect_over_cdp(url)
        except PlaywrightError:
            # This thread saw the old Chromium go before its owner did: connect to the next one.
            self._browser = self._pw.chromium.connect_over_cdp(self.shared.cdp_url(other_than=url))


_spawning = threading.Lock()
"""Held while a thread starts its Playwright driver, so that the new driver process is known by its pid."""


def _drivers() -> set[int]:
    """This process's Playwright drivers (its ``node`` children)."""
    out = set()
    me = str(os.getpid())
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if (d / "comm").read_text().startswith("node") and \
                        (d / "stat").read_text().rsplit(")", 1)[1].split()[1] == me:
                    out.add(int(d.name))
            except (OSError, IndexError):
                pass
    return out


def _forget(pw) -> None:
    """Let go of a sync Playwright whose driver died. Its event loop stays marked as running in this
    thread (it was stopped mid-call), and a new sync Playwright refuses to start under a running loop."""
    try:
        pw.stop()
    except Exception:  # noqa: BLE001 - the driver is gone: there is nothing to stop cleanly
        pass
    asyncio.events._set_running_loop(None)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
