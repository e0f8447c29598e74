"""The demo workspace as a newcomer runs it (``scripts/run.sh``: the seeded owner, employees and sample
product sheet; web, two workers, the scheduler and all four replicas as real processes) and the owner's
hands on it from a phone-sized browser (390×844, zh-CN, Asia/Shanghai): log in, log accounts in, open
approval cards, wait for a run to settle. Shared by the tests that play the README's stories."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.core_fixtures import wait_until
from tests.stack_fixtures import Replica
from tests.web_fixtures import Web, start_web_stack

PHONE = {"width": 390, "height": 844}
TAX_LOGIN = {"统一社会信用代码": "91310115MA1K4QXR7D", "用户名/手机号": "13800138000", "密码": "Etax@2026"}
"""The replica's demo company login, as the README gives it."""
ENDED = ("失败", "已驳回", "已取消")
"""Statuses a run does not leave by itself: waiting on any other is pointless."""
SETTLE_S = 150
"""How long a run may take from a click to its end state (a browser on a replica, no delays)."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The seeded demo workspace on the whole service, as ``scripts/run.sh`` starts it (two workers)."""
    stack, password = start_web_stack(tmp_path_factory, replica=True, workers=2)
    yield Web(stack, password)
    stack.stop()


@pytest.fixture
def phone(chromium) -> Page:
    ctx = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                               timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(20_000)
    yield ctx.new_page()
    ctx.close()


def replica(demo: Web, site: str) -> Replica:
    return Replica(demo.stack.replica_url(site))


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"{page.url} scrolls sideways"


def log_in(page: Page, demo: Web) -> None:
    """The owner opens the printed address and logs in with the printed one-time password."""
    page.goto(f"{demo.url}/")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("用户名").fill("owner")
    page.get_by_label("密码").fill(demo.password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="待审批")).to_be_visible()
    no_sideways_scroll(page)


def tab(page: Page, name: str) -> None:
    """Tap a tab of the bottom bar and wait for its page (with its script: buttons work only after it)."""
    link = page.get_by_role("navigation").get_by_role("link", name=name, exact=True)
    link.click()
    expect(link).to_have_attribute("aria-current", "page")
    page.wait_for_load_state("domcontentloaded")


def _account_link(page: Page, site_label: str, name: str):
    return page.locator(".list a").filter(has_text=f"{site_label} · {name}")


def scan_login(page: Page, site_label: str, name: str) -> None:
    """Log an account in by (simulated) QR scan: the seeded one from its page, a missing one by adding it.
    Nothing to do when it is already logged in (the stories of a module share the accounts)."""
    tab(page, "账号")
    link = _account_link(page, site_label, name)
    if link.count() and "已登录" in link.inner_text():
        return
    if link.count():
        link.click()
        expect(page).to_have_url(re.compile(r"/accounts/\w+$"))
        page.wait_for_load_state("domcontentloaded")
        page.get_by_role("button", name="开始扫码登录").click()
    else:
        page.get_by_label("平台").select_option(label=site_label)
        page.get_by_label("名称").fill(name)
        page.get_by_role("button", name="添加账号").click()
    qr = page.get_by_role("img", name="登录二维码")
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/png;base64,"), timeout=60_000)
    page.get_by_role("button", name="模拟扫码（演示模式）").click()
    expect(page.locator("#account-status")).to_have_text("已登录", timeout=60_000)


def add_tax_login(page: Page, name: str, login: dict[str, str] = TAX_LOGIN) -> None:
    """A 电子税务局 account with a password login (checked on the replica once that works)."""
    tab(page, "账号")
    link = _account_link(page, "电子税务局", name)
    if link.count() and "已登录" in link.inner_text():
        return
    page.get_by_label("平台").select_option(label="电子税务局")
    page.get_by_label("名称").fill(name)
    for label, value in login.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="添加账号").click()
    expect(page.locator("#account-status")).to_have_text("已登录", timeout=60_000)


def choose_option(select, text: str) -> None:
    """Pick the option of a <select> whose label contains ``text`` (labels carry modes and states)."""
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


def open_card(page: Page, demo: Web, *texts: str, shot: bool = True) -> None:
    """Pull the approval queue until a card showing all of ``texts`` is there, then open it (with the
    filled form's screenshot, unless ``shot`` is false)."""
    def listed() -> bool:
        page.goto(f"{demo.url}/approvals")
        return _card(page, texts).count() > 0

    wait_until(listed, timeout=SETTLE_S, every=1, what=f"an approval card with {texts}")
    _card(page, texts).first.click()
    expect(page).to_have_url(re.compile(r"/approvals/\w+$"))
    if shot:
        expect(page.get_by_role("img", name="已填写的发布页面截图")).to_be_visible()
    no_sideways_scroll(page)


def _card(page: Page, texts):
    cards = page.locator(".list a")
    for text in texts:
        cards = cards.filter(has_text=text)
    return cards


def approve(page: Page, button: str) -> str:
    """Press the card's approve button; the phone goes to the run's page. Returns that page's address."""
    page.get_by_role("button", name=button).click()
    try:
        expect(page).to_have_url(re.compile(r"/runs/\w+$"), timeout=60_000)
    except AssertionError:
        raise AssertionError(f"「{button}」 did not go through; the card says: "
                             f"{page.locator('form .errors').all_inner_texts()}") from None
    return page.url


def expect_run_status(page: Page, label: str, timeout_s: float = SETTLE_S) -> None:
    """Wait on the run's page (it reloads itself) until its status reads ``label``; when it never does,
    fail with what the page says instead (status and reason), which is what the owner would read."""
    status = page.locator("#run-status")
    try:
        expect(status).to_have_text(re.compile(f"^({label}|{'|'.join(ENDED)})$"), timeout=timeout_s * 1000)
        expect(status).to_have_text(label, timeout=1)
    except AssertionError:
        reason = page.locator(".reason")
        said = reason.first.inner_text() if reason.count() else ""
        raise AssertionError(f"{page.url}: status 「{status.inner_text()}」 not 「{label}」；页面说：{said}") from None


def expect_read_back(page: Page, id_label: str, external_id: str) -> None:
    """The run's page names the site's id the way the site does (笔记ID, 作品ID, 商品ID, 申报序号) and shows
    the id the replica gave."""
    expect(page.locator("#external-id")).to_have_text(external_id)
    card = page.locator("[data-run]")
    expect(card).to_contain_text(id_label)
    for other in {"笔记ID", "作品ID", "商品ID", "申报序号"} - {id_label}:
        expect(card).not_to_contain_text(other)
