"""The five employees as data, and on the phone: all five are listed (a workspace missing some gets them
once), every workflow a role names exists in GRAPHS, only roles with no workflow say so, and the owner's
per-employee settings are validated, saved and used by the compliance check."""
from __future__ import annotations

from contextlib import closing

import httpx
import pytest

from api.auth import create_owner
from core.db import transaction
from core.models import Employee, Workspace
from employees import EMPLOYEES, MODES
from graphs import GRAPHS
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server, no model)

FIVE = ["营销专员", "销售助理", "客服代表", "运营管家", "财务助手"]
KNOWN_SITES = {"xiaohongshu", "douyin", "taobao", "etax"}


def test_every_role_names_real_modes_and_sites_and_every_workflow_it_names_exists():
    assert [r.name for r in EMPLOYEES.values()] == FIVE
    for key, role in EMPLOYEES.items():
        assert role.key == key and role.default_mode in MODES and role.persona
        assert set(role.sites) <= KNOWN_SITES
        assert [w for w in role.workflows if w not in GRAPHS] == [], key  # a name that runs nothing is a lie
        assert bool(role.workflows) != bool(role.coming_soon), key  # "coming soon" only where nothing runs yet
    assert EMPLOYEES["marketing"].workflows == ("publish",)
    assert EMPLOYEES["sales"].workflows == ("listing",)
    assert EMPLOYEES["finance"].workflows == ("tax_filing",)
    assert EMPLOYEES["operations"].workflows == ("reminder", "daily_brief", "collect")
    assert EMPLOYEES["service"].workflows == ("inbound_sweep", "inbound_reply")  # 客服代表 reads and answers


@pytest.fixture
def client(web):
    with closing(web.client()) as c:
        yield c


def test_all_five_are_listed_and_every_one_takes_tasks(web, client):
    listed = client.get("/api/employees").json()["employees"]
    assert [e["name"] for e in listed] == FIVE
    for e in listed:
        assert e["can_take_tasks"] and not e["notice"], e["name"]
    page = client.get("/employees").text
    assert all(name in page for name in FIVE) and "即将推出" not in page


def test_a_workspace_made_before_the_five_gets_the_missing_ones_once(web):
    with transaction(web.db) as s:
        ws = Workspace(name="老店")
        s.add(ws)
        s.flush()
        s.add(Employee(workspace_id=ws.id, role="marketing", name="营销专员", mode="auto"))
        password = create_owner(s, ws.id, "old-shop")
        ws_id = ws.id
    with closing(httpx.Client(base_url=web.url, timeout=30)) as c:
        c.post("/api/session", json={"username": "old-shop", "password": password}).raise_for_status()
        for _ in range(2):
            assert [e["name"] for e in c.get("/api/employees").json()["employees"]] == FIVE
    with web.db() as s:
        rows = s.query(Employee).filter_by(workspace_id=ws_id).all()
        assert len(rows) == 5
        assert next(e.mode for e in rows if e.role == "marketing") == "auto"  # the existing one is kept


def test_the_owner_changes_an_employees_settings_and_they_are_checked(web, client):
    with web.db() as s:
        marketing = s.query(Employee).filter_by(role="marketing", workspace_id=s.query(Workspace).first().id).one().id
    url = f"/api/employees/{marketing}"
    assert client.patch(url, json={"tone": "大声吆喝"}).json()["detail"][0]["field"] == "tone"
    wrong = client.patch(url, json={"default_sites": ["etax"]})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "default_sites"
    ok = client.patch(url, json={"tone": "专业简洁", "banned_words": "隔壁茶铺，  老字号 隔壁茶铺",
                                 "default_sites": ["xiaohongshu"]})
    assert ok.status_code == 200, ok.text
    assert ok.json()["settings"] == {"tone": "专业简洁", "banned_words": ["隔壁茶铺", "老字号"],
                                     "default_sites": ["xiaohongshu"], "allowed_warnings": [], "allowed_contacts": [],
                                     "brief_time": "",
                                     "agent_max_steps": 30, "agent_max_minutes": 10, "agent_max_tokens": 1_000_000,
                                     "agent_max_cost": 5.0}
    assert client.get("/api/employees").json()["employees"][0]["settings"]["tone"] == "专业简洁"

    # No site named: the employee's default site is used. Its own banned word blocks the draft.
    plan = client.post("/api/tasks", json={"employee_id": marketing, "text": "明天上午10点发一篇老字号桂花糕的笔记"})
    assert plan.status_code == 201, plan.text
    (run,) = plan.json()["runs"]
    assert run["site"] == "xiaohongshu" and "按员工设置发在小红书" in plan.json()["notes"][0]
    banned = [f for f in run["findings"] if f["rule"] == "workspace.banned"]
    assert banned and banned[0]["text"] == "老字号" and run["blocking"]
    client.patch(url, json={"tone": "活泼亲切", "banned_words": [], "default_sites": ["xiaohongshu", "douyin"]})


def test_a_changed_tone_keeps_what_other_pages_saved_on_the_employee_and_leaves_the_defaults_unset(web, client):
    with web.db() as s:
        finance = s.query(Employee).filter_by(role="finance", workspace_id=s.query(Workspace).first().id).one().id
    kind = client.put("/api/books/taxpayer", json={"entity": "individual_business", "tax_id": "92330106MA2H8LW31N"})
    assert kind.status_code == 200, kind.text
    assert client.patch(f"/api/employees/{finance}", json={"tone": "温暖走心"}).status_code == 200
    with web.db() as s:
        stored = s.get(Employee, finance).settings
    # The 纳税人识别号 decides whether an invoice is income or an expense: the finance page's, not this form's.
    assert (stored["tax_id"], stored["entity"], stored["tone"]) == ("92330106MA2H8LW31N", "individual_business", "温暖走心")
    assert "agent_max_cost" not in stored  # the deployment's cap, read when used, not frozen at today's value
    assert client.get("/api/books/summary").json()["taxpayer"]["tax_id"] == "92330106MA2H8LW31N"


def test_the_owners_own_contacts_are_saved_shown_in_chinese_and_not_flagged_in_a_plan(web, client):
    with web.db() as s:
        marketing = s.query(Employee).filter_by(role="marketing", workspace_id=s.query(Workspace).first().id).one().id
    url = f"/api/employees/{marketing}"
    bad = client.patch(url, json={"allowed_contacts": "店铺微信"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "allowed_contacts" and "允许的联系方式「店铺微信」不对" in \
        bad.json()["detail"][0]["message"]
    ok = client.patch(url, json={"allowed_contacts": "https://www.Tea-Shop.cn/a  021-62345678"})
    assert ok.status_code == 200 and ok.json()["settings"]["allowed_contacts"] == ["tea-shop.cn", "021-62345678"]
    page = client.get("/employees").text
    assert "允许出现的联系方式和网址" in page and 'value="tea-shop.cn 021-62345678"' in page

    text = "明天上午10点在小红书发一篇桂花糕的笔记"
    plan = client.post("/api/tasks", json={"employee_id": marketing, "text": text})
    assert plan.status_code == 201, plan.text
    edit = client.patch(f"/api/tasks/{plan.json()['id']}/runs/0",
                        json={"body": "桂花糕到货啦，官网 https://tea-shop.cn/cake ，客服 021-62345678，或加微信 cake_evil_01"})
    found = [f["text"] for f in edit.json()["runs"][0]["findings"] if f["rule"] == "contact"]
    assert found == ["加微信 cake_evil_01"], found
    client.patch(url, json={"allowed_contacts": []})
