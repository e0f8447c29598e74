"""Errands on the Xiaohongshu and Douyin replicas with browser-use and a fake model that reads the page it is
sent: 「读出小红书最近5篇笔记的标题和点赞数」 answers the five newest notes' titles and likes as 笔记管理 shows
them; 「把抖音上标题里有'试用'的作品设为私密」 stops before each 仅自己可见 for the owner (with the page's
screenshot), approved each such work turns private once and nothing else changes, rejected nothing changes."""
from __future__ import annotations

import time

import httpx
import pytest

from core.models import Approval, Artifact
from tests.agent_fixtures import (DeletesNote, MakesPrivate, ReadsNotes, add_posts, creator, pending_card, phone,  # noqa: F401
                                  social_env, start_errand)
from tests.core_fixtures import wait_until
from tests.fake_llm import fake_llm, fake_llm_server  # noqa: F401

NOTES = ["通勤包里有什么", "早春野餐清单", "手冲咖啡入门", "周末市集逛吃", "新买的护手霜", "一人食便当", "旧的试色笔记"]
WORKS = ["新品试用｜保温杯", "探店vlog｜巷子里的面馆", "护手霜试用一周"]


def test_reading_the_five_newest_notes_answers_their_titles_and_likes_as_the_site_shows_them(social_env, fake_llm):
    xhs = creator(social_env, "xiaohongshu", fake_llm)
    add_posts(xhs, NOTES)
    xhs["replica"].faults(stats_now=time.time())  # the numbers hold still while the agent reads them
    fake_llm.responder = ReadsNotes()
    run_id = start_errand(social_env, xhs, instruction="读出小红书最近5篇笔记的标题和点赞数", goal="读出最近5篇笔记的标题和点赞数",
                          done_when="读到了最近5篇笔记的标题和点赞数", reads_only=True, forbidden=("不修改任何笔记",))
    run = social_env.wait_status(run_id, "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    likes = httpx.get(f"{xhs['replica'].url}/__sandbox__/stats", params={"user": xhs["user"]}, timeout=10).json()["posts"]
    newest = [n for n in xhs["replica"].state()["notes"] if n["user"] == xhs["user"]][:5]
    expected = [{"标题": n["title"], "点赞": likes[n["id"]]["likes"]} for n in newest]
    assert [r["标题"] for r in expected] == NOTES[:5]
    answer = phone(social_env, xhs).get(f"/api/errands/{run_id}").json()["errand"]["answer"]
    assert answer == expected
    assert xhs["replica"].state()["manage_log"] == []


def _next_card(env, run_id: str, seen: set) -> Approval | None:
    with env.db() as s:
        return s.query(Approval).filter(Approval.run_id == run_id, Approval.status == "pending",
                                        Approval.id.notin_(seen)).one_or_none()


def _visibility(account: dict) -> dict[str, str]:
    return {w["title"]: w["visibility"] for w in account["replica"].state()["works"] if w["user"] == account["user"]}


@pytest.mark.parametrize("answer_ms", [0, 3000], ids=["site_answers_at_once", "site_answers_in_3s"])
def test_each_trial_work_waits_for_the_owner_and_approved_turns_private_once(social_env, fake_llm, answer_ms):
    dy = creator(social_env, "douyin", fake_llm)
    add_posts(dy, WORKS)
    # A slow answer to 确定: the employee must not look at the list again before the site took the change.
    dy["replica"].faults(manage_slow_ms=answer_ms)
    fake_llm.responder = MakesPrivate()
    run_id = start_errand(social_env, dy, instruction="把抖音上标题里有'试用'的作品设为私密",
                          goal="把标题里有「试用」的作品设为仅自己可见", done_when="作品管理里这些作品显示仅自己可见",
                          forbidden=("不改其他作品",))
    c = phone(social_env, dy)
    actions, seen = [], set()
    for _ in WORKS[::2]:  # the two works with 试用, one approval each
        card = wait_until(lambda: _next_card(social_env, run_id, seen), timeout=240,
                          what=f"the next card (run now {social_env.run(run_id).status}: {social_env.run(run_id).reason})")
        seen.add(card.id)
        actions.append(card.fields["agent_action"])
        with social_env.db() as s:
            assert s.get(Artifact, card.screenshot_id).step == "filled"
        c.post(f"/api/approvals/{card.id}/decision", json={"approve": True}).raise_for_status()
    run = social_env.wait_status(run_id, "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    assert actions == [f"把「{WORKS[0]}」设为仅自己可见", f"把「{WORKS[2]}」设为仅自己可见"]
    assert _visibility(dy) == {WORKS[0]: "private", WORKS[1]: "public", WORKS[2]: "private"}
    log = dy["replica"].state()["manage_log"]
    assert sorted((e["action"], e["value"]) for e in log) == [("permission", "private")] * 2
    assert len({e["id"] for e in log}) == 2


def test_rejected_at_the_card_no_work_changes(social_env, fake_llm):
    dy = creator(social_env, "douyin", fake_llm)
    add_posts(dy, WORKS)
    fake_llm.responder = MakesPrivate()
    run_id = start_errand(social_env, dy, instruction="把抖音上标题里有'试用'的作品设为私密",
                          goal="把标题里有「试用」的作品设为仅自己可见", done_when="作品管理里这些作品显示仅自己可见")
    social_env.wait_status(run_id, "awaiting_approval", timeout=240)
    card = pending_card(social_env, run_id)
    assert dy["replica"].state()["manage_log"] == []  # held, not clicked
    phone(social_env, dy).post(f"/api/approvals/{card.id}/decision",
                               json={"approve": False, "reason": "先别改"}).raise_for_status()
    run = social_env.wait_status(run_id, "rejected", timeout=60)
    assert run.reason == "先别改"
    assert dy["replica"].state()["manage_log"] == []
    assert set(_visibility(dy).values()) == {"public"}


def test_choosing_only_me_without_announcing_it_is_held_for_the_owner_all_the_same(social_env, fake_llm):
    dy = creator(social_env, "douyin", fake_llm)
    add_posts(dy, WORKS)
    fake_llm.responder = MakesPrivate(announce=False)
    run_id = start_errand(social_env, dy, instruction="把抖音上标题里有'试用'的作品设为私密",
                          goal="把标题里有「试用」的作品设为仅自己可见", done_when="作品管理里这些作品显示仅自己可见")
    social_env.wait_status(run_id, "awaiting_approval", timeout=240)
    assert pending_card(social_env, run_id).fields["agent_action"] == "点击「仅自己可见」"
    assert dy["replica"].state()["manage_log"] == []


def test_deleting_a_note_waits_for_the_owner_and_the_sites_confirm_is_answered_as_part_of_it(social_env, fake_llm):
    xhs = creator(social_env, "xiaohongshu", fake_llm)
    add_posts(xhs, NOTES[:3])
    fake_llm.responder = DeletesNote(NOTES[1])
    run_id = start_errand(social_env, xhs, instruction=f"删除笔记「{NOTES[1]}」", goal=f"删除笔记「{NOTES[1]}」",
                          done_when="笔记管理里不再有这篇笔记", forbidden=("不删除其他笔记",))
    social_env.wait_status(run_id, "awaiting_approval", timeout=240)
    card = pending_card(social_env, run_id)
    assert card.fields["agent_action"] == f"删除笔记「{NOTES[1]}」" and xhs["replica"].state()["manage_log"] == []
    phone(social_env, xhs).post(f"/api/approvals/{card.id}/decision", json={"approve": True}).raise_for_status()
    run = social_env.wait_status(run_id, "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    assert [(e["action"], e["title"]) for e in xhs["replica"].state()["manage_log"]] == [("delete", NOTES[1])]
    assert [n["title"] for n in xhs["replica"].state()["notes"] if n["user"] == xhs["user"]] == [NOTES[0], NOTES[2]]
