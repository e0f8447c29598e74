"""One Playwright for several threads: what lets a worker serve several runs at once on one driver.

Playwright's sync API belongs to the thread that started it, and every ``sync_playwright()`` is a node
driver process of its own (~85 MiB PSS, docs/benchmarks.md: shared_browser_bench). ``Driver`` keeps one
sync Playwright in a thread of its own, parked in a wait so that its event loop always runs. Another
thread uses that Playwright's objects through ``Bridged`` proxies: each call (a method, or a property,
which may wait too: ``EventInfo.value``) is handed to the driver's loop and runs there in a greenlet of
its own, the way Playwright itself runs event handlers (``run_in_greenlet``). A call that waits for the
page switches back to the loop, so the threads' calls wait side by side, and a page that hangs holds only
the thread that called it.

What crosses the bridge: proxies are unwrapped into the objects they stand for on the way in, and
Playwright objects coming out are wrapped; plain values (strings, dicts, bytes) pass as they are.
Errors (Playwright's ``TimeoutError`` and the rest) are raised in the calling thread as they were raised.
Calls that only make a locator or read a value Playwright already holds (``LOCAL``: ``locator``, ``filter``, ``or_``,
``first``, ``url`` …) send nothing to the driver and wait on nothing, so they run in the calling thread: they are
~180 of a publish's ~225 calls, and each hop to the driver's thread and back cost both threads a wake-up
(docs/benchmarks.md, throughput_bench).
Handlers given to ``on(...)`` run in the driver's thread with plain objects: keep them short and have them
call no proxy. Assertions go through ``sites.assertions.expect``, which hands a proxy's ``expect`` over.
"""
from __future__ import annotations

import concurrent.futures
import functools
import inspect
import logging
import threading
from typing import Any, Callable

from greenlet import greenlet
from playwright._impl._greenlets import run_in_greenlet, wait_for_future
from playwright._impl._sync_base import EventContextManager, EventInfo, SyncBase
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Playwright, expect, sync_playwright

log = logging.getLogger(__name__)

WAKE_S = 0.5
"""How often a thread waiting on the driver looks up: an exception another thread raises in it (RQ's job
time limit, ``worker.ThreadWorker``) is delivered only between bytecodes, never inside a lock's wait."""


LOCAL = frozenset({
    "locator", "get_by_alt_text", "get_by_label", "get_by_placeholder", "get_by_role", "get_by_test_id",
    "get_by_text", "get_by_title", "frame_locator", "filter", "or_", "and_", "first", "last", "nth",
    "url", "is_closed", "keyboard", "mouse", "viewport_size", "main_frame", "page",
})
"""Methods and properties of Playwright's sync objects that neither send anything to the driver nor wait on its
loop: they make a locator, or read what the client already holds (tests/test_bridge.py checks each name against
the installed Playwright's source: a new version that makes one of them wait fails that test)."""


class DriverGone(PlaywrightError):
    """The driver process ended under a call (it died, or the worker is stopping)."""


