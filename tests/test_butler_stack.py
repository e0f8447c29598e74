"""运营管家 on the real stack (web, scheduler, Redis as processes): the owner adds her three group bots on the
phone's API and each gets a test message; a reminder given on the 派活 page in plain Chinese is confirmed,
every process is stopped and started again, and it fires once; a reminder that fell due while everything was
down fires once after the restart, late, saying so. Addresses and secrets never come back or reach a log."""
from __future__ import annotations

import time
from contextlib import closing
from datetime import timedelta

import httpx
import pytest

from butler.models import Reminder
from core.db import session_factory, transaction
from core.models import Employee, utcnow
from core.seed import seed_demo
from core.settings import Settings
from serve import Stack, free_port
from tests.butler_fixtures import KEYS, SIGNING, bots  # noqa: F401
from tests.core_fixtures import wait_until


@pytest.fixture
def stack(tmp_path):
    data = tmp_path / "stack"
    data.mkdir()
    st = Stack(data, web_port=free_port(), redis_port=free_port(), workers=0, replica_delays=False,
               repick_ports=True, extra_env={"OPC_SCHEDULER_TICK_S": "0.5"})
    _user, password = seed_demo(Settings(data_dir=data, sandbox=True))
    st.password = password
    st.start_redis()
    st.start_web()
    st.start_scheduler("scheduler-1")
    st.start_scheduler("scheduler-2")  # two side by side: each reminder still fires once
    yield st
    st.stop()


def _client(st) -> httpx.Client:
    c = httpx.Client(base_url=st.web_url, timeout=30)
    r = c.post("/api/session", json={"username": "owner", "password": st.password})
    r.raise_for_status()
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def _restart_everything(st) -> None:
    st.stop()
    st.start_redis()
    st.start_web()
    st.start_scheduler("scheduler-1")
    st.start_scheduler("scheduler-2")


def test_three_bots_get_a_test_message_and_a_reminder_fires_once_across_a_restart(stack, bots):  # noqa: F811
    with closing(_client(stack)) as c:
        for kind in ("wecom", "dingtalk", "feishu"):
            r = c.post("/api/butler/channels", json={"kind": kind, "url": bots.url(kind),
                                                     "secret": SIGNING.get(kind, "")})
            assert r.status_code == 201, r.text
            assert c.post(f"/api/butler/channels/{r.json()['id']}/test").json()["message"].startswith("已发送到")
        shown = c.get("/api/butler").text + c.get("/butler").text
        for kind, path in KEYS.items():
            assert path.split("/")[-1][-12:] not in shown and bots.texts(kind) == [
                "这是运营管家的测试消息：以后的提醒和每日日报会发到这个群。"]
        assert all(secret not in shown for secret in SIGNING.values())
        ops = next(e for e in c.get("/api/employees").json()["employees"] if e["name"] == "运营管家")
        plan = c.post("/api/tasks", json={"employee_id": ops["id"], "text": "1分钟后提醒我给李姐回电话"})
        assert plan.status_code == 201, plan.text
        assert plan.json()["butler"]["confirm_text"].endswith("提醒：给李姐回电话")
        done = c.post(f"/api/tasks/{plan.json()['id']}/confirm")
        assert done.status_code == 201 and done.json()["done"].startswith("已设好提醒：将在"), done.text
    _restart_everything(stack)  # before its time: it must come after the restart, once
    wait_until(lambda: bots.texts("wecom")[1:], timeout=120, what="the reminder")
    time.sleep(3)  # both schedulers tick several more times: nothing more may arrive
    for kind in ("wecom", "dingtalk", "feishu"):
        assert bots.texts(kind)[1:] == ["提醒：给李姐回电话"], kind

    db = session_factory(Settings(data_dir=stack.data_dir).db_url)
    stack.stop()  # everything down; a reminder falls due meanwhile (its time 10 minutes before the restart)
    with transaction(db) as s:
        ws_id = s.query(Employee).filter_by(role="operations").one().workspace_id
        due = (utcnow() - timedelta(minutes=10)).replace(second=0, microsecond=0)
        s.add(Reminder(workspace_id=ws_id, text="提醒我盘点库存", what="盘点库存", kind="once", times=[due.isoformat()],
                       next_at=due, timezone="Asia/Shanghai"))
    _restart_everything(stack)
    wait_until(lambda: bots.texts("feishu")[2:], timeout=60, what="the late reminder")
    time.sleep(3)
    (late,) = bots.texts("feishu")[2:]
    assert late.startswith("提醒：盘点库存（本应在") and "晚了10分钟：当时服务没有运行）" in late
    logs = "".join(p.read_text(errors="replace") for p in stack.data_dir.glob("*.log"))
    assert all(path.split("?")[-1].split("/")[-1] not in logs for path in KEYS.values())
    sqlite = b"".join(p.read_bytes() for p in stack.data_dir.glob("*.db*"))
    assert all(path.split("/")[-1].encode() not in sqlite for path in KEYS.values())
