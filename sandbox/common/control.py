"""The control API under ``/__sandbox__/`` every replica has, for tests and the operator (never part of the
real site). A replica adds its own routes to the router this returns.

- POST /__sandbox__/reset            notes, sessions, QR codes, counters and faults back to the start
- POST /__sandbox__/faults           partial dict of fault switches and settings (see state.DEFAULT_*)
- GET  /__sandbox__/state            {"submissions", "notes", "faults", "settings"}
- POST /__sandbox__/scan             {"token", "user"}: the phone scans a pending QR (404 if unknown/expired)
- POST /__sandbox__/expire-sessions  every session dies (their cookies stop working)
- GET  /__sandbox__/sms-code         {"code"}: the last SMS code the replica "sent" (null if none; replicas
                                     with an SMS step keep it in ``World.last_sms_code``)
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.common.world import World


def router(world: World) -> APIRouter:
    ctl = APIRouter(prefix="/__sandbox__")

    @ctl.post("/reset")
    def reset():
        world.reset()
        return {"ok": True}

    @ctl.post("/faults")
    async def faults(request: Request):
        body = await request.json()
        if not isinstance(body, dict):
            return JSONResponse({"error": "expected a JSON object"}, status_code=400)
        unknown = world.configure(body)
        if unknown:
            return JSONResponse({"error": f"unknown switch: {unknown}"}, status_code=400)
        snap = world.snapshot()
        return {"faults": snap["faults"], "settings": snap["settings"]}

    @ctl.get("/state")
    def state():
        return world.snapshot()

    @ctl.post("/scan")
    async def scan(request: Request):
        body = await request.json()
        if not world.scan(str(body.get("token", "")), str(body.get("user") or "demo")):
            return JSONResponse({"error": "unknown or expired QR token"}, status_code=404)
        return {"ok": True}

    @ctl.post("/expire-sessions")
    def expire_sessions():
        world.expire_all()
        return {"ok": True}

    if hasattr(world, "last_sms_code"):
        @ctl.get("/sms-code")
        def sms_code():
            with world.lock:
                return {"code": world.last_sms_code}

    return ctl
