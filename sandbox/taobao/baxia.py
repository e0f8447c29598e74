"""The "baxia" risk-control slider: its iframe page and the endpoint that judges a drag.

The seller pages put ``iframe#baxia-dialog-content`` (src ``/_____tmd_____/punish?x5secdata=<token>``) over a
mask; inside, ``static/punish.js`` records the drag on ``#nc_1_n1z`` and posts it here. Only a human-like drag
passes: at least ``MIN_MOVES`` pointer moves spread over at least ``MIN_MS`` milliseconds, released with the
knob within ``TOLERANCE`` px of the right end. Anything else fails (``验证失败，点击框体重试``).
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sandbox.taobao.frames import punish_page
from sandbox.taobao.state import World

MIN_MOVES, MIN_MS, TOLERANCE = 10, 300, 8


def punish_url(token: str) -> str:
    return f"/_____tmd_____/punish?x5secdata={token}&x5step=1&action=captcha"


def human_like(trace: dict) -> bool:
    """A drag from pointerdown to pointerup: {"down": ms, "up": ms, "moves": [[ms, x], ...], "end": x, "max": x}."""
    try:
        moves = [(float(t), float(x)) for t, x in trace.get("moves") or []]
        down, up = float(trace["down"]), float(trace["up"])
        end, right = float(trace["end"]), float(trace["max"])
    except (KeyError, TypeError, ValueError):
        return False
    if len(moves) < MIN_MOVES or up - down < MIN_MS:
        return False
    spread = moves[-1][0] - moves[0][0]  # the moves themselves must take time, not arrive in one burst
    return spread >= MIN_MS * 0.6 and abs(end - right) <= TOLERANCE


def router(world: World) -> APIRouter:
    api = APIRouter()

    @api.get("/_____tmd_____/punish")
    def punish(x5secdata: str = ""):
        return HTMLResponse(punish_page(x5secdata), headers={"Cache-Control": "no-store"})

    @api.post("/_____tmd_____/slide")
    async def slide(request: Request):
        body = await request.json()
        passed = human_like(body)
        if not world.slider_result(str(body.get("token") or ""), passed):
            return {"success": False, "message": "验证已过期，请刷新页面重试"}  # GUESS
        return {"success": passed}

    return api
