"""The owner's own hand inside an errand, through the take-over the form workflows use: Taobao's slider
coming up while the agent works is dragged on the phone and the agent goes on; 接管 on the approval card
lets her save the price herself on the live page, hand it back, and the employee never saves a second time."""
from __future__ import annotations

from contextlib import closing

from core.models import LedgerEntry
from rpa.runtime import VIEWPORT
from rpa.vault import Vault
from tests.agent_fixtures import (ITEM, ON_SALE, PriceChange, agent_env, item_now, pending_card, phone,  # noqa: F401
                                  price_edits, shop, start_errand)
from tests.core_fixtures import wait_until
from tests.fake_llm import fake_llm, fake_llm_server  # noqa: F401
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)

# The picture of the slider frames the replica's 300 px track 24 px either side and its 40×34 knob 96 px
# below the top (graphs.steps.slider_area): where the owner's finger goes on it.
KNOB_W, KNOB_H, TRACK_W = 40, 34, 300
WIDTH, HEIGHT = TRACK_W + 48, KNOB_H + 160
X0, Y = (24 + KNOB_W / 2) / WIDTH, (96 + KNOB_H / 2) / HEIGHT
SPAN = (TRACK_W - KNOB_W) / WIDTH


def _step(api, run_id: str, kind: str) -> dict:
    """What the phone shows once the run waits for the owner's hand (``kind``: drag or takeover)."""
    return wait_until(lambda: (st := api.get(f"/api/runs/{run_id}/step").json())["kind"] == kind and st,
                      timeout=240, what=f"the run's {kind} step")


def test_a_slider_during_the_errand_is_dragged_on_the_phone_and_the_price_is_saved_once(agent_env, shop):
    shop["replica"].faults(slider_data_page="on_sale")  # 出售中的宝贝 comes up under the baxia slider
    shop["llm"].responder = PriceChange(announce=True)
    run_id = start_errand(agent_env, shop)
    with closing(phone(agent_env, shop)) as api:
        step = _step(api, run_id, "drag")
        assert "安全验证滑块" in step["prompt"]
        assert api.get(step["screenshot"]).headers["content-type"] == "image/jpeg"
        page = api.get(f"/runs/{run_id}").text
        assert "等待你在手机上操作" in page and "网站弹出了安全验证滑块" in page
        assert price_edits(shop) == []
        drag = [[X0 + SPAN * i / 30, Y, 30 * i] for i in range(31)]  # her slow, steady drag
        assert api.post(f"/api/runs/{run_id}/drag", json={"points": drag}).status_code == 200
        agent_env.wait_status(run_id, "awaiting_approval", timeout=240)  # the agent went on to the price
        card = pending_card(agent_env, run_id)
        assert card.fields["agent_action"] == "保存新价格19.9元"
        api.post(f"/api/approvals/{card.id}/decision", json={"approve": True}).raise_for_status()
        run = agent_env.wait_status(run_id, "published", "failed", timeout=240)
        assert run.status == "published", run.reason
        page = api.get(f"/runs/{run_id}").text
    assert shop["replica"].state()["slider"] == {"shown": 1, "passed": 1, "failed": 0}
    assert item_now(shop)["price"] == "19.90"
    assert [(e["field"], e["new"]) for e in price_edits(shop)] == [("price", "19.90")]
    assert "已完成" in page and "请主人在手机上拖动安全验证滑块" in page


def _save_button(chromium, agent_env, shop) -> tuple[float, float]:  # noqa: F811
    """Where 保存 of the open price popover is on a 1280×900 window of 出售中的宝贝 (the worker's window), as
    fractions of it: what the owner sees on the picture and taps."""
    ctx = chromium.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai",
                               storage_state=Vault(agent_env.settings).load(shop["account"]))
    try:
        page = ctx.new_page()
        page.goto(shop["replica"].url + ON_SALE)
        page.locator("tr.item-row", has_text=ITEM).get_by_role("button", name="编辑价格").click()
        box = page.get_by_role("dialog", name="编辑价格").get_by_role("button", name="保存").bounding_box()
    finally:
        ctx.close()
    return (box["x"] + box["width"] / 2) / VIEWPORT["width"], (box["y"] + box["height"] / 2) / VIEWPORT["height"]


