"""The replica's login and SMS endpoints (JSON, Douyin's ``status_code`` envelope).

- GET  /passport/web/get_qrcode/          a new login QR: {"token", "qrcode"} (data-URL PNG)
- GET  /passport/web/check_qrconnect/     ?token=: status ``new`` | ``scanned`` | ``expired`` | ``confirmed``;
                                           ``confirmed`` sets the ``sessionid`` cookie
- POST /web/api/sms/send_code/            issues a 6-digit code to this session (see /__sandbox__/sms-code)
- POST /web/api/sms/verify/               {"code"}: a one-time ``ticket`` for the next publish, or 验证码错误
"""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.douyin.rules import COOKIE
from sandbox.douyin.state import World
from sandbox.xiaohongshu.qr import qr_data_url

NOT_LOGGED_IN = {"status_code": 8, "status_msg": "用户未登录"}


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
        cookie = world.confirm(token)
        resp = JSONResponse(ok(data={"status": "confirmed"}))
        if cookie:
            resp.set_cookie(COOKIE, cookie, httponly=True, samesite="lax", path="/")
        return resp

    @api.post("/web/api/sms/send_code/")
    async def send_code(request: Request):
        cookie = request.cookies.get(COOKIE, "")
        if not world.user_of(cookie):
            return NOT_LOGGED_IN
        world.issue_sms(cookie)
        await asyncio.sleep(world.delay(0.5, 0.01))
        return ok()

    @api.post("/web/api/sms/verify/")
    async def verify(request: Request):
        cookie = request.cookies.get(COOKIE, "")
        if not world.user_of(cookie):
            return NOT_LOGGED_IN
        body = await request.json()
        await asyncio.sleep(world.delay(0.4, 0.01))
        ticket = world.verify_sms(cookie, str(body.get("code", "")).strip())
        return ok(ticket=ticket) if ticket else fail("验证码错误，请重新输入", code=1105)

    return api
