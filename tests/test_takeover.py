"""The live take-over: the owner acts on a paused page from the phone; nothing solves a check alone.

Real Chromium against the Taobao replica, whose baxia slider judges drags like the real one (count and
timing of the moves, end position) and shows 验证失败，点击框体重试 after a refused one. A thread plays
the owner: it looks at the step's live picture and queues taps, drags and text as the phone's API does.
"""
from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from pydantic import ValidationError

from core.db import session_factory, transaction
from core.errors import HumanTimeout
from core.models import Account, Artifact, HumanStep, Workspace
from graphs.steps import slider_area
from rpa.handoff import Waiting, queue_action
from rpa.takeover import FAILED_DRAGS, Drag, SliderNotPassed, Tap, Text, as_action, take_over
from sites.taobao.pages import guards
from tests.taobao_sandbox_fixtures import CATEGORY, HOME, chromium, context, open_logged_in, page, replica, tb  # noqa: F401

SLIDER = "iframe#baxia-dialog-content"
# The picture frames the replica's 300 px track 24 px either side and its 40×34 knob 96 px below the top.
WIDTH, HEIGHT = 300 + 48, 34 + 160
KNOB = ((24 + 20) / WIDTH, (96 + 17) / HEIGHT)
SPAN = (300 - 40) / WIDTH
TRACK_MIDDLE = ((24 + 150) / WIDTH, KNOB[1])


@pytest.fixture
def db(core_settings):
    factory = session_factory(core_settings.db_url)
    with transaction(factory) as s:
        ws = Workspace(name="店")
        s.add(ws)
        s.flush()
        s.add(Account(id=f"acc{ws.id}", workspace_id=ws.id, site="taobao", name="淘宝店", status="logging_in"))
    return factory, Waiting(account_id=f"acc{ws.id}", giving_up="登录已取消")


def human_drag(n=30, ms=900) -> Drag:
    (x, y) = KNOB
    return Drag(points=[(x + SPAN * i / n, y + ((i % 3) - 1) * 0.004, round(ms * i / n)) for i in range(n + 1)])


def jump() -> Drag:
    (x, y) = KNOB
    return Drag(points=[(x, y, 0), (x + SPAN / 2, y, 5), (x + SPAN, y, 10), (x + SPAN, y, 12), (x + SPAN, y, 15)])


