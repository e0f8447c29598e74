"""Wait benchmark: how soon ``sites.locate.wait_until_there`` sees an element, and what waiting costs in CPU.

    .venv/bin/python benchmarks/wait_bench.py [--trials 25] [--short]

An element is added to a page at random times between 50 ms and 6 s (``--short``: 10–200 ms, the length of a run's
waits on a quick site); each way of waiting is timed from the moment the page added it to the moment the wait
returned (measured on the page's clock, so the return trip of the read is included). Then each way waits 5 s
(``--short``: 2.9 s, the quick slices only) for an element that never comes, and the CPU of the whole process tree
(Python, Playwright's driver, Chromium) is read from /proc. Ways: slices of 100 ms and of 270 ms (earlier
``wait_until_there``), ``wait_until_there`` as it is, and one plain ``locator.wait_for``.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError, sync_playwright  # noqa: E402

from core.settings import Settings  # noqa: E402
from sites.locate import wait_until_there  # noqa: E402
from tests.stack_fixtures import tree_cpu  # noqa: E402

def _slices(slice_ms: float):
    def wait(locator, timeout_ms: float) -> None:
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            left_ms = (deadline - time.monotonic()) * 1000
            try:
                locator.wait_for(timeout=max(1.0, min(slice_ms, left_ms)))
                return
            except PlaywrightTimeoutError:
                if left_ms <= slice_ms:
                    raise
    return wait


def plain(locator, timeout_ms: float) -> None:
    locator.wait_for(timeout=timeout_ms)


WAYS = {"100 ms slices (before 2026-12-07)": _slices(100), "270 ms slices (2026-12-07)": _slices(270),
        "wait_until_there (now)": wait_until_there, "one plain wait_for": plain}
ADD_LATER = """(ms) => { setTimeout(() => { document.body.insertAdjacentHTML('beforeend', '<b id=late>到了</b>');
  window.__added = performance.now(); }, ms); }"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=25)
    parser.add_argument("--short", action="store_true", help="appearances at 10–200 ms")
    args = parser.parse_args()
    rnd = random.Random(1)
    delays = [rnd.randrange(10, 200) if args.short else rnd.randrange(50, 6000) for _ in range(args.trials)]
    never_ms = 2_900 if args.short else 5_000
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        settings = Settings(data_dir=Path(tmp), sandbox=True)
        browser = pw.chromium.launch(executable_path=settings.chromium_path, args=settings.chromium_args())
        page = browser.new_page()
        print(f"load average before: {os.getloadavg()[0]:.2f}; {args.trials} appearances, "
              f"{'10–200 ms' if args.short else '50 ms – 6 s'}")
        print("| way | seen after: median | p90 | max | CPU per second of waiting |")
        print("|-----|------:|----:|----:|------:|")
        for name, wait in WAYS.items():
            late = []
            for ms in delays:
                page.set_content("<p>等待</p>")
                page.evaluate(ADD_LATER, ms)
                wait(page.locator("#late"), 20_000)
                late.append(page.evaluate("() => performance.now() - window.__added"))
            page.set_content("<p>等待</p>")
            cpu, started = tree_cpu(), time.monotonic()
            try:
                wait(page.locator("#never"), never_ms)
            except PlaywrightTimeoutError:
                pass
            per_s = (tree_cpu() - cpu) / (time.monotonic() - started)
            late.sort()
            print(f"| {name} | {statistics.median(late):.0f} ms | {late[int(0.9 * len(late))]:.0f} ms | "
                  f"{late[-1]:.0f} ms | {per_s:.3f} s |")
        browser.close()
        print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
