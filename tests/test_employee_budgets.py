"""The budgets of a one-off task (让员工去做) on the employee page: a form on the 390 px phone page with each
limit and its unit in the label; bad numbers are refused by the server in Chinese naming the field and its
limit, all at once, and nothing of the form is saved; good ones are saved and are what the agent runs under."""
from __future__ import annotations

from contextlib import closing

import pytest
from playwright.sync_api import expect

from core.models import Employee, Run, Workspace
from employees.settings import of_employee
from graphs.agent.nodes import _budget
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import log_in, no_sideways_scroll, phone  # noqa: F401  (a 390×844 phone page)
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server on the demo workspace)


def _sales(web) -> str:
    with web.db() as s:
        ws = s.query(Workspace).first()
        return s.query(Employee).filter_by(role="sales", workspace_id=ws.id).one().id


def _saved(web, employee_id: str):
    with web.db() as s:
        return of_employee(s.get(Employee, employee_id))


@pytest.fixture
def client(web):
    with closing(web.client()) as c:
        yield c


def test_bad_budgets_are_refused_in_chinese_naming_each_field_and_its_limit_and_nothing_is_saved(web, client):
    sales = _sales(web)
    before = _saved(web, sales)
    r = client.patch(f"/api/employees/{sales}", json={"tone": "专业简洁", "agent_max_steps": "0",
                                                      "agent_max_minutes": "两分钟", "agent_max_tokens": 20_000_000})
    assert r.status_code == 422
    assert r.json()["detail"] == [
        {"field": "agent_max_steps", "limit": "1到200步", "message": "每次最多步数要在1到200步之间"},
        {"field": "agent_max_minutes", "limit": "大于0、最多120分钟", "message": "每次最长时间请填数字（大于0、最多120分钟）"},
        {"field": "agent_max_tokens", "limit": "1000到10000000个词元",
         "message": "每次最多模型用量要在1000到10000000个词元之间"}]
    assert _saved(web, sales) == before  # the good tone was not saved either

    half = client.patch(f"/api/employees/{sales}", json={"agent_max_steps": "12.5"})
    assert half.json()["detail"][0]["message"] == "每次最多步数请填整数（1到200步）"
    assert _saved(web, sales) == before

    for typed, message in (("1000.5", "单次费用上限要在0到1000元之间"), ("-0.1", "单次费用上限要在0到1000元之间"),
                           ("0.555", "单次费用上限最多填到分（两位小数，0到1000元）"),
                           ("五毛", "单次费用上限请填数字（0到1000元）")):
        cost = client.patch(f"/api/employees/{sales}", json={"tone": "专业简洁", "agent_max_cost": typed})
        assert cost.status_code == 422
        assert cost.json()["detail"] == [{"field": "agent_max_cost", "limit": "0到1000元", "message": message}]
    assert _saved(web, sales) == before


def test_budgets_typed_on_the_phone_are_saved_and_are_what_the_agent_runs_under(web, client):
    sales = _sales(web)
    assert _saved(web, sales).agent_max_cost == 5.0  # the deployment's default (Settings.agent_max_cost_yuan)
    ok = client.patch(f"/api/employees/{sales}", json={"agent_max_steps": " 40 ", "agent_max_minutes": "2.5",
                                                       "agent_max_tokens": "200000", "agent_max_cost": "0.5元"})
    assert ok.status_code == 200, ok.text
    saved = _saved(web, sales)
    assert (saved.agent_max_steps, saved.agent_max_minutes, saved.agent_max_tokens, saved.agent_max_cost) == \
        (40, 2.5, 200_000, 0.5)

    class Ctx:
        db = web.db
        settings = web.settings.model_copy(update={"llm_price_in_per_mtok": 2.0, "llm_price_out_per_mtok": 8.0})

    budget = _budget(Ctx(), Run(employee_id=sales))  # what a run of this employee is given
    assert (budget.max_steps, budget.max_seconds, budget.max_tokens) == (40, 150, 200_000)
    assert (budget.max_cost, budget.price_in, budget.price_out) == (0.5, 2.0, 8.0)
    client.patch(f"/api/employees/{sales}", json={"agent_max_steps": 30, "agent_max_minutes": 10,
                                                  "agent_max_tokens": 1_000_000, "agent_max_cost": 5})


def test_the_budget_form_on_the_phone_shows_limits_with_units_and_errors_next_to_the_field(web, phone):
    page = phone
    try:
        log_in(page, web)
        page.goto(f"{web.url}/employees")
        card = page.locator(f"[data-employee='{_sales(web)}']")
        steps = card.get_by_label("每次最多步数（1到200步）")
        expect(steps).to_have_value("30")
        expect(card.get_by_label("每次最长时间（大于0、最多120分钟）")).to_have_value("10")
        expect(card.get_by_label("每次最多模型用量（1000到10000000个词元）")).to_have_value("1000000")
        cost = card.get_by_label("单次费用上限（0到1000元）")
        expect(cost).to_have_value("5")
        expect(cost).to_have_attribute("inputmode", "decimal")
        no_sideways_scroll(page)

        steps.fill("500")
        card.get_by_role("button", name="保存设置").click()
        expect(card.locator("label:has(input[name=agent_max_steps]) + .field-error")).to_have_text(
            "每次最多步数要在1到200步之间")
        expect(steps).to_have_attribute("aria-invalid", "true")
        assert _saved(web, _sales(web)).agent_max_steps == 30

        steps.fill("45")
        card.get_by_role("button", name="保存设置").click()
        expect(card.locator(".saved")).to_be_visible()
        assert _saved(web, _sales(web)).agent_max_steps == 45
        page.reload()
        expect(page.locator(f"[data-employee='{_sales(web)}']").get_by_label("每次最多步数（1到200步）")).to_have_value("45")

        card = page.locator(f"[data-employee='{_sales(web)}']")
        card.get_by_label("单次费用上限（0到1000元）").fill("0.555")
        card.get_by_role("button", name="保存设置").click()
        expect(card.locator("label:has(input[name=agent_max_cost]) + .field-error")).to_have_text(
            "单次费用上限最多填到分（两位小数，0到1000元）")
        assert _saved(web, _sales(web)).agent_max_cost == 5.0
    finally:
        with closing(web.client()) as c:
            c.patch(f"/api/employees/{_sales(web)}", json={"agent_max_steps": 30})
