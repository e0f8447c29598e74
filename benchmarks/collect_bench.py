"""Collection benchmark: one account with 10, 100 and 1,000 posts (or a shop with that many orders) on a
replica (delays off), the first collection (a full read) and the next night's (incremental: back to the last
one less the site's window).

    nice -n 19 .venv/bin/python benchmarks/collect_bench.py [--sites xiaohongshu douyin taobao] [--sizes 10 100 1000] [--write]

The account posted once a day, so its history is N days long; the next night one more post is up and the
replica's clock is a day on. The shop sold about one order a day: N/10 items (ten of each) listed over the
last N days, each sold out or still selling, refunds on about one order in five; the next night one more item
is listed and the replica's clock is a day on. Measured: wall time of ``read_stats`` (warm browser, logged-in
context) and the pages it opened (navigations, tab switches, 下一页 clicks). The incremental read should cost
about the same for 100 and 1,000 posts or orders: what the site's window holds (30 days of posts, 15 of
orders), not the history.
"""
from __future__ import annotations

import argparse
import platform
import os
import sys
import time

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from core.models import utcnow  # noqa: E402
from core.settings import Settings  # noqa: E402
from graphs.collect.nodes import WINDOW  # noqa: E402
from rpa.runtime import BrowserRuntime  # noqa: E402
from sites.douyin import DouyinAdapter  # noqa: E402
from sites.taobao import TaobaoAdapter  # noqa: E402
from sites.xiaohongshu import XiaohongshuAdapter  # noqa: E402
from tests.collect_fixtures import add_history, scan_in  # noqa: E402
from tests.sandbox_fixtures import running_replica  # noqa: E402

SITES = {"xiaohongshu": (XiaohongshuAdapter, "sandbox.xiaohongshu"), "douyin": (DouyinAdapter, "sandbox.douyin"),
         "taobao": (TaobaoAdapter, "sandbox.taobao")}


def bench_site(site: str, sizes: list[int], runtime: BrowserRuntime) -> list[str]:
    adapter_cls, module = SITES[site]
    lines = []
    with running_replica(module) as control:
        adapter = adapter_cls(control.url, Settings(sandbox=True, browser_timeout_ms=30_000))
        for n in sizes:
            control.reset()
            httpx.post(f"{control.url}/__sandbox__/changes/reset", timeout=10)
            add_history(control.url, "demo", n, days=n)
            with runtime.context(adapter.allowed_hosts()) as ctx:
                page = ctx.new_page()
                scan_in(adapter, page, control.url, "demo")
                t0 = time.perf_counter()
                first = adapter.read_stats(page, None)
                t1 = time.perf_counter()
                first_at = utcnow()
                add_history(control.url, "demo", 1, days=0)  # the day's new post
                control.faults(stats_advance_h=24)
                t2 = time.perf_counter()
                second = adapter.read_stats(page, first_at - WINDOW[site])
                t3 = time.perf_counter()
            changed = httpx.get(f"{control.url}/__sandbox__/changes", timeout=10).json()["changes"]
            lines.append(f"{site:12} {n:5} {'orders' if site == 'taobao' else 'posts '}  first: {t1 - t0:6.2f}s "
                         f"{first.pages:4} pages {_read(first)}   next night: {t3 - t2:6.2f}s {second.pages:4} pages "
                         f"{_read(second)}   changes: {changed}")
            print(lines[-1], flush=True)
    return lines


def _read(stats) -> str:
    """What a read brought back: the posts, or the shop's orders, refunds and items on sale."""
    if stats.orders or any(r.subject == "item" for r in stats.readings):
        items = len({r.subject_id for r in stats.readings if r.subject == "item"})
        return f"({len(stats.orders)} orders, {len(stats.refunds)} refunds, {items} items read)"
    return f"({len({r.subject_id for r in stats.readings if r.subject == 'post'})} posts read)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", nargs="+", default=list(SITES))
    ap.add_argument("--sizes", nargs="+", type=int, default=[10, 100, 1000])
    ap.add_argument("--write", action="store_true", help="append the results to docs/benchmarks.md")
    args = ap.parse_args()
    os.environ.setdefault("XDG_CONFIG_HOME", "/tmp/collect-bench-xdg")
    runtime = BrowserRuntime(Settings(data_dir=Path("/tmp/collect-bench"), sandbox=True)).start()
    try:
        lines = [f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}"]
        for site in args.sites:
            lines += bench_site(site, args.sizes, runtime)
    finally:
        runtime.stop()
    if args.write:
        with open(ROOT / "docs" / "benchmarks.md", "a") as f:
            f.write(f"\n## {utcnow():%Y-%m-%d} collect_bench --sizes {' '.join(map(str, args.sizes))}\n\n```\n"
                    + "\n".join(lines) + "\n```\n")


if __name__ == "__main__":
    main()
