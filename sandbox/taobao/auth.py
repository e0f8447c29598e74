"""The replica's login endpoints (JSON), called by the login box (``static/login.js``).

- GET  /newlogin/qrcode/generate.do   a new login QR: {"t", "codeContent"} (data-URL PNG with a ``token`` chunk)
- GET  /newlogin/qrcode/query.do?t=   {"qrCodeStatus": NEW | CONFIRMED | EXPIRED}; CONFIRMED sets ``cookie2``
- POST /newlogin/login.do             {"loginId", "password"}: a session, or an SMS step (fault ``sms_required``)
- POST /newlogin/sms/send.do          {"ticket"}: "sends" a 6-digit code (read it at /__sandbox__/sms-code)
- POST /newlogin/sms/verify.do        {"ticket", "code"}: the right code sets ``cookie2``
- GET  /member/logout.jhtml           ends the session, back to ``/``
Status names follow the real QR poll; envelopes and the other paths are GUESSES.
"""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse

from sandbox.taobao.rules import COOKIE
from sandbox.taobao.state import World
from sandbox.common.qr import qr_data_url

WRONG_PASSWORD = "账号名或登录密码不正确"
WRONG_CODE = "验证码错误，请重新输入"  # GUESS
STALE_TICKET = "验证已过期，请重新登录"  # GUESS
MASKED_PHONE = "138****6688"


def with_session(body: dict, cookie: str) -> JSONResponse:
    resp = JSONResponse(body)
    resp.set_cookie(COOKIE, cookie, httponly=True, samesite="lax", path="/")
    return resp


def router(world: World) -> APIRouter:
    api = APIRouter()

    @api.get("/newlogin/qrcode/generate.do")
    def generate():
        token = world.new_qr()
        return {"success": True, "t": token, "codeContent": qr_data_url(token)}

    @api.get("/newlogin/qrcode/query.do")
    def query(t: str):
        status = world.qr_status(t)
        if status != "scanned":
            return {"success": True, "qrCodeStatus": "NEW" if status == "waiting" else "EXPIRED"}
        if world.faults["sms_after_scan"]:  # risk control wants the phone's SMS too (GUESS of the status name)
            ticket = world.hold_scanned(t)
            return {"success": True, "qrCodeStatus": "NEED_SMS" if ticket else "EXPIRED", "ticket": ticket,
                    "phone": MASKED_PHONE}
        cookie = world.confirm(t)
        if not cookie:
            return {"success": True, "qrCodeStatus": "EXPIRED"}
        return with_session({"success": True, "qrCodeStatus": "CONFIRMED"}, cookie)

    @api.post("/newlogin/login.do")
    async def login(request: Request):
        body = await request.json()
        user, password = str(body.get("loginId") or "").strip(), str(body.get("password") or "")
        await asyncio.sleep(world.delay(0.6, 0.01))
        if not user or password != world.settings["login_password"]:
            return {"success": False, "message": WRONG_PASSWORD}
        if world.faults["sms_required"]:
            return {"success": True, "needSms": True, "ticket": world.new_sms_login(user), "phone": MASKED_PHONE}
        return with_session({"success": True}, world.open_session(user))

    @api.post("/newlogin/sms/send.do")
    async def send(request: Request):
        ticket = str((await request.json()).get("ticket") or "")
        await asyncio.sleep(world.delay(0.5, 0.01))
        return {"success": True} if world.send_sms(ticket) else {"success": False, "message": STALE_TICKET}

    @api.post("/newlogin/sms/verify.do")
    async def verify(request: Request):
        body = await request.json()
        await asyncio.sleep(world.delay(0.4, 0.01))
        cookie = world.verify_sms(str(body.get("ticket") or ""), str(body.get("code") or "").strip())
        return with_session({"success": True}, cookie) if cookie else {"success": False, "message": WRONG_CODE}

    @api.get("/member/logout.jhtml")
    def logout(request: Request):
        cookie = request.cookies.get(COOKIE)
        with world.lock:
            session = world.sessions.pop(cookie or "", None)
            if session and world.current.get(session.user) == cookie:
                del world.current[session.user]
        resp = RedirectResponse("/", status_code=302)
        resp.delete_cookie(COOKIE, path="/")
        return resp

    return api
