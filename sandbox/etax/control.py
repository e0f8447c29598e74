"""The control API under ``/__sandbox__/`` for tests and the operator (never part of the real site).

The shared control API (``sandbox.common.control``: reset, faults, state, scan, expire-sessions, sms-code;
``scan`` here passes a face-check QR), plus:
- POST /__sandbox__/settings   alias of ``faults`` (settings and switches share one namespace)
- POST /__sandbox__/prefill    {"period": "2026Q3", "values": {"2.goods": 12000, …}, "credit_code"?}: the invoiced
                               sales the portal pre-fills into that quarter's return (all taxpayers unless given)
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.etax import vat
from sandbox.etax.state import World
from sandbox.common import control as base


def router(world: World) -> APIRouter:
    ctl = base.router(world)

    @ctl.post("/settings")
    async def settings(request: Request):
        body = await request.json()
        bad = world.configure(body) if isinstance(body, dict) else "body"
        if bad:
            return JSONResponse({"error": f"unknown or bad setting: {bad}"}, status_code=400)
        snap = world.snapshot()
        return {"faults": snap["faults"], "settings": snap["settings"]}

    @ctl.post("/prefill")
    async def prefill(request: Request):
        body = await request.json()
        try:
            period = vat.period_key(body.get("period") or world.settings["current_period"])
            values = body.get("values") or {}
            world.ledger.set_prefill(period, {k: float(v) for k, v in values.items()}, body.get("credit_code"))
        except (AttributeError, TypeError, ValueError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return {"ok": True, "period": period}

    return ctl
