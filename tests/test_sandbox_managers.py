"""The content managers of the Xiaohongshu and Douyin replicas behave like the creator centers' own, driven
the way a person uses them: each row shows its cover, title, time, numbers and who can see it; 权限设置 /
设置权限 and 删除 go through a dialog whose 确定 changes the site once and 取消 changes nothing; a failing
site says so in the dialog; the numbers are the data pages' own."""
from __future__ import annotations

import httpx
from playwright.sync_api import expect

from tests.manager_fixtures import (NOTE_MANAGER, WORKS_MANAGER, add_post, douyin_replica, log_in_douyin,  # noqa: F401
                                    log_in_xhs, manage_log, xhs_replica)
from tests.sandbox_fixtures import chromium, context, page  # noqa: F401


def _row(page, attr: str, post_id: str):
    return page.locator(f"[{attr}='{post_id}']")


def test_a_note_set_to_only_me_shows_it_in_the_list_and_the_site_changed_it_once(page, xhs_replica):
    xhs_replica.reset()
    older = add_post(xhs_replica, "早春野餐清单", hours_ago=30)
    newer = add_post(xhs_replica, "通勤包里有什么", hours_ago=2)
    log_in_xhs(page, xhs_replica)
    page.goto(xhs_replica.url + NOTE_MANAGER)
    rows = page.locator("[data-note-id]")
    expect(rows).to_have_count(2)
    assert rows.first.get_attribute("data-note-id") == newer  # newest first
    row = _row(page, "data-note-id", older)
    expect(row.get_by_role("img", name="封面")).to_be_visible()
    expect(row.locator(".permission")).to_have_text("公开可见")
    row.get_by_role("button", name="权限设置").click()
    dialog = page.get_by_role("dialog", name="权限设置")
    expect(dialog.get_by_role("radio", name="公开可见")).to_be_checked()
    dialog.get_by_role("radio", name="仅自己可见").check()
    dialog.get_by_role("button", name="确定").click()
    expect(_row(page, "data-note-id", older).locator(".permission")).to_have_text("仅自己可见")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert manage_log(xhs_replica) == [{"id": older, "action": "permission", "value": "private"}]
    assert {n["id"]: n["visibility"] for n in xhs_replica.state()["notes"]} == {older: "private", newer: "public"}


def test_deleting_a_note_asks_first_cancel_keeps_it_and_confirm_removes_it_from_the_data_page_too(page, xhs_replica):
    xhs_replica.reset()
    gone = add_post(xhs_replica, "旧的试色笔记", hours_ago=50)
    log_in_xhs(page, xhs_replica)
    page.goto(xhs_replica.url + NOTE_MANAGER)
    _row(page, "data-note-id", gone).get_by_role("button", name="删除").click()
    dialog = page.get_by_role("dialog", name="删除笔记")
    expect(dialog).to_contain_text("确定删除这篇笔记吗？")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    assert manage_log(xhs_replica) == []
    _row(page, "data-note-id", gone).get_by_role("button", name="删除").click()
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_text("暂无笔记")).to_be_visible()
    assert [e["action"] for e in manage_log(xhs_replica)] == ["delete"]
    page.goto(xhs_replica.url + "/statistics/data-analysis")
    expect(page.get_by_text("旧的试色笔记")).to_have_count(0)


def test_the_note_managers_numbers_are_the_data_pages_numbers(page, xhs_replica):
    xhs_replica.reset()
    note = add_post(xhs_replica, "手冲咖啡入门", hours_ago=20)
    log_in_xhs(page, xhs_replica)
    truth = httpx.get(f"{xhs_replica.url}/__sandbox__/stats", params={"user": "demo"}, timeout=10).json()["posts"][note]
    page.goto(xhs_replica.url + NOTE_MANAGER)
    row = _row(page, "data-note-id", note)
    for label, metric in (("观看", "views"), ("点赞", "likes"), ("收藏", "collects"), ("评论", "comments"), ("分享", "shares")):
        shown = int(row.locator(f"[data-metric='{metric}']").inner_text().removeprefix(label).strip())
        assert abs(shown - truth[metric]) <= 1


def test_a_failing_site_says_so_in_the_dialog_and_changes_nothing(page, xhs_replica):
    xhs_replica.reset()
    note = add_post(xhs_replica, "周末市集", hours_ago=5)
    xhs_replica.faults(manage_failed=1)
    log_in_xhs(page, xhs_replica)
    page.goto(xhs_replica.url + NOTE_MANAGER)
    _row(page, "data-note-id", note).get_by_role("button", name="权限设置").click()
    dialog = page.get_by_role("dialog", name="权限设置")
    dialog.get_by_role("radio", name="仅自己可见").check()
    dialog.get_by_role("button", name="确定").click()
    expect(dialog.get_by_role("alert")).to_have_text("操作失败，请稍后重试")
    assert manage_log(xhs_replica) == []
    dialog.get_by_role("button", name="确定").click()  # the fault used up: the second try goes through
    expect(_row(page, "data-note-id", note).locator(".permission")).to_have_text("仅自己可见")


def test_a_work_set_to_only_me_and_another_deleted_show_in_the_works_manager(page, douyin_replica):
    douyin_replica.reset()
    kept = add_post(douyin_replica, "新品试用｜保温杯", hours_ago=3)
    gone = add_post(douyin_replica, "去年的活动预告", hours_ago=400)
    log_in_douyin(page, douyin_replica)
    page.goto(douyin_replica.url + WORKS_MANAGER)
    expect(page.get_by_text("共 2 个作品")).to_be_visible()
    card = _row(page, "data-aweme-id", kept)
    expect(card.get_by_role("img", name="封面")).to_be_visible()
    expect(card).to_contain_text("播放")
    expect(card).to_contain_text(f"作品ID {kept}")
    expect(card.locator("[class*=info-permission]")).to_have_text("公开")
    card.get_by_role("button", name="设置权限").click()
    dialog = page.get_by_role("dialog", name="设置权限")
    for word in ("公开", "好友可见", "仅自己可见"):
        expect(dialog.get_by_role("radio", name=word, exact=True)).to_be_visible()
    dialog.get_by_role("radio", name="仅自己可见").check()
    dialog.get_by_role("button", name="确定").click()
    expect(_row(page, "data-aweme-id", kept).locator("[class*=info-permission]")).to_have_text("仅自己可见")
    _row(page, "data-aweme-id", gone).get_by_role("button", name="删除").click()
    confirm = page.get_by_role("dialog", name="删除作品")
    expect(confirm).to_contain_text("确定删除该作品吗？")
    confirm.get_by_role("button", name="确定").click()
    expect(page.get_by_text("共 1 个作品")).to_be_visible()
    assert manage_log(douyin_replica) == [{"id": kept, "action": "permission", "value": "private"},
                                          {"id": gone, "action": "delete", "title": "去年的活动预告"}]


def test_a_dead_session_gets_the_login_box_on_the_works_manager_and_its_actions_answer_not_logged_in(page, douyin_replica):
    douyin_replica.reset()
    work = add_post(douyin_replica, "探店vlog", hours_ago=3)
    page.goto(douyin_replica.url + WORKS_MANAGER)
    expect(page.get_by_text("扫码登录")).to_be_visible()
    r = httpx.post(f"{douyin_replica.url}/janus/douyin/creator/pc/work/permission",
                   json={"item_id": work, "visibility": "private"}, timeout=10)
    assert r.json() == {"status_code": 8, "status_msg": "用户未登录"}
    assert manage_log(douyin_replica) == []
