"""派活 with the owner's skills (no model configured): a sentence that is a saved 技能's own instruction with other
values is planned as that skill, its parameters read from her words; at confirmation the values she corrects
are checked, a bad one refused in Chinese naming the parameter with nothing created; a confirmed item is a
replay run at the plan's time in the workspace's zone. Her skills are listed on the 派活 and employee pages."""
from __future__ import annotations

from contextlib import closing
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from core.db import transaction
from core.models import Account, Employee, Run, Schedule
from errands.models import Skill
from errands.task import NO_MODEL
from planning.models import TaskPlan
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import log_in, no_sideways_scroll, phone  # noqa: F401  (a 390×844 phone page)
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server on the demo workspace, no model)

ZONE = ZoneInfo("Asia/Shanghai")
STEPS = [{"action": "click", "params": {"index": 3}, "label": "编辑价格"},
         {"action": "input", "params": {"index": 7, "text": "{价格}"}, "label": ""},
         {"action": "press", "params": {}, "label": "保存新价格{价格}元"}]
"""A recorded price change as ``errands.skills.save`` keeps it (the owner's value turned into 「{价格}」)."""


@pytest.fixture(scope="module")
def skill(web) -> dict:
    """销售助理's 「改价」 on the workspace's Taobao shop, with 商品 and 价格 as parameters."""
    with transaction(web.db) as s:
        sales = s.query(Employee).filter_by(role="sales").one()
        shop = Account(workspace_id=sales.workspace_id, site="taobao", name="桂花小铺", status="active")
        s.add(shop)
        s.flush()
        done = Run(workspace_id=sales.workspace_id, account_id=shop.id, employee_id=sales.id, graph="agent",
                   site="taobao", mode="semi_auto", status="published", content={})
        s.add(done)
        s.flush()
        errand = {"instruction": "去淘宝后台把{商品}改价到{价格}元", "site": "taobao", "goal": "把{商品}的价格改成{价格}元",
                  "done_when": "出售中的宝贝里{商品}的价格显示为{价格}元", "forbidden": [], "reads_only": False}
        k = Skill(workspace_id=sales.workspace_id, employee_id=sales.id, account_id=shop.id, site="taobao",
                  name="改价", params=["商品", "价格"], errand=errand, steps=STEPS, from_run_id=done.id)
        s.add(k)
        s.flush()
        return {"id": k.id, "employee": sales.id, "account": shop.id}


@pytest.fixture
def client(web):
    with closing(web.client()) as c:
        yield c


def _runs(web) -> int:
    with web.db() as s:
        return s.query(Run).count()


def test_a_sentence_said_like_a_saved_skill_is_planned_as_that_skill_with_its_values(web, client, skill):
    r = client.post("/api/tasks", json={"employee_id": skill["employee"],
                                        "text": "明天上午10点把桂花图案手机壳改价到19.9元"})
    assert r.status_code == 201, r.text
    plan = r.json()
    (run,) = plan["runs"]
    assert (run["kind"], run["skill_name"], run["account_id"]) == ("skill", "改价", skill["account"])
    assert run["values"] == {"商品": "桂花图案手机壳", "价格": "19.9"}
    assert plan["unknown"] == [] and "用技能「改价」" in plan["notes"][0]
    assert run["body"] == "把桂花图案手机壳的价格改成19.9元"  # the skill's goal, with her values
    page = client.get(f"/tasks/{plan['id']}").text
    assert 'name="value_0_商品" value="桂花图案手机壳"' in page and 'name="value_0_价格" value="19.9"' in page
    assert "确认并排期" in page and "要配图" not in page


