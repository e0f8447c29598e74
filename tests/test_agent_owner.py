"""The owner's path for an errand on her Taobao account: 让员工去做 on the account page, her words, the
employee's plan (goal, what counts as done, what it will not do) that she confirms, and a run page that
shows each step and, for a reading errand, what was read, checked against the shop's own list."""
from __future__ import annotations

import httpx

from core.models import Run
from tests.agent_fixtures import ITEM, ReadsList, agent_env, phone, shop  # noqa: F401
from tests.fake_llm import fake_llm, fake_llm_server  # noqa: F401


def test_the_owner_confirms_the_employees_plan_and_reads_the_answer_and_each_step_on_the_run_page(agent_env, shop):
    httpx.post(f"{shop['replica'].url}/__sandbox__/items", json={"user": shop["user"], "title": "手工紫砂壶 西施壶",
                                                                 "price": "268.00"}, timeout=10).raise_for_status()
    shop["llm"].responder = ReadsList()
    c = phone(agent_env, shop)
    assert "让员工去做" in c.get(f"/accounts/{shop['account']}").text
    page = c.get(f"/errands/new?account_id={shop['account']}")
    assert page.status_code == 200 and "要做的事" in page.text
    asked = {"account_id": shop["account"], "employee_id": shop["employee"], "instruction": "读出出售中的宝贝的标题和价格"}
    plan = c.post("/api/errands/proposal", json=asked).json()["proposal"]
    assert plan["site"] == "taobao" and plan["reads_only"] is True and plan["forbidden"] == ["不修改任何宝贝"]
    run_id = c.post("/api/errands", json={**asked, **plan}).json()["run"]["id"]
    run = agent_env.wait_status(run_id, "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    shop_items = [{"标题": i["title"], "价格": i["price"]} for i in shop["replica"].state()["items"]]
    errand = c.get(f"/api/errands/{run_id}").json()["errand"]
    assert sorted(errand["answer"], key=str) == sorted(shop_items, key=str)
    assert errand["steps"][0]["did"] == ["点击「出售中的宝贝」"] and errand["steps"][0]["shot"]
    html = c.get(f"/runs/{run_id}").text
    assert "已完成" in html and "读到的内容" in html and ITEM in html and "第1步" in html


def test_a_plan_with_an_empty_goal_is_refused_by_field_and_nothing_is_queued(agent_env, shop):
    c = phone(agent_env, shop)
    r = c.post("/api/errands", json={"account_id": shop["account"], "employee_id": shop["employee"],
                                     "instruction": "把桂花图案手机壳改价到19.9元", "goal": " ", "done_when": "价格显示19.90"})
    assert r.status_code == 422
    assert [(e["field"], e["message"]) for e in r.json()["detail"]] == [("goal", "目标不能为空")]
    with agent_env.db() as s:
        assert s.query(Run).filter_by(account_id=shop["account"], graph="agent").count() == 0