class Phone(threading.Thread):
    """The owner with the phone: runs ``script(phone)`` against the open step, as the phone page would."""

    def __init__(self, factory, who: Waiting, script):
        super().__init__(daemon=True)
        self.factory, self.who, self.script, self.error = factory, who, script, None

    def run(self) -> None:
        try:
            self.script(self)
        except Exception as e:  # reported by the test's thread
            self.error = e

    def step(self) -> tuple[str, str, Path] | None:
        """The open step's id, prompt and picture file, or None."""
        with self.factory() as s:
            step = s.query(HumanStep).filter(self.who.steps(), HumanStep.status == "pending").first()
            return (step.id, step.prompt, Path(s.get(Artifact, step.screenshot_id).path)) if step else None

    def picture(self) -> Image.Image:
        return Image.open(io.BytesIO(self.step()[2].read_bytes())).convert("RGB")

    def red(self) -> int:
        """Pixels of the site's red 验证失败 box in the picture the owner sees."""
        return sum(1 for r, g, b in self.picture().get_flattened_data() if r - max(g, b) > 40)

    def wait(self, what: str, ok, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.step() is not None and ok():
                return
            time.sleep(0.1)
        raise AssertionError(f"the phone never saw {what}")

    def act(self, action) -> None:
        with transaction(self.factory) as s:
            assert queue_action(s, self.step()[0], as_action(action), 5) == "queued"


def _slider_page(page, tb):
    open_logged_in(page, tb)
    tb.faults(slider_pages=1)
    page.goto(tb.url + HOME)
    expect(page.locator(SLIDER)).to_be_visible()


def _take_over_slider(factory, who, page, settings, timeout_s=60, **kw) -> None:
    take_over(factory, who, page, settings.storage, "淘宝要求安全验证", timeout_s,
              area=lambda: slider_area(guards.slider_box(page)), passed=lambda: guards.slider_tab(page) is None,
              **kw)


def test_the_owner_taps_retry_after_a_refused_jump_and_her_human_drag_gets_through(page, tb, db, core_settings):
    factory, who = db
    _slider_page(page, tb)

    def owner(phone: Phone) -> None:
        phone.wait("the slider", lambda: phone.red() < 20)
        phone.act(jump())
        # The site refuses by itself; the live picture shows its red box without anyone asking.
        phone.wait("the site's 验证失败 box", lambda: phone.red() > 300)
        phone.act(Tap(x=TRACK_MIDDLE[0], y=TRACK_MIDDLE[1]))  # 点击框体重试
        phone.wait("the slider back at its start", lambda: phone.red() < 20)
        phone.act(human_drag())

    phone = Phone(factory, who, owner)
    phone.start()
    _take_over_slider(factory, who, page, core_settings)  # no automatic reset: the owner's tap did it
    phone.join(5)
    assert phone.error is None, phone.error
    assert tb.state()["slider"] == {"shown": 1, "passed": 1, "failed": 1}
    expect(page.locator(SLIDER)).to_be_hidden()
    with factory() as s:
        steps = s.query(HumanStep).filter(who.steps()).all()
        assert [(st.kind, st.status, st.answer) for st in steps] == [("drag", "used", None)]  # nothing kept
        pictures = s.query(Artifact).filter(Artifact.step == "takeover").count()
    assert pictures == 2  # one live picture and its thumbnail, however often the page changed


def test_typed_text_reaches_the_field_the_owner_tapped(page, tb, db, core_settings):
    factory, who = db
    open_logged_in(page, tb, CATEGORY)
    field = page.locator(".category-search-input")
    box = field.bounding_box()
    area = {"x": box["x"] - 40, "y": box["y"] - 40, "width": box["width"] + 80, "height": box["height"] + 80}
    middle = Tap(x=(40 + box["width"] / 2) / area["width"], y=(40 + box["height"] / 2) / area["height"])

    def owner(phone: Phone) -> None:
        phone.wait("the page", lambda: True)
        phone.act(middle)
        phone.act(Text(text="手机壳 防摔"))

    phone = Phone(factory, who, owner)
    phone.start()
    take_over(factory, who, page, core_settings.storage, "请在搜索框输入类目关键词", 30,
              area=lambda: area, passed=lambda: field.input_value() == "手机壳 防摔", waited_for="输入")
    phone.join(5)
    assert phone.error is None, phone.error
    expect(field).to_be_focused()


def test_drags_the_site_keeps_refusing_stop_the_run_with_a_reason(page, tb, db, core_settings):
    factory, who = db
    _slider_page(page, tb)

    def owner(phone: Phone) -> None:
        for n in range(FAILED_DRAGS):
            phone.wait(f"refusal {n}", lambda: n == 0 or f"已{n}次" in phone.step()[1])
            phone.act(jump())

    phone = Phone(factory, who, owner)
    phone.start()
    with pytest.raises(SliderNotPassed, match=f"{FAILED_DRAGS}次"):
        _take_over_slider(factory, who, page, core_settings, reset=lambda: guards.slider_retry(page), judge_s=1.5)
    phone.join(5)
    assert phone.error is None, phone.error
    assert tb.state()["slider"]["passed"] == 0 and tb.state()["slider"]["failed"] == FAILED_DRAGS
    with factory() as s:
        assert s.query(HumanStep).filter(who.steps(), HumanStep.status == "pending").count() == 0


def test_an_untouched_take_over_times_out_with_a_clear_reason_and_nothing_waits_any_more(page, tb, db,
                                                                                      core_settings):
    factory, who = db
    _slider_page(page, tb)
    with pytest.raises(HumanTimeout, match="滑块验证超过2秒，已停止，登录已取消"):
        _take_over_slider(factory, who, page, core_settings, timeout_s=2)
    assert tb.state()["slider"] == {"shown": 1, "passed": 0, "failed": 0}
    with factory() as s:
        (step,) = s.query(HumanStep).filter(who.steps()).all()
        assert step.status == "expired"
        assert queue_action(s, step.id, as_action(Tap(x=0.5, y=0.5)), 5) == "closed"


@pytest.mark.parametrize("model, data, why", [
    (Drag, {"points": [[0.1, 0.5, 0]] * 3}, "too few points"),
    (Drag, {"points": [[0.1, 0.5, 0], [1.4, 0.5, 10], [0.2, 0.5, 20], [0.3, 0.5, 30], [0.4, 0.5, 40]]},
     "outside the picture"),
    (Drag, {"points": [[0.1, 0.5, 50], [0.2, 0.5, 10], [0.3, 0.5, 20], [0.4, 0.5, 30], [0.5, 0.5, 40]]},
     "time going back"),
    (Tap, {"x": 0.5, "y": 1.2}, "outside the picture"),
    (Text, {"text": "长" * 201}, "over 200 characters"),
    (Text, {"text": ""}, "empty"),
    (Text, {"text": "123\n456"}, "a control character"),
])
def test_a_malformed_action_is_refused_before_it_reaches_the_browser(model, data, why):
    with pytest.raises(ValidationError):
        model.model_validate(data)
