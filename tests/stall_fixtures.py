"""A worker stopped (SIGSTOP, with its browser) at a chosen point of an irreversible step, past its lease,
for tests/test_fencing.py and benchmarks/stall_bench.py.

Each workflow brings a run to the approval its irreversible step waits for (``prepare``), then ``stall``
arms the worker's stop point (``rpa.stall``: the worker stops itself there, so the point is hit for sure),
approves, waits for the stop, starts a second worker (the scheduler hands it the run once the lease runs
out), waits for the run to end, continues the first worker and waits until it gave the run up. Counted by
the caller: the workflow's effects on the replica (notes, works, items, filings, payments).
"""
from __future__ import annotations

import itertools
import os
import re
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from api.auth import hash_password
from core.approvals import decide
from core.content import Post
from core.db import transaction
from core.models import Account, Approval, Employee, User
from core.queue import enqueue_resume, enqueue_run
from core.runs import TERMINAL, create_listing_run
from sites.taobao.product import Product
from tests.core_fixtures import wait_until
from tests.factories import make_image, seed_workspace
from tests.filing_fixtures import decide as phone_decide, finance_owner, import_income, pending_card, start_filing
from tests.stack_fixtures import Env, make_stack, taobao_shop

WORKFLOWS = ("publish", "douyin", "listing", "filing", "paying")
SITE_OF = {"publish": "xiaohongshu", "douyin": "douyin", "listing": "taobao", "filing": "etax", "paying": "etax"}
STALL_FILE = "stall-at"
GAVE_UP = re.compile(r"run (\w+): taken by another worker")
ETAX_LOGIN = {"credit_code": "91310115MA1K4QXR7D", "user": "13800138000", "password": "Etax@2026"}
PERIOD = "2026Q3"
TAX_DUE = """日期,金额,发票类型,类别,税率
2026-07-10,202000,普票,货物,1%
2026-08-20,101000,专票,服务,1%
"""
NOTHING_DUE = """日期,金额,发票类型,类别,税率
2026-07-10,101000,普票,货物,1%
2026-08-20,50500,未开票,服务,1%
"""
"""Filing alone: under the threshold, so the run ends once the return is filed (no payment card)."""
_n = itertools.count()


def stall_stack(tmp_path_factory, sites=tuple(SITE_OF.values())):
    """One worker, the scheduler, the web (the filing's phone API) and the replicas; a 4 s lease."""
    folder = tmp_path_factory.mktemp("stall")
    stack = make_stack(tmp_path_factory, workers=1, web="etax" in sites, sites=tuple(dict.fromkeys(sites)),
                       OPC_STALL_FILE=str(folder / STALL_FILE), OPC_CODE_TIMEOUT_S="60")
    return Env(stack), folder / STALL_FILE


@dataclass
class Prepared:
    run_id: str
    approve: Callable[[], None]
    count: Callable[[], int]
    """The run's effects on the replica: 1 expected."""
    slow: Callable[[bool], None]
    """Slows the site's uploads / calls (so a fill is long enough to be stopped inside)."""
    owner: object = None
    """What must stay alive while the trial runs (the owner's logged-in phone)."""


def _approve_in_core(env: Env, run_id: str) -> Callable[[], None]:
    def approve() -> None:
        with transaction(env.db) as s:
            payload = decide(s, s.query(Approval).filter_by(run_id=run_id, status="pending").one(), approve=True)
        enqueue_resume(env.settings, run_id, payload)
    return approve


def _post(env: Env, site: str, tmp: Path) -> Prepared:
    n = next(_n)
    _ws, emp, acc = seed_workspace(env.db, site=site, account_status="needs_login")
    env.qr_login(acc, user=f"stall-{site}-{n}")
    images = [str(make_image(tmp / f"p{n}-{i}.jpg", text=str(i))) for i in range(2)]
    title = f"桂花乌龙冷泡茶第{n}批"
    post = Post(title=title, body="清香回甘。", images=images, topics=["冷泡茶"]) if site == "xiaohongshu" else \
        Post(kind="image", title=title, body="清香回甘。", images=images, topics=["冷泡茶"])
    run_id = env.start_run(acc, emp, post, mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval", timeout=120)
    replica = env.replicas[site]
    key = "notes" if site == "xiaohongshu" else "works"
    return Prepared(run_id, _approve_in_core(env, run_id),
                    lambda: sum(x["title"] == title for x in replica.state()[key]),
                    lambda on: replica.faults(slow_upload=3000 if on else 0))


def _listing(env: Env, tmp: Path) -> Prepared:
    n = next(_n)
    taobao = env.replicas["taobao"]
    shop = taobao_shop(env, tmp, n, f"stall-pass-{n}")
    emp_id, acc_id = shop["employee"], shop["account"]
    title = f"倍思手机壳 防摔 透明 第{n}批"
    images = [str(p) for p in shop["images"]]
    product = Product(category_keyword="手机壳", properties={"品牌": "倍思/Baseus", "型号": "iPhone 15"},
                      title=title, main_images=images, price="19.90", stock=50)
    with transaction(env.db) as s:
        run = create_listing_run(s, account=s.get(Account, acc_id), employee=s.get(Employee, emp_id), product=product)
        run_id = run.id
    enqueue_run(env.settings, run_id)
    env.wait_status(run_id, "awaiting_approval", timeout=120)
    return Prepared(run_id, _approve_in_core(env, run_id),
                    lambda: sum(i["title"] == title for i in taobao.state()["items"]),
                    lambda on: taobao.faults(slow_upload=3000 if on else 0))


def _etax(env: Env, paying: bool) -> Prepared:
    owners = finance_owner(env, ETAX_LOGIN, "公司", PERIOD)
    owner = next(owners)
    import_income(owner, TAX_DUE if paying else NOTHING_DUE)
    run_id = start_filing(owner, PERIOD)
    card = pending_card(env, owner, run_id, "vat_return")
    bureau = owner["bureau"]
    if paying:
        phone_decide(owner, card)
        card = pending_card(env, owner, run_id, "payment")
    key = "payments" if paying else "filings"
    return Prepared(run_id, lambda: phone_decide(owner, card), lambda: len(bureau.state()[key]),
                    lambda on: bureau.faults(slow=1500 if on else 0), owners)


def prepare(env: Env, workflow: str, tmp: Path) -> Prepared:
    if workflow in ("publish", "douyin"):
        return _post(env, SITE_OF[workflow], tmp)
    if workflow == "listing":
        return _listing(env, tmp)
    return _etax(env, paying=workflow == "paying")


def _stopped(pid: int) -> bool:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] == "T"


