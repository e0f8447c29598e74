"""Publish benchmark: the whole stack against a minimal raw Playwright script on the same replica.

    .venv/bin/python benchmarks/publish_bench.py [--runs 10] [--concurrency 2]

Prints (and appends to docs/benchmarks.md with --write):
- seconds per auto-mode run through the stack (enqueue → published, read-back included) vs. the raw
  script doing the same clicks and read-back on a warm browser: the ratio is the headline figure;
- runs per minute with K workers and K accounts running at once;
- memory (RSS of worker + its Chromium) per concurrent run;
- approve-to-submit latency (owner's decision → the publish click recorded in the ledger);
- the worker models: SimpleWorker with a warm browser vs. RQ's forking worker (browser per job).
Replica delays are off; the machine is described in the output.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from rq import Worker as RQWorker  # noqa: E402

from core.approvals import decide  # noqa: E402
from core.content import Post  # noqa: E402
from core.db import transaction  # noqa: E402
from core.models import Account, Approval, LedgerEntry  # noqa: E402
from core.queue import enqueue_resume, redis_for  # noqa: E402
from rpa.runtime import VIEWPORT  # noqa: E402
from rpa.vault import Vault  # noqa: E402
from serve import Stack, free_port  # noqa: E402
from tests.factories import make_image, seed_workspace  # noqa: E402
from tests.stack_fixtures import Env  # noqa: E402


def rss_kb(pid: int) -> int:
    total = 0
    pids = {pid}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            if ppid in pids or _is_descendant(int(d.name), pid):
                pids.add(int(d.name))
    for p in pids:
        try:
            m = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{p}/status").read_text())
            total += int(m.group(1)) if m else 0
        except OSError:
            pass
    return total


def _is_descendant(pid: int, root: int) -> bool:
    while pid > 1:
        if pid == root:
            return True
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError):
            return False
    return False


def start(tmp: Path, workers: int, worker_args: list[str] | None = None, extra_env: dict | None = None) -> Env:
    stack = Stack(tmp, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(), workers=0,
                  replica_delays=False, extra_env={"OPC_SCHEDULER_TICK_S": "0.5", **(extra_env or {})})
    tmp.mkdir(parents=True, exist_ok=True)
    stack.start_redis()
    stack.start_replica()
    env = Env(stack)
    add_workers(env, workers, worker_args)
    stack.start_scheduler()
    return env


def add_workers(env: Env, n: int, worker_args: list[str] | None = None) -> None:
    first = sum(1 for name in env.stack.procs if name.startswith("worker-"))
    for i in range(first, first + n):
        env.stack._spawn(f"worker-{i}", [sys.executable, str(ROOT / "worker.py"), "--name",
                                         f"bench-{i}-{time.time_ns()}", *(worker_args or [])])


def wait_workers(env: Env, n: int, timeout_s: float = 60) -> None:
    """Until ``n`` workers listen: a worker registers once its browser is warm."""
    conn = redis_for(env.settings)
    deadline = time.monotonic() + timeout_s
    while RQWorker.count(connection=conn) < n:
        if time.monotonic() > deadline:
            raise RuntimeError(f"fewer than {n} workers after {timeout_s}s")
        time.sleep(0.1)


def login_accounts(env: Env, n: int) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        _, emp, acc = seed_workspace(env.db, account_status="needs_login")
        with transaction(env.db) as s:
            s.get(Account, acc).name = f"bench{i}"
        env.qr_login(acc, user=f"bench-{acc}")
        out.append((emp, acc))
    return out


def post(images: list[str], i: int) -> Post:
    return Post(title=f"基准笔记{i}", body="桂花乌龙冷泡茶，清香回甘。", images=images, topics=["冷泡茶"])


def serial_run(env: Env, account, images, i: int) -> float:
    """Seconds for one run, enqueue → published, with nothing queued behind it."""
    emp, acc = account
    t0 = time.monotonic()
    run_id = env.start_run(acc, emp, post(images, 500 + i), mode="auto")
    while (run := env.run(run_id)).status not in ("published", "failed"):
        time.sleep(0.02)  # the same fine polling as stack_runs: the poll must not dominate the figure
    assert run.status == "published", run.reason
    return time.monotonic() - t0


def serial_runs(env: Env, account, images, n: int) -> list[float]:
    return [serial_run(env, account, images, i) for i in range(n)]


def stack_runs(env: Env, accounts, images, n: int, mode: str = "auto") -> list[float]:
    """Per-run seconds, enqueue → published, runs spread over the accounts, all started at once."""
    started = {}
    for i in range(n):
        emp, acc = accounts[i % len(accounts)]
        started[env.start_run(acc, emp, post(images, i), mode=mode)] = time.monotonic()
    done = {}
    while len(done) < n:
        for run_id, t0 in started.items():
            if run_id not in done:
                run = env.run(run_id)
                if run.status in ("published", "failed"):
                    assert run.status == "published", run.reason
                    done[run_id] = time.monotonic() - t0
        time.sleep(0.02)
    return list(done.values())


class RawScript:
    """The same clicks with plain Playwright: warm browser, fresh context with the session per run, the
    same page size, language and time zone as the stack's contexts (the pages render the same), and
    none of the stack's checks, fence, screenshot or records."""

    def __init__(self, env: Env, account_id: str, images: list[str]):
        self.state = Vault(env.settings).load(account_id)
        self.timezone = env.settings.timezone
        self.base, self.images = env.stack.xhs_url, images
        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=env.settings.chromium_path,
                                                args=env.settings.chromium_args())

    def run(self, i: int) -> float:
        t0 = time.monotonic()
        ctx = self.browser.new_context(storage_state=self.state, viewport=VIEWPORT, locale="zh-CN",
                                       timezone_id=self.timezone)
        page = ctx.new_page()
        page.goto(self.base + "/publish/publish?from=homepage&target=image")
        for k, path in enumerate(self.images, 1):
            page.locator("input[type=file][accept*='.jpg']").first.set_input_files(path)
            expect(page.locator(".img-preview-area .pr")).to_have_count(k)
        page.get_by_placeholder("填写标题").fill(f"原生脚本{i}")
        page.locator("div.tiptap[contenteditable='true']").click()
        page.keyboard.insert_text("桂花乌龙冷泡茶，清香回甘。 ")
        page.keyboard.type("#冷泡茶")
        page.locator("#creator-editor-topic-container .item").first.click()
        page.get_by_role("button", name=re.compile(r"^\s*发布\s*$")).click()
        page.wait_for_url(re.compile("/publish/success"))
        page.goto(self.base + "/new/note-manager")
        expect(page.get_by_text(f"原生脚本{i}").first).to_be_visible()
        ctx.close()
        return time.monotonic() - t0

    def close(self) -> None:
        self.browser.close()
        self._pw.stop()


