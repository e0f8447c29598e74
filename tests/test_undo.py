"""The owner's way back, over real HTTP: cancel a run that has not reached the site, retry a failed one,
and 全部批准 that never approves a tax return or a payment."""
from __future__ import annotations

import pytest
from rq import Queue

from core.db import transaction
from core.models import Approval, AuditLog, LedgerEntry, Run
from core.queue import redis_for
from tests.factories import make_image
from tests.web_fixtures import client, ids, web  # noqa: F401  (module-scoped web server, the owner's client and ids)


@pytest.fixture(autouse=True)
def clean(web):
    _queue(web).empty()
    with transaction(web.db) as s:  # no card left over from another test
        s.query(Approval).filter_by(status="pending").update({"status": "expired"})


def _queue(web) -> Queue:
    return Queue(web.settings.queue_name, connection=redis_for(web.settings))


def _run(web, ids, tmp_path, status: str, graph: str = "publish", card: dict | None = None, **fields) -> str:
    image = str(make_image(tmp_path / f"{status}.jpg"))
    content = {"title": "桂花乌龙冷泡茶", "body": "清香回甘", "topics": [], "images": [image], "timing": {"mode": "now"}}
    if graph == "tax_filing":
        content = {"period": "2026Q3", "form": "vat"}
    with transaction(web.db) as s:
        run = Run(workspace_id=ids["workspace"], account_id=ids["account"], employee_id=ids["employee"],
                  graph=graph, site="xiaohongshu", mode="semi_auto", status=status, content=content, **fields)
        s.add(run)
        s.flush()
        if card is not None:
            s.add(Approval(run_id=run.id, **card))
        return run.id


def _run_row(web, run_id) -> Run:
    with web.db() as s:
        return s.get(Run, run_id)


@pytest.mark.parametrize("status", ["queued", "scheduled", "awaiting_login", "awaiting_approval"])
def test_a_run_that_has_not_reached_the_site_is_cancelled_and_audited(web, client, ids, tmp_path, status):
    run_id = _run(web, ids, tmp_path, status)
    resp = client.post(f"/api/runs/{run_id}/cancel")
    assert resp.status_code == 200, resp.text
    assert resp.json()["status_label"] == "已取消"
    with web.db() as s:
        assert s.query(AuditLog).filter_by(target=run_id, action="run.cancelled").one().actor == "owner"
    page = client.get(f"/runs/{run_id}").text
    assert "已取消" in page and "取消任务" not in page


def test_a_run_waiting_for_login_links_to_its_accounts_login_page(web, client, ids, tmp_path):
    run_id = _run(web, ids, tmp_path, "awaiting_login")
    page = client.get(f"/runs/{run_id}").text
    assert f'<a class="button" href="/accounts/{ids["account"]}">去登录账号' in page
    assert "取消任务" in page


def test_a_run_the_worker_holds_is_not_cancelled_and_the_owner_reads_why(web, client, ids, tmp_path):
    for status in ("running", "awaiting_code"):
        run_id = _run(web, ids, tmp_path, status)
        resp = client.post(f"/api/runs/{run_id}/cancel")
        assert resp.status_code == 409
        assert "正在网站上执行" in resp.json()["detail"][0]["message"]
        assert _run_row(web, run_id).status == status


def test_a_run_that_pressed_submit_is_not_cancelled_even_while_it_waits(web, client, ids, tmp_path):
    run_id = _run(web, ids, tmp_path, "queued")  # re-queued after a worker died past its click
    with transaction(web.db) as s:
        s.add(LedgerEntry(key=f"{run_id}:submit", run_id=run_id, site="xiaohongshu", account_id=ids["account"]))
    resp = client.post(f"/api/runs/{run_id}/cancel")
    assert resp.status_code == 409 and "点过提交" in resp.json()["detail"][0]["message"]
    assert _run_row(web, run_id).status == "queued"


def test_a_finished_run_is_not_cancelled(web, client, ids, tmp_path):
    run_id = _run(web, ids, tmp_path, "published")
    resp = client.post(f"/api/runs/{run_id}/cancel")
    assert resp.status_code == 409 and resp.json()["detail"][0]["message"] == "这条任务已经结束（已完成），不能取消"


