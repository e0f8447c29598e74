"""客服代表 beside the rest of the service (a real web server on the seeded demo workspace): the inbox's
background sweeps stay out of the owner's runs list but stay on record, and a reply card reached from 审批
is acted on in one place, its conversation, where the draft can be edited; 审批's own API and 全部批准 decide
a reply card the way the inbox does (her edit posted and kept, the history saying who approved it)."""
from __future__ import annotations

from core.inbox import Conversation, ConversationEvent
from core.models import Approval, Employee, Run
from tests.inbox_fixtures import background_sweeps, waiting_reply
from tests.web_fixtures import client, web  # noqa: F401

EDITED = "亲，冷泡茶每盒12包，到手价39元，冷藏4小时就好喝～"


def stored_inbox_settings(web) -> dict | None:
    with web.db() as s:
        return (s.query(Employee).filter_by(role="service").first().settings or {}).get("inbox")


def events(web, conv_id: str) -> list[tuple[str, str, str]]:
    with web.db() as s:
        return [(e.kind, e.actor, e.text) for e in s.query(ConversationEvent).filter_by(conversation_id=conv_id)
                .order_by(ConversationEvent.at, ConversationEvent.id)]


def test_inbox_sweeps_stay_out_of_the_owners_runs_list_and_home_but_are_listed_for_the_audit(web, client):  # noqa: F811
    waiting = waiting_reply(web.db, "sweep-list-1")
    sweeps = background_sweeps(web.db, 60)
    work = client.get("/api/runs", params={"limit": 200}).json()["runs"]
    assert waiting.run in [r["id"] for r in work]
    assert not [r for r in work if r["graph"] == "inbound_sweep"]
    background = client.get("/api/runs", params={"kind": "background", "limit": 200}).json()["runs"]
    assert {r["id"] for r in background} == set(sweeps)
    home, runs_page = client.get("/").text, client.get("/runs").text
    assert "查看新的评论、私信和评价" not in home + runs_page and "回复阿橙的评论" in runs_page
    audit = client.get("/runs", params={"kind": "background"}).text
    assert "后台查看记录" in audit and audit.count("查看新的评论、私信和评价") == 60


def test_a_reply_card_opened_from_the_approvals_tab_leads_to_its_conversation_with_the_draft_editable(
        web, client):  # noqa: F811
    waiting = waiting_reply(web.db, "card-page-1")
    page = client.get(f"/approvals/{waiting.approval}", follow_redirects=True)
    assert page.status_code == 200 and str(page.url).endswith(f"/inbox/{waiting.conversation}")
    assert "回复内容" in page.text and "您好，每盒12包，到手价39元。" in page.text and "批准发送" in page.text


def test_a_reply_card_approved_with_an_edit_through_the_approvals_api_posts_her_text_and_keeps_the_edit(
        web, client):  # noqa: F811
    waiting = waiting_reply(web.db, "card-edit-1")
    resp = client.post(f"/api/approvals/{waiting.approval}/decision", json={"approve": True, "edits": {"body": EDITED}})
    assert resp.status_code == 200 and resp.json()["status"] == "approved"
    with web.db() as s:
        run, conv = s.get(Run, waiting.run), s.get(Conversation, waiting.conversation)
        assert run.content["body"] == EDITED and conv.draft == EDITED
    assert [(k, a) for k, a, _ in events(web, waiting.conversation)][-2:] == [("edited", "owner"), ("approved", "owner")]
    assert events(web, waiting.conversation)[-1][2] == EDITED


def test_an_edit_on_the_approvals_api_that_diverts_to_wechat_is_refused_in_chinese_and_nothing_is_saved(
        web, client):  # noqa: F811
    waiting = waiting_reply(web.db, "card-edit-2")
    resp = client.post(f"/api/approvals/{waiting.approval}/decision",
                       json={"approve": True, "edits": {"body": "加微信 tea_8888 给你优惠"}})
    assert resp.status_code == 422 and "微信" in resp.text
    with web.db() as s:
        assert s.get(Approval, waiting.approval).status == "pending"
        assert s.get(Run, waiting.run).content["body"] == "您好，每盒12包，到手价39元。"
    assert [k for k, _, _ in events(web, waiting.conversation)] == ["received", "drafted"]


def test_a_reply_card_rejected_on_the_approvals_api_leaves_the_conversation_unanswered_with_her_reason(
        web, client):  # noqa: F811
    waiting = waiting_reply(web.db, "card-reject-1")
    resp = client.post(f"/api/approvals/{waiting.approval}/decision", json={"approve": False, "reason": "价格我来回"})
    assert resp.status_code == 200 and resp.json()["status"] == "rejected"
    with web.db() as s:
        conv = s.get(Conversation, waiting.conversation)
    assert conv.status == "ignored" and "价格我来回" in conv.note
    assert events(web, waiting.conversation)[-1] == ("rejected", "owner", "价格我来回")


