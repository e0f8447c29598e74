"""A done errand saved as a 技能 with a parameter: it replays without the model (a model that fails every call
is never called), still stops for the owner before 保存, and when the shop has moved the price field the
replay hands that step to the model, which finishes it."""
from __future__ import annotations

from errands.models import AgentStep
from tests.agent_fixtures import (PriceChange, agent_env, failing_model, item_now, pending_card, phone,  # noqa: F401
                                  price_edits, shop, start_errand)
from tests.fake_llm import fake_llm, fake_llm_server  # noqa: F401


def _approve(env, shop, run_id) -> dict:
    env.wait_status(run_id, "awaiting_approval", timeout=240)
    card = pending_card(env, run_id)
    phone(env, shop).post(f"/api/approvals/{card.id}/decision", json={"approve": True}).raise_for_status()
    return card.fields


def _skill(env, shop) -> tuple[str, object]:
    """The price change done once by the agent, saved as 「改价」 with its price as 价格."""
    shop["llm"].responder = PriceChange(announce=True)
    first = start_errand(env, shop)
    _approve(env, shop, first)
    assert env.wait_status(first, "published", "failed", timeout=240).status == "published"
    c = phone(env, shop)
    run_page = c.get(f"/runs/{first}").text
    assert "存成技能" in run_page and "这次输入的「19.9」作为参数" in run_page
    bad = c.post(f"/api/errands/{first}/skill", json={"name": "改价", "params": {"价格": "99"}})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["message"] == "「99」不是这次任务里输入过的内容，不能作为参数「价格」"
    r = c.post(f"/api/errands/{first}/skill", json={"name": "改价", "params": {"价格": "19.9"}})
    assert r.status_code == 201, r.text
    page = c.get(f"/errands/new?account_id={shop['account']}").text
    assert "改价" in page and '<input name="价格"' in page
    return r.json()["skill"]["id"], c


def test_a_saved_price_change_replays_without_the_model_and_still_asks_before_saving(agent_env, shop):
    skill_id, c = _skill(agent_env, shop)
    shop["llm"].reset()
    shop["llm"].responder = failing_model
    run_id = c.post(f"/api/errands/skills/{skill_id}/runs", json={"values": {"价格": "25.5"}}).json()["run"]["id"]
    assert _approve(agent_env, shop, run_id)["agent_action"] == "保存新价格25.5元"
    run = agent_env.wait_status(run_id, "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    assert item_now(shop)["price"] == "25.50"
    assert [e["new"] for e in price_edits(shop)] == ["19.90", "25.50"]
    assert shop["llm"].requests == []  # never asked


def test_when_the_price_field_moved_the_replay_hands_that_step_to_the_model(agent_env, shop):
    skill_id, c = _skill(agent_env, shop)
    shop["replica"].faults(price_field_moved=True)
    shop["llm"].reset()
    shop["llm"].responder = PriceChange(price="25.5", announce=True)
    run_id = c.post(f"/api/errands/skills/{skill_id}/runs", json={"values": {"价格": "25.5"}}).json()["run"]["id"]
    _approve(agent_env, shop, run_id)
    run = agent_env.wait_status(run_id, "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    assert item_now(shop)["price"] == "25.50"
    with agent_env.db() as s:
        saw = [st.saw for st in s.query(AgentStep).filter_by(run_id=run_id).order_by(AgentStep.at)]
    assert saw[0] == "技能「改价」回放到第4步时找不到「价格」，已交给助手从当前页面接着完成。"
    assert shop["llm"].requests  # the model took over from that step
