"""Nodes of the tax-filing workflow, for any return in ``forms.FORMS`` (the run's content names it).
Each returns a partial state update; routers pick the next node.

compute → login → fill (read the portal's figures, compare, fill, screenshot) → approval (always) →
submit → verify_filed → [tax due: payment card → approval (always) → pay → verify_paid] → finish.
Filing and paying are each written to the ledger before the press, and after a crash the portal's own
lists decide whether the press happened: never a second filing or a second debit.
"""
from __future__ import annotations

import base64
from decimal import Decimal
from typing import Literal

from langgraph.runtime import Runtime

from core import ledger
from core.db import transaction
from core.errors import BusinessError, ContentRejected, LoginRequired, NeedsHuman
from core.models import Artifact, Run, new_id
from core.runs import set_status
from graphs.context import RunContext
from graphs.steps import claim_press, load_run, owned, owner_drags_slider, pressing, reading_back, shoot_run
from graphs.tax_filing.forms import Filled, ReturnForm, form_of
from graphs.tax_filing.state import FilingState
from rpa import stall
from rpa.handoff import Waiting, ask, ask_code
from rpa.screenshots import run_folder
from rpa.sign_in import type_login
from sites import adapter_for
from sites.etax.errors import AlreadyFiled, FaceCheckRequired

FACE_WAIT_S = 30
"""How long the portal may take to notice the app's scan."""
"""A slider, up to three codes and a face check: more than that is not a login any more."""
SLIDER_PROMPT = "电子税务局登录要求拖动滑块，请按住滑块拖到最右边"


def _adapter(ctx: RunContext, run: Run):
    return adapter_for(run.site, ctx.settings)


def _page(ctx: RunContext, run: Run, adapter):
    return ctx.workbench.page(run.account_id, adapter.allowed_hosts())


def _at_portal(ctx: RunContext, state: FilingState):
    """The run, its adapter and the open portal page (opened with the saved session when needed)."""
    run = load_run(ctx, state["run_id"])
    adapter = _adapter(ctx, run)
    return run, adapter, _page(ctx, run, adapter)


# -- nodes -------------------------------------------------------------------------------------

def compute(state: FilingState, runtime: Runtime[RunContext]) -> FilingState:
    run = load_run(runtime.context, state["run_id"])
    ret = form_of(run).compute(runtime.context, run)
    broken = ret.check()
    if broken:
        raise ContentRejected("账本算出的申报表前后不一致：" + "；".join(broken), site=run.site)
    return {"content": run.content, "tax_due": str(ret.tax_due), "needs_login": True}


def login(state: FilingState, runtime: Runtime[RunContext]) -> FilingState:
    ctx = runtime.context
    run, adapter, page = _at_portal(ctx, state)
    adapter.open_login(page)
    if not adapter.logged_in(page):
        credentials = ctx.workbench.vault.load_credentials(run.account_id)
        if not credentials:
            raise BusinessError("没有保存电子税务局的登录信息，请在账号页填写", site=run.site)
        _sign_in(ctx, run, adapter, page, credentials)
    ctx.workbench.save_session()
    return {"needs_login": False}


def _sign_in(ctx: RunContext, run: Run, adapter, page, credentials: dict) -> None:
    """Type the login; every check the portal adds (slider, SMS code, face) goes to the owner's phone."""
    who = Waiting(run_id=run.id, giving_up="没有申报", fence=ctx.fence)
    signed = type_login(adapter, page, credentials,
                        drag=lambda _asked: owner_drags_slider(ctx, run, adapter, page, SLIDER_PROMPT),
                        code=lambda asked: ask_code(ctx.db, who, asked.message, ctx.settings.code_timeout_s))
    if isinstance(signed, FaceCheckRequired):
        _face_check(ctx, run, adapter, page, signed)
    elif isinstance(signed, NeedsHuman):
        raise signed
    elif signed is not True:
        raise ContentRejected("电子税务局的登录验证一直没有通过，已停止，没有申报", site=run.site, url=page.url)


def _face_check(ctx: RunContext, run: Run, adapter, page, asked: FaceCheckRequired) -> None:
    """The tax app must scan the portal's QR (a face check): the owner does it and says so."""
    qr = _keep_qr(ctx, run, asked.qr)
    ask(ctx.db, Waiting(run_id=run.id, giving_up="没有申报", fence=ctx.fence), "scan", asked.message, ctx.settings.code_timeout_s,
        screenshot_id=qr, waited_for="人脸识别")
    for _ in range(FACE_WAIT_S * 2):
        if adapter.logged_in(page):
            return
        page.wait_for_timeout(500)  # the portal polls the app's answer and then moves on by itself
    raise ContentRejected("扫码后电子税务局仍未放行（人脸识别没有通过），已停止，没有申报", site=run.site, url=page.url)


