"""Accounts after they are added, over real HTTP: rename, delete (its session and stored login go, its
runs not yet on the site are cancelled), and pickers that show the login state and never preselect an
account that is logged out."""
from __future__ import annotations

import re
from contextlib import closing

import pytest
from rq import Queue

from core.db import transaction
from core.models import Account, AuditLog, Employee, Run, Schedule, utcnow
from core.queue import redis_for
from rpa.vault import Vault
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server)


@pytest.fixture
def client(web):
    with closing(web.client()) as c:
        yield c


@pytest.fixture
def workspace(web):
    with web.db() as s:
        emp = s.query(Employee).first()
        return {"id": emp.workspace_id, "employee": emp.id}


@pytest.fixture(autouse=True)
def empty_queue(web):
    Queue(web.settings.queue_name, connection=redis_for(web.settings)).empty()


def _account(web, workspace, name: str, status: str = "active", site: str = "xiaohongshu") -> str:
    with transaction(web.db) as s:
        a = Account(workspace_id=workspace["id"], site=site, name=name, status=status)
        s.add(a)
        s.flush()
        return a.id


def _run(web, workspace, account_id: str, status: str) -> str:
    with transaction(web.db) as s:
        run = Run(workspace_id=workspace["id"], account_id=account_id, employee_id=workspace["employee"],
                  site="xiaohongshu", mode="semi_auto", status=status,
                  content={"title": "桂花乌龙", "body": "清香", "topics": [], "images": [], "timing": {"mode": "now"}})
        s.add(run)
        s.flush()
        return run.id


def _all_off(web, workspace) -> None:
    """Log every account of the workspace out, so a test decides which ones are logged in."""
    with transaction(web.db) as s:
        s.query(Account).filter_by(workspace_id=workspace["id"]).update({"status": "needs_login"})


def test_an_account_is_renamed_and_a_blank_name_is_refused(web, client, workspace):
    acc = _account(web, workspace, "旧名字")
    blank = client.patch(f"/api/accounts/{acc}", json={"name": "  "})
    assert blank.status_code == 422 and blank.json()["detail"][0]["field"] == "name"
    resp = client.patch(f"/api/accounts/{acc}", json={"name": "店铺主号"})
    assert resp.status_code == 200 and resp.json()["name"] == "店铺主号"
    assert "店铺主号" in client.get(f"/accounts/{acc}").text
    with web.db() as s:
        assert s.query(AuditLog).filter_by(target=acc, action="account.renamed").one().detail["to"] == "店铺主号"


def test_deleting_an_account_removes_its_session_and_cancels_its_runs_not_yet_on_the_site(web, client, workspace):
    acc = _account(web, workspace, "要删的号")
    vault = Vault(web.settings)
    vault.save(acc, {"cookies": [{"name": "web_session", "value": "secret"}], "origins": []})
    waiting = [_run(web, workspace, acc, status) for status in ("queued", "awaiting_approval", "awaiting_login")]
    published = _run(web, workspace, acc, "published")
    with transaction(web.db) as s:
        s.add(Schedule(workspace_id=workspace["id"], account_id=acc, employee_id=workspace["employee"],
                       content={"title": "每周上新"}, cron="0 10 * * 1", next_at=utcnow()))

    resp = client.delete(f"/api/accounts/{acc}")
    assert resp.status_code == 200, resp.text
    assert resp.json()["message"] == "已删除账号「要删的号」，3条还没提交的任务已取消"
    assert not vault.has(acc) and vault.load_credentials(acc) is None
    with web.db() as s:
        assert [s.get(Run, r).status for r in waiting] == ["cancelled"] * 3
        assert s.get(Run, published).status == "published"  # the history stays
        assert not s.query(Schedule).filter_by(account_id=acc, enabled=True).count()
    assert client.get(f"/api/accounts/{acc}").status_code == 404
    assert acc not in [a["id"] for a in client.get("/api/accounts").json()["accounts"]]
    assert acc not in client.get("/compose").text
    assert client.get(f"/runs/{published}").status_code == 200


def test_an_account_with_a_run_on_the_site_is_not_deleted_and_keeps_its_login(web, client, workspace):
    acc = _account(web, workspace, "忙碌的号")
    vault = Vault(web.settings)
    vault.save(acc, {"cookies": [], "origins": []})
    queued = _run(web, workspace, acc, "queued")
    _run(web, workspace, acc, "running")
    resp = client.delete(f"/api/accounts/{acc}")
    assert resp.status_code == 409
    assert resp.json()["detail"][0]["message"] == "账号「忙碌的号」有1条任务正在网站上执行或正在核对是否已发出，等它们结束后再删除"
    assert vault.has(acc)
    with web.db() as s:
        assert s.get(Account, acc).status == "active" and s.get(Run, queued).status == "queued"


def test_the_compose_picker_shows_login_states_and_preselects_only_a_logged_in_account(web, client, workspace):
    _all_off(web, workspace)
    off = _account(web, workspace, "没登录的号", status="needs_login")
    page = client.get("/compose").text
    assert not re.search(r'name="account_id" value="\w+" checked', page)  # nothing logged in: none chosen
    assert "没登录的号 <small>（需要登录，要先登录）</small>" in page
    on = _account(web, workspace, "已登录的号")
    page = client.get("/compose").text
    assert re.findall(r'name="account_id" value="(\w+)" checked', page) == [on]
    assert f'value="{off}" checked' not in page


def test_the_listing_picker_never_preselects_a_logged_out_shop(web, client, workspace):
    _all_off(web, workspace)
    _account(web, workspace, "旧店", status="needs_login", site="taobao")
    page = client.get("/listings/new").text
    assert '<option value="" selected>请选择店铺（没有已登录的店铺，选了要先登录）</option>' in page
    shop = _account(web, workspace, "新店", site="taobao")
    page = client.get("/listings/new").text
    assert re.findall(r'<option value="(\w+)" selected>', page)[0] == shop


def test_a_tax_bureau_login_is_not_shown_as_logged_in_before_the_site_checked_it(web, client):
    resp = client.post("/api/accounts", json={"site": "etax", "name": "公司报税", "credit_code": "91310115MA1K4QXR7D",
                                              "user": "13800138000", "password": "wrong"})
    assert resp.status_code == 201
    assert resp.json()["status"] == "logging_in" and resp.json()["status_label"] == "正在网站上核对账号密码"
    jobs = Queue(web.settings.queue_name, connection=redis_for(web.settings)).get_jobs()
    assert [(j.func_name, j.args) for j in jobs] == [("worker.login_account", (resp.json()["id"],))]
