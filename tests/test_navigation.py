"""Getting around on a phone (390×844): every kind of work is one tap from the home page, and the long pages
fold into sections (the first open) instead of scrolling for meters."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from planning.models import TaskPlan
from tests.pages_fixtures import demo, web  # noqa: F401  (the demo workspace with a day's work, on a web server)
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium, web, demo):
    ctx = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                               timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    page.goto(f"{web.url}/login")
    page.get_by_label("用户名").fill("owner")
    page.get_by_label("密码").fill(web.password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="待审批")).to_be_visible()
    yield page
    ctx.close()


@pytest.mark.parametrize("tile, heading", [("财务报税", "财务助手 · 报税"), ("上架商品", "上架商品"), ("资料库", "资料库"),
                                           ("写笔记", "写笔记"), ("重复发布", "重复发布"), ("员工设置", "数字员工")])
def test_every_kind_of_work_is_one_tap_from_the_home_page(web, phone, tile, heading):
    phone.get_by_role("region", name="员工的工作").get_by_role("link", name=tile).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(heading)


def _sections(page) -> list[tuple[str, bool]]:
    return page.eval_on_selector_all("main > details", "ds => ds.map(d => [d.querySelector('summary').innerText, d.open])")


def test_the_finance_page_folds_into_sections_with_the_first_open(web, phone):
    phone.goto(f"{web.url}/finance?period=2026Q3")
    sections = _sections(phone)
    assert [open_ for _, open_ in sections] == [True] + [False] * (len(sections) - 1) and len(sections) >= 2
    assert all(any(w in title for w in ("增值税", "收入记录", "所得税", "纳税人类型", "申报和年报")) for title, _ in sections)
    expect(phone.get_by_text("应缴税费")).to_be_visible()  # the quarter's figure is in sight; its 11 lines are folded
    assert phone.evaluate("document.documentElement.scrollHeight") < 2 * PHONE["height"] + 400

    phone.get_by_text("各栏怎么算").click()
    expect(phone.locator("#vat .tax-table")).to_be_visible()
    phone.locator("#pit > summary").click()
    expect(phone.locator("#pit-due")).to_be_visible()


def test_a_plan_folds_each_run_with_the_first_open(web, phone):
    with web.db() as s:
        task = s.query(TaskPlan).first()
    phone.goto(f"{web.url}/tasks/{task.id}")
    runs = phone.locator(".plan-run")
    expect(runs).to_have_count(2)
    expect(runs.nth(0).locator("dd[data-field=title]")).to_be_visible()
    expect(runs.nth(1).get_by_role("heading")).to_be_visible()  # its heading stays, to open it by
    expect(runs.nth(1).locator("dd[data-field=title]")).to_be_hidden()
    runs.nth(1).get_by_role("heading").click()
    expect(runs.nth(1).locator("dd[data-field=title]")).to_be_visible()
