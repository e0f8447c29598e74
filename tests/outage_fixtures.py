"""A whole stack (Redis, replica, web, workers, scheduler) whose Redis the test kills, and one outage trial.

Shared by tests/test_redis_outage.py (a few trials) and benchmarks/redis_outage_bench.py (20 trials)."""
from __future__ import annotations

import signal
import time
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from core.models import Account, Employee, Run
from core.runs import TERMINAL
from core.seed import seed_demo
from core.settings import Settings
from serve import Stack, free_port
from tests.core_fixtures import wait_until
from tests.factories import make_image
from tests.stack_fixtures import Env
from tests.web_fixtures import Web


class OutageEnv(Env):
    """The stack, the owner's phone (``web.client()``) and the demo Xiaohongshu account, logged in."""

    def __init__(self, stack: Stack, password: str, image: Path):
        super().__init__(stack)
        self.web = Web(stack, password)
        self.image = image
        with self.db() as s:
            self.account_id = s.query(Account).filter_by(site="xiaohongshu").one().id
            self.employee_id = s.query(Employee).filter_by(role="marketing").one().id

    def post_run(self, phone, title: str, key: str | None = None):
        """What the phone sends for 写笔记 → 发布 (auto mode: published without an approval card)."""
        return phone.post("/api/runs", headers={"Idempotency-Key": key} if key else {},
                          data={"account_id": self.account_id, "employee_id": self.employee_id, "title": title,
                                "body": "清香回甘，冷泡八小时。", "topics": "冷泡茶", "timing": "now", "mode": "auto"},
                          files=[("images", ("a.jpg", self.image.read_bytes(), "image/jpeg"))])

    def kill_redis(self) -> None:
        self.stack.stop_proc("redis", signal.SIGKILL)

    def start_redis_again(self) -> None:
        self.stack.restart("redis")

    def published_titles(self) -> list[str]:
        return [n["title"] for n in self.replica.state()["notes"]]


def start_outage_env(data: Path, *, persist: bool = True, workers: int = 2) -> OutageEnv:
    stack = Stack(data, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(),
                  douyin_port=free_port(), taobao_port=free_port(), etax_port=free_port(), workers=workers,
                  replica_delays=False, redis_persist=persist, repick_ports=True,
                  extra_env={"OPC_LEASE_S": "6", "OPC_SCHEDULER_TICK_S": "0.5", "OPC_RETRY_BACKOFF_S": "[1, 1, 1]"})
    data.mkdir(parents=True, exist_ok=True)
    _user, password = seed_demo(Settings(data_dir=data, sandbox=True))
    stack.start_redis()
    stack.start_replica("xiaohongshu")
    stack.start_web()
    for _ in range(workers):
        stack.start_worker()
    stack.start_scheduler()
    env = OutageEnv(stack, password, make_image(data / "photo.jpg", size=(600, 800)))
    env.qr_login(env.account_id)
    return env


@dataclass
class Trial:
    titles: list[str] = field(default_factory=list)
    run_ids: list[str] = field(default_factory=list)
    posted_while_down: int = 0
    """Status code of the POST /api/runs sent while Redis was down."""
    recovery_s: float = 0.0
    """From Redis answering again to a worker taking up the run posted while it was down."""


def kill_redis_mid_run(env: OutageEnv, runs: int = 3, down_s: float = 1.0) -> Trial:
    """Post ``runs`` runs, kill -9 Redis while the first one is in the browser, post one more while it is
    down, start Redis again and wait until every run is final."""
    trial, tag = Trial(), uuid.uuid4().hex[:6]
    with closing(env.web.client()) as phone:
        for i in range(runs):
            trial.titles.append(f"断电测试{tag}{i}")
            r = env.post_run(phone, trial.titles[-1])
            assert r.status_code == 201, r.text
            trial.run_ids.append(r.json()["runs"][0]["id"])
        env.wait_status(trial.run_ids[0], "running", *TERMINAL, timeout=60)
        env.kill_redis()
        trial.titles.append(f"断电测试{tag}停")
        r = env.post_run(phone, trial.titles[-1])
        trial.posted_while_down = r.status_code
        assert r.status_code == 201, r.text
        trial.run_ids.append(late := r.json()["runs"][0]["id"])
        time.sleep(down_s)
        env.start_redis_again()
        back = time.monotonic()
        wait_until(lambda: env.run(late).status != "queued", timeout=90, every=0.1,
                   what="the run posted while Redis was down to be taken up")
        trial.recovery_s = time.monotonic() - back
        for run_id in trial.run_ids:
            env.wait_status(run_id, *TERMINAL, timeout=180)
    return trial


def final_statuses(env: OutageEnv, run_ids: list[str]) -> dict[str, str]:
    with env.db() as s:
        return {r.id: f"{r.status} {r.reason or ''}" for r in s.query(Run).filter(Run.id.in_(run_ids))}