def test_a_bad_value_at_confirmation_is_refused_naming_the_parameter_and_a_good_one_schedules_the_replay(
        web, client, skill):
    plan = client.post("/api/tasks", json={"employee_id": skill["employee"],
                                           "text": "明天上午10点去淘宝后台把桂花图案手机壳改价到19.9元"}).json()
    before = _runs(web)
    bad = client.post(f"/api/tasks/{plan['id']}/confirm", data={"value_0_价格": "  "})
    assert bad.status_code == 422
    assert bad.json()["detail"] == [{"field": "runs.0.values.价格", "limit": "1–100字", "run": 0,
                                     "message": "第1项（淘宝）：请填写参数「价格」（1到100个字）"}]
    assert _runs(web) == before
    with web.db() as s:
        assert s.get(TaskPlan, plan["id"]).status == "pending"

    ok = client.post(f"/api/tasks/{plan['id']}/confirm", data={"value_0_价格": "18.8"})
    assert ok.status_code == 201, ok.text
    (created,) = ok.json()["created"]
    tomorrow = datetime.now(ZONE).date() + timedelta(days=1)
    with web.db() as s:
        run = s.get(Run, created["id"])
        assert (run.graph, run.status, run.account_id) == ("agent", "scheduled", skill["account"])
        assert run.not_before == datetime(tomorrow.year, tomorrow.month, tomorrow.day, 10, tzinfo=ZONE)
        assert run.content["skill"]["values"] == ["桂花图案手机壳", "18.8"]
        assert run.content["goal"] == "把桂花图案手机壳的价格改成18.8元"
        assert [st["params"].get("text") for st in run.content["skill"]["steps"]] == [None, "18.8", None]
        assert run.content["skill"]["steps"][2]["label"] == "保存新价格18.8元"  # the approval card's action


def test_work_no_skill_covers_is_an_errand_that_needs_a_model_here(web, client, skill):
    plan = client.post("/api/tasks", json={"employee_id": skill["employee"], "text": "把淘宝上的桂花图案手机壳下架"}).json()
    assert plan["runs"] == []
    assert plan["unknown"] == [f"「下架」：{NO_MODEL}"]


def test_her_skills_are_in_the_catalogue_on_the_tasks_page_and_the_employee_page(web, client, skill):
    tasks = client.get("/tasks").text
    assert f'data-skill="{skill["id"]}"' in tasks and "要填：商品、价格" in tasks
    assert "例如：去淘宝后台把「商品」改价到「价格」元" in tasks
    employees = client.get("/employees").text
    card = employees.split(f'data-employee="{skill["employee"]}"', 1)[1].split("</section>", 1)[0]
    assert "会的技能" in card and f'data-skill="{skill["id"]}"' in card and "要填：商品、价格" in card


def test_on_the_phone_a_skill_is_put_on_a_repeating_time_and_a_bad_value_is_named_next_to_its_field(web, phone, skill):
    page = phone
    log_in(page, web)
    page.goto(f"{web.url}/errands/new?account_id={skill['account']}")
    form = page.locator(f"form.skill-run[data-skill='{skill['id']}']")
    form.get_by_label("商品").fill("桂花图案手机壳")
    form.get_by_label("价格").fill("  ")
    form.get_by_text("定时或重复（北京时间）").click()
    form.get_by_label("或者按规则重复（例如每周一上午10点）").fill("每周一上午10点")
    no_sideways_scroll(page)
    form.get_by_role("button", name="用这个技能做").click()
    expect(form.locator("label:has(input[name=价格]) + .field-error")).to_have_text("请填写参数「价格」（1到100个字）")
    with web.db() as s:
        assert s.query(Schedule).filter_by(graph="agent").count() == 0

    form.get_by_label("价格").fill("19.9")
    form.get_by_role("button", name="用这个技能做").click()
    expect(page).to_have_url(f"{web.url}/schedules")
    expect(page.locator(".list li").filter(has_text="技能「改价」（商品=桂花图案手机壳，价格=19.9）")).to_contain_text(
        "每周一 10:00")
    with web.db() as s:
        (sc,) = s.query(Schedule).filter_by(graph="agent").all()
        assert sc.content == {"skill_id": skill["id"], "values": {"商品": "桂花图案手机壳", "价格": "19.9"}}
        assert sc.next_at.astimezone(ZONE).strftime("%w %H:%M") == "1 10:00"
