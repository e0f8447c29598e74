"""The owner drags the site's slider on the phone; the worker replays that drag on the live page.

The project never solves a slider itself. When a site puts one up (Taobao's 安全验证, the tax bureau's
login slider), the worker keeps the page open, shows the owner a picture of it, and waits. The phone
records the owner's finger on that picture as points ``[x, y, t]``: x and y as fractions of the
picture (0–1, so the phone's screen size does not matter), t in milliseconds since the finger went
down. The picture is the slider's dialog (an ``Area`` of the page the adapter names), so it fills the
phone's width; the worker maps the points back onto that area and moves the mouse through them with
the owner's own timing: the site sees a human drag because it is one.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

from playwright.sync_api import Page
from pydantic import BaseModel, Field, field_validator
from sqlalchemy.orm import Session, sessionmaker

from core.errors import BusinessError
from rpa.handoff import Waiting, ask
from rpa.screenshots import shoot

TRIES = 3
MAX_DRAG_MS = 30_000


class SliderNotPassed(BusinessError):
    """The owner's drags did not pass the site's check, several times in a row."""


class Drag(BaseModel):
    """A drag recorded on the phone, validated before any of it reaches the browser."""

    points: list[tuple[float, float, float]] = Field(min_length=5, max_length=2000)

    @field_validator("points")
    @classmethod
    def _sane(cls, points: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
        if any(not (0 <= x <= 1 and 0 <= y <= 1) for x, y, _ in points):
            raise ValueError("拖动的位置超出了截图范围")
        times = [t for _, _, t in points]
        if times != sorted(times) or times[0] < 0 or times[-1] > MAX_DRAG_MS:
            raise ValueError(f"拖动的时间不对（需从0开始递增，最长{MAX_DRAG_MS // 1000}秒）")
        return points


def visible_area(page: Page) -> dict:
    size = page.viewport_size or {"width": 1280, "height": 900}
    return {"x": 0, "y": 0, "width": size["width"], "height": size["height"]}


def replay(page: Page, drag: Drag, area: dict) -> None:
    """Press at the first point, move through the rest with the recorded timing, release at the last."""
    def move(x: float, y: float) -> None:
        page.mouse.move(area["x"] + x * area["width"], area["y"] + y * area["height"])

    (x0, y0, _), rest = drag.points[0], drag.points[1:]
    move(x0, y0)
    page.mouse.down()
    start = time.monotonic()
    for x, y, t in rest:
        ahead = t / 1000 - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)  # the owner's own pace is the point: a slider judges a drag by its timing
        move(x, y)
    page.mouse.up()


def take_over(db: sessionmaker[Session], who: Waiting, page: Page, artifacts: Path, prompt: str,
              timeout_s: int, area: Callable[[], dict], passed: Callable[[], bool],
              reset: Callable[[], None] = lambda: None) -> None:
    """Ask the owner to drag until ``passed()`` says the site let us through (``TRIES`` drags at most).

    ``area()`` is the page rectangle the owner sees (the slider's dialog), asked anew for every try:
    a failed drag may leave the dialog elsewhere. ``reset()`` puts a failed slider back to its start
    (sites want a click on their 重试 box first; that click solves nothing)."""
    for attempt in range(TRIES):
        if attempt:
            reset()
        where = area()
        shot_id = shoot(db, who.run_id, page, artifacts / (who.run_id or f"account-{who.account_id}"), "slider",
                        clip=where)
        answer = ask(db, who, "drag", prompt, timeout_s, screenshot_id=shot_id, waited_for="滑块验证")
        replay(page, Drag.model_validate(json.loads(answer)), where)
        if passed():
            return
        prompt = "网站没有放行这次拖动，请看新截图再拖一次（按住滑块，匀速拖到最右边）"
    raise SliderNotPassed(f"滑块验证连续{TRIES}次没有通过，已停止，{who.giving_up}")
