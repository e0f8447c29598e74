"""An errand's model cost cap (单次费用上限) on the Taobao replica with a priced model: the run that passes the cap
stops with the reason the owner reads, before the answer that took it past the cap is acted on, and the run page
shows what the model cost, to the fen, as the tokens the model reported times the configured prices."""
from __future__ import annotations

import pytest

from core.models import Approval
from errands.models import AgentStep
from rpa.agent_guard import fen_up
from tests.agent_fixtures import (DEFAULT_CAP, PRICE_IN, PRICE_OUT, PriceChange, is_judge, item_now, metered,  # noqa: F401
                                  pending_card, phone, priced_env, set_budget, shop, start_errand)
from tests.fake_llm import fake_llm, fake_llm_server  # noqa: F401

PROMPT, COMPLETION = 3000, 200
"""What each of the agent's model calls reports using: 3000 × 4 + 200 × 16 yuan per million = ¥0.0152 a call."""
PER_CALL = (PROMPT * PRICE_IN + COMPLETION * PRICE_OUT) / 1_000_000


@pytest.fixture(scope="module")
def agent_env(priced_env):
    """``shop`` on the priced stack."""
    return priced_env


def test_the_deployments_cost_cap_of_four_fen_stops_the_price_change_before_the_third_answer_is_acted_on(
        agent_env, shop):
    assert DEFAULT_CAP == 0.04  # the employee has no cap of her own: OPC_AGENT_MAX_COST_YUAN's
    shop["llm"].responder = metered(PriceChange(announce=False), (PROMPT, COMPLETION))
    run = agent_env.wait_status(start_errand(agent_env, shop), "failed", timeout=240)

    calls = len(shop["llm"].requests)
    per_call = PER_CALL
    assert calls == 3  # ¥0.0304 after two calls is under the cap, ¥0.0456 after the third is over it
    assert run.reason == f"模型费用已达上限 ¥0.04（本次 ¥{calls * per_call:.2f}），已停止" == \
        "模型费用已达上限 ¥0.04（本次 ¥0.05），已停止"

    with agent_env.db() as s:
        steps = s.query(AgentStep).filter_by(run_id=run.id).order_by(AgentStep.n).all()
        cards = s.query(Approval).filter_by(run_id=run.id).count()
    did = [d for st in steps for d in st.did]
    assert not any(d.startswith("在") and "输入" in d for d in did)  # the third answer (type the price) was not run
    assert cards == 0 and shop["replica"].state()["edits"] == [] and item_now(shop)["price"] == "29.90"
    assert [round(st.cost, 4) for st in steps] == [round(per_call * n, 4) for n in range(1, len(steps) + 1)]

    page = phone(agent_env, shop).get(f"/runs/{run.id}").text
    assert f"本次模型费用：¥{calls * per_call:.2f}" in page and "本次模型费用：¥0.05" in page
    assert "模型费用已达上限 ¥0.04（本次 ¥0.05），已停止" in page


def test_the_cost_so_far_is_on_the_run_page_while_the_owner_decides_and_counts_on_after_her_approval(agent_env, shop):
    set_budget(agent_env, shop, agent_max_cost=5)  # the employee's own cap, above the deployment's four fen
    shop["llm"].responder = metered(PriceChange(), (PROMPT, COMPLETION))
    run_id = start_errand(agent_env, shop)
    agent_env.wait_status(run_id, "awaiting_approval", "failed", timeout=240)
    before = len(shop["llm"].requests)
    assert before == 4  # the list, 编辑价格, the price typed, request_approval: ¥0.0608
    assert f"本次模型费用：¥{before * PER_CALL:.2f}" in phone(agent_env, shop).get(f"/runs/{run_id}").text
    assert "本次模型费用：¥0.06" in phone(agent_env, shop).get(f"/runs/{run_id}").text

    card = pending_card(agent_env, run_id)
    phone(agent_env, shop).post(f"/api/approvals/{card.id}/decision", json={"approve": True}).raise_for_status()
    run = agent_env.wait_status(run_id, "published", "failed", timeout=240)
    assert run.status == "published", run.reason
    calls = len([r for r in shop["llm"].requests if not is_judge(r)])
    assert calls == 5  # and done after the approved 保存: ¥0.076 (the judge's call is not the agent's)
    page = phone(agent_env, shop).get(f"/runs/{run_id}").text
    assert f"本次模型费用：¥{calls * PER_CALL:.2f}" in page and "本次模型费用：¥0.08" in page


def test_a_cost_just_past_the_cap_reads_as_more_than_the_cap():
    assert [fen_up(c) for c in (0.0401, 0.04, 0.05, 0.000001, 0.0)] == ["0.05", "0.04", "0.05", "0.01", "0.00"]
