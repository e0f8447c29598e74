"""The portal's JSON endpoints (``{"code": 0, …}`` or ``{"code": 1, "msg"}``; a dead session: HTTP 401
``{"code": 401, "msg": "身份认证已失效，请重新登录"}``).

- POST /api/portal/notice/close   one notice pop-up closed
- POST /api/declare/vat/submit    {"period", "values": {"1.goods": "…", …}}: files the return → ``serial``, ``redirect``
- POST /api/declare/pit/submit    {"period", "values": {"income": "…", …}}: files the 经营所得 A表, same answers
- POST /api/pay/submit            {"serial"}: debits the agreement account → ``voucher``, ``redirect``
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.etax import pit, vat
from sandbox.etax.config import COOKIE, mask_account
from sandbox.etax.state import World

EXPIRED = "身份认证已失效，请重新登录"
REFILED = "该所属期已申报，不能重复申报"


def fail(msg: str) -> dict:
    return {"code": 1, "msg": msg}


def expired() -> JSONResponse:
    return JSONResponse({"code": 401, "msg": EXPIRED}, status_code=401)


def router(world: World) -> APIRouter:
    api = APIRouter(prefix="/api")

    @api.post("/portal/notice/close")
    def close_notice(request: Request):
        cookie = request.cookies.get(COOKIE)
        if not world.user_of(cookie):
            return expired()
        return {"code": 0, "left": world.close_notice(cookie)}

    async def file_return(request: Request, form: str, offered, check, record):
        """Both returns answer alike: a dead session, a period not open (or a form the taxpayer does not
        file), a second filing, the form's own checks, the switchable failure, then the serial."""
        world.count("submissions")
        body = await request.json()
        code = world.api_user(request.cookies.get(COOKIE))
        if not code:
            return expired()
        await world.pause(0.8)
        period = str(body.get("period", ""))
        values = body.get("values") if isinstance(body.get("values"), dict) else {}
        if period != world.settings["current_period"] or not offered(code):
            return fail("该所属期不在申报期内")
        if world.ledger.filing_of(code, period, form):
            return fail(REFILED)
        msg = check(code, period, values)
        if msg:
            return fail(msg)
        if world.take_fault("submit_failed"):
            return fail("申报失败：系统繁忙，请稍后重试")
        filing = record(code, period, values)
        if not filing:  # a second submit that raced the first
            return fail(REFILED)
        return {"code": 0, "serial": filing.serial, "taxDue": filing.tax_due,
                "redirect": f"/portal/declare/result?serial={filing.serial}"}

    @api.post("/declare/vat/submit")
    async def submit(request: Request):
        return await file_return(
            request, "vat", offered=lambda code: True,
            check=lambda code, period, values: vat.validate(values, world.settings["threshold"],
                                                            world.settings["reduction_rule"]),
            record=lambda code, period, values: world.ledger.file(
                code, period, {k: values.get(k) for k in vat.input_keys()}, world.settings["education_exempt_up_to"]))

    @api.post("/declare/pit/submit")
    async def submit_pit(request: Request):
        return await file_return(
            request, "pit", offered=lambda code: bool(world.taxpayer(code).get("pit_business")),
            check=lambda code, period, values: pit.validate(values, period, world.ledger.pit_paid(code, period)),
            record=lambda code, period, values: world.ledger.file_pit(
                code, period, {k: values.get(k) for k in pit.INPUTS}))

    @api.post("/pay/submit")
    async def pay(request: Request):
        world.count("payments")
        body = await request.json()
        code = world.api_user(request.cookies.get(COOKIE))
        if not code:
            return expired()
        await world.pause(1.0)
        filing = world.ledger.by_serial(code, str(body.get("serial", "")))
        if not filing:
            return fail("未找到该笔应缴税款")
        if filing.pay_status != "未缴款":
            return fail("该笔税款已缴纳，请勿重复缴款" if filing.voucher else "该申报无应缴税款")
        if world.take_fault("payment_failed"):
            return fail("扣款失败：账户余额不足")
        tp = world.taxpayer(code)
        payment = world.ledger.pay(filing, tp["bank"], mask_account(tp["account"]))
        if not payment:
            return fail("该笔税款已缴纳，请勿重复缴款")
        return {"code": 0, "voucher": payment.voucher, "amount": payment.amount,
                "redirect": f"/portal/pay/result?voucher={payment.voucher}"}

    return api
