"""Throughput at the same concurrency (issue 19): one worker process with N run threads against a raw script
doing N publishes at once, on the Xiaohongshu replica.

    .venv/bin/python benchmarks/throughput_bench.py [--sizes 1 2 4 8] [--runs-per-slot 4] [--rounds 2] [--cpu]
                                                    [--tick-s 2]

Stack: one worker with ``OPC_RUNS_PER_WORKER`` = N (one Playwright driver and one Chromium, ``rpa.shared``),
N accounts, ``--runs-per-slot`` auto-mode notes with two images for each queued at once, as the API queues
them (fair share lets one run per account in; the scheduler lets in the next as the account frees); from the
first enqueue to the last run's last write (published, read back, its lease given up).
Raw: the strictest baseline, one async Playwright and one Chromium, N tasks on the same N accounts each
publishing ``--runs-per-slot`` notes one after another (a fresh context with the session each, the same clicks
and read-back as ``publish_bench.RawScript``, none of the stack's checks, fence, screenshots or records).
Both take turns ``--rounds`` times per N, so they see the same machine. Replica delays are off.
The issue's goal: the stack's throughput ≥ 90 % of the raw script's at the same concurrency.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.publish_bench import add_workers, login_accounts, start, wait_workers  # noqa: E402
from benchmarks.shared_browser_bench import kind, tree  # noqa: E402
from core import fairshare  # noqa: E402
from core.content import Post  # noqa: E402
from core.db import transaction  # noqa: E402
from core.models import Account, Employee, Run, utcnow  # noqa: E402
from core.runs import create_run  # noqa: E402
from rpa.runtime import VIEWPORT  # noqa: E402
from rpa.vault import Vault  # noqa: E402
from tests.factories import make_image  # noqa: E402

PUBLISH = "/publish/publish?from=homepage&target=image"


def stack_minute(env, accounts, images, n: int, per_slot: int, tag: str) -> float:
    """Runs a minute: ``n * per_slot`` runs over the first ``n`` accounts, all queued at once."""
    ids = []
    t0 = utcnow()
    for emp, acc in accounts[:n]:  # as the API makes them: committed, then let in under fair share
        with transaction(env.db) as s:
            made = [create_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp), mode="auto",
                               post=Post(title=f"吞吐{tag}-{acc[-4:]}-{j}", body="桂花乌龙冷泡茶，清香回甘。",
                                         images=images, topics=["冷泡茶"])) for j in range(per_slot)]
            s.flush()
            workspace_id, run_ids = made[0].workspace_id, [r.id for r in made]
        with env.db() as s:
            fairshare.enqueue_new(env.settings, s, workspace_id, run_ids)
        ids += run_ids
    pending, ended_at = set(ids), t0
    while pending:
        # The end is read from the runs' own last write, so the poll can be slow: every 50 ms it cost this
        # process CPU on the cores the stack runs on, and its period was added to the last run (the raw script
        # has neither).
        time.sleep(0.25)
        with env.db() as s:
            ended = s.execute(select(Run.id, Run.status, Run.reason, Run.updated_at)
                              .where(Run.id.in_(pending), Run.status.in_(("published", "failed")))).all()
        for run_id, status, reason, updated_at in ended:
            assert status == "published", reason
            pending.discard(run_id)
            ended_at = max(ended_at, updated_at)
    return len(ids) / (ended_at - t0).total_seconds() * 60


async def _raw_slot(browser, base: str, state: dict, timezone: str, images: list[str], titles: list[str]) -> None:
    from playwright.async_api import expect

    for title in titles:
        ctx = await browser.new_context(storage_state=state, viewport=VIEWPORT, locale="zh-CN", timezone_id=timezone)
        page = await ctx.new_page()
        await page.goto(base + PUBLISH)
        for k, path in enumerate(images, 1):
            await page.locator("input[type=file][accept*='.jpg']").first.set_input_files(path)
            await expect(page.locator(".img-preview-area .pr")).to_have_count(k)
        await page.get_by_placeholder("填写标题").fill(title)
        await page.locator("div.tiptap[contenteditable='true']").click()
        await page.keyboard.insert_text("桂花乌龙冷泡茶，清香回甘。 ")
        await page.keyboard.type("#冷泡茶")
        await page.locator("#creator-editor-topic-container .item").first.click()
        await page.get_by_role("button", name=re.compile(r"^\s*发布\s*$")).click()
        await page.wait_for_url(re.compile("/publish/success"))
        await page.goto(base + "/new/note-manager")
        await expect(page.get_by_text(title).first).to_be_visible()
        await ctx.close()


def raw_minute(env, accounts, images, n: int, per_slot: int, tag: str) -> float:
    from playwright.async_api import async_playwright

    states = [Vault(env.settings).load(acc) for _, acc in accounts[:n]]

    async def main() -> float:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=env.settings.chromium_path,
                                              args=env.settings.chromium_args())
            t0 = time.monotonic()
            await asyncio.gather(*(_raw_slot(browser, env.stack.xhs_url, states[k], env.settings.timezone, images,
                                             [f"原生{tag}-{k}-{j}" for j in range(per_slot)]) for k in range(n)))
            minute = n * per_slot / (time.monotonic() - t0) * 60
            await browser.close()
            return minute

    return asyncio.run(main())


def _busy_s() -> float:
    """The machine's CPU seconds not idle (all cores): what a side cost in all."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime: its own only


SAMPLE_S = 0.2
"""How often ``--cpu`` reads every process's time. The reading costs this process CPU (~0.08 CPU-s a run at 50 ms,
on the same two cores, and in the raw half beside the raw script's own event loop): throughput is to be taken from
a run without ``--cpu``."""


