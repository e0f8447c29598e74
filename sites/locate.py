"""Locating elements a real site renders in more than one way; shared by every site's page objects.

A ``Fallback`` holds the candidate locators of one element, best first. It takes the best candidate
if it is there already; otherwise it waits (Playwright's own auto-waiting, on the union of all
candidates) until any of them is there, then picks the first candidate that matches. It keeps to its
choice: one page shows one version of a control, so later uses skip the search (each count is a round
trip to the browser). A wait that runs out means the page loaded but the element is not on it:
``PageChanged``, which a human must look at. Each site subclasses it with its
own name (``sites/<site>/pages/locate.py``).
"""
from __future__ import annotations

import time
from typing import Literal

from playwright.sync_api import Error as PlaywrightError, Locator, Page, TimeoutError as PlaywrightTimeoutError

from core.errors import PageChanged, SiteTimeout

State = Literal["attached", "visible"]

FIRST_SLICE_MS = 240
"""Inside one ``wait_for`` Playwright (1.65) looks again after 20, 50, 100, 100, 500 ms …, dropping every step longer
than a fifth of the wait's timeout: a wait of under 250 ms looks every 20 ms, one of 250–499 ms every 50 ms, one of
a second every 100 ms. Each slice of a wait is also a round trip through Playwright's driver to Chromium, and the
CPU is mostly in those. Most of a run's waits on a quick site end within 200 ms (about six a run: the form, each
image's preview, the topic list, the note list), so the first slice looks every 20 ms: an element coming 10–200 ms
into a wait is seen 14 ms after it came on the median, 23 ms at p90, against 23 and 55 ms with 270 ms slices
throughout (a look every 50 ms) (benchmarks/wait_bench.py --short, docs/benchmarks.md)."""
QUICK_SLICE_MS = 490
"""Then, up to ``SLOW_AFTER_MS``, a look every 50 ms and two round trips a second (270 ms slices made almost four:
100 ms slices kept 15 % of a core busy per waiting run, 38 % under CI's load)."""
SLOW_AFTER_MS = 3_000
"""An answer not there after this long comes from a slow page (an upload, a loaded site): from then on slices
of a second (a look every 100 ms and one round trip a second)."""
SLOW_SLICE_MS = 1_000


def wait_until_there(locator: Locator, timeout_ms: float, state: State = "visible") -> None:
    """``locator.wait_for`` that notices the element within ~20 ms in its first 240 ms, ~50 ms up to 3 s and
    ~100 ms later; Playwright's ``TimeoutError`` once ``timeout_ms`` has passed."""
    started = time.monotonic()
    deadline = started + timeout_ms / 1000
    while True:
        now = time.monotonic()
        left_ms = (deadline - now) * 1000
        waited_ms = (now - started) * 1000
        slice_ms = (FIRST_SLICE_MS if waited_ms < FIRST_SLICE_MS else QUICK_SLICE_MS if waited_ms < SLOW_AFTER_MS
                    else SLOW_SLICE_MS)
        try:
            locator.wait_for(state=state, timeout=max(1.0, min(slice_ms, left_ms)))
            return
        except PlaywrightTimeoutError:
            if left_ms <= slice_ms:
                raise


