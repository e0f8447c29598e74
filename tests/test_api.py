"""The API over real HTTP (uvicorn process, real Redis, SQLite): bad input is refused with field errors
before anything is saved or queued; sessions, CSRF and decisions behave as the owner expects."""
from __future__ import annotations

import io
from contextlib import closing
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image
from rq import Queue

from core.db import transaction
from core.models import Account, Approval, Artifact, Run, Schedule, Workspace
from core.queue import redis_for
from tests.factories import make_image
from tests.web_fixtures import client, ids, web  # noqa: F401  (module-scoped web server, the owner's client and ids)


@pytest.fixture(autouse=True)
def empty_queue(web):
    _queue(web).empty()


def _queue(web) -> Queue:
    return Queue(web.settings.queue_name, connection=redis_for(web.settings))


def _jpeg(tmp_path, name="a.jpg", fmt="JPEG") -> tuple[str, bytes, str]:
    path = make_image(tmp_path / name, size=(400, 500), fmt=fmt)
    return (name, path.read_bytes(), "image/jpeg")


def _form(ids, **kw) -> dict:
    return {"account_id": ids["account"], "employee_id": ids["employee"], "title": "桂花乌龙冷泡茶",
            "body": "清香回甘", "topics": "冷泡茶 夏日", "timing": "now", **kw}


def _count(web, model) -> int:
    with web.db() as s:
        return s.query(model).count()


def _uploads(web) -> list:
    return [p for p in web.settings.paths.uploads.rglob("*") if p.is_file()]


def _snapshot(web) -> tuple[int, int]:
    return _count(web, Run), len(_uploads(web))


def _refused(web, resp, status, field, before) -> dict:
    """The request failed on ``field`` and left nothing behind: no run, no stored file, no job."""
    assert resp.status_code == status, resp.text
    errors = resp.json()["detail"]
    assert field in [e["field"] for e in errors], errors
    assert all(e["message"] and e["limit"] for e in errors)
    assert _snapshot(web) == before
    assert _queue(web).count == 0
    return next(e for e in errors if e["field"] == field)


def test_pages_and_api_need_a_login(web):
    with closing(web.client(login=False)) as c:
        assert c.get("/healthz").json() == {"ok": True}
        assert c.get("/api/runs").status_code == 401
        page = c.get("/approvals")
        assert page.status_code == 303 and page.headers["location"] == "/login"
        assert "登录" in c.get("/login").text


def test_login_sets_an_httponly_strict_cookie_and_wrong_password_is_refused(web):
    with closing(web.client(login=False)) as c:
        bad = c.post("/api/session", json={"username": "owner", "password": "nope"})
        assert bad.status_code == 401 and bad.json()["detail"][0]["field"] == "password"
        ok = c.post("/api/session", json={"username": "owner", "password": web.password})
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert web.password not in ok.text and "scrypt" not in ok.text
        assert c.get("/api/runs").status_code == 200
        c.cookies.set("opc_session", c.cookies["opc_session"][:-2] + "xx")  # tampered signature
        assert c.get("/api/runs").status_code == 401


def test_a_change_without_the_csrf_token_is_refused(web, ids, tmp_path):
    with closing(web.client()) as c:
        del c.headers["X-CSRF-Token"]
        before = _snapshot(web)
        resp = c.post("/api/runs", data=_form(ids), files=[("images", _jpeg(tmp_path))])
        _refused(web, resp, 403, "csrf_token", before)


def test_a_good_note_becomes_one_queued_run_with_its_images_stored(web, client, ids, tmp_path):
    resp = client.post("/api/runs", data=_form(ids), files=[("images", _jpeg(tmp_path, "a.jpg")),
                                                            ("images", _jpeg(tmp_path, "b.png", "PNG"))])
    assert resp.status_code == 201, resp.text
    (run,) = resp.json()["runs"]
    assert run["status_label"] == "排队中" and run["site_label"] == "小红书"
    assert [j.args for j in _queue(web).get_jobs()] == [(run["id"],)]
    with web.db() as s:
        stored = s.get(Run, run["id"])
    assert stored.content["topics"] == ["冷泡茶", "夏日"]
    assert [Image.open(p).format for p in stored.content["images"]] == ["JPEG", "PNG"]


