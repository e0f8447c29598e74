"""A recorded trail of agent actions, done again with Playwright and no model.

Used to bring a page back to where the agent left it (a run that waited for the owner's approval closed its
browser) and to replay a saved skill. An element is found again by its stable attributes, never by the
agent's index: inside its row when it had one (``Target.scope``: ``data-item-id`` …), then by id, name,
aria-label, placeholder, title, and last by tag and exact text. A step whose element is not found exactly
once stops the replay there (``Mismatch``): the caller hands that step back to the model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator, Page

from rpa.agent_guard import Target

LOOK_MS = 5_000
"""How long a step waits for its element to show (pages render after load)."""
PLACEHOLDER = re.compile(r"<secret>(\w+)</secret>")


@dataclass
class Mismatch(Exception):
    step: int
    what: str


def locate(page: Page, target: dict) -> Locator | None:
    """The one visible element matching ``target`` (a ``Target`` as dict), or None."""
    t = Target(**target)
    base = page.locator(f'[{t.scope["attr"]}="{_css(t.scope["value"])}"]') if t.scope else page
    tag = t.tag if re.fullmatch(r"[a-z][a-z0-9]*", t.tag) else "*"
    for attr in ("id", "name", "aria-label", "placeholder", "title"):
        value = t.attrs.get(attr)
        if value:
            found = _one(base.locator(f'{tag}[{attr}="{_css(value)}"]'))
            if found is not None:
                return found
            if attr in ("id", "name"):
                return None  # the element had a name of its own and it is gone: another one would be a guess
    if t.text:
        return _one(base.locator(tag).filter(has_text=re.compile(rf"^\s*{re.escape(t.text)}\s*$")))
    return None


def _one(candidates: Locator) -> Locator | None:
    try:
        candidates.first.wait_for(state="visible", timeout=LOOK_MS)
    except Exception:
        return None
    visible = [c for c in candidates.all() if c.is_visible()]
    return visible[0] if len(visible) == 1 else None


def _css(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def replay(page: Page, trail: list[dict], secrets: dict[str, str] | None = None, start: int = 0) -> int:
    """Do ``trail[start:]`` on ``page``; the number of steps done. Raises ``Mismatch`` at a step whose element
    is gone. ``secrets`` fills the placeholders typed text carries (``<secret>password</secret>``)."""
    for i, step in enumerate(trail[start:], start):
        action, params, target = step["action"], step.get("params") or {}, step.get("target")
        if action == "navigate":
            page.goto(params["url"])
            continue
        if action == "go_back":
            page.go_back()
            continue
        element = locate(page, target) if target else None
        if element is None:
            raise Mismatch(i, Target(**target).label() if target else action)
        if action == "click":
            element.click()
        elif action == "input":
            element.fill(PLACEHOLDER.sub(lambda m: (secrets or {}).get(m.group(1), ""), params.get("text", "")))
        elif action == "select_dropdown":
            element.select_option(label=params.get("text", ""))
    return len(trail)