def interleaved(env: Env, account, images, n: int) -> tuple[list[float], list[float]]:
    """Stack and raw runs taken in turns, so both see the same machine load over time."""
    raw = RawScript(env, account[1], images)
    try:
        serial_run(env, account, images, -1), raw.run(-1)  # warm-up: imports, first context
        pairs = [(serial_run(env, account, images, i), raw.run(i)) for i in range(n)]
    finally:
        raw.close()
    return [s for s, _ in pairs], [r for _, r in pairs]


def approve_latency(env: Env, accounts, images, n: int) -> list[float]:
    out = []
    emp, acc = accounts[0]
    for i in range(n):
        run_id = env.start_run(acc, emp, post(images, 1000 + i), mode="semi_auto")
        env.wait_status(run_id, "awaiting_approval")
        with transaction(env.db) as s:
            payload = decide(s, s.query(Approval).filter_by(run_id=run_id).one(), approve=True)
        t0 = time.time()
        enqueue_resume(env.settings, run_id, payload)
        env.wait_status(run_id, "published")
        with env.db() as s:
            intent = s.get(LedgerEntry, f"{run_id}:submit").intent_at.timestamp()
        out.append(intent - t0)
    return out


def fmt(xs: list[float]) -> str:
    return (f"mean {statistics.mean(xs):.2f}s, median {statistics.median(xs):.2f}s, max {max(xs):.2f}s, "
            f"n={len(xs)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--write", action="store_true", help="append the results to docs/benchmarks.md")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="opc-bench-"))
    images = [str(make_image(tmp / f"img{i}.jpg")) for i in range(2)]
    lines = [f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}"]

    # One worker while runs go one at a time (as the raw script does); the others join for throughput.
    env = start(tmp / "simple", workers=1)
    try:
        accounts = login_accounts(env, args.concurrency)
        serial, raw = interleaved(env, accounts[0], images, args.runs)
        lines.append(f"stack, 1 run at a time: {fmt(serial)}")
        lines.append(f"raw Playwright script:  {fmt(raw)}")
        lines.append(f"ratio stack/raw (mean): {statistics.mean(serial) / statistics.mean(raw):.2f}")
        add_workers(env, args.concurrency - 1)
        wait_workers(env, args.concurrency)
        t0 = time.monotonic()
        stack_runs(env, accounts, images, args.runs * args.concurrency)
        elapsed = time.monotonic() - t0
        lines.append(f"throughput with {args.concurrency} workers: "
                     f"{args.runs * args.concurrency / elapsed * 60:.1f} runs/min")
        workers = [p for n, p in env.stack.procs.items() if n.startswith("worker")]
        lines.append(f"memory per concurrent run (worker + its Chromium RSS): "
                     f"{statistics.mean(rss_kb(p.pid) for p in workers) / 1024:.0f} MiB")
        lines.append(f"approve-to-submit latency: {fmt(approve_latency(env, accounts, images, 5))}")
    finally:
        env.stack.stop()

    env = start(tmp / "fork", workers=1, worker_args=["--fork"])
    try:
        accounts = login_accounts(env, 1)
        fork = serial_runs(env, accounts[0], images, max(3, args.runs // 2))
        lines.append(f"forking RQ worker (Chromium per job), 1 run at a time: {fmt(fork)}")
    finally:
        env.stack.stop()

    report = "\n".join(lines)
    print(report)
    if args.write:
        with open(ROOT / "docs" / "benchmarks.md", "a") as f:
            f.write(f"\n## {time.strftime('%Y-%m-%d')} publish_bench --runs {args.runs} "
                    f"--concurrency {args.concurrency}\n\n```\n{report}\n```\n")


if __name__ == "__main__":
    main()
