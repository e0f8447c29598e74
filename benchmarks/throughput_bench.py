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
``--cpu`` (root, cgroup v1): CPU seconds a run by kind of process, from the kernel's accounting (``CpuBook``).
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


CPUACCT = Path("/sys/fs/cgroup/cpuacct")
"""cgroup v1's CPU accounting (Debian 12 in this VM; root only). A group counts every CPU nanosecond of the tasks
that were ever in it, those that have ended too: a renderer of a closed context is counted whole, which sampling
each process's own time could not do (it lost a dead process's last sample and called a GPU process a renderer)."""
KINDS = ("python", "playwright driver (node)", "chromium browser", "chromium renderers", "chromium gpu",
         "chromium network", "chromium other")
MOVE_S = 0.02
"""How often new processes are put in their kind's group. A process is born in its parent's group and counts
there until then: a renderer is born in the zygote's, which is already in the renderers' group."""
BORN_IN = ("python", "playwright driver (node)", "chromium browser", "chromium renderers")
"""The groups new processes are born in (the zygote forks the GPU process too): the ones the mover looks through."""


CHROMIUM_KINDS = {"chromium browser": "chromium browser", "chromium renderer": "chromium renderers",
                  "chromium zygote": "chromium renderers", "chromium gpu-process": "chromium gpu"}
"""Chromium's process types (``kind``) by group; the zygotes go with the renderers they fork."""


def _kind(pid: int) -> str:
    k = kind(pid)
    if k.startswith("python"):
        return "python"
    if k.startswith("node"):
        return "playwright driver (node)"
    if k in CHROMIUM_KINDS:
        return CHROMIUM_KINDS[k]
    try:
        network = b"NetworkService" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "chromium other"
    return "chromium network" if network else "chromium other"


class CpuBook:
    """CPU seconds a run by kind of process (``--cpu``), from cgroup accounting: the stack's worker tree against
    the raw script's (this process's threads, its driver and its Chromium), each sorted by kind; and the machine's
    busy time. The scheduler, Redis, the replica and this process outside the raw half stay in the root group."""

    def __init__(self):
        if not os.access(CPUACCT, os.W_OK):
            sys.exit(f"--cpu needs cgroup v1's cpuacct, writable ({CPUACCT}): run as root on a cgroup v1 system")
        self.root = CPUACCT / f"opc-throughput-{os.getpid()}"
        self.groups = [self.root / side / k for side in ("stack", "raw") for k in KINDS]
        for g in self.groups:
            g.mkdir(parents=True, exist_ok=True)
        self.spent: dict[tuple[str, str], float] = {}
        self.runs: dict[str, int] = {}
        self._stop = threading.Event()
        self._mover = threading.Thread(target=self._sort_forever, daemon=True)
        self._mover_tid = 0
        self._sorting = threading.Event()
        self._mover.start()
        self._sorting.wait()

    @staticmethod
    def _put(group: Path, pid: int, what: str = "cgroup.procs") -> None:
        try:
            (group / what).write_text(str(pid))
        except OSError:
            pass  # it has ended

    def _sort_forever(self) -> None:
        self._mover_tid = threading.get_native_id()
        self._sorting.set()
        while not self._stop.wait(MOVE_S):
            for side in ("stack", "raw"):
                for born_in in BORN_IN:
                    for pid in (self.root / side / born_in / "cgroup.procs").read_text().split():
                        if (k := _kind(int(pid))) != born_in:
                            self._put(self.root / side / k, int(pid))

    def _this_process(self, group: Path) -> None:
        """Every thread of this process but the mover (a thread is put in a group on its own in cgroup v1)."""
        for tid in os.listdir(f"/proc/{os.getpid()}/task"):
            if int(tid) != self._mover_tid:
                self._put(group, int(tid), "tasks")

    def _usage(self, side: str) -> dict[str, float]:
        return {g.name: int((g / "cpuacct.usage").read_text()) / 1e9 for g in (self.root / side).iterdir()
                if g.is_dir()}

    def measure(self, env, side: str, runs: int, work):
        if side == "stack":  # the worker (started again for each N) and what it started, each in its kind's group
            for name, proc in env.stack.procs.items():
                if name.startswith("worker-"):
                    for pid in tree([proc.pid]):
                        self._put(self.root / "stack" / _kind(pid), pid)
        else:
            self._this_process(self.root / "raw" / "python")  # the raw script is this process, while it runs
        before, busy = self._usage(side), _busy_s()
        try:
            value = work()
        finally:
            self._this_process(CPUACCT)
        after = self._usage(side)
        for k in KINDS:
            self.spent[(side, k)] = self.spent.get((side, k), 0.0) + after[k] - before[k]
        self.spent[(side, "the machine, busy")] = self.spent.get((side, "the machine, busy"), 0.0) + _busy_s() - busy
        self.runs[side] = self.runs.get(side, 0) + runs
        return value

    def table(self) -> str:
        lines = ["| kind of process | raw script | stack |", "|---|---:|---:|"]
        per = {key: t / self.runs[key[0]] for key, t in self.spent.items()}
        for k in KINDS:
            lines.append(f"| {k} | {per[('raw', k)]:.3f} | {per[('stack', k)]:.3f} |")
        lines.append(f"| **the processes above** | **{sum(per[('raw', k)] for k in KINDS):.3f}** | "
                     f"**{sum(per[('stack', k)] for k in KINDS):.3f}** |")
        lines.append(f"| the machine, busy (services and this benchmark's poll included) | "
                     f"{per[('raw', 'the machine, busy')]:.3f} | {per[('stack', 'the machine, busy')]:.3f} |")
        return "\n".join(lines)

    def close(self) -> None:
        """Every process and thread back in the root group, and the groups removed."""
        self._stop.set()
        self._mover.join()
        for group in self.groups:
            for what in ("cgroup.procs", "tasks"):
                for pid in (group / what).read_text().split():
                    self._put(CPUACCT, int(pid), what)
        for group in sorted({*self.groups, *(g.parent for g in self.groups), self.root}, key=lambda g: -len(g.parts)):
            try:
                group.rmdir()
            except OSError:
                pass


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
    book = CpuBook() if args.cpu else None
    timed = book.measure if book else (lambda _env, _side, _runs, work: work())
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
                    raw.append(timed(env, "raw", runs, lambda: raw_minute(
                        env, accounts, images, n, args.runs_per_slot, f"{n}-{r}")))
                    stack.append(timed(env, "stack", runs, lambda: stack_minute(
                        env, accounts, images, n, args.runs_per_slot, f"{n}-{r}")))
                rows.append((n, statistics.mean(stack), statistics.mean(raw), os.getloadavg()[0]))
                print(f"N={n}: stack {stack} runs/min, raw {raw} runs/min", flush=True)
        finally:
            env.stack.stop()
            if book:
                book.close()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print("| N at once | stack, runs a minute | raw script, runs a minute | stack ÷ raw | load average after |")
    print("|---:|---:|---:|---:|---:|")
    for n, s, r, load in rows:
        print(f"| {n} | {s:.1f} | {r:.1f} | {s / r:.0%} | {load:.1f} |")
    if args.cpu:
        print(book.table())


if __name__ == "__main__":
    main()
