"""The control API under ``/__sandbox__/`` every replica has, for tests and the operator (never part of the
real site). A replica adds its own routes to the router this returns.

- POST /__sandbox__/reset            notes, sessions, QR codes, counters and faults back to the start
- POST /__sandbox__/faults           partial dict of fault switches and settings (see state.DEFAULT_*)
- GET  /__sandbox__/state            {"submissions", "notes", "faults", "settings"}
- POST /__sandbox__/scan             {"token", "user"}: the phone scans a pending QR (404 if unknown/expired)
- POST /__sandbox__/expire-sessions  every session dies (their cookies stop working); with {"at": time} they die
                                     at that time on the replica's clock instead ({"at": null}: switched off)
- POST /__sandbox__/clock            {"now": time}: the replica's clock reads that from now on ({"now": null}:
                                     the machine's clock again); GET: {"now", "expire_at"}
                                     A time is ISO 8601; without a zone it is Beijing time, as the sites show it.
- GET  /__sandbox__/sms-code         {"code"}: the last SMS code the replica "sent" (null if none; replicas
                                     with an SMS step keep it in ``World.last_sms_code``)
"""
from __future__ import annotations

import json
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.common.world import SITE_TZ, World


def _instant(text) -> float | None:
    """An ISO 8601 time as seconds since the epoch; a time without a zone is Beijing time."""
    if text is None:
        return None
    at = datetime.fromisoformat(str(text))
    return (at if at.tzinfo else at.replace(tzinfo=SITE_TZ)).timestamp()


def _shown(seconds: float | None) -> str | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, SITE_TZ).isoformat()


async def _body(request: Request) -> dict:
    raw = await request.body()
    if not raw.strip():
        return {}
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    return body


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
    async def expire_sessions(request: Request):
        try:
            body = await _body(request)
            at = _instant(body["at"]) if "at" in body else None
        except ValueError as e:
            return JSONResponse({"error": f"bad request: {e}"}, status_code=400)
        if "at" not in body:
            world.expire_all()
            return {"ok": True}
        world.expire_sessions_at(at)
        return {"ok": True, "expire_at": _shown(at)}

    @ctl.post("/clock")
    async def set_clock(request: Request):
        try:
            world.set_clock(_instant((await _body(request)).get("now")))
        except ValueError as e:
            return JSONResponse({"error": f"bad request: {e}"}, status_code=400)
        return clock()

    @ctl.get("/clock")
    def clock():
        with world.lock:
            at = None if world.expire_at is None else world.expire_at + world.clock_offset_s
        return {"now": _shown(world.now()), "expire_at": _shown(at)}

    if hasattr(world, "last_sms_code"):
        @ctl.get("/sms-code")
        def sms_code():
            with world.lock:
                return {"code": world.last_sms_code}

    return ctl
