"""The site's SMS code check inside an errand, through the form workflows' code hand-off: Taobao's 安全验证
coming up when the approved 保存 is pressed is answered with the code the owner types on the phone; the price
is saved once, and the code is nowhere in what the run keeps or shows. One over 出售中的宝贝 as the agent opens
it stops the agent before it acts under it; her code lets it go on to the price."""
from __future__ import annotations

import re
from contextlib import closing
from pathlib import Path

from core.models import Artifact, LedgerEntry
from errands.models import AgentStep
from tests.agent_fixtures import (ITEM, PriceChange, agent_env, approve_card, item_now, phone,  # noqa: F401
                                  price_edits, shop, start_errand)
from tests.core_fixtures import wait_until
from tests.fake_llm import fake_llm, fake_llm_server  # noqa: F401

CHECK_WORDS = "为了你的账号安全，请输入发送到 138****5678 的短信验证码"


def _has(text: str, code: str) -> bool:
    """The code as a number of its own in ``text`` (not six digits inside a longer id or time)."""
    return re.search(rf"(?<!\d){code}(?!\d)", text) is not None


def _code_step(api, run_id: str, says: str = CHECK_WORDS) -> dict:
    """What the phone shows once the run waits for a code whose prompt has ``says``."""
    return wait_until(lambda: (st := api.get(f"/api/runs/{run_id}/step").json())["kind"] == "code"
                      and says in st["prompt"] and st, timeout=240, what="the run's code step")


def test_a_code_check_after_the_approved_save_is_answered_from_the_phone_and_the_price_is_saved_once(agent_env,
                                                                                                     shop):
    shop["replica"].faults(sms_check_on_save=True)  # saving a price asks 安全验证 first
    shop["llm"].responder = PriceChange(announce=True)
    run_id = start_errand(agent_env, shop, instruction=f"把{ITEM}改价到19.9元")
    approve_card(agent_env, shop, run_id)
    with closing(phone(agent_env, shop)) as api:
        step = _code_step(api, run_id)
        assert step["prompt"].startswith("淘宝要求安全验证")
        assert agent_env.run(run_id).status == "awaiting_code"
        page = api.get(f"/runs/{run_id}").text
        assert "网站要求输入验证码" in page and "请主人在手机上输入短信验证码" in page
        assert price_edits(shop) == [] and item_now(shop)["price"] == "29.90"  # held by the site until the code
        code = wait_until(lambda: shop["replica"].state()["sms_code"], timeout=30, what="the SMS the worker asked for")
        wrong = "111111" if code != "111111" else "222222"
        assert api.post(f"/api/runs/{run_id}/code", json={"code": wrong}).status_code == 200
        _code_step(api, run_id, says="验证码错误")  # the site's words, and her next try
        assert price_edits(shop) == []
        assert api.post(f"/api/runs/{run_id}/code", json={"code": code}).status_code == 200
        run = agent_env.wait_status(run_id, "published", "failed", timeout=240)
        assert run.status == "published", run.reason
        late = api.post(f"/api/runs/{run_id}/code", json={"code": code})
        assert late.status_code == 409
        shown = [api.get(f"/runs/{run_id}").text, api.get(f"/api/runs/{run_id}").text,
                 api.get(f"/api/errands/{run_id}").text]
    assert item_now(shop)["price"] == "19.90"
    assert [(e["field"], e["new"]) for e in price_edits(shop)] == [("price", "19.90")]
    assert shop["replica"].state()["code_checks"] == {"shown": 1, "passed": 1, "wrong": 1}
    assert "已完成" in shown[0] and "请主人在手机上输入短信验证码" in shown[0]
    with agent_env.db() as s:
        entries = s.query(LedgerEntry).filter_by(run_id=run_id).all()
        steps = s.query(AgentStep).filter_by(run_id=run_id).all()
        artifacts = s.query(Artifact).filter_by(run_id=run_id).all()
    assert [e.status for e in entries] == ["done"]  # one approved press, read back
    kept = [*shown, *(f"{t.saw} {t.decided} {t.did}" for t in steps), *(f"{a.step} {a.path}" for a in artifacts),
            *(str(r.body) for r in shop["llm"].requests),
            *(p.read_text(errors="replace") for p in Path(agent_env.stack.data_dir).glob("*.log"))]
    assert not [k[:80] for k in kept if _has(k, code) or _has(k, wrong)]  # the code: only in the site's field



def test_a_code_check_over_the_list_stops_the_agent_and_her_code_lets_it_go_on_to_the_price(agent_env, shop):
    shop["replica"].faults(sms_check_pages=1)  # 出售中的宝贝's next load asks 安全验证 over the list
    shop["llm"].responder = PriceChange(announce=True)
    run_id = start_errand(agent_env, shop)
    with closing(phone(agent_env, shop)) as api:
        _code_step(api, run_id)
        code = wait_until(lambda: shop["replica"].state()["sms_code"], timeout=30, what="the SMS the worker asked for")
        assert api.post(f"/api/runs/{run_id}/code", json={"code": code}).status_code == 200
        agent_env.wait_status(run_id, "awaiting_approval", timeout=240)  # the agent went on to the price
        approve_card(agent_env, shop, run_id)
        run = agent_env.wait_status(run_id, "published", "failed", timeout=240)
        assert run.status == "published", run.reason
        page = api.get(f"/runs/{run_id}").text
    assert shop["replica"].state()["code_checks"] == {"shown": 1, "passed": 1, "wrong": 0}
    assert [(e["field"], e["new"]) for e in price_edits(shop)] == [("price", "19.90")]
    assert "已完成" in page and "请主人在手机上输入短信验证码" in page
    with agent_env.db() as s:
        steps = s.query(AgentStep).filter_by(run_id=run_id).all()
    kept = [page, *(f"{t.saw} {t.decided} {t.did}" for t in steps), *(str(r.body) for r in shop["llm"].requests)]
    assert not [k[:80] for k in kept if _has(k, code)]
