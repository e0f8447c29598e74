"""The slider take-over: the owner's drag on the phone is replayed on the live page; nothing solves it alone.

The Taobao replica's baxia slider judges drags like the real one (count and timing of the moves, end
position). The test plays the owner: it waits for the step to appear, looks at the picture, and answers
with a drag, as the phone page would post it.
"""
from __future__ import annotations

import json
import threading
import time

import pytest
from PIL import Image
from playwright.sync_api import expect
from pydantic import ValidationError

from core.db import session_factory, transaction
from core.models import Account, Artifact, HumanStep, Workspace
from rpa.handoff import Waiting, answer
from rpa.takeover import Drag, SliderNotPassed, take_over
from tests.core_fixtures import wait_until
from tests.taobao_sandbox_fixtures import HOME, chromium, context, open_logged_in, page, replica, tb  # noqa: F401

SLIDER = "iframe#baxia-dialog-content"


@pytest.fixture
def db(core_settings):
    factory = session_factory(core_settings.db_url)
    with transaction(factory) as s:
        ws = Workspace(name="店")
        s.add(ws)
        s.flush()
        s.add(Account(id=f"acc{ws.id}", workspace_id=ws.id, site="taobao", name="淘宝店", status="logging_in"))
    return factory, f"acc{ws.id}"


def _slider_page(page, tb):
    open_logged_in(page, tb)
    tb.faults(slider_pages=1)
    page.goto(tb.url + HOME)
    expect(page.locator(SLIDER)).to_be_visible()


def _area(page) -> dict:
    return page.locator(SLIDER).bounding_box()


def _passed(page) -> bool:
    try:
        expect(page.locator(SLIDER)).to_be_hidden(timeout=5_000)
        return True
    except AssertionError:
        return False


def _retry(page) -> None:
    page.frame_locator(SLIDER).get_by_text("验证失败，点击框体重试").click()


def _knob_path(page, area: dict) -> tuple[tuple[float, float], float]:
    """Where the owner sees the knob on the picture (fractions) and how far right it must go."""
    frame = page.frame_locator(SLIDER)
    knob, track = frame.locator("#nc_1_n1z").bounding_box(), frame.locator("#nc_1__scale_text").bounding_box()
    x = (knob["x"] + knob["width"] / 2 - area["x"]) / area["width"]
    y = (knob["y"] + knob["height"] / 2 - area["y"]) / area["height"]
    return (x, y), (track["width"] - knob["width"]) / area["width"]


def human_drag(start, distance, n=30, ms=900) -> list[list[float]]:
    (x, y) = start
    return [[x + distance * i / n, y + ((i % 3) - 1) * 0.004, round(ms * i / n)] for i in range(n + 1)]


def jump(start, distance) -> list[list[float]]:
    (x, y) = start
    return [[x, y, 0], [x + distance * 0.5, y, 5], [x + distance, y, 10], [x + distance, y, 12], [x + distance, y, 15]]


class Phone(threading.Thread):
    """The owner: answers each drag step as it appears, with the next drag of ``drags``."""

    def __init__(self, factory, account_id: str, drags: list):
        super().__init__(daemon=True)
        self.factory, self.who, self.drags, self.seen = factory, Waiting(account_id=account_id), list(drags), []

    def run(self) -> None:
        answered = set()
        deadline = time.monotonic() + 60
        while self.drags and time.monotonic() < deadline:
            with transaction(self.factory) as s:
                step = (s.query(HumanStep).filter(self.who.steps(), HumanStep.status == "pending").first())
                if step is not None and step.id not in answered:
                    picture = s.get(Artifact, step.screenshot_id)
                    self.seen.append((step.kind, step.prompt, picture.path))
                    answer(s, step.id, json.dumps({"points": self.drags.pop(0)}))
                    answered.add(step.id)
            time.sleep(0.05)


def test_a_jump_is_refused_by_the_site_and_the_owners_second_human_drag_gets_through(page, tb, db, core_settings):
    factory, account_id = db
    _slider_page(page, tb)
    area = _area(page)
    start, distance = _knob_path(page, area)
    phone = Phone(factory, account_id, [jump(start, distance), human_drag(start, distance)])
    phone.start()
    take_over(factory, Waiting(account_id=account_id, giving_up="登录已取消"), page, core_settings.paths.artifacts,
              "淘宝要求安全验证", 30, area=lambda: _area(page), passed=lambda: _passed(page),
              reset=lambda: _retry(page))
    phone.join(5)
    assert tb.state()["slider"] == {"shown": 1, "passed": 1, "failed": 1}
    (kind1, prompt1, pic1), (kind2, prompt2, _) = phone.seen
    assert (kind1, prompt1) == ("drag", "淘宝要求安全验证") and kind2 == "drag" and "再拖一次" in prompt2
    with Image.open(pic1) as img:  # the dialog itself, not the whole page: it fills the phone's width
        assert abs(img.width / img.height - area["width"] / area["height"]) < 0.05
    with factory() as s:
        assert all(step.answer is None for step in s.query(HumanStep))  # drags are not kept


def test_three_failed_drags_stop_with_a_reason_and_nothing_solves_it_alone(page, tb, db, core_settings):
    factory, account_id = db
    _slider_page(page, tb)
    start, distance = _knob_path(page, _area(page))
    phone = Phone(factory, account_id, [jump(start, distance)] * 3)
    phone.start()
    with pytest.raises(SliderNotPassed, match="3次"):
        take_over(factory, Waiting(account_id=account_id, giving_up="登录已取消"), page,
                  core_settings.paths.artifacts, "淘宝要求安全验证", 30, area=lambda: _area(page),
                  passed=lambda: _passed(page), reset=lambda: _retry(page))
    assert tb.state()["slider"]["passed"] == 0


def test_an_unanswered_slider_times_out_with_a_clear_reason(page, tb, db, core_settings):
    from core.errors import HumanTimeout
    factory, account_id = db
    _slider_page(page, tb)
    with pytest.raises(HumanTimeout, match="滑块验证"):
        take_over(factory, Waiting(account_id=account_id, giving_up="登录已取消"), page,
                  core_settings.paths.artifacts, "淘宝要求安全验证", 2, area=lambda: _area(page),
                  passed=lambda: _passed(page))
    wait_until(lambda: tb.state()["slider"]["shown"] == 1)


@pytest.mark.parametrize("points, why", [
    ([[0.1, 0.5, 0]] * 3, "too few points"),
    ([[0.1, 0.5, 0], [1.4, 0.5, 10], [0.2, 0.5, 20], [0.3, 0.5, 30], [0.4, 0.5, 40]], "outside the picture"),
    ([[0.1, 0.5, 50], [0.2, 0.5, 10], [0.3, 0.5, 20], [0.4, 0.5, 30], [0.5, 0.5, 40]], "time going back"),
])
def test_a_malformed_drag_is_refused_before_it_reaches_the_browser(points, why):
    with pytest.raises(ValidationError):
        Drag.model_validate({"points": points})