class Fallback:
    site = ""
    """The site's registry key, for the errors (a subclass per site sets it)."""
    label = ""
    """The site as the owner calls it (小红书 …): an owner never reads another site's name."""

    def __init__(self, page: Page, name: str, *candidates: Locator, state: State = "visible"):
        self.page = page
        self.name = name
        """What the owner would call it (shown in the error)."""
        self.candidates = candidates
        self.state = state
        """``attached`` for elements that are hidden by design (file inputs)."""
        self._chosen: Locator | None = None
        self.chosen_index: int | None = None
        """Which candidate ``resolve`` settled on (None: not yet, or only the union matched)."""

    @property
    def union(self) -> Locator:
        """Every element any candidate matches (for waiting on this element or another)."""
        union = self.candidates[0]
        for c in self.candidates[1:]:
            union = union.or_(c)
        return union

    def _usable(self, loc: Locator) -> Locator:
        return loc.filter(visible=True) if self.state == "visible" else loc

    @property
    def any(self) -> Locator:
        return self._usable(self.union).first

    def resolve(self, timeout: float | None = None) -> Locator:
        """The first candidate present; ``PageChanged`` if none comes within the timeout."""
        if self._chosen is not None:
            return self._chosen
        # Look before waiting: on a loaded form the best candidate is usually there already, and one
        # count is half the round trips of a wait followed by a count (each is a trip to the browser).
        if (found := self._present(self.candidates[:1])) is not None:
            return found
        try:
            self.any.wait_for(state="attached", timeout=timeout)
        except PlaywrightTimeoutError as e:
            raise PageChanged(f"页面上找不到「{self.name}」，{self.label}页面可能改版了", site=self.site,
                              url=self.page.url) from e
        return self._present(self.candidates) or self.any  # or: it matched between the wait and the count

    def _present(self, candidates) -> Locator | None:
        """The first of ``candidates`` on the page now, remembered as the chosen one."""
        for c in candidates:
            if self._usable(c).count() > 0:
                self._chosen, self.chosen_index = self._usable(c).first, self.candidates.index(c)
                return self._chosen
        return None

    def resolve_one(self, timeout: float | None = None) -> Locator:
        """``resolve``, but ``PageChanged`` when the chosen candidate matches more than one element: ``.first``
        would then act on whichever comes first in the DOM (a second file input, a hidden twin)."""
        found = self.resolve(timeout)
        every = self._usable(self.candidates[self.chosen_index] if self.chosen_index is not None else self.union)
        if (n := every.count()) > 1:
            raise PageChanged(f"页面上有{n}个「{self.name}」，无法确定是哪一个，{self.label}页面可能改版了",
                              site=self.site, url=self.page.url)
        return found

    def present(self) -> bool:
        """Whether any candidate is there right now (no waiting)."""
        return self.any.count() > 0


STOP_PAGE = """() => {
  window.stop();
  for (let id = setTimeout(() => {}, 0); id > 0; id--) { clearTimeout(id); clearInterval(id); }
}"""


def quiet(page: Page) -> None:
    """Stop what the page would do by itself next: its timers (and what it is still loading).

    For a page about to be left that may move on its own, like a success page that returns to the form a
    few seconds later (小红书's does, the real site too): that navigation could overtake ours (in the load
    benchmark, docs/benchmarks.md: the read-back found the form instead of the list). A navigation the page has
    already started is the browser's and out of reach here; ``goto`` makes ours again if it was dropped."""
    try:
        page.evaluate(STOP_PAGE)
    except PlaywrightError:
        pass  # between two documents: nothing of the old one is left to stop


DROPPED = ("interrupted by another navigation", "net::ERR_ABORTED")
"""How Playwright says Chromium dropped our navigation for another (both seen, under load, after a post)."""


def goto(page: Page, url: str, site: str, label: str) -> None:
    """Navigate; a page that does not load is transient, never a changed page.

    A page may send itself elsewhere while ours is under way: a site's success page returns to its form
    after a few seconds (小红书's does), and if that timer fires first Chromium may drop our navigation for the
    page's own (tens of runs in the load benchmark's 1,000, docs/benchmarks.md). The page that did it is gone
    once its navigation commits, so ours is made once more."""
    for last in (False, True):
        try:
            page.goto(url, wait_until="domcontentloaded")
            return
        except PlaywrightTimeoutError as e:
            raise SiteTimeout(f"打开{label}页面超时", site=site, url=url) from e
        except PlaywrightError as e:
            if last or not any(m in e.message for m in DROPPED):
                raise


def visible(locator: Locator) -> Locator:
    """Only the rendered matches: real pages keep hidden copies (inactive tabs, closed modals)."""
    return locator.filter(visible=True)
