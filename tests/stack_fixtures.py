"""The whole service as real processes (Redis, replica, web, workers, scheduler) for end-to-end tests."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from api.auth import hash_password
from core.db import session_factory, transaction
from core.approvals import decide
from core.models import Account, Approval, Employee, Run, User, Workspace
from core.queue import enqueue_login, enqueue_resume, enqueue_run
from core.runs import create_run
from core.settings import Settings
from sandbox.scan import simulate_scan
from serve import Stack, free_port
from tests.core_fixtures import wait_until
from tests.factories import make_image, seed_workspace
from tests.pg_fixtures import database_env, stack_database_url


class Replica:
    """The test's hands on the replica's control API."""

    def __init__(self, base_url: str):
        self.url = base_url

    def reset(self) -> None:
        httpx.post(f"{self.url}/__sandbox__/reset", timeout=10).raise_for_status()

    def faults(self, **switches) -> None:
        httpx.post(f"{self.url}/__sandbox__/faults", json=switches, timeout=10).raise_for_status()

    def state(self) -> dict:
        return httpx.get(f"{self.url}/__sandbox__/state", timeout=10).json()

    def expire_sessions(self) -> None:
        httpx.post(f"{self.url}/__sandbox__/expire-sessions", timeout=10).raise_for_status()


class Env:
    """A running stack plus the settings its processes use."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.settings = Settings(**{"data_dir": stack.data_dir, "redis_url": f"redis://127.0.0.1:{stack.redis_port}/0",
                                    "sandbox": True, "sandbox_ports": stack.replica_ports,
                                    "database_url": stack.extra_env.get("OPC_DATABASE_URL")})
        self.db = session_factory(self.settings.db_url)
        self.replica = Replica(stack.xhs_url)
        self.replicas = {site: Replica(stack.replica_url(site)) for site in stack.replica_ports
                         if site in stack.procs}  # the replicas this stack started

    def run(self, run_id: str) -> Run:
        with self.db() as s:
            return s.get(Run, run_id)

    def wait_status(self, run_id: str, *statuses: str, timeout: float = 60) -> Run:
        wait_until(lambda: self.run(run_id).status in statuses, timeout=timeout,
                   what=f"run {run_id} to reach {statuses} (now {self.run(run_id).status}: {self.run(run_id).reason})")
        return self.run(run_id)

    def start_run(self, account_id: str, employee_id: str, post, mode: str | None = None) -> str:
        with transaction(self.db) as s:
            run = create_run(s, account=s.get(Account, account_id), employee=s.get(Employee, employee_id), post=post,
                             mode=mode)
        enqueue_run(self.settings, run.id)
        return run.id

    def decide(self, run_id: str, approve: bool = True, edits=None, reason=None) -> None:
        """The owner's decision on the run's pending card, as the approvals API records it, and the resume job."""
        with transaction(self.db) as s:
            approval = s.query(Approval).filter_by(run_id=run_id, status="pending").one()
            payload = decide(s, approval, approve=approve, edits=edits, reason=reason)
        enqueue_resume(self.settings, run_id, payload)

    def qr_login(self, account_id: str, user: str = "demo") -> None:
        """What the owner does on the phone: open the QR, scan it with the app."""
        enqueue_login(self.settings, account_id)
        qr = wait_until(lambda: self._account(account_id).login_qr, timeout=60, what="the login QR")
        simulate_scan(self.stack.replica_url(self._account(account_id).site), qr, user)
        wait_until(lambda: self._account(account_id).status == "active", timeout=60, what="account active")

    def phone(self, username: str, password: str, timeout: float = 30) -> httpx.Client:
        """The owner's phone, signed in to the stack's web server (CSRF token set); the caller closes it."""
        c = httpx.Client(base_url=self.stack.web_url, timeout=timeout)
        r = c.post("/api/session", json={"username": username, "password": password})
        r.raise_for_status()
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return c

    def _account(self, account_id: str) -> Account:
        with self.db() as s:
            return s.get(Account, account_id)