def test_taken_over_at_the_card_the_owner_saves_herself_hands_back_and_the_price_is_saved_once(agent_env, shop,
                                                                                               chromium):  # noqa: F811
    shop["llm"].responder = PriceChange(announce=True)
    run_id = start_errand(agent_env, shop)
    agent_env.wait_status(run_id, "awaiting_approval", timeout=240)
    card = pending_card(agent_env, run_id)
    with closing(phone(agent_env, shop)) as api:
        assert "接管" in api.get(f"/approvals/{card.id}").text
        api.post(f"/api/approvals/{card.id}/decision", json={"approve": False, "take_over": True}).raise_for_status()
        step = _step(api, run_id, "takeover")
        assert "你已接管「保存新价格19.9元」前的页面" in step["prompt"]
        page = api.get(f"/runs/{run_id}").text
        assert "等待你在手机上操作" in page and "交还给员工" in page
        assert price_edits(shop) == []  # the page as the agent filled it: nothing saved by the employee
        x, y = _save_button(chromium, agent_env, shop)
        assert api.post(f"/api/runs/{run_id}/tap", json={"x": x, "y": y}).status_code == 200
        wait_until(lambda: price_edits(shop), timeout=60, what="her own save on the site")
        assert api.post(f"/api/runs/{run_id}/back", json={"finished": False}).status_code == 200
        run = agent_env.wait_status(run_id, "published", "failed", timeout=240)
        assert run.status == "published", run.reason
        page = api.get(f"/runs/{run_id}").text
        late = api.post(f"/api/runs/{run_id}/back", json={"finished": False})
        assert late.status_code == 409 and "没有需要你在手机上操作" in late.json()["detail"][0]["message"]
        assert "已接管" in api.get(f"/approvals/{card.id}").text
    assert item_now(shop)["price"] == "19.90"
    assert [(e["field"], e["new"]) for e in price_edits(shop)] == [("price", "19.90")]  # saved once: hers
    with agent_env.db() as s:
        assert s.query(LedgerEntry).filter_by(run_id=run_id).count() == 0  # the employee pressed nothing
    assert "已完成" in page and "主人接管了页面，亲手操作后交还给员工接着做" in page
    assert "存成技能" not in page  # her taps are not in the recording: no skill from this run


def test_a_hand_back_is_refused_while_only_the_sites_slider_waits(agent_env, shop):
    shop["replica"].faults(slider_data_page="on_sale")
    shop["llm"].responder = PriceChange(announce=True)
    run_id = start_errand(agent_env, shop)
    with closing(phone(agent_env, shop)) as api:
        _step(api, run_id, "drag")
        refused = api.post(f"/api/runs/{run_id}/back", json={"finished": True})
        assert refused.status_code == 409 and "没有需要你在手机上操作" in refused.json()["detail"][0]["message"]
        drag = [[X0 + SPAN * i / 30, Y, 30 * i] for i in range(31)]
        assert api.post(f"/api/runs/{run_id}/drag", json={"points": drag}).status_code == 200
        agent_env.wait_status(run_id, "awaiting_approval", timeout=240)
    assert shop["replica"].state()["slider"]["passed"] == 1 and price_edits(shop) == []


def test_the_owner_who_finishes_the_job_herself_ends_the_run_on_what_the_site_shows(agent_env, shop, chromium):  # noqa: F811
    shop["llm"].responder = PriceChange(announce=True)
    run_id = start_errand(agent_env, shop)
    agent_env.wait_status(run_id, "awaiting_approval", timeout=240)
    card = pending_card(agent_env, run_id)
    with closing(phone(agent_env, shop)) as api:
        api.post(f"/api/approvals/{card.id}/decision", json={"approve": False, "take_over": True}).raise_for_status()
        _step(api, run_id, "takeover")
        x, y = _save_button(chromium, agent_env, shop)
        assert api.post(f"/api/runs/{run_id}/tap", json={"x": x, "y": y}).status_code == 200
        wait_until(lambda: price_edits(shop), timeout=60, what="her own save on the site")
        asked = len(shop["llm"].requests)
        assert api.post(f"/api/runs/{run_id}/back", json={"finished": True}).status_code == 200
        run = agent_env.wait_status(run_id, "published", "failed", timeout=240)
        assert run.status == "published", run.reason
        page = api.get(f"/runs/{run_id}").text
    assert "主人接管了页面，亲手操作后说任务已做完" in page and "¥19.90" in page
    assert len(shop["llm"].requests) == asked + 1  # only the judge's reading of the page: the agent did no more
    assert [(e["field"], e["new"]) for e in price_edits(shop)] == [("price", "19.90")]