def test_approve_all_on_the_approvals_tab_approves_reply_cards_as_the_inbox_does(web, client):  # noqa: F811
    waiting = waiting_reply(web.db, "card-all-1")
    resp = client.post("/api/approvals/approve-all", json={})
    assert resp.status_code == 200 and waiting.approval in resp.json()["ids"]
    assert events(web, waiting.conversation)[-1] == ("approved", "owner", "您好，每盒12包，到手价39元。")


def test_the_owner_marks_a_draft_not_to_be_answered_its_card_and_run_go_and_she_can_reopen_it(web, client):  # noqa: F811
    waiting = waiting_reply(web.db, "no-reply-1")
    resp = client.post(f"/api/inbox/{waiting.conversation}/decision", json={"action": "ignore"})
    assert resp.status_code == 200 and resp.json()["status_label"] == "已忽略"
    with web.db() as s:
        assert s.get(Approval, waiting.approval).status != "pending" and s.get(Run, waiting.run).status == "cancelled"
    again = client.post(f"/api/inbox/{waiting.conversation}/decision", json={"action": "reopen"}).json()
    assert again["status_label"] == "转人工" and [e["label"] for e in again["history"]][-2:] == ["标记为不回复", "重新打开"]


def test_a_conversation_handed_to_the_owner_is_answered_with_her_own_words_checked_first(web, client):  # noqa: F811
    waiting = waiting_reply(web.db, "by-hand-1")
    taken = client.post(f"/api/inbox/{waiting.conversation}/decision", json={"action": "human", "reason": "我来回"})
    assert taken.json()["status_label"] == "转人工"
    bad = client.post(f"/api/inbox/{waiting.conversation}/decision", json={"action": "approve", "text": "加我vx tea8888"})
    assert bad.status_code == 422 and "回复内容" in bad.text
    mine = client.post(f"/api/inbox/{waiting.conversation}/decision", json={"action": "approve", "text": EDITED}).json()
    assert mine["status_label"] == "待审批" and mine["run_id"] != waiting.run
    with web.db() as s:
        run = s.get(Run, mine["run_id"])
        assert run.content["body"] == EDITED and s.query(Approval).filter_by(run_id=run.id).one().status == "approved"


def test_the_owner_closes_a_conversation_she_dealt_with_elsewhere_its_card_goes_and_the_record_says_closed(
        web, client):  # noqa: F811
    waiting = waiting_reply(web.db, "closed-1")
    page = client.get(f"/inbox/{waiting.conversation}").text
    assert "已在别处处理，关闭" in page
    closed = client.post(f"/api/inbox/{waiting.conversation}/decision", json={"action": "close"})
    assert closed.status_code == 200 and closed.json()["status_label"] == "已忽略"
    assert [e["label"] for e in closed.json()["history"]][-1] == "关闭"
    with web.db() as s:
        assert s.get(Approval, waiting.approval).status != "pending" and s.get(Run, waiting.run).status == "cancelled"
    again = client.post(f"/api/inbox/{waiting.conversation}/decision", json={"action": "reopen"}).json()
    assert again["status_label"] == "转人工"


def test_the_inbox_filters_by_the_five_statuses_in_chinese_and_a_conversation_shows_its_category(web, client):  # noqa: F811
    waiting = waiting_reply(web.db, "labels-1")
    inbox_page = client.get("/inbox").text
    for label in ("新", "待审批", "已回复", "转人工", "已忽略"):
        assert f">{label}（" in inbox_page, label
    assert "价格/物流/售后" in client.get(f"/inbox/{waiting.conversation}").text


def test_inbox_settings_out_of_range_are_refused_in_chinese_naming_the_field_and_nothing_is_saved(web, client):  # noqa: F811
    before = stored_inbox_settings(web)
    bad_hours = client.put("/api/inbox/settings", json={"enabled": True, "quiet_hours": "25:00-08:00"})
    assert bad_hours.status_code == 422 and "免打扰时段" in bad_hours.text and "23:00-08:00" in bad_hours.text
    bad_gap = client.put("/api/inbox/settings", json={"enabled": True, "spacing": "90-20"})
    assert bad_gap.status_code == 422 and "两条回复之间的间隔" in bad_gap.text and "最少-最多" in bad_gap.text
    too_sure = client.put("/api/inbox/settings", json={"enabled": True, "confidence": 2})
    assert too_sure.status_code == 422 and "自动回复的把握：不能大于1" in too_sure.text
    assert stored_inbox_settings(web) == before
