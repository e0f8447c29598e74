"""Board benchmark: the home page (the 数据看板) with a year of nightly readings for 5 accounts, opened on a phone.

    nice .venv/bin/python benchmarks/board_bench.py [--posts 100] [--loads 5]

Seeds the demo workspace with 2 小红书 and 2 抖音 accounts, each with ``--posts`` posts published evenly over
the last 365 days and read every night from their publication on (every number the site shows per post, and
the account's 粉丝), and a 淘宝 shop with 20 items read every night (库存) and 20 orders a day for a year: the
raw readings, no downsampling (the worst case). Then a real web server and a real Chromium at 390×844: the
board's first load in a fresh browser (every byte of every response counted: the page, its CSS and script),
and ``--loads`` more; for each, the server time (the page's request to its first byte, from the browser's
timing) and the bytes transferred. The 30-day view is measured the same way.
The goal (issue 16): first load ≤ 300 KB transferred and ≤ 1 s server time.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from board.trends import POST_METRICS  # noqa: E402
from core.db import session_factory, transaction  # noqa: E402
from core.models import Account, Workspace, new_id, utcnow  # noqa: E402
from core.seed import seed_demo  # noqa: E402
from core.settings import Settings  # noqa: E402
from metrics.models import MetricPoint, Order  # noqa: E402
from serve import Stack, free_port  # noqa: E402

DAYS = 365
PHONE = {"width": 390, "height": 844}


def _post_rows(ws: str, acc: str, site: str, posts: int, now, rng: random.Random) -> list[dict]:
    rows = []
    for p in range(posts):
        published = DAYS - int(p * DAYS / posts)
        post_id = f"{p:024x}"
        rate = {m: rng.uniform(1, 40) for m in POST_METRICS[site]}
        for day in range(published, -1, -1):
            age = published - day + 1
            at = now - timedelta(days=day, hours=rng.uniform(0, 2))
            for m in POST_METRICS[site]:
                rows.append({"id": new_id(), "workspace_id": ws, "account_id": acc, "site": site, "subject": "post",
                             "subject_id": post_id, "metric": m, "value": float(int(rate[m] * age)), "at": at})
    for day in range(DAYS, -1, -1):
        rows.append({"id": new_id(), "workspace_id": ws, "account_id": acc, "site": site, "subject": "account",
                     "subject_id": "", "metric": "fans", "value": float(1000 + 7 * (DAYS - day)),
                     "at": now - timedelta(days=day, hours=1)})
    return rows


def _shop_rows(ws: str, acc: str, now, rng: random.Random) -> tuple[list[dict], list[dict]]:
    points, orders = [], []
    for item in range(20):
        for day in range(DAYS, -1, -1):
            points.append({"id": new_id(), "workspace_id": ws, "account_id": acc, "site": "taobao", "subject": "item",
                           "subject_id": f"74200000{item:04d}", "metric": "stock", "value": float(500 - day % 300),
                           "at": now - timedelta(days=day, hours=1)})
    for day in range(DAYS, -1, -1):
        for n in range(20):
            refund = rng.random() < 0.05
            orders.append({"id": new_id(), "workspace_id": ws, "account_id": acc, "order_no": f"39{day:04d}{n:04d}",
                           "item_id": f"74200000{n:04d}", "title": f"商品{n}", "amount": Decimal("19.90") * (1 + n % 3),
                           "status": rng.choice(("买家已付款", "卖家已发货", "交易成功", "交易成功", "交易关闭")),
                           "refund_status": "退款成功" if refund else None,
                           "created_at": now - timedelta(days=day, hours=rng.uniform(0, 23)), "read_at": now})
    return points, orders


def seed(settings: Settings, posts: int) -> str:
    _user, password = seed_demo(settings)
    db = session_factory(settings.db_url)
    rng = random.Random(16)
    now = utcnow()
    with transaction(db) as s:
        ws = s.query(Workspace).one()
        s.query(Account).delete()  # the demo's own 小红书 account goes: exactly 5 on the board
        accounts = [Account(workspace_id=ws.id, site=site, name=name, status="active")
                    for site, name in (("xiaohongshu", "小红书主号"), ("xiaohongshu", "小红书副号"), ("douyin", "抖音主号"),
                                       ("douyin", "抖音副号"), ("taobao", "淘宝小店"))]
        s.add_all(accounts)
        s.flush()
        for a in accounts:
            if a.site == "taobao":
                points, orders = _shop_rows(ws.id, a.id, now, rng)
                s.execute(insert(Order), orders)
            else:
                points = _post_rows(ws.id, a.id, a.site, posts, now, rng)
            s.execute(insert(MetricPoint), points)
    with db() as s:
        n = s.scalar(select(func.count(MetricPoint.id)))
        o = s.scalar(select(func.count(Order.id)))
    print(f"seeded {n:,} readings and {o:,} orders for 5 accounts over {DAYS} days")
    return password


def measure(page, url: str) -> tuple[float, int, int]:
    """(server ms: the page's request to its first byte, bytes transferred by every response, responses)."""
    finished = []
    page.on("requestfinished", lambda r: finished.append(r))
    response = page.goto(url, wait_until="networkidle")
    timing = response.request.timing
    sizes = [r.sizes() for r in finished]
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    return timing["responseStart"] - timing["requestStart"], total, len(sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="board-bench-"))
    settings = Settings(data_dir=data, sandbox=True)
    started = time.perf_counter()
    password = seed(settings, args.posts)
    print(f"seeding took {time.perf_counter() - started:.0f}s; load average {os.getloadavg()}")
    stack = Stack(data, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(), douyin_port=free_port(),
                  taobao_port=free_port(), etax_port=free_port(), workers=0, replica_delays=False)
    try:
        stack.start_redis()
        stack.start_web()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=settings.chromium_path, args=settings.chromium_args(),
                                         headless=True)
            print("| view | load | server ms | KB transferred | responses |")
            print("|---|---|---|---|---|")
            for view in ("/", "/?days=30"):
                rows = []
                for n in range(args.loads + 1):
                    ctx = browser.new_context(viewport=PHONE, is_mobile=True, locale="zh-CN",
                                              timezone_id="Asia/Shanghai")
                    # logged in through the API: the browser's cache stays empty for the page's CSS and script
                    r = ctx.request.post(f"{stack.web_url}/api/session",
                                         data={"username": "owner", "password": password})
                    assert r.ok, r.text()
                    ms, size, count = measure(ctx.new_page(), f"{stack.web_url}{view}")
                    rows.append((ms, size))
                    print(f"| {view} | {'first' if n == 0 else n} | {ms:.0f} | {size / 1024:.1f} | {count} |")
                    ctx.close()
                ms = [r[0] for r in rows]
                print(f"{view}: server ms median {statistics.median(ms):.0f}, max {max(ms):.0f}; "
                      f"KB max {max(r[1] for r in rows) / 1024:.1f}")
            browser.close()
    finally:
        stack.stop()
        print(f"load average after {os.getloadavg()}")


if __name__ == "__main__":
    main()