class CpuBook:
    """CPU seconds a run by kind of process (``--cpu``): the stack's worker tree against the raw script's (this
    process, its driver and its Chromium); the scheduler, Redis, the replica and this process's poll apart; and the
    machine's busy time. Each process's own time, sampled every ``SAMPLE_S`` while a side runs: a renderer of a closed
    context loses at most its last ``SAMPLE_S`` (a reaped child's time is not taken from its parent, which would count it twice)."""

    def __init__(self):
        self.spent: dict[tuple[str, str], float] = {}
        self.runs: dict[str, int] = {}

    def measure(self, env, side: str, runs: int, work):
        procs = env.stack.procs
        theirs = tree([p.pid for p in procs.values()])
        stack = [p.pid for n, p in procs.items() if n.startswith("worker-")]
        replica = [p.pid for n, p in procs.items() if n in env.stack.replica_ports]
        groups = {side: (lambda: tree(stack)) if side == "stack" else (lambda: tree([os.getpid()]) - theirs),
                  f"replica ({side})": lambda: tree(replica),
                  f"redis ({side})": lambda: {procs["redis"].pid}}
        if side == "stack":  # this process only polls then; in the raw half it is the raw script
            groups["benchmark (stack)"] = lambda: {os.getpid()}
            groups["scheduler (stack)"] = lambda: {procs["scheduler"].pid}
        last: dict[int, tuple[str, str, float]] = {}
        stop = threading.Event()

        def sample() -> None:
            for group, pids_of in groups.items():
                for pid in pids_of():
                    t = _own_cpu(pid)
                    if t is not None:
                        last[pid] = (group, "redis-server" if group.startswith("redis") else kind(pid), t)

        def sampler() -> None:
            while not stop.wait(SAMPLE_S):
                sample()

        sample()
        # Processes there before the side began count from here; one born during it, from its start (a baseline
        # at its first sample would drop its first SAMPLE_S: a renderer's or the raw script's Chromium's start-up).
        first = {pid: t for pid, (_g, _k, t) in last.items()}
        busy = _busy_s()
        thread = threading.Thread(target=sampler, daemon=True)
        thread.start()
        value = work()
        stop.set()
        thread.join()
        sample()
        for pid, (group, k, t) in last.items():
            key = (group, k)
            self.spent[key] = self.spent.get(key, 0.0) + t - first.get(pid, 0.0)
        self.spent[(f"machine ({side})", "all busy")] = (self.spent.get((f"machine ({side})", "all busy"), 0.0)
                                                       + _busy_s() - busy)
        for group in (*groups, f"machine ({side})"):
            self.runs[group] = self.runs.get(group, 0) + runs
        return value

    def table(self) -> str:
        lines = ["| side | kind of process | CPU-s a run |", "|---|---|---:|"]
        for (side, k), t in sorted(self.spent.items()):
            lines.append(f"| {side} | {k} | {t / self.runs[side]:.3f} |")
        for side in sorted(self.runs):
            total = sum(t for (g, _), t in self.spent.items() if g == side)
            lines.append(f"| {side} | all | {total / self.runs[side]:.3f} |")
        return "\n".join(lines)


def use_worker(env, n: int) -> None:
    """The stack's one worker, now with ``n`` run threads."""
    for name in [k for k in env.stack.procs if k.startswith("worker-")]:
        proc = env.stack.procs.pop(name)
        proc.terminate()
        proc.wait(timeout=60)
    env.stack.extra_env["OPC_RUNS_PER_WORKER"] = str(n)
    add_workers(env, 1)
    wait_workers(env, n, timeout_s=120)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 4, 8])
    ap.add_argument("--runs-per-slot", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--cpu", action="store_true", help="also CPU seconds a run by kind of process")
    ap.add_argument("--tick-s", type=float, default=2.0,
                    help="the scheduler's tick (the product's default: an account's next run is let in on its "
                         "lock's release, not at a tick)")
    args = ap.parse_args()
    book = CpuBook()
    os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp(prefix="xdg-"))
    with tempfile.TemporaryDirectory() as tmp:
        env = start(Path(tmp) / "stack", workers=0, extra_env={"OPC_SCHEDULER_TICK_S": str(args.tick_s)})
        try:
            use_worker(env, max(args.sizes))
            accounts = login_accounts(env, max(args.sizes))
            images = [str(make_image(Path(tmp) / f"p{i}.jpg", text=str(i))) for i in range(2)]
            rows = []
            for n in args.sizes:
                use_worker(env, n)
                stack_minute(env, accounts, images, n, 1, f"warm{n}")  # the worker's first contexts and imports
                stack, raw = [], []
                for r in range(args.rounds):
                    runs = n * args.runs_per_slot
                    raw.append(book.measure(env, "raw", runs, lambda: raw_minute(
                        env, accounts, images, n, args.runs_per_slot, f"{n}-{r}")))
                    stack.append(book.measure(env, "stack", runs, lambda: stack_minute(
                        env, accounts, images, n, args.runs_per_slot, f"{n}-{r}")))
                rows.append((n, statistics.mean(stack), statistics.mean(raw), os.getloadavg()[0]))
                print(f"N={n}: stack {stack} runs/min, raw {raw} runs/min", flush=True)
        finally:
            env.stack.stop()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print("| N at once | stack, runs a minute | raw script, runs a minute | stack ÷ raw | load average after |")
    print("|---:|---:|---:|---:|---:|")
    for n, s, r, load in rows:
        print(f"| {n} | {s:.1f} | {r:.1f} | {s / r:.0%} | {load:.1f} |")
    if args.cpu:
        print(book.table())


if __name__ == "__main__":
    main()