def test_cancelling_a_run_withdraws_its_approval_card_and_a_later_approval_is_refused(web, client, ids, tmp_path):
    run_id = _run(web, ids, tmp_path, "awaiting_approval", card={"fields": {"title": "桂花乌龙冷泡茶"}})
    with web.db() as s:
        approval_id = s.query(Approval).filter_by(run_id=run_id).one().id
    assert approval_id in client.get("/approvals").text
    assert client.post(f"/api/runs/{run_id}/cancel").status_code == 200
    assert approval_id not in client.get("/approvals").text
    late = client.post(f"/api/approvals/{approval_id}/decision", json={"approve": True})
    assert late.status_code == 409 and late.json()["detail"][0]["message"] == "这条任务已经取消，不会再提交"
    assert _queue(web).count == 0


def test_a_failed_run_is_retried_as_the_same_run_back_in_the_queue(web, client, ids, tmp_path):
    run_id = _run(web, ids, tmp_path, "failed", reason="网站一直没有回应", attempts=3)
    page = client.get(f"/runs/{run_id}").text
    assert "重试" in page and f"/compose?from={run_id}" in page
    resp = client.post(f"/api/runs/{run_id}/retry")
    assert resp.status_code == 200 and resp.json()["id"] == run_id and resp.json()["status_label"] == "排队中"
    run = _run_row(web, run_id)
    assert (run.status, run.attempts, run.reason) == ("queued", 0, None)
    assert [j.args for j in _queue(web).get_jobs()] == [(run_id,)]
    again = client.post(f"/api/runs/{run_id}/retry")
    assert again.status_code == 409 and again.json()["detail"][0]["message"] == "这条任务已经在重试了"


def test_only_a_failed_run_can_be_retried(web, client, ids, tmp_path):
    run_id = _run(web, ids, tmp_path, "published")
    resp = client.post(f"/api/runs/{run_id}/retry")
    assert resp.status_code == 409 and resp.json()["detail"][0]["message"] == "只有失败的任务可以重试"
    assert _queue(web).count == 0


def test_retrying_a_run_whose_card_expired_shows_the_card_again(web, client, ids, tmp_path):
    run_id = _run(web, ids, tmp_path, "failed", reason="审批超过48小时未处理，已取消",
                  card={"fields": {"title": "桂花乌龙冷泡茶"}, "status": "expired"})
    assert client.post(f"/api/runs/{run_id}/retry").json()["status_label"] == "待审批"
    with web.db() as s:
        assert [a.status for a in s.query(Approval).filter_by(run_id=run_id)] == ["pending"]
    assert _queue(web).count == 0  # nothing to do until the owner decides


def test_approve_all_leaves_tax_returns_and_payments_to_be_approved_one_by_one(web, client, ids, tmp_path):
    note = _run(web, ids, tmp_path, "awaiting_approval", card={"fields": {"title": "桂花乌龙冷泡茶"}})
    tax_return = _run(web, ids, tmp_path, "awaiting_approval", graph="tax_filing",
                      card={"fields": {"kind": "vat", "title": "增值税申报表", "rows": []}})
    payment = _run(web, ids, tmp_path, "awaiting_approval", graph="tax_filing",
                   card={"fields": {"kind": "payment", "amount": "16.24"}})
    page = client.get("/approvals").text
    assert "申报表和缴款涉及税款，需要逐条打开核对后审批" in page and "全部批准（1条）" in page

    resp = client.post("/api/approvals/approve-all", json={})
    assert resp.status_code == 200
    assert resp.json()["approved"] == 1 and resp.json()["left_one_by_one"] == 2
    assert "另有2条申报/缴款没有批准" in resp.json()["message"]
    with web.db() as s:
        status = {a.run_id: a.status for a in s.query(Approval).filter(Approval.run_id.in_([note, tax_return, payment]))}
    assert status == {note: "approved", tax_return: "pending", payment: "pending"}
    assert [j.args[0] for j in _queue(web).get_jobs()] == [note]


def test_approve_all_leaves_an_auto_run_that_compliance_held_at_its_card(web, client, ids, tmp_path):
    held = _run(web, ids, tmp_path, "awaiting_approval", card={"fields": {"title": "加微信 tea_evil_888 领返现"}},
                reason="全自动已暂停：内容里有联系方式，等你确认")
    with transaction(web.db) as s:
        s.get(Run, held).mode = "auto"
    resp = client.post("/api/approvals/approve-all", json={})
    assert "另有1条全自动任务因合规检查被暂停" in resp.json()["message"]
    with web.db() as s:
        assert s.query(Approval).filter_by(run_id=held).one().status == "pending"
    assert held not in [j.args[0] for j in _queue(web).get_jobs()]