class Driver:
    """A sync Playwright in a thread of its own, serving calls from any thread (``call``)."""

    def __init__(self, name: str = "playwright-driver"):
        self._ready = threading.Event()
        self._pending: set[concurrent.futures.Future] = set()
        self._lock = threading.Lock()
        self._gone = False
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self.playwright: Playwright | None = None

    def start(self) -> "Driver":
        self._thread.start()
        self._ready.wait()
        if self._failed is not None:
            raise DriverGone("Playwright did not start") from self._failed
        return self

    @property
    def alive(self) -> bool:
        return not self._gone and self._thread.is_alive()

    def _serve(self) -> None:
        try:
            self.playwright = sync_playwright().start()
            self._loop = self.playwright._loop
            self._stopping = self._loop.create_future()
        except BaseException as e:  # noqa: BLE001 - handed to start()'s caller
            self._failed = e
            self._gone = True
            self._ready.set()
            return
        self._ready.set()
        try:
            # Parked here, this thread lends the loop to the calls: it runs until stop() or the driver's end.
            wait_for_future(self._loop, self.playwright._dispatcher_fiber, self._stopping)
        except BaseException as e:  # noqa: BLE001 - the driver died: its calls are told below
            log.warning("the Playwright driver ended (%s)", type(e).__name__)
        finally:
            with self._lock:
                self._gone = True
                pending, self._pending = self._pending, set()
            for f in pending:  # their greenlets will never be resumed: a dead loop settles nothing
                if not f.done():
                    f.set_exception(DriverGone("the Playwright driver ended under this call"))
            try:
                self.playwright.stop()
            except Exception:  # noqa: BLE001 - a driver that died has nothing left to stop
                pass

    def stop(self) -> None:
        if self.alive:
            try:
                self._loop.call_soon_threadsafe(lambda: self._stopping.done() or self._stopping.set_result(None))
            except RuntimeError:  # the loop closed meanwhile
                pass
        self._thread.join(timeout=30)

    def call(self, fn: Callable[[], Any]) -> Any:
        """``fn()`` run in the driver's thread (its sync Playwright calls allowed); its result or its error."""
        if threading.current_thread() is self._thread:
            return fn()  # a handler of the driver's own calling back: it is in the right thread already
        done: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:
            if self._gone:
                raise DriverGone("the Playwright driver is gone")
            self._pending.add(done)

        def begin() -> None:
            if done.done():
                return
            settled = run_in_greenlet(greenlet, fn)
            settled.add_done_callback(lambda f: _settle(done, f))

        try:
            self._loop.call_soon_threadsafe(begin)
            while not done.done():
                # Not done.result(timeout=...): its TimeoutError is the builtin one, and would swallow one
                # raised into this thread meanwhile.
                concurrent.futures.wait([done], timeout=WAKE_S)
            return done.result()
        finally:
            with self._lock:
                self._pending.discard(done)

    def wrap(self, value: Any) -> Any:
        return _wrap(value, self)


def _settle(done: concurrent.futures.Future, f) -> None:
    if done.done():
        return
    if f.cancelled():
        done.set_exception(DriverGone("the call was cancelled with its loop"))
    elif f.exception() is not None:
        done.set_exception(f.exception())
    else:
        done.set_result(f.result())


_PLAYWRIGHT_OBJECTS = (SyncBase, EventContextManager, EventInfo)


@functools.lru_cache(maxsize=1024)
def _is_method(cls: type, name: str) -> bool:
    """Whether ``name`` is a plain method of ``cls`` (else a property or attribute). Asked at every call through a
    proxy, and ``getattr_static`` walks the class's whole lineage each time."""
    return inspect.isfunction(inspect.getattr_static(cls, name, None))


def _wrap(value: Any, driver: Driver) -> Any:
    if isinstance(value, _PLAYWRIGHT_OBJECTS):
        return Bridged(value, driver)
    if isinstance(value, list):
        return [_wrap(v, driver) for v in value]
    return value


def _unwrap(value: Any) -> Any:
    if isinstance(value, Bridged):
        return object.__getattribute__(value, "_obj")
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


class Bridged:
    """A Playwright object of ``driver``'s, usable from any thread (see the module's docstring)."""

    __slots__ = ("_obj", "_driver")

    def __init__(self, obj: Any, driver: Driver):
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_driver", driver)

    def __getattr__(self, name: str) -> Any:
        obj, driver = self._obj, self._driver
        is_method = _is_method(type(obj), name)
        if name in LOCAL:  # nothing to wait for: here, in the calling thread
            value = getattr(obj, name)
            if is_method:
                return lambda *args, **kwargs: _wrap(value(*_unwrap(args), **_unwrap(kwargs)), driver)
            return _wrap(value, driver)
        if is_method:
            method = getattr(obj, name)  # a bound method: made here, called there
            return lambda *args, **kwargs: _wrap(driver.call(lambda: method(*_unwrap(args), **_unwrap(kwargs))),
                                                 driver)
        return _wrap(driver.call(lambda: getattr(obj, name)), driver)  # a property may wait (EventInfo.value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a bridged Playwright object is read-only ({name})")

    def __enter__(self) -> Any:
        return _wrap(self._driver.call(self._obj.__enter__), self._driver)

    def __exit__(self, *exc) -> Any:
        return self._driver.call(lambda: self._obj.__exit__(*exc))

    def __eq__(self, other: object) -> bool:
        return self._obj == _unwrap(other)

    def __hash__(self) -> int:
        return hash(self._obj)

    def __repr__(self) -> str:
        return f"<bridged {self._obj!r}>"

    def bridged_expect(self, message: str | None = None) -> "Bridged":
        """Playwright's ``expect`` on this object, made in the driver's thread (``sites.assertions``)."""
        obj = self._obj
        return Bridged(self._driver.call(lambda: expect(obj, message)), self._driver)