@pytest.mark.parametrize("field,change,limit", [
    ("title", {"title": "一二三四五六七八九十一二三四五六七八九十一"}, "≤ 20"),
    ("body", {"body": "好" * 1001}, "≤ 1000"),
    ("topics", {"topics": " ".join(f"话题{i}" for i in range(11))}, "≤ 10"),
    ("timing", {"timing": "site", "publish_at": "__in_30_min__"}, "1小时–14天"),
    ("publish_at", {"timing": "at", "publish_at": "明天"}, "YYYY-MM-DD HH:MM"),
    ("account_id", {"account_id": "nobody"}, "本工作区的账号"),
    ("mode", {"mode": "yolo"}, "auto|semi_auto|suggest"),
])
def test_bad_fields_are_named_with_their_limit_and_nothing_is_saved(web, client, ids, tmp_path, field, change,
                                                                   limit):
    if change.get("publish_at") == "__in_30_min__":
        local = datetime.now(timezone(timedelta(hours=8))) + timedelta(minutes=30)
        change = {**change, "publish_at": local.strftime("%Y-%m-%dT%H:%M")}
    before = _snapshot(web)
    resp = client.post("/api/runs", data=_form(ids, **change), files=[("images", _jpeg(tmp_path))])
    err = _refused(web, resp, 422, field, before)
    assert err["limit"] == limit


def test_bad_images_are_refused_by_content_not_name(web, client, ids, tmp_path):
    before = _snapshot(web)
    ten = [("images", _jpeg(tmp_path, f"{i}.jpg")) for i in range(10)]
    assert "1–9" in _refused(web, client.post("/api/runs", data=_form(ids), files=ten), 422, "images", before)["limit"]
    gif = io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(gif, "GIF")
    resp = client.post("/api/runs", data=_form(ids), files=[("images", ("cat.jpg", gif.getvalue(), "image/jpeg"))])
    assert "GIF" in _refused(web, resp, 422, "images", before)["message"]
    resp = client.post("/api/runs", data=_form(ids), files=[("images", ("x.jpg", b"not an image", "image/jpeg"))])
    assert "不是图片" in _refused(web, resp, 422, "images", before)["message"]
    assert "1–9" in _refused(web, client.post("/api/runs", data=_form(ids)), 422, "images", before)["limit"]


def test_a_publish_time_is_read_in_the_workspace_zone_and_stored_in_utc(web, client, ids, tmp_path):
    local = (datetime.now(timezone(timedelta(hours=8))) + timedelta(days=2)).replace(hour=10, minute=0)
    resp = client.post("/api/runs", data=_form(ids, timing="at", publish_at=local.strftime("%Y-%m-%dT%H:%M")),
                       files=[("images", _jpeg(tmp_path))])
    assert resp.status_code == 201, resp.text
    run = resp.json()["runs"][0]
    assert run["status_label"] == "已排期" and run["not_before"] == local.strftime("%Y-%m-%d %H:%M")
    with web.db() as s:
        assert s.get(Run, run["id"]).not_before.hour == 2  # 10:00 in Shanghai
    assert _queue(web).count == 0  # the scheduler starts it at its time


def _pending_approval(web, ids, tmp_path) -> str:
    image = str(make_image(tmp_path / "shot.jpg"))
    with transaction(web.db) as s:
        run = Run(workspace_id=ids["workspace"], account_id=ids["account"], employee_id=ids["employee"],
                  site="xiaohongshu", mode="semi_auto", status="awaiting_approval",
                  content={"title": "原标题", "body": "正文", "topics": [], "images": [image]})
        s.add(run)
        s.flush()
        a = Approval(run_id=run.id, fields={"title": "原标题"})
        s.add(a)
        s.flush()
        return a.id


