"""Load benchmark (issue 19): many owners' runs at once through the whole stack on the Xiaohongshu replica.

    .venv/bin/python benchmarks/load_bench.py [--workspaces 20] [--accounts 10] [--runs 1000] [--backlog 500]
        [--workers 2] [--per-worker 4] [--window-min 20]

The load: the first workspace queues ``--backlog`` runs at once (an owner bulk-posting a month of notes); the
other runs are timed posts (``timing: at``) of the other workspaces at whole minutes over ``--window-min``
minutes (owners pick round times), spread over their accounts. Every run is an auto-mode note with two images,
published and read back on the replica by ``--workers`` worker processes of ``--per-worker`` runs each
(``OPC_RUNS_PER_WORKER``: one shared Chromium per process). Replica delays are off.

Measured, for the timed runs (the ones an owner waits for):
- scheduler lag: the run's time → the scheduler lets it into the queue (its status leaves ``scheduled``;
  read by polling the database every 0.2 s, so up to 0.2 s late); and the same from when it could go: one
  run per account is let in at a time, so a run whose account's previous run is still going waits for it by
  design, and its lag counts from that run's end (the scheduler's own delay);
- start delay: the run's time → a worker takes it (its ``run.running`` audit row);
- fairness: each workspace's mean start delay against the mean over all timed runs (1.0 is an equal share;
  the issue's bound is 2), and what the backlog's owner got meanwhile;
and for all runs: notes on the replica per run (1 expected: 0 duplicates), runs not published, throughput.
With ``--workers 1 --per-worker 8`` it is also the issue's soak (``--workspaces 1 --backlog`` equal to
``--runs``: one owner's runs on her ten accounts keep the eight slots busy, one run per account): the worker's PSS (its whole tree, Chromium and
Playwright's drivers included) every 15 s, its growth per hour after the first ``--warmup-min`` minutes
(least squares), and at the end the zombie processes under the stack and the renderers left in each worker's
Chromium (a leaked context keeps its renderer).

Faults at scale (``--fault``, once ``--fault-after`` runs are published): ``postgres-restart`` (with
``--database postgres``: the server restarted as an administrator would, every connection cut),
``worker-host-lost`` (the first worker's process group killed and not started again, as if its host went
away; needs ``--workers`` 2 or more), ``chromium-kill`` (the first worker's shared Chromium killed under its
runs). Reported: the runs workers held at the fault and how they ended, the first run published after it,
and when the last of the held runs ended; lost runs and duplicates are the load's own figures. The stack runs
under ``serve.Supervisor``, as the service does (a child that exits is started again).

Each account needs a session on the replica: one account per workspace logs in by QR scan (the worker's
login job), and its sealed session is copied to the workspace's other accounts (200 scans would take the
setup longer than the load); with ``--login-each`` every account scans its own (the soak: otherwise the ten
accounts are one replica user, whose 笔记管理, read back after every run, lists all 1,000 notes by the end).
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402

from benchmarks.publish_bench import add_workers, wait_workers  # noqa: E402
from core import fairshare  # noqa: E402
from core.content import Post, Timing  # noqa: E402
from core.db import transaction  # noqa: E402
from core.models import Account, AuditLog, Employee, Run, utcnow  # noqa: E402
from core.runs import HELD_BY_A_WORKER, TERMINAL, create_run  # noqa: E402
from rpa.vault import Vault  # noqa: E402
from serve import Stack, Supervisor, free_port  # noqa: E402
from tests.factories import make_image, seed_workspace  # noqa: E402
from benchmarks.shared_browser_bench import kind, pss_kb  # noqa: E402
from tests.pg_fixtures import Cluster, database_env  # noqa: E402
from tests.stack_fixtures import Env, chromium_of, descendants  # noqa: E402

FAULTS = ("postgres-restart", "worker-host-lost", "chromium-kill")


def start(tmp: Path, workers: int, per_worker: int, database_url: str | None = None) -> Env:
    stack = Stack(tmp, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(), workers=0,
                  replica_delays=False, extra_env={"OPC_RUNS_PER_WORKER": str(per_worker),
                                                   **database_env(database_url)})
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        stack.start_redis()
        stack.start_replica()
        env = Env(stack)
        add_workers(env, workers)
        wait_workers(env, workers * per_worker, timeout_s=120)  # each run thread is an RQ worker
        stack.start_scheduler()
    except BaseException:
        stack.stop()
        raise
    return env


def seed(env: Env, workspaces: int, accounts: int, login_each: bool = False) -> list[tuple[str, str, list[str]]]:
    """(workspace, employee, accounts) per workspace, every account with a session on the replica. ``login_each``:
    each account scans its own QR as a replica user of its own (as an owner's accounts are); else the first
    account's session is copied to the others, and they are one user whose 笔记管理 lists all their notes."""
    out = []
    for w in range(workspaces):
        ws, emp, first = seed_workspace(env.db, mode="auto", account_status="needs_login")
        env.qr_login(first, user=f"owner{w}")
        state = Vault(env.settings).load(first)
        ids = [first]
        with transaction(env.db) as s:
            s.get(Account, first).name = f"店铺{w}-0"
            for a in range(1, accounts):
                acc = Account(workspace_id=ws, site="xiaohongshu", name=f"店铺{w}-{a}",
                              status="needs_login" if login_each else "active")
                s.add(acc)
                s.flush()
                ids.append(acc.id)
        for a, acc in enumerate(ids[1:], 1):
            if login_each:
                env.qr_login(acc, user=f"owner{w}-{a}")
            else:
                Vault(env.settings).save(acc, state)
        out.append((ws, emp, ids))
    return out


def post(images: list[str], title: str, at=None) -> Post:
    return Post(title=title, body="桂花乌龙冷泡茶，清香回甘。", images=images, topics=["冷泡茶"],
                timing=Timing(mode="at", at=at) if at else Timing())


def make_runs(env: Env, owners, images, runs: int, backlog: int, window_min: int):
    """The backlog (queued now, as the API does) and the timed runs.
    Returns ({run: workspace}, {run: slot}, {run: account})."""
    workspace_of, slot_of, account_of = {}, {}, {}
    ws, emp, accs = owners[0]
    with env.db() as s, s.begin():
        employee = s.get(Employee, emp)
        made = [create_run(s, account=s.get(Account, accs[i % len(accs)]), employee=employee,
                           post=post(images, f"积压{i}")) for i in range(backlog)]
        s.flush()
        fairshare.enqueue_new(env.settings, s, ws, [r.id for r in made])
        workspace_of.update({r.id: ws for r in made})
        account_of.update({r.id: r.account_id for r in made})
    first = (utcnow() + timedelta(minutes=1)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    timed = runs - backlog
    with env.db() as s, s.begin():
        for i in range(timed):
            ws, emp, accs = owners[1 + i % (len(owners) - 1)]
            slot = first + timedelta(minutes=(i * window_min) // timed)
            run = create_run(s, account=s.get(Account, accs[(i // (len(owners) - 1)) % len(accs)]),
                             employee=s.get(Employee, emp), post=post(images, f"定时{i}", at=slot))
            s.flush()
            workspace_of[run.id], slot_of[run.id], account_of[run.id] = ws, slot, run.account_id
    return workspace_of, slot_of, account_of


class Watch(threading.Thread):
    """Polls the runs' statuses: when each was first seen out of ``scheduled`` and final, and when all are."""

    def __init__(self, env: Env, run_ids):
        super().__init__(daemon=True)
        self.env, self.ids = env, set(run_ids)
        self.left_scheduled: dict[str, datetime] = {}
        self.final: dict[str, datetime] = {}
        self.status: dict[str, str] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            now = utcnow()
            try:
                with self.env.db() as s:
                    rows = s.execute(select(Run.id, Run.status)).all()
            except DBAPIError:  # the database is restarting (--fault postgres-restart): look again
                time.sleep(0.2)
                continue
            for run_id, status in rows:
                if run_id in self.ids:
                    self.status[run_id] = status
                    if status != "scheduled":
                        self.left_scheduled.setdefault(run_id, now)
                    if status in TERMINAL:
                        self.final.setdefault(run_id, now)
            if len(self.status) == len(self.ids) and all(st in TERMINAL for st in self.status.values()):
                self.done.set()
            time.sleep(0.2)


class Memory(threading.Thread):
    """The workers' PSS every ``every`` seconds: [(seconds since start, MiB)] per worker."""

    def __init__(self, env: Env, every: float = 15):
        super().__init__(daemon=True)
        self.pids = {name: p.pid for name, p in env.stack.procs.items() if name.startswith("worker-")}
        self.every, self.t0 = every, time.monotonic()
        self.samples: dict[str, list[tuple[float, float]]] = {name: [] for name in self.pids}
        self.kinds: dict[str, list[tuple[float, dict[str, int]]]] = {name: [] for name in self.pids}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            for name, pid in self.pids.items():
                total, by = pss_kb([pid])
                self.samples[name].append((time.monotonic() - self.t0, total / 1024))
                self.kinds[name].append((time.monotonic() - self.t0, {k: v // 1024 for k, v in by.items()}))


class Fault(threading.Thread):
    """Once ``after`` runs are published, the fault, once: when it struck, and the runs workers held then."""

    def __init__(self, env: Env, watch: Watch, kind: str, after: int, cluster: Cluster | None):
        super().__init__(daemon=True)
        self.env, self.watch, self.kind, self.after, self.cluster = env, watch, kind, after, cluster
        self.at = None
        self.caught: list[str] = []
        self.took = 0.0

    def run(self) -> None:
        while sum(st == "published" for st in dict(self.watch.status).values()) < self.after:
            if self.watch.done.wait(0.2):
                return
        self.caught = [r for r, st in dict(self.watch.status).items() if st in HELD_BY_A_WORKER]
        self.at, t0 = utcnow(), time.monotonic()
        name, proc = next((n, p) for n, p in self.env.stack.procs.items() if n.startswith("worker-"))
        if self.kind == "postgres-restart":
            self.cluster.restart()
        elif self.kind == "worker-host-lost":
            self.env.stack.procs.pop(name)  # gone for good: the supervisor must not start it again
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        else:
            os.kill(browser_pid(proc.pid), signal.SIGKILL)
        self.took = time.monotonic() - t0
        print(f"fault {self.kind} at {self.at:%H:%M:%S} UTC ({self.took:.1f} s), {len(self.caught)} runs held by "
              f"workers", flush=True)

    def report(self) -> None:
        if self.at is None:
            print(f"fault {self.kind}: never struck (fewer than {self.after} runs published)")
            return
        final = dict(self.watch.final)
        published_after = sorted(t for r, t in final.items() if t > self.at and self.watch.status[r] == "published")
        caught_end = [final[r] for r in self.caught if r in final]
        first = f"{(published_after[0] - self.at).total_seconds():.1f} s" if published_after else "never"
        last = f"{(max(caught_end) - self.at).total_seconds():.1f} s" if caught_end else "-"
        print(f"fault {self.kind}: the {len(self.caught)} runs held at the fault ended "
              f"{dict(Counter(self.watch.status[r] for r in self.caught))}, the last {last} after it "
              f"({len(self.caught) - len(caught_end)} not final); first run published after it: {first}")


def browser_pid(worker_pid: int) -> int:
    """The worker's Chromium: its browser process (the first one without a ``--type``)."""
    browser = next((pid for pid in sorted(chromium_of(worker_pid)) if kind(pid) == "chromium browser"), None)
    if browser is None:
        raise RuntimeError(f"no Chromium under worker {worker_pid}")
    return browser


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares growth of MiB over seconds, per hour."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    return 3600 * sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)


def leftovers(env: Env) -> tuple[int, dict[str, int]]:
    """Zombie processes under the stack, and Chromium renderers under each worker (one per open page)."""
    zombies, renderers = 0, {}
    for name, proc in env.stack.procs.items():
        for pid in descendants(proc.pid):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            zombies += stat[0] == "Z"
            if name.startswith("worker-") and b"--type=renderer" in cmdline:
                renderers[name] = renderers.get(name, 0) + 1
    return zombies, renderers


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspaces", type=int, default=20)
    parser.add_argument("--accounts", type=int, default=10, help="per workspace")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--backlog", type=int, default=500, help="of --runs, queued at once by the first workspace")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--per-worker", type=int, default=4)
    parser.add_argument("--window-min", type=int, default=20)
    parser.add_argument("--timeout-min", type=float, default=90)
    parser.add_argument("--warmup-min", type=float, default=5, help="left out of the memory growth")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite",
                        help="postgres: a private cluster (Debian's postgresql) started for the run")
    parser.add_argument("--fault", choices=FAULTS)
    parser.add_argument("--fault-after", type=int, default=100, help="runs published before the fault")
    parser.add_argument("--login-each", action="store_true",
                        help="every account logs in as a replica user of its own (the soak: one owner's ten "
                             "accounts); by default one login per workspace is copied to its other accounts")
    parser.add_argument("--logs", type=Path, help="keep the stack's logs here (the stack's own dir is removed)")
    args = parser.parse_args()
    if args.fault == "postgres-restart" and args.database != "postgres":
        parser.error("--fault postgres-restart needs --database postgres")
    if args.fault == "worker-host-lost" and args.workers < 2:
        parser.error("--fault worker-host-lost needs --workers 2 or more")
    cluster = Cluster().start() if args.database == "postgres" else None
    try:
        load(args, cluster)
    finally:
        if cluster:
            cluster.stop()


def load(args, cluster: Cluster | None) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        try:
            env = start(tmp / "stack", args.workers, args.per_worker, cluster and cluster.new_database("load"))
        except Exception:
            keep_logs(tmp / "stack", args.logs)
            raise
        supervising, supervisor = threading.Event(), Supervisor(env.stack)
        threading.Thread(target=supervisor.run, args=(supervising,), daemon=True).start()
        try:
            t0 = time.monotonic()
            owners = seed(env, args.workspaces, args.accounts, args.login_each)
            images = [str(make_image(tmp / f"img{i}.jpg")) for i in range(2)]
            print(f"seeded {args.workspaces} workspaces × {args.accounts} accounts in {time.monotonic() - t0:.0f} s",
                  flush=True)
            workspace_of, slot_of, account_of = make_runs(env, owners, images, args.runs, args.backlog, args.window_min)
            began = utcnow()
            watch, memory = Watch(env, workspace_of), Memory(env)
            fault = args.fault and Fault(env, watch, args.fault, args.fault_after, cluster)
            watch.start()
            memory.start()
            if fault:
                fault.start()
            if not watch.done.wait(args.timeout_min * 60):
                print(f"not all final after {args.timeout_min} min", flush=True)
            watch.done.set()
            memory.done.set()
            ended = utcnow()
            notes = httpx.get(env.stack.xhs_url + "/__sandbox__/state", timeout=30).json()["notes"]
            report(env, args, workspace_of, slot_of, account_of, watch, notes, began, ended)
            if fault:
                fault.report()
            print(f"children the supervisor started again: {supervisor.restarts or 'none'}")
            time.sleep(5)  # the last runs' contexts close
            soak(env, args, memory)
        finally:
            supervising.set()
            env.stack.stop()
            keep_logs(tmp / "stack", args.logs)


def could_go(slot_of, account_of, watch) -> dict[str, datetime]:
    """When each timed run could be let in: its time, or the end of its account's run let in before it."""
    could, before = {}, defaultdict(list)
    for r, _ in sorted(watch.left_scheduled.items(), key=lambda kv: kv[1]):
        if r in slot_of:
            could[r] = max([slot_of[r], *(watch.final[p] for p in before[account_of[r]] if p in watch.final)])
        before[account_of[r]].append(r)
    return could


def keep_logs(stack_dir: Path, to: Path | None) -> None:
    if to is not None:
        to.mkdir(parents=True, exist_ok=True)
        for log in stack_dir.glob("*.log"):
            shutil.copy(log, to / log.name)


def report(env, args, workspace_of, slot_of, account_of, watch, notes, began, ended) -> None:
    with env.db() as s:
        rows = s.execute(select(AuditLog.target, AuditLog.at).where(AuditLog.action == "run.running")
                         .order_by(AuditLog.at)).all()
        reasons = Counter(r.reason or "" for r in s.scalars(select(Run).where(Run.status != "published")))
    started = {}
    for target, at in rows:
        started.setdefault(target, at)
    per_title = Counter(n["title"] for n in notes)
    dupes = sum(c > 1 for c in per_title.values())
    status = Counter(watch.status.values())
    lag = [(watch.left_scheduled[r] - slot).total_seconds() for r, slot in slot_of.items()
           if r in watch.left_scheduled]
    free = could_go(slot_of, account_of, watch)
    own = [(watch.left_scheduled[r] - at).total_seconds() for r, at in free.items()]
    waited = sum(at > slot_of[r] for r, at in free.items())
    delay = [(started[r] - slot).total_seconds() for r, slot in slot_of.items() if r in started]
    by_ws = defaultdict(list)
    for r, slot in slot_of.items():
        if r in started:
            by_ws[workspace_of[r]].append((started[r] - slot).total_seconds())
    mean_all = statistics.mean(delay) if delay else 0  # none with --backlog equal to --runs (the soak)
    ratios = sorted(statistics.mean(d) / mean_all for d in by_ws.values()) if mean_all > 0 else []
    backlog = [r for r in workspace_of if r not in slot_of]
    backlog_done = [started[r] for r in backlog if r in started]
    minutes = (ended - began).total_seconds() / 60
    print()
    print(f"machine: {platform.machine()}, {platform.python_version()}, load average "
          f"{open('/proc/loadavg').read().split()[0]}")
    print(f"load: {len(workspace_of)} runs ({len(backlog)} queued at once by one workspace, {len(slot_of)} timed "
          f"over {args.window_min} min in {args.workspaces - 1} workspaces), "
          f"{args.workspaces * args.accounts} accounts, {args.workers} workers × {args.per_worker} runs")
    print(f"statuses: {dict(status)}; not published, by reason: {dict(reasons)}")
    print(f"notes on the replica: {len(notes)} for {len(per_title)} titles; titles posted more than once: {dupes}")
    print(f"all final in {minutes:.1f} min: {status['published'] / minutes:.1f} runs a minute")
    if lag and delay:
        print(f"scheduler lag (time → queued), {len(lag)} timed runs: p50 {pct(lag, 50):.2f} s, "
              f"p95 {pct(lag, 95):.2f} s, max {max(lag):.2f} s")
        print(f"scheduler lag from when it could go (its time, or the end of its account's previous run: "
              f"{waited} runs waited for one): p50 {pct(own, 50):.2f} s, p95 {pct(own, 95):.2f} s, "
              f"max {max(own):.2f} s")
        print(f"start delay (time → a worker takes it): p50 {pct(delay, 50):.2f} s, p95 {pct(delay, 95):.2f} s, "
              f"max {max(delay):.2f} s")
    if ratios:
        print(f"fairness: each workspace's mean start delay / all timed runs' mean ({mean_all:.2f} s): "
              f"min {ratios[0]:.2f}, median {statistics.median(ratios):.2f}, max {ratios[-1]:.2f}")
    if backlog_done:
        last = (max(backlog_done) - began).total_seconds() / 60
        print(f"the backlog's owner: {len(backlog_done)} of {len(backlog)} started, the last after {last:.1f} min")



def soak(env: Env, args, memory: Memory) -> None:
    for name, points in memory.samples.items():
        after = [(x, y) for x, y in points if x >= args.warmup_min * 60]
        if len(after) >= 3:
            print(f"{name} PSS: {points[0][1]:.0f} MiB at {points[0][0]:.0f} s, max {max(y for _, y in points):.0f} "
                  f"MiB, last {points[-1][1]:.0f} MiB; growth after {args.warmup_min:g} min: "
                  f"{slope_per_hour(after):+.0f} MiB per hour ({len(after)} samples)")
            by_kind = [(x, by) for x, by in memory.kinds[name] if x >= args.warmup_min * 60]
            growth = {k: slope_per_hour([(x, by.get(k, 0)) for x, by in by_kind]) for k in by_kind[-1][1]}
            print(f"  by kind of process, MiB after warm-up → last (growth per hour): " + ", ".join(
                f"{k} {by_kind[0][1].get(k, 0)} → {by_kind[-1][1][k]} ({growth[k]:+.0f})" for k in sorted(growth)))
    zombies, renderers = leftovers(env)
    print(f"after the load: zombie processes under the stack: {zombies}; renderers left in each worker's "
          f"Chromium: {renderers or 0}")


if __name__ == "__main__":
    main()
