"""The replica's login and SMS endpoints (JSON, Douyin's ``status_code`` envelope).

- GET  /passport/web/get_qrcode/          a new login QR: {"token", "qrcode"} (data-URL PNG)
- GET  /passport/web/check_qrconnect/     ?token=: status ``new`` | ``scanned`` | ``expired`` | ``confirmed``;
                                           ``confirmed`` sets the ``sessionid`` cookie; with ``sms_at_login``
                                           a scanned QR answers ``verify`` instead and sets a held-login
                                           cookie: the session starts only after the SMS check (GUESS of
                                           the real status name; the real page shows 身份验证 here too)
- POST /web/api/sms/send_code/            issues a 6-digit code to this session or held login
                                           (see /__sandbox__/sms-code)
- POST /web/api/sms/verify/               {"code"}: a one-time ``ticket`` for the next publish, or, for a
                                           held login, the ``sessionid`` cookie; 验证码错误 otherwise
"""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.douyin.rules import COOKIE
from sandbox.douyin.state import World
from sandbox.common.qr import qr_data_url

NOT_LOGGED_IN = {"status_code": 8, "status_msg": "用户未登录"}
HELD = "passport_verify"
"""Cookie of a scanned login that waits for its SMS code."""
WRONG_CODE = "验证码错误，请重新输入"


def ok(**data) -> dict:
    return {"status_code": 0, "status_msg": "", **data}


def fail(msg: str, code: int = 1) -> dict:
    return {"status_code": code, "status_msg": msg}


def router(world: World) -> APIRouter:
    api = APIRouter()

    @api.get("/passport/web/get_qrcode/")
    def get_qrcode():
        token = world.new_qr()
        return ok(data={"token": token, "qrcode": qr_data_url(token)})

    @api.get("/passport/web/check_qrconnect/")
    def check_qrconnect(token: str):
        status = world.qr_status(token)
        if status == "waiting":
            return ok(data={"status": "new"})
        if status == "expired":
            return ok(data={"status": "expired"})
        if world.faults["sms_at_login"]:
            held = world.hold_login(token)
            resp = JSONResponse(ok(data={"status": "verify" if held else "expired"}))
            if held:
                resp.set_cookie(HELD, held, httponly=True, samesite="lax", path="/")
            return resp
        cookie = world.confirm(token)
        resp = JSONResponse(ok(data={"status": "confirmed"}))
        if cookie:
            resp.set_cookie(COOKIE, cookie, httponly=True, samesite="lax", path="/")
        return resp

    @api.post("/web/api/sms/send_code/")
    async def send_code(request: Request):
        cookie = request.cookies.get(COOKIE, "")
        held = request.cookies.get(HELD, "")
        if world.user_of(cookie):
            world.issue_sms(cookie)
        elif world.held_user(held):
            world.issue_sms(f"login:{held}")
        else:
            return NOT_LOGGED_IN
        await asyncio.sleep(world.delay(0.5, 0.01))
        return ok()

    @api.post("/web/api/sms/verify/")
    async def verify(request: Request):
        cookie = request.cookies.get(COOKIE, "")
        held = request.cookies.get(HELD, "")
        body = await request.json()
        code = str(body.get("code", "")).strip()
        await asyncio.sleep(world.delay(0.4, 0.01))
        if world.user_of(cookie):
            ticket = world.verify_sms(cookie, code)
            return ok(ticket=ticket) if ticket else fail(WRONG_CODE, code=1105)
        if not world.held_user(held):
            return NOT_LOGGED_IN
        session = world.finish_login(held, code)
        if not session:
            return fail(WRONG_CODE, code=1105)
        resp = JSONResponse(ok(ticket=None))
        resp.set_cookie(COOKIE, session, httponly=True, samesite="lax", path="/")
        resp.delete_cookie(HELD, path="/")
        return resp

    return api
