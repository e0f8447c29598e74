"""The control API under ``/__sandbox__/`` for tests and the operator (never part of the real site).

Same shape as the Xiaohongshu replica's control API (``sandbox.xiaohongshu.control``: reset, faults, state,
scan, expire-sessions), plus:
- GET /__sandbox__/sms-code   {"code"}: the last SMS login code the replica "sent" (null if none)
"""
from __future__ import annotations

from fastapi import APIRouter

from sandbox.taobao.state import World
from sandbox.xiaohongshu import control as base


def router(world: World) -> APIRouter:
    ctl = base.router(world)

    @ctl.get("/sms-code")
    def sms_code():
        return {"code": world.snapshot()["sms_code"]}

    return ctl
