"""派活 hands work no workflow does to the employee, on the real stack with the Taobao replica (only the model
faked): 「去淘宝后台把桂花图案手机壳改价到19.9元」 is planned as an errand the employee proposes, confirmed like any
plan, done by the agent with the owner's approval before 保存; saved as a 技能, the same words with a new price
are then planned as that skill, and its replay needs no model and still asks before 保存."""
from __future__ import annotations

from tests.agent_fixtures import (ITEM, PriceChange, agent_env, approve_card, failing_model, item_now,  # noqa: F401
                                  phone, price_edits, shop)
from tests.fake_llm import fake_llm, fake_llm_server  # noqa: F401


def _confirmed_and_approved(env, shop, c, plan: dict, action: str) -> str:
    """The owner confirms the plan, then approves the card showing ``action``; the run, done."""
    ok = c.post(f"/api/tasks/{plan['id']}/confirm", data={})
    assert ok.status_code == 201, ok.text
    (created,) = ok.json()["created"]
    assert approve_card(env, shop, created["id"])["agent_action"] == action
    run = env.wait_status(created["id"], "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    return run.id


def test_a_reprice_from_paihuo_is_an_errand_then_once_saved_the_same_words_use_the_skill(agent_env, shop):
    env, c = agent_env, phone(agent_env, shop)
    shop["llm"].responder = PriceChange(announce=True)
    r = c.post("/api/tasks", json={"employee_id": shop["employee"], "text": f"去淘宝后台把{ITEM}改价到19.9元"})
    assert r.status_code == 201, r.text
    plan = r.json()
    (item,) = plan["runs"]
    assert (item["kind"], item["account_id"]) == ("errand", shop["account"])
    assert item["errand"]["goal"] == f"去淘宝后台把{ITEM}改价到19.9元" and plan["unknown"] == []
    assert "确认并排期" in c.get(f"/tasks/{plan['id']}").text
    done = _confirmed_and_approved(env, shop, c, plan, "保存新价格19.9元")
    assert item_now(shop)["price"] == "19.90"
    saved = c.post(f"/api/errands/{done}/skill", json={"name": "改价", "params": {"价格": "19.9"}})
    assert saved.status_code == 201, saved.text

    shop["llm"].reset()
    shop["llm"].responder = failing_model  # the skill's replay must not need it
    plan = c.post("/api/tasks", json={"employee_id": shop["employee"], "text": f"把{ITEM}改价到25.5元"}).json()
    (item,) = plan["runs"]
    assert (item["kind"], item["skill_name"], item["values"]) == ("skill", "改价", {"价格": "25.5"})
    _confirmed_and_approved(env, shop, c, plan, "保存新价格25.5元")
    assert item_now(shop)["price"] == "25.50"
    assert [e["new"] for e in price_edits(shop)] == ["19.90", "25.50"]
    assert shop["llm"].requests == []
