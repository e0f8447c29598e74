"""Inbox sweep benchmark: the cost of one 抖音 sweep (read the 评论管理 pages, store, classify and draft
offline from the demo's product sheets) with 0, 10 and 200 unread comments on the replica (delays off).

    .venv/bin/python benchmarks/inbound_bench.py [--runs 3]

Measures wall time of ``read_inbox`` and of storing + drafting, and the pages the browser loaded (document
requests). Not measured here (see docs/benchmarks.md): new comment → card latency at a 1-minute sweep and
replies per minute up to the cap, which need the whole stack.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from core.settings import Settings  # noqa: E402
from graphs.inbound.store import item_dict, store_items  # noqa: E402
from serve import Stack, free_port  # noqa: E402
from sites.douyin import DouyinAdapter  # noqa: E402
from tests.douyin_sandbox_fixtures import log_in  # noqa: E402
from tests.inbox_fixtures import demo_inbox  # noqa: E402
from tests.sandbox_fixtures import ReplicaControl  # noqa: E402

QUESTIONS = ("冷泡茶多少钱一盒？", "冷泡茶怎么泡？", "礼盒适合送长辈吗", "收到的茶包破了，我要退款", "好喝！")


def sweep_once(page, adapter, url: str, unread: int, tmp: Path) -> dict:
    httpx.post(f"{url}/__sandbox__/reset", timeout=10).raise_for_status()
    log_in(page, ReplicaControl(url))  # a reset ends the replica's sessions
    for i in range(unread):
        httpx.post(f"{url}/__sandbox__/inbound", json={"kind": "comment", "author": f"茶友{i}",
                                                       "text": QUESTIONS[i % len(QUESTIONS)]}, timeout=10)
    settings = Settings(data_dir=tmp, sandbox=True)
    settings.paths.ensure()
    boxes = demo_inbox(settings)
    documents = []

    def count(request) -> None:
        if request.resource_type == "document":
            documents.append(request.url)

    page.on("request", count)
    t0 = time.perf_counter()
    items = adapter.read_inbox(page, None)
    t1 = time.perf_counter()
    store_items(boxes.db, settings, boxes.douyin, boxes.employee_id, [item_dict(i) for i in items], adapter.reply_limit)
    t2 = time.perf_counter()
    page.remove_listener("request", count)
    return {"read_s": t1 - t0, "store_s": t2 - t1, "items": len(items), "pages": len(documents)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="inbound-bench-"))
    stack = Stack(tmp / "stack", web_port=free_port(), redis_port=free_port(), xhs_port=free_port(),
                  douyin_port=free_port(), taobao_port=free_port(), etax_port=free_port(), workers=0,
                  replica_delays=False)
    (tmp / "stack").mkdir(parents=True)
    stack.start_replica("douyin")
    url = stack.replica_url("douyin")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page()
            adapter = DouyinAdapter(url)
            print("| unread | read_inbox (s) | store + draft (s) | pages loaded |")
            print("|---|---|---|---|")
            for unread in (0, 10, 200):
                rows = [sweep_once(page, adapter, url, unread, tmp / f"db-{unread}-{i}") for i in range(args.runs)]
                assert all(r["items"] == unread for r in rows), rows
                med = {k: statistics.median(r[k] for r in rows) for k in ("read_s", "store_s", "pages")}
                print(f"| {unread} | {med['read_s']:.2f} | {med['store_s']:.2f} | {med['pages']:.0f} |")
            browser.close()
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