def _keep_qr(ctx: RunContext, run: Run, data_url: str) -> str:
    """The portal's own QR image, as it is (a re-encode could blur it for the app's camera)."""
    ref = ctx.settings.storage.put(f"{run_folder(run.id)}/face-qr-{new_id()}.png",
                                   base64.b64decode(data_url.split(",", 1)[1]), "image/png")
    with transaction(ctx.db) as s:
        art = Artifact(run_id=run.id, kind="screenshot", path=ref, mime="image/png", step="face-check")
        s.add(art)
        s.flush()
        return art.id


def fill(state: FilingState, runtime: Runtime[RunContext]) -> FilingState:
    ctx = runtime.context
    run, adapter, page = _at_portal(ctx, state)
    form = form_of(run)
    ret = form.compute(ctx, run)
    try:
        filled = _fill_return(form, adapter, page, run, ret)
    except LoginRequired:
        return {"needs_login": True}
    fields = {"kind": form.card, "title": form.title, "period": ret.period.label, "tax_due": str(filled.tax_due),
              "rows": filled.rows, "warnings": list(ret.warnings)}
    if filled.mismatch:
        fields["mismatch"] = filled.mismatch
    return {"fields": fields, "screenshot_id": shoot_run(ctx, run, page, "filled")}


def _fill_return(form: ReturnForm, adapter, page, run: Run, ret) -> Filled:
    adapter.close_notices(page)
    return form.fill(adapter, page, run, ret)


def submit(state: FilingState, runtime: Runtime[RunContext]) -> FilingState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    adapter, form = _adapter(ctx, run), form_of(run)
    with ctx.db() as s:
        entry = ledger.get(s, run, "file")
    if entry is not None and entry.status == "done":
        return {"filed": {"serial": entry.external_id}}
    page = _page(ctx, run, adapter)
    try:
        if entry is not None:
            # The press may have happened before a crash: the portal's filed list decides.
            with reading_back():
                found = adapter.find_filed(page, run.content["period"], form.title)
            if found is not None:
                return {"filed": _done(ctx, run, "file", found.serial)}
        try:
            with stall.filling():  # the approval closed the page
                filled = _fill_return(form, adapter, page, run, form.compute(ctx, run))
        except AlreadyFiled as e:
            raise ContentRejected(f"这个季度已经申报过了（{e.message}），没有重复申报", site=run.site) from e
        _refuse_unapproved(run, filled, state.get("fields") or {})
        claim = claim_press(ctx, run, "file")
        if claim.status == "done":  # another worker filed and read it back meanwhile
            return {"filed": {"serial": claim.external_id}}
        with pressing(ctx, page):
            serial = adapter.submit_return(page)
    except LoginRequired:
        return {"needs_login": True}
    return {"filed": {"serial": serial}}


def _refuse_unapproved(run: Run, filled: Filled, card: dict) -> None:
    """What is filed is what the owner approved: the books may have been edited, or the portal may compute
    differently, since the card was shown. Then nothing is filed and the run says what changed."""
    def submitted(rows: list[dict]) -> dict[tuple, str]:
        return {(r["line"], r["column"]): r["submit"] for r in rows if r["submit"] not in ("0", "0.00")}

    approved, now = submitted(card.get("rows") or []), submitted(filled.rows)
    if approved != now:
        items = {r["line"]: r["item"] for r in filled.rows} | {r["line"]: r["item"] for r in card.get("rows") or []}
        changed = "；".join(f"第{line}栏{items[line]}{f'（{col}）' if col and col != '合计' else ''}："
                           f"批准时{approved.get((line, col), '0.00')}，现在{now.get((line, col), '0.00')}"
                           for line, col in sorted(set(approved) | set(now)) if approved.get((line, col)) != now.get((line, col)))
        raise ContentRejected(f"要申报的数字和你批准时不一样了（账本或电子税务局的数字有变化），没有申报：{changed}。"
                              "请重新开始申报，再审批一次", site=run.site)


