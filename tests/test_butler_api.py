"""运营管家 on the phone's API: a reminder is read back before it is saved and refused in Chinese when its words
miss something; a group bot's address and secret are checked, sealed, and never shown back in full; a test
message that the bot refuses says why; the 派活 page sets the brief's time; another workspace's rows are 404."""
from __future__ import annotations

from butler.models import Channel, Reminder
from core.db import transaction
from core.models import Employee
from tests.butler_fixtures import SIGNING, add_channel, bots, butler_workspace  # noqa: F401
from tests.web_fixtures import client, web  # noqa: F401


def _ops(web) -> str:  # noqa: F811
    with web.db() as s:
        return s.query(Employee).filter_by(role="operations").one().id


def test_a_reminder_is_read_back_then_saved_and_words_missing_a_time_are_refused(web, client):  # noqa: F811
    before = client.get("/api/butler").json()["reminders"]
    seen = client.post("/api/butler/reminders/preview", json={"text": "每周一早上9点提醒我盘点库存"}).json()
    assert seen["confirm_text"].startswith("将在每周一 09:00 提醒：盘点库存（下次 ")
    assert client.get("/api/butler").json()["reminders"] == before  # a preview stores nothing
    bad = client.post("/api/butler/reminders", json={"text": "提醒我交房租"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "text" and "没有说什么时候提醒" in bad.json()["detail"][0]["message"]
    made = client.post("/api/butler/reminders", json={"text": "每周一早上9点提醒我盘点库存"})
    assert made.status_code == 201 and made.json()["kind_label"] == "重复"
    page = client.get("/butler").text
    assert "盘点库存" in page and "你说：每周一早上9点提醒我盘点库存" in page
    gone = client.delete(f"/api/butler/reminders/{made.json()['id']}").json()
    assert gone["status_label"] == "已取消" and gone["next_label"] == ""


def test_a_bot_is_checked_sealed_and_only_shown_masked_and_a_refused_test_says_why(web, client, bots):  # noqa: F811
    bad = client.post("/api/butler/channels", json={"kind": "wecom", "url": "qyapi.weixin.qq.com/x", "secret": "s"})
    assert bad.status_code == 422
    assert {e["field"]: e["message"] for e in bad.json()["detail"]} == {
        "url": "Webhook 地址要以 https:// 开头，从群机器人设置里整段复制", "secret": "企业微信群机器人没有签名密钥，请留空"}
    wrong = client.post("/api/butler/channels", json={"kind": "feishu", "url": bots.url("feishu"), "secret": "not-it"})
    assert wrong.status_code == 201 and wrong.json()["address"].endswith("/…hook")
    refused = client.post(f"/api/butler/channels/{wrong.json()['id']}/test")
    assert refused.status_code == 502
    assert refused.json()["detail"][0]["message"] == "飞书：机器人拒收（错误码 19021：sign match fail）"
    right = client.post("/api/butler/channels", json={"kind": "feishu", "name": "老板群", "url": bots.url("feishu"),
                                                      "secret": SIGNING["feishu"]}).json()
    assert client.post(f"/api/butler/channels/{right['id']}/test").json()["message"] == "已发送到老板群，请到群里查看"
    assert len(bots.received["feishu"]) == 1
    listed = client.get("/api/butler").text + client.get("/butler").text
    assert "feishu-secret-hook" not in listed and SIGNING["feishu"] not in listed
    with web.db() as s:
        sealed = s.get(Channel, right["id"]).sealed
    assert "feishu-secret-hook" not in sealed and SIGNING["feishu"] not in sealed
    assert client.delete(f"/api/butler/channels/{wrong.json()['id']}").json()["deleted"]


def test_the_brief_time_is_set_from_the_task_page_and_shown_on_the_butler_page(web, client):  # noqa: F811
    plan = client.post("/api/tasks", json={"employee_id": _ops(web), "text": "每天早上7点半给我发日报"})
    assert plan.status_code == 201 and plan.json()["butler"]["time"] == "07:30"
    assert "每天 07:30 发日报" in client.get(f"/tasks/{plan.json()['id']}").text
    done = client.post(f"/api/tasks/{plan.json()['id']}/confirm")
    assert done.status_code == 201 and done.json()["done"] == "已设置：每天 07:30 发日报"
    assert client.get("/api/butler").json()["brief_time"] == "07:30"
    assert client.post(f"/api/tasks/{plan.json()['id']}/confirm").status_code == 409
    bad = client.patch(f"/api/employees/{_ops(web)}", json={"brief_time": "25:00"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["message"] == "日报时间请写成 时:分，例如 08:30"
    unclear = client.post("/api/tasks", json={"employee_id": _ops(web), "text": "提醒我给张总报价"})
    assert unclear.status_code == 422 and "没有说什么时候提醒" in unclear.json()["detail"][0]["message"]


def test_another_workspaces_reminder_and_bot_are_answered_like_missing_ones(web, client):  # noqa: F811
    other = butler_workspace(web.db)
    bot = add_channel(web.db, web.settings, other, "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x1")
    with transaction(web.db) as s:
        r = Reminder(workspace_id=other, text="每月5号提醒我交房租", what="交房租", kind="recurring", cron="0 10 5 * *")
        s.add(r)
        s.flush()
        reminder = r.id
    for answer in (client.delete(f"/api/butler/reminders/{reminder}"), client.delete("/api/butler/reminders/nope")):
        assert answer.status_code == 404 and answer.json()["detail"][0]["message"] == "没有这个提醒"
    for answer in (client.post(f"/api/butler/channels/{bot}/test"), client.delete(f"/api/butler/channels/{bot}")):
        assert answer.status_code == 404 and answer.json()["detail"][0]["message"] == "没有这个群机器人"
    with web.db() as s:
        assert s.get(Reminder, reminder).status == "active" and s.get(Channel, bot) is not None
