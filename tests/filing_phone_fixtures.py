"""The filing stories' stack on the phone: one service with the tax-bureau replica, the owner's tax login, and
the approval queue opened the way she opens it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.core_fixtures import wait_until
from tests.story_fixtures import tab
from tests.web_fixtures import start_web_stack


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    stack, password = start_web_stack(tmp_path_factory, replica=True, workers=1)
    yield stack, password
    stack.stop()


def approve_card(page, stack, button: str) -> None:
    """Open the approval queue until the card is there (the owner pulls to refresh), then the card."""
    def card_listed() -> bool:
        page.goto(f"{stack.web_url}/approvals")
        return page.locator(".list a").count() > 0

    wait_until(card_listed, timeout=120, every=1, what="a card in the approval queue")
    page.locator(".list a").first.click()
    expect(page.get_by_role("button", name=button)).to_be_visible()


COMPANY = ("公司报税", "91310115MA1K4QXR7D", "13800138000", "Etax@2026")
"""The replica's company taxpayer: the account's name, credit code, user and password."""


def add_tax_account(page, login: tuple[str, str, str, str] = COMPANY) -> None:
    """A tax-bureau login, added once per service (the tests of a module share it)."""
    name, credit_code, user, password = login
    tab(page, "账号")
    if page.get_by_text(name).count():
        return
    page.get_by_label("平台").select_option(label="电子税务局")
    page.get_by_label("名称").fill(name)
    page.get_by_label("统一社会信用代码").fill(credit_code)
    page.get_by_label("用户名/手机号").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="添加账号").click()
    # A worker signs in on the portal with it first: 已登录 only once the portal let it in.
    expect(page.locator("#account-status")).to_have_text("已登录", timeout=90_000)
