"""Douyin video benchmark: a video publish through the whole stack against a raw Playwright script on
the same replica (delays off).

    .venv/bin/python benchmarks/douyin_bench.py [--runs 6] [--write]

Both sides start from a warm browser and a fresh context with the account's session, upload the same
small MP4, wait for the page's own "upload done" signal, type title and description, publish, and find
the work in 作品管理. The stack side adds everything the product does around those clicks (queue,
workflow, ledger, host fence, screenshots, read-back).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from core.content import Post  # noqa: E402
from core.db import transaction  # noqa: E402
from core.models import Account  # noqa: E402
from publish_bench import fmt  # noqa: E402
from rpa.vault import Vault  # noqa: E402
from serve import Stack, free_port  # noqa: E402
from tests.factories import seed_workspace  # noqa: E402
from tests.stack_fixtures import Env  # noqa: E402


def make_mp4(path: Path) -> Path:
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=red:s=320x240:d=1", "-pix_fmt", "yuv420p",
                    str(path)], check=True, timeout=60)
    return path


def start(tmp: Path) -> Env:
    stack = Stack(tmp, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(), douyin_port=free_port(),
                  workers=1, replica_delays=False, extra_env={"OPC_SCHEDULER_TICK_S": "0.5"})
    tmp.mkdir(parents=True, exist_ok=True)
    stack.start_redis()
    stack.start_replica("douyin")
    stack.start_worker()
    stack.start_scheduler()
    return Env(stack)


def stack_runs(env: Env, emp: str, acc: str, video: Path, n: int) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.monotonic()
        run_id = env.start_run(acc, emp, Post(kind="video", video=str(video), title=f"基准视频{i}",
                                              body="冷泡茶一分钟"), mode="auto")
        while (run := env.run(run_id)).status not in ("published", "failed"):
            time.sleep(0.02)
        assert run.status == "published", run.reason
        out.append(time.monotonic() - t0)
    return out


def raw_runs(env: Env, acc: str, video: Path, n: int) -> list[float]:
    state = Vault(env.settings).load(acc)
    base = env.stack.replica_url("douyin")
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=env.settings.chromium_path, args=env.settings.chromium_args())
        for i in range(n):
            t0 = time.monotonic()
            ctx = browser.new_context(storage_state=state)
            page = ctx.new_page()
            page.goto(base + "/creator-micro/content/upload")
            page.locator("div.container-drag-AOMYqU input[type=file]").set_input_files(str(video))
            expect(page.locator("div[class*=long-card]").get_by_text("重新上传")).to_be_visible()
            page.locator('input[placeholder*="填写作品标题"]').fill(f"原生视频{i}")
            page.locator("div.zone-container[contenteditable=true]").click()
            page.keyboard.type("冷泡茶一分钟")
            page.get_by_role("button", name="发布", exact=True).click()
            page.wait_for_url("**/content/manage**")
            expect(page.get_by_text(f"原生视频{i}").first).to_be_visible()
            ctx.close()
            out.append(time.monotonic() - t0)
        browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=6)
    ap.add_argument("--write", action="store_true", help="append the results to docs/benchmarks.md")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="opc-dy-bench-"))
    video = make_mp4(tmp / "red.mp4")
    env = start(tmp / "stack")
    try:
        _, emp, acc = seed_workspace(env.db, site="douyin", account_status="needs_login")
        with transaction(env.db) as s:
            s.get(Account, acc).name = "bench"
        env.qr_login(acc, user="bench")
        stack_runs(env, emp, acc, video, 1)  # warm-up
        raw_runs(env, acc, video, 1)
        stack = stack_runs(env, emp, acc, video, args.runs)
        raw = raw_runs(env, acc, video, args.runs)
    finally:
        env.stack.stop()
    report = "\n".join([f"douyin video, stack, 1 run at a time: {fmt(stack)}", f"douyin video, raw script: {fmt(raw)}",
                        f"ratio stack/raw (mean): {statistics.mean(stack) / statistics.mean(raw):.2f}"])
    print(report)
    if args.write:
        with open(ROOT / "docs" / "benchmarks.md", "a") as f:
            f.write(f"\n## {time.strftime('%Y-%m-%d')} douyin_bench --runs {args.runs}\n\n```\n{report}\n```\n")


if __name__ == "__main__":
    main()