def _live_worker(env: Env):
    return next(p for name, p in reversed(list(env.stack.procs.items()))
                if name.startswith("worker") and p.poll() is None)


@dataclass
class Stalled:
    hit: bool
    """The worker stopped at the point (False: the run never got there, or the fill ended first)."""
    handover_s: float
    status: str
    gave_up: bool
    """The woken worker logged that it left the run alone."""
    log_tail: str = ""
    """The woken worker's last log lines when it did not (what it was doing instead)."""


def _scheduler_up(env: Env) -> None:
    """The scheduler hands the run over; started beside a worker on a new database it can lose the race to
    create the tables and exit (serve.Supervisor restarts it in the service; here, this)."""
    if env.stack.procs["scheduler"].poll() is not None:
        env.stack.start_scheduler()


def stall(env: Env, stall_file: Path, prep: Prepared, step: str, timeout: float = 150, give_up_s: float = 150) -> Stalled:
    for leftover in (stall_file, Path(f"{stall_file}.hit"), Path(f"{stall_file}.missed")):
        leftover.unlink(missing_ok=True)
    _scheduler_up(env)
    worker = _live_worker(env)
    log = env.stack.data_dir / f"{next(n for n, p in env.stack.procs.items() if p is worker)}.log"
    stall_file.write_text(step, encoding="utf-8")
    try:
        return _stall(env, stall_file, prep, step, worker, log, timeout, give_up_s)
    finally:
        stall_file.unlink(missing_ok=True)  # never left armed for the next run, whatever happened


def _stall(env: Env, stall_file: Path, prep: Prepared, step: str, worker, log: Path, timeout: float,
           give_up_s: float) -> Stalled:
    prep.slow(step == "filling")
    prep.approve()
    hit = Path(f"{stall_file}.hit")
    wait_until(lambda: hit.exists() or Path(f"{stall_file}.missed").exists() or env.run(prep.run_id).status in TERMINAL,
               timeout=timeout, every=0.05, what=f"the worker to reach {step}")
    if hit.exists():
        wait_until(lambda: _stopped(worker.pid) or Path(f"{stall_file}.missed").exists(), timeout=10, every=0.02,
                   what="the worker to stop")
    stopped = hit.exists() and _stopped(worker.pid)
    if not stopped:  # missed: nothing to hand over
        prep.slow(False)
        stall_file.unlink(missing_ok=True)
        run = env.wait_status(prep.run_id, *TERMINAL, timeout=timeout)
        return Stalled(False, 0.0, run.status, True)
    since = time.monotonic()
    prep.slow(False)
    env.stack.start_worker()
    try:
        run = env.wait_status(prep.run_id, *TERMINAL, timeout=timeout)
    except BaseException:
        # Never left to wake into the next trial, where it could reach that trial's point unwatched.
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        raise
    handover = time.monotonic() - since
    os.killpg(worker.pid, signal.SIGCONT)
    # The woken worker carries on from its point until the fence stops it (it then logs so): at its next
    # step, or, when its press was refused by the page, once the adapter's wait for the site's answer
    # times out (Douyin waits up to a minute and a half).
    gave_up = True
    try:
        wait_until(lambda: any(m.group(1) == prep.run_id for m in GAVE_UP.finditer(log.read_text(errors="replace"))),
                   timeout=give_up_s, every=0.2, what="the woken worker to leave the run alone")
    except AssertionError:
        gave_up = False
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    tail = "" if gave_up else "\n".join(log.read_text(errors="replace").splitlines()[-30:])
    return Stalled(True, handover, env.run(prep.run_id).status, gave_up, tail)
