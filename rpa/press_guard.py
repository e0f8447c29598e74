"""The page itself refuses the press once this worker's lease has run out.

The last look at the lease in Python (``Lease.ensure_held``) comes before the adapter's click: a worker
stopped between that look and Chromium receiving the click would, on waking, press after another worker
took the run. So right before the press the page gets the lease's end (on the wall clock, as the worker
counts it) and a listener, first in the capture phase on ``window``, that cancels a click, an Enter or a
form's submit arriving after that moment (``preventDefault`` and ``stopImmediatePropagation``: neither the
button's default action nor the site's own handlers see it). The page's clock (``performance.timeOrigin +
performance.now()``) is monotonic and keeps running while the worker is stopped, so a stall counts.

The end is fixed when the guard is armed (the renewal thread cannot talk to the page), so the guard is
armed only around the press itself and taken off after it (a code typed or a slider dragged by the owner
afterwards comes long after). It is taken off in the document it was put on, through a handle to that document's
``window``: a press that navigated (a publish's success page) left that document, and its guard, behind, and a
look in the new document would first wait for the new page to set up its scripts (~20–35 ms a press).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from playwright.sync_api import Error as PlaywrightError, Page

ARM = """(until) => {
  window.__opcFenceUntil = until;
  if (window.__opcFenceArmed) return window;
  window.__opcFenceArmed = true;
  const late = () => performance.timeOrigin + performance.now() > window.__opcFenceUntil;
  const refuse = (event) => {
    if (event.type === "keydown" && event.key !== "Enter") return;
    if (!late()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    window.__opcFenceRefused = (window.__opcFenceRefused || 0) + 1;
  };
  for (const type of ["click", "submit", "keydown"]) window.addEventListener(type, refuse, true);
  return window;
}"""
DISARM = "(armed) => { armed.__opcFenceUntil = Infinity; }"


@contextmanager
def armed(page: Page, until_epoch_s: float) -> Iterator[None]:
    """``until_epoch_s``: the lease's end, seconds since the epoch (``Lease.deadline``)."""
    window = page.evaluate_handle(ARM, until_epoch_s * 1000)
    try:
        yield
    finally:
        try:
            window.evaluate(DISARM)
            window.dispose()
        except PlaywrightError:
            pass  # the press navigated or closed the page: the armed document is gone, its guard with it
