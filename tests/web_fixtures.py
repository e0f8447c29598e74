"""A real web server process (uvicorn) on a seeded data dir, and a logged-in HTTP client for it."""
from __future__ import annotations

from contextlib import closing, contextmanager

import httpx
import pytest

from core.db import session_factory, transaction
from core.models import Account, Approval, Employee, Run
from core.seed import seed_demo
from core.settings import Settings
from serve import Stack, free_port
from tests.pg_fixtures import database_env, stack_database_url


class Web:
    def __init__(self, stack: Stack, password: str):
        self.stack, self.url, self.password = stack, stack.web_url, password
        self.settings = Settings(data_dir=stack.data_dir, redis_url=f"redis://127.0.0.1:{stack.redis_port}/0",
                                 sandbox=True, database_url=stack.extra_env.get("OPC_DATABASE_URL"))
        self.db = session_factory(self.settings.db_url)

    def client(self, login: bool = True) -> httpx.Client:
        c = httpx.Client(base_url=self.url, timeout=30)
        if login:
            r = c.post("/api/session", json={"username": "owner", "password": self.password})
            r.raise_for_status()
            c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return c


def start_web_stack(tmp_path_factory, *, replica: bool = False, workers: int = 0,
                    env: dict | None = None) -> tuple[Stack, str]:
    data = tmp_path_factory.mktemp("web")
    database_url = stack_database_url()
    stack = Stack(data, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(),
                  douyin_port=free_port(), taobao_port=free_port(), etax_port=free_port(), workers=workers,
                  replica_delays=False, repick_ports=True,
                  stop_grace_s=3,  # a test's teardown need not wait for a run in hand
                  extra_env={"OPC_LEASE_S": "4", "OPC_SCHEDULER_TICK_S": "1", "OPC_RETRY_BACKOFF_S": "[1, 1, 1]",
                             **database_env(database_url), **(env or {})})
    data.mkdir(parents=True, exist_ok=True)
    env_settings = Settings(data_dir=data, sandbox=True, database_url=database_url)
    _user, password = seed_demo(env_settings)
    try:
        stack.start_redis()
        if replica:
            for site in stack.replica_ports:
                stack.start_replica(site)
        stack.start_web()
        for _ in range(workers):
            stack.start_worker()
        if workers:
            stack.start_scheduler()
    except BaseException:
        stack.stop()  # a server slow to come up is not left running after the fixture failed
        raise
    return stack, password


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    stack, password = start_web_stack(tmp_path_factory)
    yield Web(stack, password)
    stack.stop()


@pytest.fixture
def client(web):
    """The owner's logged-in client (session and CSRF token), closed after the test."""
    with closing(web.client()) as c:
        yield c


@pytest.fixture
def ids(web):
    """The demo workspace's 小红书 account, 营销专员 and workspace ids."""
    with web.db() as s:
        acc = s.query(Account).filter_by(site="xiaohongshu").first()
        emp = s.query(Employee).filter_by(role="marketing").first()
        return {"account": acc.id, "employee": emp.id, "workspace": acc.workspace_id}


def pending_approval(web: Web, ids: dict) -> str:
    """A semi-auto Xiaohongshu run of the demo's account waiting at its approval card: the card's id."""
    with transaction(web.db) as s:
        run = Run(workspace_id=ids["workspace"], account_id=ids["account"], employee_id=ids["employee"],
                  site="xiaohongshu", mode="semi_auto", status="awaiting_approval",
                  content={"title": "原标题", "body": "正文", "topics": [], "images": []})
        s.add(run)
        s.flush()
        approval = Approval(run_id=run.id, fields={"title": "原标题"})
        s.add(approval)
        s.flush()
        return approval.id


@contextmanager
def invited_owner(web: Web, shop: str, username: str, password: str):
    """Another workspace's owner on the same server (made as the operator's command makes her), her password
    set from her invite link: her logged-in client with its CSRF token."""
    from core import invites
    from core.admin import create_workspace

    with transaction(web.db) as s:
        token = invites.make(s, create_workspace(s, shop, username))
    with closing(web.client(login=False)) as c:
        r = c.post(f"/api/invites/{token}", json={"password": password})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        yield c