def test_decisions_are_checked_and_recorded_once(web, client, ids, tmp_path):
    approval_id = _pending_approval(web, ids, tmp_path)
    url = f"/api/approvals/{approval_id}/decision"
    no_reason = client.post(url, json={"approve": False})
    assert no_reason.status_code == 422 and no_reason.json()["detail"][0]["field"] == "reason"
    long_title = client.post(url, json={"approve": True, "edits": {"title": "长" * 21}})
    assert long_title.status_code == 422 and long_title.json()["detail"][0]["field"] == "title"
    with web.db() as s:
        assert s.get(Approval, approval_id).status == "pending"
    assert _queue(web).count == 0

    ok = client.post(url, json={"approve": True, "edits": {"title": "新标题"}})
    assert ok.status_code == 200 and ok.json()["status_label"] == "已批准"
    again = client.post(url, json={"approve": False, "reason": "改主意了"})
    assert again.status_code == 409
    with web.db() as s:
        a = s.get(Approval, approval_id)
        assert (a.status, s.get(Run, a.run_id).content["title"]) == ("approved", "新标题")
    assert [j.func_name for j in _queue(web).get_jobs()] == ["worker.resume_graph"]


def test_another_workspace_sees_nothing(web, client, ids):
    with transaction(web.db) as s:
        other = Workspace(name="别人")
        s.add(other)
        s.flush()
        acc = Account(workspace_id=other.id, site="xiaohongshu", name="他人", status="active")
        s.add(acc)
        s.flush()
        run = Run(workspace_id=other.id, account_id=acc.id, employee_id=ids["employee"], site="xiaohongshu",
                  mode="auto", status="published", content={"title": "x"})
        s.add(run)
        s.flush()
        art = Artifact(run_id=run.id, kind="screenshot", path=str(web.settings.data_dir / "opc.db"))
        s.add(art)
        s.flush()
        acc_id, run_id, art_id = acc.id, run.id, art.id
    assert client.get(f"/api/accounts/{acc_id}").status_code == 404
    assert client.get(f"/api/runs/{run_id}").status_code == 404
    assert client.get(f"/api/artifacts/{art_id}").status_code == 404


def test_adding_an_account_checks_the_site_and_starts_one_login(web, client):
    before = _count(web, Account)
    bad = client.post("/api/accounts", json={"site": "weibo", "name": "x"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "site"
    empty = client.post("/api/accounts", json={"site": "xiaohongshu", "name": ""})
    assert empty.status_code == 422 and empty.json()["detail"][0]["field"] == "name"
    assert _count(web, Account) == before and _queue(web).count == 0
    ok = client.post("/api/accounts", json={"site": "xiaohongshu", "name": "副号"})
    assert ok.status_code == 201 and ok.json()["status_label"] == "需要登录"
    assert [j.func_name for j in _queue(web).get_jobs()] == ["worker.login_account"]
    no_qr = client.post(f"/api/accounts/{ok.json()['id']}/simulate-scan")
    assert no_qr.status_code == 409 and no_qr.json()["detail"][0]["field"] == "login_qr"


def test_a_recurring_schedule_needs_a_valid_rule(web, client, ids, tmp_path):
    form = _form(ids, cron="every monday")
    bad = client.post("/api/schedules", data=form, files=[("images", _jpeg(tmp_path))])
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "cron"
    assert _count(web, Schedule) == 0
    ok = client.post("/api/schedules", data=_form(ids, cron="0 10 * * 1"), files=[("images", _jpeg(tmp_path))])
    assert ok.status_code == 201, ok.text
    next_at = datetime.strptime(ok.json()["next_at"], "%Y-%m-%d %H:%M")
    assert (next_at.weekday(), next_at.hour) == (0, 10)  # Monday 10:00 local time


def test_employee_mode_is_changed_from_the_phone(web, client, ids):
    bad = client.patch(f"/api/employees/{ids['employee']}", json={"mode": "turbo"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "mode"
    ok = client.patch(f"/api/employees/{ids['employee']}", json={"mode": "suggest"})
    assert ok.json()["mode_label"] == "仅建议"
    client.patch(f"/api/employees/{ids['employee']}", json={"mode": "semi_auto"})