def verify_filed(state: FilingState, runtime: Runtime[RunContext]) -> FilingState:
    ctx = runtime.context
    run, adapter, page = _at_portal(ctx, state)
    stall.point("readback")
    with reading_back():
        found = adapter.find_filed(page, run.content["period"], form_of(run).title)
    if found is None:
        raise ContentRejected("提交后在申报信息查询里找不到这份申报表", site=run.site, url=page.url)
    shoot_run(ctx, run, page, "filed", full_page=False)
    filed = _done(ctx, run, "file", found.serial)
    return {"filed": {**filed, "tax_due": str(found.tax_due or 0)}}


def request_payment(state: FilingState, runtime: Runtime[RunContext]) -> FilingState:
    """Paying is a second, separate approval: the amount and the bank agreement it is debited under."""
    ctx = runtime.context
    run, adapter, page = _at_portal(ctx, state)
    info = adapter.open_payment(page, run.content["period"], form_of(run).title)
    fields = {"kind": "payment", "amount": str(info.amount), "bank": info.bank, "account": info.account_masked,
              "agreement": info.agreement_no, "serial": info.serial}
    return {"fields": fields, "screenshot_id": shoot_run(ctx, run, page, "payment")}


def pay(state: FilingState, runtime: Runtime[RunContext]) -> FilingState:
    ctx = runtime.context
    run = load_run(ctx, state["run_id"])
    adapter, title = _adapter(ctx, run), form_of(run).title
    with ctx.db() as s:
        entry = ledger.get(s, run, "pay")
    if entry is not None and entry.status == "done":
        return {}
    page = _page(ctx, run, adapter)
    if entry is not None:
        with reading_back():
            paid = adapter.find_payment(page, run.content["period"], title)
        if paid is not None and paid.paid:
            _done(ctx, run, "pay", paid.serial)
            return {}
    amount = Decimal(state["fields"]["amount"])  # what the owner approved; the adapter refuses any other
    with stall.filling():
        adapter.open_payment(page, run.content["period"], title)
    if claim_press(ctx, run, "pay").status == "done":  # another worker paid and read it back meanwhile
        return {}
    with pressing(ctx, page):
        adapter.pay(page, amount)
    return {}


def verify_paid(state: FilingState, runtime: Runtime[RunContext]) -> FilingState:
    ctx = runtime.context
    run, adapter, page = _at_portal(ctx, state)
    stall.point("readback")
    with reading_back():
        paid = adapter.find_payment(page, run.content["period"], form_of(run).title)
    if paid is None or not paid.paid:
        raise ContentRejected("缴款后在申报信息查询里没有看到「已缴款」", site=run.site, url=page.url)
    shoot_run(ctx, run, page, "paid", full_page=False)
    _done(ctx, run, "pay", paid.serial)
    return {}


def finish(state: FilingState, runtime: Runtime[RunContext]) -> FilingState:
    with owned(runtime.context) as s:
        run = s.get(Run, state["run_id"])
        paid = ledger.get(s, run, "pay")
        reason = "已申报并缴款" if paid is not None and paid.status == "done" else "已申报，无需缴款"
        set_status(s, run, "published", reason=reason, external_id=state["filed"]["serial"])
    return {}


def payment_rejected(state: FilingState, runtime: Runtime[RunContext]) -> FilingState:
    with owned(runtime.context) as s:
        run = s.get(Run, state["run_id"])
        why = state["decision"].get("reason") or "主人没有批准缴款"
        set_status(s, run, "rejected", reason=f"已申报（序号{state['filed']['serial']}），未缴款：{why}",
                   external_id=state["filed"]["serial"])
    return {}


def _done(ctx: RunContext, run: Run, action: str, serial: str) -> dict:
    with transaction(ctx.db) as s:
        ledger.record_done(s, s.get(Run, run.id), serial, action)
    return {"serial": serial}


# -- routers -----------------------------------------------------------------------------------

def after_fill(state: FilingState) -> Literal["login", "request_approval"]:
    return "login" if state.get("needs_login") else "request_approval"


def after_login(state: FilingState) -> Literal["fill", "submit"]:
    decision = state.get("decision") or {}
    return "submit" if decision.get("approved") and not state.get("filed") else "fill"


def after_submit(state: FilingState) -> Literal["login", "verify_filed"]:
    return "login" if state.get("needs_login") else "verify_filed"


def after_verify(state: FilingState) -> Literal["request_payment", "finish"]:
    return "request_payment" if Decimal(state["filed"].get("tax_due") or state["tax_due"]) > 0 else "finish"


def after_payment_approval(state: FilingState) -> Literal["pay", "payment_rejected"]:
    return "pay" if state["decision"].get("approved") else "payment_rejected"
