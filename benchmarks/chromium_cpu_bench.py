"""What a Chromium launch and a run's context cost in CPU, with and without the features we turn off.

    .venv/bin/python benchmarks/chromium_cpu_bench.py [--rounds 5]

For each flag set, in turns (so both see the same machine): launch Chromium as the worker does, open one
page, and read the CPU seconds of the browser's whole process tree; then open and close ``--contexts``
contexts with a page each (what every run does) and read the CPU they added. The sets: ``before``, our
flags as they were (our --disable-features last on the line, so Playwright's own list was dropped, and the
address bar's WebUI pages rendered); ``now``, ``core.settings.CHROMIUM_FLAGS``.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from core.settings import CHROMIUM_FLAGS, LOCAL_ONLY_RESOLVER, Settings  # noqa: E402
from tests.stack_fixtures import descendants, processes_cpu  # noqa: E402

BEFORE = [f for f in CHROMIUM_FLAGS if not f.startswith("--disable-features=")] + [
    "--disable-features=AutofillServerCommunication"]
SETS = {"before": BEFORE, "now": list(CHROMIUM_FLAGS)}


def tree_cpu(pid: int) -> float:
    return processes_cpu({pid} | descendants(pid))


def browser_pid(driver_root: int) -> int:
    for p in descendants(driver_root):
        try:
            argv = Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"chrom" in argv[0] and not any(a.startswith(b"--type=") for a in argv) and len(argv) > 2:
            return p
    raise RuntimeError("no Chromium browser process")


def one(pw, flags: list[str], contexts: int) -> tuple[float, float]:
    """(CPU of the launch with one page, CPU per context with its page)."""
    browser = pw.chromium.launch(executable_path=Settings().chromium_path, args=[*flags, LOCAL_ONLY_RESOLVER])
    try:
        pid = browser_pid(os.getpid())
        browser.new_page().goto("data:text/html,<p>warm</p>")
        time.sleep(1.0)  # what the launch starts in the background (the WebUI pages) is done
        launch = tree_cpu(pid)
        for _ in range(contexts):
            ctx = browser.new_context()
            ctx.new_page().goto("data:text/html,<p>run</p>")
            time.sleep(0.3)
            ctx.close()
        time.sleep(0.5)
        return launch, (tree_cpu(pid) - launch) / contexts
    finally:
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--contexts", type=int, default=6)
    args = parser.parse_args()
    got = {name: ([], []) for name in SETS}
    with sync_playwright() as pw:
        for _ in range(args.rounds):
            for name, flags in SETS.items():
                launch, per_context = one(pw, flags, args.contexts)
                got[name][0].append(launch)
                got[name][1].append(per_context)
    print(f"machine: {platform.machine()}, load average {open('/proc/loadavg').read().split()[0]}; "
          f"{args.rounds} rounds, {args.contexts} contexts each")
    print("| flags | launch with one page (median, CPU-s) | per context with a page (median, CPU-s) |")
    print("|-------|---:|---:|")
    for name, (launches, contexts) in got.items():
        print(f"| {name} | {statistics.median(launches):.2f} | {statistics.median(contexts):.2f} |")


if __name__ == "__main__":
    main()
