"""The tpass login endpoints (JSON ``{"code": 0 | 1, "msg", …}``), driven by ``static/login.js``.

- POST /api/tpass/slider        {"moves": [[offset_px, ms], …], "release": [offset_px, ms]}: a one-time
                                ``ticket`` or 验证失败，请重新拖动
- POST /api/tpass/login         {"creditCode", "account", "password", "sliderTicket"}: ``next`` is ``sms``,
                                ``face`` or ``done`` (``done`` sets the session cookie) plus a ``loginToken``
- POST /api/tpass/sms/send      {"loginToken"}: issues a 6-digit code (see /__sandbox__/sms-code)
- POST /api/tpass/sms/verify    {"loginToken", "code"}: the next step, or 验证码错误
- POST /api/tpass/face/qr       {"loginToken"}: a new face-check QR (data URL) and its token
- GET  /api/tpass/face/status   ?token=: ``waiting`` | ``expired`` | ``done`` (sets the cookie)
- POST /api/tpass/logout
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.etax.config import COOKIE, mask_phone
from sandbox.etax.state import SLIDER_FAIL, World
from sandbox.common.qr import qr_data_url

HOME = "/portal/home"


def fail(msg: str) -> dict:
    return {"code": 1, "msg": msg}


def router(world: World) -> APIRouter:
    api = APIRouter(prefix="/api/tpass")

    def step(token: str) -> JSONResponse:
        """Answer the pending login's next step; the last one carries the session cookie."""
        nxt = world.next_step(token)
        if nxt == "gone":
            return JSONResponse(fail("登录已超时，请重新登录"))
        body: dict = {"code": 0, "next": nxt, "loginToken": token}
        if nxt == "sms":
            body["phone"] = mask_phone(world.taxpayer(world.pending_login(token)["code"])["phone"])
        elif nxt == "face":
            qr = world.face_qr(token)
            body.update(qrToken=qr, qr=qr_data_url(qr))
        cookie = world.finish_login(token) if nxt == "done" else None
        if nxt == "done":
            body["redirect"] = HOME
        resp = JSONResponse(body)
        if cookie:
            resp.set_cookie(COOKIE, cookie, httponly=True, samesite="lax", path="/")
        return resp

    @api.post("/slider")
    async def slider(request: Request):
        body = await request.json()
        await world.pause(0.2)
        ticket = world.verify_slider(body.get("moves") or [], body.get("release") or [])
        return {"code": 0, "ticket": ticket} if ticket else fail(SLIDER_FAIL)

    @api.post("/login")
    async def login(request: Request):
        body = await request.json()
        await world.pause(0.5)
        if world.faults["slider"] and not world.take_slider_ticket(body.get("sliderTicket")):
            return fail("请先拖动滑块完成验证")
        tp = world.check_password(str(body.get("creditCode", "")), str(body.get("account", "")),
                                  str(body.get("password", "")))
        if not tp:
            world.count("login_failures")
            return fail("用户名或密码错误")
        return step(world.start_login(tp["credit_code"]))

    @api.post("/sms/send")
    async def sms_send(request: Request):
        token = str((await request.json()).get("loginToken", ""))
        if not world.pending_login(token):
            return fail("登录已超时，请重新登录")
        world.issue_sms(token)
        await world.pause(0.3)
        return {"code": 0, "msg": "验证码已发送"}

    @api.post("/sms/verify")
    async def sms_verify(request: Request):
        body = await request.json()
        token = str(body.get("loginToken", ""))
        await world.pause(0.3)
        if not world.verify_sms(token, str(body.get("code", "")).strip()):
            return fail("验证码错误")
        return step(token)

    @api.post("/face/qr")
    async def face_qr(request: Request):
        token = str((await request.json()).get("loginToken", ""))
        if not world.pending_login(token):
            return fail("登录已超时，请重新登录")
        qr = world.face_qr(token)
        return {"code": 0, "qrToken": qr, "qr": qr_data_url(qr)}

    @api.get("/face/status")
    def face_status(token: str):
        status = world.qr_status(token)
        if status != "scanned":
            return {"code": 0, "status": status}
        with world.lock:
            login = world.qr.pop(token, {}).get("login", "")
        return step(login)

    @api.post("/logout")
    def logout(request: Request):
        world.logout(request.cookies.get(COOKIE))
        resp = JSONResponse({"code": 0, "redirect": "/#/login"})
        resp.delete_cookie(COOKIE, path="/")
        return resp

    return api
