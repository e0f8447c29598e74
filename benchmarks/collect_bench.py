"""Collection benchmark: one account with 10, 100 and 1,000 posts on a replica (delays off), the first
collection (a full read) and the next night's (incremental: back to the last one less the site's window).

    nice -n 19 .venv/bin/python benchmarks/collect_bench.py [--sites xiaohongshu douyin] [--sizes 10 100 1000] [--write]

The account posted once a day, so its history is N days long; the next night one more post is up and the
replica's clock is a day on. Measured: wall time of ``read_stats`` (warm browser, logged-in context) and the
pages it opened (navigations, tab switches, 下一页 clicks). The incremental read should cost about the same for
100 and 1,000 posts: what the last 30 days hold, not the history.
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
from sites.xiaohongshu import XiaohongshuAdapter  # noqa: E402
from tests.collect_fixtures import add_history, scan_in  # noqa: E402
from tests.sandbox_fixtures import running_replica  # noqa: E402

SITES = {"xiaohongshu": (XiaohongshuAdapter, "sandbox.xiaohongshu"), "douyin": (DouyinAdapter, "sandbox.douyin")}


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
            posts = len({r.subject_id for r in second.readings if r.subject == "post"})
            lines.append(f"{site:12} {n:5} posts  first: {t1 - t0:6.2f}s {first.pages:4} pages   "
                         f"next night: {t3 - t2:6.2f}s {second.pages:4} pages ({posts} posts read)   changes: {changed}")
            print(lines[-1], flush=True)
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", nargs="+", default=["xiaohongshu", "douyin"])
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
