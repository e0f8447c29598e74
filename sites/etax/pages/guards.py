"""What any portal page can turn into: the session wall, and the modal 提示 dialog the portal speaks through.

- Session wall: a dead session shows ``身份认证已失效`` / ``请重新登录`` / ``登录已失效`` / ``账号已退出``
  (real-sites.md §4), as a page or as a dialog over the form, and then bounces to the tpass ``#/login``.
  Any of them, or the login form itself, is ``LoginRequired``.
- 提示: confirmations (``确定要提交申报吗？``) and refusals (validation messages, ``该所属期已申报…``) come in
  one TDesign-style dialog named 提示 (name GUESS); its body text is the portal's exact words.
"""
from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, TimeoutError as PlaywrightTimeoutError

from core.errors import LoginRequired, SiteTimeout
from sites.etax.errors import LABEL, SITE
from sites.etax.pages.locate import visible

EXPIRY = re.compile("身份认证已失效|请重新登录|登录已失效|账号已退出")
LOGIN_HASH = "#/login"
GRACE_MS = 1_500
"""How long a stale refusal text may stand before it counts: the page may still be moving on."""


class SessionWall:
    def __init__(self, page: Page):
        self.page = page
        self.texts = visible(page.get_by_text(EXPIRY))
        self.login_form = visible(page.get_by_label("个人用户密码"))

    @property
    def union(self) -> Locator:
        return self.texts.or_(self.login_form)

    def up(self) -> bool:
        shown = self.union.count() > 0  # ask the page first: page.url is only as fresh as the last round trip
        return shown or LOGIN_HASH in self.page.url

    def raise_if_up(self) -> None:
        if self.up():
            raise LoginRequired(f"{LABEL}登录已失效，需要重新登录", site=SITE, url=self.page.url)


class Prompt:
    """The portal's modal 提示 dialog."""

    def __init__(self, page: Page):
        self.page = page
        self.box = visible(page.get_by_role("dialog", name="提示"))

    def shown(self) -> bool:
        return self.box.count() > 0

    def message(self) -> str:
        box = self.box.first
        body = box.locator(".t-dialog__body")  # GUESS: TDesign's body; else the whole text minus title/buttons
        if body.count():
            return body.first.inner_text().strip()
        text = box.inner_text()
        for name in ["提示", *box.get_by_role("button").all_inner_texts()]:
            text = text.replace(name.strip(), "", 1)
        return re.sub(r"\s+", " ", text).strip()

    def press(self, name: str) -> None:
        self.box.first.get_by_role("button", name=name, exact=True).click()

    def dismiss(self) -> None:
        """Close a message (确定, else 关闭) so the page is usable again."""
        buttons = self.box.first.get_by_role("button", name=re.compile("^(确定|关闭|我知道了)$"))
        if buttons.count():
            buttons.first.click()


def first_shown(page: Page, states: dict[str, Locator], stale: tuple[str, ...] = (),
                timeout: float | None = None, grace_ms: float | None = GRACE_MS) -> str:
    """The name of the first state in ``states`` that shows (order = priority).

    States named in ``stale`` may be left over from an earlier try (a refusal text that stays on
    screen); when only they show, the others get ``grace_ms`` to appear before the stale one counts
    (``None``: the page's own timeout, for a stale state that can never be the answer by itself).
    """
    union = None
    for loc in states.values():
        union = loc if union is None else union.or_(loc)
    try:
        union.first.wait_for(state="visible", timeout=timeout)
    except PlaywrightTimeoutError as e:
        raise SiteTimeout(f"{LABEL}页面没有及时响应", site=SITE, url=page.url) from e
    found = [name for name, loc in states.items() if loc.count()]
    fresh = [s for s in states if s not in stale]
    if found and all(f in stale for f in found) and fresh:
        others = None
        for name in fresh:
            others = states[name] if others is None else others.or_(states[name])
        try:
            others.first.wait_for(state="visible", timeout=grace_ms)
            found = [name for name in fresh if states[name].count()] or found
        except PlaywrightTimeoutError:
            pass
    if not found:  # it showed and went between the wait and the counts: look again
        return first_shown(page, states, stale, timeout, grace_ms)
    return found[0]
