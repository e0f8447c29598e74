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


def test_budgets_typed_on_the_phone_are_saved_and_are_what_the_agent_runs_under(web, client):
    sales = _sales(web)
    ok = client.patch(f"/api/employees/{sales}", json={"agent_max_steps": " 40 ", "agent_max_minutes": "2.5",
                                                       "agent_max_tokens": "200000"})
    assert ok.status_code == 200, ok.text
    saved = _saved(web, sales)
    assert (saved.agent_max_steps, saved.agent_max_minutes, saved.agent_max_tokens) == (40, 2.5, 200_000)

    class Ctx:
        db = web.db

    budget = _budget(Ctx(), Run(employee_id=sales))  # what a run of this employee is given
    assert (budget.max_steps, budget.max_seconds, budget.max_tokens) == (40, 150, 200_000)
    client.patch(f"/api/employees/{sales}", json={"agent_max_steps": 30, "agent_max_minutes": 10,
                                                  "agent_max_tokens": 1_000_000})


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
    finally:
        with closing(web.client()) as c:
            c.patch(f"/api/employees/{_sales(web)}", json={"agent_max_steps": 30})
