"""Several run threads on one Playwright driver (rpa.bridge, as rpa.shared uses it): their calls wait side by
side, and what goes wrong in one run — a page hung in a script, a crashed renderer, a call that times out, the
job's time limit raised in its thread — stays in that run while the other goes on."""
from __future__ import annotations

import ctypes
import http.server
import inspect
import threading
import time

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, FrameLocator, Keyboard, Locator, Page
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from rq.timeouts import JobTimeoutException

from core.settings import Settings
from rpa.bridge import LOCAL, Bridged
from rpa.shared import SharedChromium, SharedRuntime
from serve import free_port
from sites.assertions import expect
from tests.core_fixtures import wait_until

FORM = """<!doctype html><meta charset="utf-8"><h1>发布笔记</h1>
<input placeholder="填写标题"><button onclick="document.body.insertAdjacentHTML('beforeend', '<p>发布成功</p>')">发布</button>"""


class _Form(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(FORM.encode())

    def log_message(self, *a):
        pass


@pytest.fixture(scope="module")
def site():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Form)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    chromium = SharedChromium(Settings(data_dir=tmp_path_factory.mktemp("bridge"), sandbox=True)).start()
    yield chromium
    chromium.stop()


class Run(threading.Thread):
    """A run thread: its own runtime and context in the shared Chromium; ``body(page)`` is its work."""

    def __init__(self, shared, site, body):
        super().__init__(daemon=True)
        self.shared, self.site, self.body = shared, site, body
        self.page: Bridged | None = None
        self.result = self.error = None
        self.opened = threading.Event()

    def run(self):
        runtime = SharedRuntime(self.shared.settings, self.shared).start()
        try:
            with runtime.context([self.site]) as ctx:
                self.page = ctx.new_page()
                self.page.goto(f"http://{self.site}/publish")
                self.opened.set()
                self.result = self.body(self.page)
        except BaseException as e:  # noqa: BLE001 - what the run ended with is the test's to read
            self.error = e
        finally:
            self.opened.set()
            runtime.stop()


def _publish(page) -> str:
    page.get_by_placeholder("填写标题").fill("桂花乌龙冷泡茶")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("发布成功")).to_be_visible()
    return page.get_by_placeholder("填写标题").input_value()


def test_two_runs_on_one_driver_each_do_their_own_work(shared, site):
    runs = [Run(shared, site, _publish) for _ in range(2)]
    for r in runs:
        r.start()
    for r in runs:
        r.join(60)
    assert [(r.result, r.error) for r in runs] == [("桂花乌龙冷泡茶", None)] * 2


def test_a_page_hung_in_a_script_holds_only_its_own_run(shared, site):
    hung = Run(shared, site, lambda page: page.evaluate("() => { while (true) {} }"))
    hung.start()
    hung.opened.wait(30)
    time.sleep(0.5)  # the script is spinning now
    other = Run(shared, site, _publish)
    other.start()
    other.join(60)
    assert (other.result, other.error) == ("桂花乌龙冷泡茶", None)
    assert hung.is_alive()  # still waiting on its page, as a run would until its own limits end it
    _raise_in(hung, JobTimeoutException)  # RQ's job time limit in a run thread (worker.ThreadWorker)
    hung.join(30)
    assert not hung.is_alive() and isinstance(hung.error, JobTimeoutException)


def test_a_crashed_renderer_fails_only_its_own_run(shared, site):
    def crash(page):
        try:
            page.goto("chrome://crash", timeout=5000)  # Chromium's own way to crash a page's renderer
        except PlaywrightError:
            pass  # the navigation is aborted by the crash
        wait_until(lambda: _crashed(page), timeout=10, what="the page to crash")
        return page.get_by_placeholder("填写标题").fill("崩溃之后", timeout=3000)

    crashed = Run(shared, site, crash)
    crashed.start()
    crashed.join(60)
    assert isinstance(crashed.error, PlaywrightError) and "crashed" in str(crashed.error), crashed.error
    other = Run(shared, site, _publish)
    other.start()
    other.join(60)
    assert (other.result, other.error) == ("桂花乌龙冷泡茶", None)


def test_a_call_that_times_out_raises_playwrights_timeout_in_its_own_thread(shared, site):
    late = Run(shared, site, lambda page: page.get_by_text("从来没有这个按钮").click(timeout=500))
    late.start()
    late.join(30)
    assert isinstance(late.error, PlaywrightTimeoutError), late.error


def _crashed(page) -> bool:
    try:
        page.evaluate("1")
        return False
    except PlaywrightError as e:
        return "crash" in str(e).lower()


def _raise_in(thread: threading.Thread, exc: type[BaseException]) -> None:
    done = ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_long(thread.ident), ctypes.py_object(exc))
    assert done == 1


def test_calls_kept_in_the_run_thread_never_wait_on_the_driver():
    """``LOCAL`` names run outside the driver's thread: in the installed Playwright, each is a method or property
    of its sync objects whose body never goes through ``_sync`` (the way every call that talks to the driver or
    waits is made)."""
    found = set()
    for cls in (Page, Frame, Locator, FrameLocator, BrowserContext, Browser, Keyboard):
        for name in LOCAL:
            attr = inspect.getattr_static(cls, name, None)
            body = attr.fget if isinstance(attr, property) else attr
            if inspect.isfunction(body):
                assert "_sync(" not in inspect.getsource(body), f"{cls.__name__}.{name} talks to the driver"
                found.add(name)
    assert found == LOCAL  # each name is one of theirs (a typo would silently go through the driver)


def test_locators_made_in_the_run_thread_act_through_the_driver(shared, site):
    """A locator made without the driver (``LOCAL``) is still a bridged object: its clicks and reads go to it."""
    def body(page):
        title = page.get_by_placeholder("填写标题").or_(page.locator("#none")).first
        title.fill("桂花乌龙冷泡茶")
        return isinstance(title, Bridged), page.url.endswith("/publish"), title.input_value()

    run = Run(shared, site, body)
    run.start()
    run.join(60)
    assert (run.error, run.result) == (None, (True, True, "桂花乌龙冷泡茶"))