def make_stack(tmp_path_factory, workers: int = 1, web: bool = False, sites=("xiaohongshu",),
               hosts: bool = False, **extra_env) -> Stack:
    """``hosts``: web, each worker and the scheduler each get a data dir of their own (``Stack.homes``), as
    if on separate machines; they then share only what ``extra_env`` points them at (database, store)."""
    data = tmp_path_factory.mktemp("stack")
    home = (lambda name: tmp_path_factory.mktemp(f"host-{name}")) if hosts else (lambda name: None)
    stack = Stack(data, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(),
                  douyin_port=free_port(), taobao_port=free_port(), etax_port=free_port(), workers=workers,
                  replica_delays=False, repick_ports=True,
                  stop_grace_s=3,  # a test's teardown need not wait for a run in hand
                  extra_env={"OPC_LEASE_S": "4", "OPC_SCHEDULER_TICK_S": "1", "OPC_RETRY_BACKOFF_S": "[1, 1, 1]",
                             **database_env(stack_database_url()), **extra_env})
    stack.data_dir.mkdir(parents=True, exist_ok=True)
    stack.start_redis()
    for site in sites:
        stack.start_replica(site)
    if web:
        stack.start_web(home("web"))
    for i in range(workers):
        stack.start_worker(home=home(f"worker{i + 1}"))
    stack.start_scheduler(home=home("scheduler"))
    return stack


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    stack = make_stack(tmp_path_factory, workers=2)
    yield Env(stack)
    stack.stop()


def descendants(pid: int) -> set[int]:
    """Every process under ``pid``, children of children included (read from /proc)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    out, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


def tree_cpu() -> float:
    """CPU seconds of this process, of the children it has reaped and of every live descendant (Chromium
    included): read at two moments, the difference is what happened in between."""
    import os
    import resource
    own = sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for field in ("ru_utime", "ru_stime"))
    return own + processes_cpu(descendants(os.getpid()))


def processes_cpu(pids) -> float:
    """CPU seconds of the live processes ``pids`` and of the children each has reaped (from /proc)."""
    import os
    ticks = 0
    for pid in pids:
        try:
            ticks += sum(int(f) for f in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:15])
        except (OSError, IndexError):
            continue  # gone meanwhile: its time went to its parent
    return ticks / os.sysconf("SC_CLK_TCK")


def chromium_of(pid: int) -> set[int]:
    """The Chromium processes under ``pid`` (a worker): after a SIGKILL of the worker, none may live on."""
    out = set()
    for c in descendants(pid):
        try:
            if b"chrom" in Path(f"/proc/{c}/cmdline").read_bytes():
                out.add(c)
        except OSError:
            pass
    return out


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to read its exit is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def xhs_shop(env: "Env", tmp_path: Path, account_name: str) -> dict:
    """A fresh replica, a workspace whose Xiaohongshu account is logged in by QR scan (a replica user of its
    own), and two real images to post."""
    env.replica.reset()
    ws, emp, acc = seed_workspace(env.db, account_status="needs_login")
    with transaction(env.db) as s:
        s.get(Account, acc).name = account_name
    env.qr_login(acc, user=f"{account_name}-{acc}")
    images = [str(make_image(tmp_path / f"p{i}.jpg", text=str(i))) for i in range(2)]
    return {"employee": emp, "account": acc, "images": images}


def phone_shop(env: "Env", tmp_path: Path, account_name: str, username: str, password: str) -> dict:
    """A workspace with a Xiaohongshu account logged in by QR scan, its owner logged in on a phone client
    (``phone``: close it after), and two images to post."""
    ws, emp, acc = seed_workspace(env.db, account_status="needs_login")
    with transaction(env.db) as s:
        s.get(Account, acc).name = account_name
        s.add(User(workspace_id=ws, username=username, password_hash=hash_password(password)))
    env.qr_login(acc, user=f"shop-{acc}")
    phone = httpx.Client(base_url=env.stack.web_url, timeout=30)
    r = phone.post("/api/session", json={"username": username, "password": password})
    r.raise_for_status()
    phone.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    images = [str(make_image(tmp_path / f"p{i}.jpg", text=str(i))) for i in range(2)]
    return {"employee": emp, "account": acc, "images": images, "phone": phone}


def taobao_shop(env: "Env", tmp_path: Path, n: int, password: str) -> dict:
    """A workspace with a Taobao shop logged in by QR scan, the sales assistant, its owner (``owner<workspace>``)
    and two main pictures. The owner allowed the 描述中未添加图片 warning (most listings have no description images)."""
    with transaction(env.db) as s:
        ws = Workspace(name=f"店{n}")
        s.add(ws)
        s.flush()
        emp = Employee(workspace_id=ws.id, role="sales", name="销售助理", mode="semi_auto",
                       settings={"allowed_warnings": ["no_desc_images"]})
        acc = Account(workspace_id=ws.id, site="taobao", name=f"tb{n}", status="needs_login")
        s.add_all([emp, acc, User(workspace_id=ws.id, username=f"owner{ws.id}", password_hash=hash_password(password))])
        s.flush()
        ids = {"workspace": ws.id, "employee": emp.id, "account": acc.id}
    env.qr_login(ids["account"], user=f"tb-{ids['account']}")
    images = [make_image(tmp_path / f"main{i}.jpg", size=(800, 800), text=str(i)) for i in range(2)]
    return {**ids, "images": images}
