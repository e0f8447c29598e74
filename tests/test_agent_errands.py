"""Errands on the Taobao replica with browser-use and a fake model that reads the page it is sent:
「把桂花图案手机壳改价到19.9元」 stops for the owner before 保存, approved it is saved once and read back,
rejected nothing changes, and a 保存 the agent clicks without announcing it is held the same way."""
from __future__ import annotations

from core.models import Artifact, LedgerEntry
from errands.models import AgentStep
from tests.agent_fixtures import (ITEM, Delists, PriceChange, agent_env, item_now, kill_worker, left_in_temp,  # noqa: F401
                                  pending_card, phone, price_edits, shop, start_errand, still_running)
from tests.core_fixtures import wait_until
from tests.fake_llm import fake_llm, fake_llm_server  # noqa: F401


def test_the_price_is_typed_the_owner_approves_save_and_the_shop_shows_19_9_once(agent_env, shop):
    shop["llm"].responder = PriceChange(announce=True)
    run_id = start_errand(agent_env, shop)
    run = agent_env.wait_status(run_id, "awaiting_approval", timeout=240)
    card = pending_card(agent_env, run_id)
    assert card.fields["agent_action"] == "保存新价格19.9元"
    assert price_edits(shop) == []  # typed, not saved
    with agent_env.db() as s:
        shot = s.get(Artifact, card.screenshot_id)
        steps = s.query(AgentStep).filter_by(run_id=run_id).order_by(AgentStep.n).all()
    assert shot is not None and shot.step == "filled"
    assert [d for st in steps for d in st.did][:3] == ["点击「出售中的宝贝」", "点击「编辑价格」", "在「价格」输入「19.9」"]
    phone(agent_env, shop).post(f"/api/approvals/{card.id}/decision", json={"approve": True}).raise_for_status()
    run = agent_env.wait_status(run_id, "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    assert item_now(shop)["price"] == "19.90"
    assert [(e["field"], e["new"]) for e in price_edits(shop)] == [("price", "19.90")]
    with agent_env.db() as s:
        entries = s.query(LedgerEntry).filter_by(run_id=run_id).all()
    assert [(e.status) for e in entries] == ["done"]
    assert left_in_temp(agent_env) == []  # the steps' pictures are kept once, in the store, not in /tmp


def test_rejected_at_the_card_the_price_stays(agent_env, shop):
    shop["llm"].responder = PriceChange(announce=True)
    run_id = start_errand(agent_env, shop)
    agent_env.wait_status(run_id, "awaiting_approval", timeout=240)
    card = pending_card(agent_env, run_id)
    phone(agent_env, shop).post(f"/api/approvals/{card.id}/decision",
                                json={"approve": False, "reason": "价格再想想"}).raise_for_status()
    run = agent_env.wait_status(run_id, "rejected", timeout=60)
    assert run.reason == "价格再想想"
    assert item_now(shop)["price"] == "29.90" and price_edits(shop) == []


def test_a_save_click_the_agent_did_not_announce_is_held_for_the_owner(agent_env, shop):
    shop["llm"].responder = PriceChange(announce=False)
    run_id = start_errand(agent_env, shop)
    agent_env.wait_status(run_id, "awaiting_approval", timeout=240)
    assert pending_card(agent_env, run_id).fields["agent_action"] == "点击「保存」"
    assert price_edits(shop) == []


def test_delisting_waits_for_the_owner_and_the_sites_confirm_dialog_is_answered_as_part_of_it(agent_env, shop):
    shop["llm"].responder = Delists()
    run_id = start_errand(agent_env, shop, instruction=f"把{ITEM}下架", goal=f"把{ITEM}下架",
                          done_when=f"出售中的宝贝里不再有{ITEM}")
    agent_env.wait_status(run_id, "awaiting_approval", timeout=240)
    card = pending_card(agent_env, run_id)
    assert card.fields["agent_action"] == f"下架{ITEM}" and shop["replica"].state()["edits"] == []
    phone(agent_env, shop).post(f"/api/approvals/{card.id}/decision", json={"approve": True}).raise_for_status()
    run = agent_env.wait_status(run_id, "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    assert [(e["field"], e["new"]) for e in shop["replica"].state()["edits"]] == [("shelf", "warehouse")]
    assert item_now(shop)["shelf"] == "in_stock"


def test_a_worker_killed_mid_errand_leaves_no_chromium_and_the_price_is_saved_once(agent_env, shop):
    shop["llm"].responder = PriceChange(announce=True)
    run_id = start_errand(agent_env, shop)
    wait_until(lambda: _steps(agent_env, run_id) >= 1, timeout=240, what="the agent's first step")
    browsers = kill_worker(agent_env)  # while the agent works on the page
    assert browsers, "the killed worker ran no Chromium"
    agent_env.wait_status(run_id, "awaiting_approval", timeout=300)  # the run is taken up again from its checkpoint
    phone(agent_env, shop).post(f"/api/approvals/{pending_card(agent_env, run_id).id}/decision",
                                json={"approve": True}).raise_for_status()
    wait_until(lambda: price_edits(shop), timeout=240, what="the save on the site")
    if agent_env.run(run_id).status != "published":
        browsers |= kill_worker(agent_env)  # after the save, before the read-back
    run = agent_env.wait_status(run_id, "published", "failed", timeout=300)
    assert run.status == "published", run.reason
    assert [(e["field"], e["new"]) for e in price_edits(shop)] == [("price", "19.90")]
    wait_until(lambda: not still_running(browsers), timeout=30, what="the killed worker's Chromium to go")


def _steps(env, run_id) -> int:
    with env.db() as s:
        return s.query(AgentStep).filter_by(run_id=run_id).count()
