"""A saved 技能 runs again from the API and from a schedule: at a time the owner gives (in the workspace's zone)
or at every slot of a repeating time, started by the stack's own scheduler, each slot once, replayed without
the model and still waiting for the owner's approval before 保存. Bad values are refused in Chinese naming
the parameter, before anything is saved or any browser work."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from core.db import transaction
from core.models import Run, Schedule, utcnow
from scheduler import fire_recurring, next_slot
from tests.agent_fixtures import (agent_env, approve_card, failing_model, item_now, phone, price_edits,  # noqa: F401
                                  saved_price_skill, shop)
from tests.core_fixtures import wait_until
from tests.fake_llm import fake_llm, fake_llm_server  # noqa: F401

ZONE = ZoneInfo("Asia/Shanghai")


def _counts(env, shop) -> tuple[int, int]:
    with env.db() as s:
        return (s.query(Run).filter_by(workspace_id=shop["workspace"]).count(),
                s.query(Schedule).filter_by(workspace_id=shop["workspace"]).count())


def _next_at(env, schedule_id: str) -> datetime:
    with env.db() as s:
        return s.get(Schedule, schedule_id).next_at


def test_a_saved_skill_runs_at_a_time_and_on_a_repeating_time_each_slot_once_with_approval(agent_env, shop):
    env = agent_env
    skill_id = saved_price_skill(env, shop)
    shop["llm"].reset()
    shop["llm"].responder = failing_model  # a replay needs no model
    c = phone(env, shop)
    before = _counts(env, shop)

    # Bad values and times: refused, in Chinese, naming the parameter; nothing saved, nothing queued.
    empty = c.post(f"/api/errands/skills/{skill_id}/runs", json={"values": {"价格": " "}})
    assert empty.status_code == 422
    assert empty.json()["detail"] == [{"field": "values.价格", "limit": "1–100字", "message": "请填写参数「价格」（1到100个字）"}]
    other = c.post(f"/api/errands/skills/{skill_id}/runs", json={"values": {"价格": "21", "颜色": "红"}})
    assert other.json()["detail"][0]["message"] == "技能「改价」没有参数「颜色」，它的参数是：价格"
    words = c.post(f"/api/errands/skills/{skill_id}/runs", json={"values": {"价格": "十九块"}})
    assert words.json()["detail"] == [{"field": "values.价格", "limit": "数字",
                                       "message": "参数「价格」要填数字（例如19.9），这个技能在网站上填的是数字"}]
    past = (datetime.now(ZONE) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    late = c.post(f"/api/errands/skills/{skill_id}/runs", json={"values": {"价格": "21"}, "at": past})
    assert late.status_code == 422 and late.json()["detail"][0]["field"] == "at"
    never = c.post(f"/api/errands/skills/{skill_id}/schedules", json={"values": {"价格": "21"}, "cron": "有空的时候"})
    assert never.status_code == 422 and never.json()["detail"][0]["field"] == "cron"
    assert "看不懂" in never.json()["detail"][0]["message"]
    unfilled = c.post(f"/api/errands/skills/{skill_id}/schedules", json={"values": {}, "cron": "每天上午10点"})
    assert unfilled.json()["detail"][0]["field"] == "values.价格"
    assert _counts(env, shop) == before

    # Once, at a time in the workspace's zone: scheduled until then, started by the scheduler.
    local = datetime.now(ZONE).replace(microsecond=0) + timedelta(seconds=3)
    r = c.post(f"/api/errands/skills/{skill_id}/runs", json={"values": {"价格": "21.5"}, "at": local.isoformat()[:19]})
    assert r.status_code == 201, r.text
    once = r.json()["run"]["id"]
    with env.db() as s:
        created = s.get(Run, once)
        assert created.status in ("scheduled", "queued", "running", "awaiting_approval")
        assert created.not_before == local.astimezone(ZoneInfo("UTC"))
    assert approve_card(env, shop, once)["agent_action"] == "保存新价格21.5元"
    run = env.wait_status(once, "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    assert item_now(shop)["price"] == "21.50"

    # On a repeating time: stored as cron read in the workspace's zone, its first slot the next 10:00 there.
    r = c.post(f"/api/errands/skills/{skill_id}/schedules", json={"values": {"价格": "25.5"}, "cron": "每天上午10点"})
    assert r.status_code == 201, r.text
    shown = r.json()["schedule"]
    assert (shown["title"], shown["rule_label"]) == ("技能「改价」（价格=25.5）", "每天 10:00")
    with env.db() as s:
        sc = s.get(Schedule, shown["id"])
        first = sc.next_at
    assert first.astimezone(ZONE).strftime("%H:%M") == "10:00" and first > utcnow() >= first - timedelta(days=1)
    assert "技能「改价」（价格=25.5）" in c.get("/schedules").text

    # The slot comes round: the stack's scheduler and a second one racing it make one run.
    due = utcnow().replace(microsecond=0) - timedelta(seconds=1)
    with transaction(env.db) as s:
        s.execute(update(Schedule).where(Schedule.id == sc.id).values(next_at=due))
    fire_recurring(env.db, utcnow())
    wait_until(lambda: _next_at(env, sc.id) != due, timeout=30, what="the slot to be fired")
    with env.db() as s:
        slot_runs = s.query(Run).filter_by(schedule_id=sc.id).all()
        assert s.get(Schedule, sc.id).next_at == next_slot("0 10 * * *", "Asia/Shanghai", utcnow())
    assert len(slot_runs) == 1 and slot_runs[0].slot_at == due
    slot = slot_runs[0].id
    assert approve_card(env, shop, slot)["agent_action"] == "保存新价格25.5元"
    run = env.wait_status(slot, "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    assert item_now(shop)["price"] == "25.50"
    assert [e["new"] for e in price_edits(shop)] == ["19.90", "21.50", "25.50"]  # each change once
    assert shop["llm"].requests == []  # the replays never asked the model
    with env.db() as s:
        assert s.query(Run).filter_by(schedule_id=sc.id).count() == 1
