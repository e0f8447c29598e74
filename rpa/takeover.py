"""A human takes over a paused page from the phone: sees it live, taps, drags and types into it.

The project never solves a slider (or any other check) itself. When a site puts one up (Taobao's
安全验证, the tax bureau's login slider), the worker keeps the page open, shows the owner a live
picture of the part that matters (an ``area`` of the page the adapter names) and waits. The phone
sends what the owner's finger does on that picture:

- a tap ``{x, y}``: a mouse click at that point;
- a drag ``{points: [[x, y, t], ...]}``: pressed at the first point, moved through the others with the
  owner's own timing (t in ms since the finger went down), released at the last: the site sees a
  human drag because it is one;
- typed text ``{text}``: typed into whatever has the focus (the owner taps the field first);
- a hand-back ``{finished}`` (only when she took the page over herself, ``kind="takeover"``): she is done
  with the page; the employee goes on from it, or (``finished``) she says the task is done.

x and y are fractions of the picture (0–1), so the phone's screen size does not matter. The worker
re-shoots the area about every second while it waits, and replays actions in the order they came,
until the site's own signal (``passed()``) says the check is done, the overall time is up
(``HumanTimeout``), or too many drags were refused (``SliderNotPassed``).
"""
from __future__ import annotations

import hashlib
import time
from typing import Callable, Literal

from playwright.sync_api import Page
from pydantic import BaseModel, Field, field_validator
from sqlalchemy.orm import Session, sessionmaker

from core.db import transaction
from core.errors import BusinessError, HumanTimeout, PageChanged
from core.models import Artifact, new_id
from core.storage import Storage
from rpa.handoff import Waiting, close_step, open_step, reprompt, take_actions
from rpa.screenshots import run_folder, save_shot

MAX_DRAG_MS = 30_000
MAX_TEXT = 200
FAILED_DRAGS = 5
"""Drags the site may refuse before the run stops: the owner is trying, but something is wrong."""
JUDGE_S = 5.0
"""How long a site may take to let a drag through (it checks it on its server first)."""
REFRESH_S = 1.0
TICK_S = 0.25
TYPE_DELAY_MS = 60
"""Typed text goes in key by key at a person's pace: sites watch their inputs' key events."""


class SliderNotPassed(BusinessError):
    """The owner's drags did not pass the site's check, several times."""


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


class Tap(BaseModel):
    """A tap on the picture: a click at that point of the page."""

    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)


class Text(BaseModel):
    """Text typed on the phone, for the field that has the focus on the page."""

    text: str = Field(min_length=1, max_length=MAX_TEXT)

    @field_validator("text")
    @classmethod
    def _printable(cls, text: str) -> str:
        if any(not ch.isprintable() for ch in text):
            raise ValueError("文字里不能有换行或控制字符")
        return text


class HandBack(BaseModel):
    """The owner hands the page she took over back to the employee (``finished``: she did the task herself)."""

    finished: bool = False


Action = Drag | Tap | Text | HandBack
KINDS: dict[str, type[BaseModel]] = {"drag": Drag, "tap": Tap, "text": Text, "back": HandBack}


def as_action(action: Action) -> dict:
    """How an action waits in the step's queue."""
    kind = next(k for k, model in KINDS.items() if isinstance(action, model))
    return {"kind": kind, **action.model_dump()}


def _at(area: dict, x: float, y: float) -> tuple[float, float]:
    return area["x"] + x * area["width"], area["y"] + y * area["height"]


def replay(page: Page, drag: Drag, area: dict) -> None:
    """Press at the first point, move through the rest with the recorded timing, release at the last."""
    (x0, y0, _), rest = drag.points[0], drag.points[1:]
    page.mouse.move(*_at(area, x0, y0))
    page.mouse.down()
    start = time.monotonic()
    for x, y, t in rest:
        ahead = t / 1000 - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)  # the owner's own pace is the point: a slider judges a drag by its timing
        page.mouse.move(*_at(area, x, y))
    page.mouse.up()


def perform(page: Page, action: dict, area: dict) -> Literal["drag", "tap", "text", "back"]:
    """Replay one queued action on the page; its kind (a hand-back does nothing on the page)."""
    kind = action["kind"]
    done = KINDS[kind].model_validate({k: v for k, v in action.items() if k != "kind"})
    if isinstance(done, HandBack):
        pass
    elif isinstance(done, Drag):
        replay(page, done, area)
    elif isinstance(done, Tap):
        page.mouse.click(*_at(area, done.x, done.y))
    else:
        page.keyboard.type(done.text, delay=TYPE_DELAY_MS)
    return kind


def slider_area(box: dict | None) -> dict | None:
    """The part of the page the owner sees: the track with room for the slider's texts around it.
    None while the slider shows no track (e.g. its 验证失败 box stands in for it): keep the last picture."""
    if box is None:
        return None
    knob, track = box["knob"], box["track"]
    x, y = max(0, track["x"] - 24), max(0, knob["y"] - 96)
    return {"x": x, "y": y, "width": track["width"] + 48, "height": knob["height"] + 160}


