"""The way back on a phone (390×844, real Chromium, the web server as a process): cancel and retry from the
run's page, 改好再发 opens the form filled with the run's pictures, 全部批准 leaves the tax cards, and an
account is renamed and deleted."""
from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from core.db import transaction
from core.models import Account, Approval, Employee, Run
from tests.factories import make_image
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.web_fixtures import Web, start_web_stack

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    stack, password = start_web_stack(tmp_path_factory)
    yield Web(stack, password)
    stack.stop()


@pytest.fixture
def phone(chromium, service):
    ctx = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                               timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    page.on("dialog", lambda d: d.accept())  # the owner says yes to 确定取消吗 / 确定删除吗
    page.goto(f"{service.url}/login")
    page.get_by_label("用户名").fill("owner")
    page.get_by_label("密码").fill(service.password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="待审批")).to_be_visible()
    yield page
    ctx.close()


def _run(service, status: str, tmp_path, graph: str = "publish", card: dict | None = None, **fields) -> str:
    folder = service.settings.paths.uploads / f"phone-{tmp_path.name}-{status}"
    folder.mkdir(parents=True, exist_ok=True)
    image = str(shutil.copy(make_image(tmp_path / f"{status}.jpg", size=(600, 800)), folder / "01.jpg"))
    content = ({"period": "2026Q3", "form": "vat"} if graph == "tax_filing" else
               {"title": "桂花乌龙冷泡茶", "body": "冷泡8小时，清香回甘", "topics": ["冷泡茶"], "images": [image],
                "timing": {"mode": "now"}})
    with transaction(service.db) as s:
        acc = s.query(Account).filter_by(site="xiaohongshu").first()
        run = Run(workspace_id=acc.workspace_id, account_id=acc.id, employee_id=s.query(Employee).first().id,
                  graph=graph, site="xiaohongshu", mode="semi_auto", status=status, content=content, **fields)
        s.add(run)
        s.flush()
        if card is not None:
            s.add(Approval(run_id=run.id, **card))
        return run.id


def test_the_owner_cancels_a_queued_run_and_retries_a_failed_one_from_its_page(service, phone, tmp_path):
    queued = _run(service, "queued", tmp_path)
    phone.goto(f"{service.url}/runs/{queued}")
    phone.get_by_role("button", name="取消任务").click()
    expect(phone.locator("#run-status")).to_have_text("已取消")
    expect(phone.get_by_role("button", name="取消任务")).to_have_count(0)

    failed = _run(service, "failed", tmp_path, reason="网站一直没有回应")
    phone.goto(f"{service.url}/runs/{failed}")
    expect(phone.get_by_text("网站一直没有回应")).to_be_visible()
    phone.get_by_role("button", name="重试").click()
    expect(phone.locator("#run-status")).to_have_text("排队中")


def test_resend_opens_the_form_filled_with_the_rejected_notes_text_and_pictures(service, phone, tmp_path):
    rejected = _run(service, "rejected", tmp_path, reason="话题不对")
    phone.goto(f"{service.url}/runs/{rejected}")
    phone.get_by_role("link", name="改好再发").click()
    expect(phone).to_have_url(re.compile(r"/compose\?from=\w+$"))
    expect(phone.get_by_label("标题")).to_have_value("桂花乌龙冷泡茶")
    expect(phone.get_by_label("正文")).to_have_value("冷泡8小时，清香回甘")
    picture = phone.get_by_role("img", name="原来的第1张图片")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.naturalWidth") == 600  # the stored picture itself, loaded
    expect(phone.get_by_role("checkbox", name=re.compile("第1张"))).to_be_checked()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_approve_all_on_the_phone_leaves_the_tax_return_and_says_why(service, phone, tmp_path):
    with transaction(service.db) as s:
        s.query(Approval).filter_by(status="pending").update({"status": "expired"})
    for i in range(2):
        _run(service, "awaiting_approval", tmp_path / str(i), card={"fields": {"title": "桂花乌龙冷泡茶"}})
    tax = _run(service, "awaiting_approval", tmp_path / "tax", graph="tax_filing",
               card={"fields": {"kind": "vat", "title": "增值税申报表", "rows": []}})
    phone.goto(f"{service.url}/approvals")
    expect(phone.locator("#one-by-one-note")).to_contain_text("申报表和缴款涉及税款，需要逐条打开核对后审批")
    phone.get_by_role("button", name="全部批准（2条）").click()
    expect(phone.get_by_role("status")).to_contain_text("已批准2条；另有1条申报/缴款没有批准")
    expect(phone.locator(".list a")).to_have_count(1)  # after the page reloads: the tax return only
    with service.db() as s:
        assert s.query(Approval).filter_by(run_id=tax).one().status == "pending"


def test_the_owner_renames_and_deletes_an_account(service, phone, tmp_path):
    with transaction(service.db) as s:
        ws = s.query(Employee).first().workspace_id
        acc = Account(workspace_id=ws, site="douyin", name="旧抖音号", status="active")
        s.add(acc)
        s.flush()
        acc_id = acc.id
    phone.goto(f"{service.url}/accounts/{acc_id}")
    phone.get_by_label("名称").fill("抖音主号")
    phone.get_by_role("button", name="保存名称").click()
    expect(phone.get_by_role("heading", name="抖音 · 抖音主号")).to_be_visible()
    phone.get_by_role("button", name="删除这个账号").click()
    expect(phone).to_have_url(re.compile(r"/accounts$"))
    expect(phone.get_by_text("抖音主号")).to_have_count(0)