class LivePicture:
    """The picture the owner acts on: one artifact whose files are replaced when the page changes, so a
    take-over of many minutes leaves one picture behind, not hundreds."""

    def __init__(self, db: sessionmaker[Session], run_id: str | None, page: Page, store: Storage, folder: str):
        self.db, self.run_id, self.page, self.store, self.folder = db, run_id, page, store, folder
        self.name = f"live-{new_id()}"
        self.digest = ""

    def _raw(self, area: dict) -> bytes:
        raw = self.page.screenshot(clip=area, type="jpeg", quality=90)
        self.digest, before = hashlib.sha256(raw).hexdigest(), self.digest
        return raw if self.digest != before else b""

    def first(self, area: dict) -> str:
        """Shoot the area and record it; the artifact id the step points at."""
        shot = save_shot(self._raw(area), self.store, self.folder, self.name)
        with transaction(self.db) as s:
            thumb = Artifact(run_id=self.run_id, kind="thumbnail", path=shot.thumb, step="takeover")
            s.add(thumb)
            s.flush()
            full = Artifact(run_id=self.run_id, kind="screenshot", path=shot.full, step="takeover",
                            thumb_id=thumb.id)
            s.add(full)
            s.flush()
            return full.id

    def refresh(self, area: dict) -> bool:
        """Shoot again; when the page looks different, replace the pictures under the same refs (each put is
        whole: the phone may be fetching the old one). True when the picture changed."""
        raw = self._raw(area)
        if not raw:
            return False
        save_shot(raw, self.store, self.folder, self.name)
        return True


class _Drags:
    """Judges the owner's drags by the site's answer: one not let through within ``judge_s`` (or followed
    by another drag first) was refused; ``FAILED_DRAGS`` refusals stop the take-over."""

    def __init__(self, judge_s: float, giving_up: str):
        self.judge_s, self.giving_up = judge_s, giving_up
        self.refused, self.until = 0, None

    def made(self) -> None:
        if self.until is not None:
            self._refuse()
        self.until = time.monotonic() + self.judge_s

    def timed_out(self) -> bool:
        """True once, when the last drag's time to pass has run out (it was refused)."""
        if self.until is None or time.monotonic() < self.until:
            return False
        self.until = None
        self._refuse()
        return True

    def _refuse(self) -> None:
        self.refused += 1
        if self.refused >= FAILED_DRAGS:
            raise SliderNotPassed(f"滑块验证拖了{FAILED_DRAGS}次都没有通过，已停止，{self.giving_up}")

    def prompt(self) -> str:
        return (f"网站没有放行这次拖动（已{self.refused}次，最多{FAILED_DRAGS}次），"
                "请看新画面再拖一次（按住滑块，匀速拖到最右边）")


def take_over(db: sessionmaker[Session], who: Waiting, page: Page, store: Storage, prompt: str,
              timeout_s: int, area: Callable[[], dict | None], passed: Callable[[], bool],
              reset: Callable[[], None] = lambda: None, judge_s: float | None = JUDGE_S,
              waited_for: str = "滑块验证", kind: str = "drag") -> dict | None:
    """Let the owner act on the live page from the phone until ``passed()`` (the site's own, quick
    signal) says the check is done.

    ``kind="takeover"``: she took the page over herself (not a check the site put up): her drags are not
    judged (``judge_s`` None), and the take-over ends when she hands the page back; returns her hand-back
    ``{"finished": bool}`` (None for a check that passed).

    ``area()`` is the page rectangle the owner sees, asked anew for every picture (None: not to be
    found right now, keep the last one). ``reset()`` puts a refused slider back to its start for sites
    that need it (a click on their 重试 box; that click solves nothing)."""
    if passed():
        return
    where = area()
    if where is None:
        raise PageChanged(f"需要你操作的{waited_for}窗口不见了，已停止，{who.giving_up}", url=page.url)
    picture = LivePicture(db, who.run_id, page, store, run_folder(who.run_id or f"account-{who.account_id}"))
    step_id = open_step(db, who, kind, prompt, timeout_s, screenshot_id=picture.first(where))
    waited = f"{timeout_s // 60}分钟" if timeout_s >= 60 else f"{timeout_s}秒"
    too_long = HumanTimeout(f"等待你在手机上完成{waited_for}超过{waited}，已停止，{who.giving_up}", url=page.url)
    done = False
    try:
        back = _wait_for_the_site(db, step_id, page, picture, where, time.monotonic() + timeout_s, too_long,
                                  area, passed, reset, _Drags(judge_s, who.giving_up) if judge_s else None,
                                  kind == "takeover")
        done = True
    finally:
        close_step(db, who, step_id, passed=done)
    return back


def _wait_for_the_site(db, step_id: str, page: Page, picture: LivePicture, where: dict, deadline: float,
                       too_long: HumanTimeout, area, passed, reset, drags: "_Drags | None",
                       hands_back: bool = False) -> dict | None:
    next_shot = time.monotonic() + REFRESH_S
    while not passed():
        if drags is not None and drags.timed_out():
            reset()
            reprompt(db, step_id, drags.prompt())
            next_shot = 0.0  # show the owner the refused (or reset) slider at once
        if time.monotonic() >= deadline:
            raise too_long
        for action in take_actions(db, step_id):
            done = perform(page, action, where)
            if done == "back" and hands_back:
                return {"finished": bool(action.get("finished"))}  # what she queued after it is not done
            if done == "drag" and drags is not None:
                drags.made()
            next_shot = min(next_shot, time.monotonic() + TICK_S)  # the owner wants to see what it did
        if time.monotonic() >= next_shot:
            where = area() or where
            picture.refresh(where)
            next_shot = time.monotonic() + REFRESH_S
        page.wait_for_timeout(TICK_S * 1000)  # the owner acts at human speed; the page keeps running
    return None
