"""The README's stories, played as a newcomer plays them: the demo workspace as ``scripts/run.sh`` seeds it
(the owner, the five employees, the sample product sheet of 桂花乌龙冷泡茶, a 小红书 account to log in) on the
whole service, driven from a phone-sized browser (390×844), each story ending in the site's own read-back:

- 营销专员 writes a note for 小红书 and 抖音, the owner approves both in 审批, both are published;
- 派活: 「下周一上午10点在小红书和抖音发一篇新品上市的帖子…」 becomes a plan, confirmed, published at its time;
- the tea product is listed on 淘宝 from /listings/new;
- income with a 专票 sale is imported in /finance and the quarter's VAT return is filed and paid, with the
  replica's demo company login from the README.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from books.periods import Quarter
from core.db import transaction
from core.models import Run, utcnow
from core.seed import SAMPLE_DOC
from tests.factories import make_image
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import (add_tax_login, approve, choose_option, demo, expect_read_back,  # noqa: F401
                                  expect_run_status, log_in, no_sideways_scroll, open_card, phone, replica,
                                  scan_login, tab)

SHANGHAI = ZoneInfo("Asia/Shanghai")
XHS, DOUYIN = ("小红书", "demo"), ("抖音", "我的抖音")
"""The seeded 小红书 account, and the 抖音 account the owner adds."""
TEA = "桂花乌龙冷泡茶"
"""The product of the seeded sample product sheet."""


def _photos(tmp_path, n: int, size=(800, 1000)) -> list[str]:
    return [str(make_image(tmp_path / f"茶{i}.jpg", size=size, text=str(i))) for i in range(n)]


def _social_accounts(page) -> None:
    """The seeded 小红书 account logged in, and a 抖音 account added, both by (simulated) QR scan."""
    scan_login(page, *XHS)
    scan_login(page, *DOUYIN)


def _note(state: dict, title: str) -> dict:
    (note,) = [n for n in state["notes"] if n["title"] == title]
    return note


def _work(state: dict, title: str) -> dict:
    (work,) = [w for w in state["works"] if w["title"] == title]
    return work


def test_the_marketing_employee_posts_a_note_on_xiaohongshu_and_douyin_after_the_owner_approves_it(
        demo, phone, tmp_path):
    page = phone
    log_in(page, demo)
    _social_accounts(page)

    tab(page, "写笔记")
    for box in page.get_by_role("checkbox").all():
        box.uncheck()
    for site, name in (XHS, DOUYIN):
        page.get_by_role("checkbox", name=re.compile(f"{site} · {name}")).check()
    choose_option(page.get_by_label(re.compile("^员工")), "营销专员")  # semi-automatic by default: she asks first
    title = "桂花乌龙冷泡茶上新"
    page.get_by_label("标题").fill(title)
    page.get_by_label("正文").fill("一包茶包加500毫升常温矿泉水，冷藏4到6小时即可饮用。入口是桂花的甜香，回味是乌龙的焙火香。"
                                  "每盒12包，到手价39元。")
    page.get_by_label(re.compile("^话题")).fill("冷泡茶 桂花乌龙")
    page.get_by_label(re.compile("^图片")).set_input_files(_photos(tmp_path, 3))
    no_sideways_scroll(page)
    page.get_by_role("button", name="交给员工").click()
    expect(page).to_have_url(re.compile(r"/runs/\w+$"))
    expect_run_status(page, "待审批")
    assert replica(demo, "xiaohongshu").state()["submissions"] == 0  # nothing reached the site before approval

    runs = {}
    for site, name in (XHS, DOUYIN):
        open_card(page, demo, title, site)
        runs[site] = approve(page, "批准发布")

    page.goto(runs["小红书"])
    expect_run_status(page, "已发布")
    expect_read_back(page, "笔记ID", _note(replica(demo, "xiaohongshu").state(), title)["id"])
    no_sideways_scroll(page)
    page.goto(runs["抖音"])
    expect_run_status(page, "已发布")
    work = _work(replica(demo, "douyin").state(), title)
    assert (work["kind"], work["images"]) == ("image", 3)
    expect_read_back(page, "作品ID", work["id"])


def _next_monday_10(now: datetime) -> datetime:
    """「下周一上午10点」: 10:00 on the Monday of next week (weeks start on Monday; on a Sunday that is tomorrow)."""
    monday = now.date() - timedelta(days=now.weekday()) + timedelta(days=7)
    return datetime(monday.year, monday.month, monday.day, 10, tzinfo=SHANGHAI)


def _bring_the_slot_to_now(demo, run_ids: list[str]) -> None:
    """The test cannot wait until next Monday: move the runs' publish time (the slot the owner confirmed and
    the scheduler's start time with it) to a few seconds from now, which is what the scheduler and the
    worker see when that Monday 10:00 comes."""
    slot = utcnow() + timedelta(seconds=3)
    with transaction(demo.db) as s:
        for run_id in run_ids:
            run = s.get(Run, run_id)
            assert run.status == "scheduled", (run.status, run.reason)
            run.not_before = slot
            run.content = {**run.content, "timing": {**run.content["timing"], "at": slot.isoformat()}}


def test_a_task_given_in_pai_huo_is_planned_from_the_product_sheet_confirmed_and_published_at_its_time(
        demo, phone, tmp_path):
    page = phone
    log_in(page, demo)
    _social_accounts(page)

    tab(page, "派活")
    page.get_by_label("交给").select_option(label="营销专员")
    request = f"下周一上午10点在小红书和抖音发一篇新品上市的帖子，产品是{TEA}"
    page.get_by_label(re.compile("^任务")).fill(request)
    page.get_by_role("button", name="让员工出计划").click()
    expect(page).to_have_url(re.compile(r"/tasks/\w+$"), timeout=90_000)  # she reads the documents first
    expect(page.locator("#task-status")).to_have_text("待确认")

    slot = _next_monday_10(datetime.now(SHANGHAI))
    items = page.locator(".plan-run")
    expect(items).to_have_count(2)
    titles = {}
    for item, site in zip(items.all(), ("小红书", "抖音")):
        expect(item.get_by_role("heading")).to_contain_text(site)
        expect(item.locator("dd[data-field=at]")).to_have_text(f"{slot.month}月{slot.day}日 周一 10:00")
        expect(item.locator("cite").first).to_have_text(SAMPLE_DOC)  # drafted from the sample product sheet
        expect(item.locator("dd[data-field=body]")).to_contain_text(TEA)
        titles[site] = item.locator("dd[data-field=title]").inner_text().strip()
    no_sideways_scroll(page)

    confirm = page.locator("#confirm")
    confirm.get_by_label("第1项图片（小红书）").set_input_files(_photos(tmp_path / "x", 2))
    confirm.get_by_label("第2项图片（抖音）").set_input_files(_photos(tmp_path / "d", 2))
    confirm.get_by_role("button", name="确认并排期").click()
    expect(page.locator("#task-status")).to_have_text("已确认")
    created = page.locator(".list a[href^='/runs/']")
    expect(created).to_have_count(2)
    for n in range(2):
        expect(created.nth(n)).to_contain_text("已排期")
        expect(created.nth(n)).to_contain_text(f"{slot:%Y-%m-%d} 10:00")
    run_ids = [href.rsplit("/", 1)[1] for href in (a.get_attribute("href") for a in created.all())]

    _bring_the_slot_to_now(demo, run_ids)
    for run_id in run_ids:
        page.goto(f"{demo.url}/runs/{run_id}")
        expect_run_status(page, "待审批")  # the owner still approves each post before it goes out

    runs = {}
    for site in ("小红书", "抖音"):
        open_card(page, demo, titles[site], site)
        runs[site] = approve(page, "批准发布")
    page.goto(runs["小红书"])
    expect_run_status(page, "已发布")
    expect_read_back(page, "笔记ID", _note(replica(demo, "xiaohongshu").state(), titles["小红书"])["id"])
    page.goto(runs["抖音"])
    expect_run_status(page, "已发布")
    expect_read_back(page, "作品ID", _work(replica(demo, "douyin").state(), titles["抖音"])["id"])


def test_the_tea_product_of_the_sample_sheet_is_listed_on_taobao_from_the_phone(demo, phone, tmp_path):
    page = phone
    log_in(page, demo)
    scan_login(page, "淘宝", "我的淘宝店")

    page.goto(f"{demo.url}/listings/new")  # the README's address
    form = page.locator("form[data-api='/api/listings']")
    choose_option(form.get_by_label(re.compile("^员工")), "销售助理")
    form.get_by_label("类目关键词").fill("乌龙茶")  # 桂花乌龙 is an oolong (the sample sheet: 安溪的乌龙茶)
    form.get_by_label("品牌").fill("无品牌/无注册商标")
    form.get_by_label("其他类目属性").fill("产地:福建安溪")
    title = f"{TEA} 冷泡茶包 每盒12包"
    form.get_by_label("宝贝标题").fill(title)
    form.get_by_label("一口价（元）").fill("39")
    form.get_by_label("总库存（件）").fill("200")
    form.get_by_label(re.compile("^主图")).set_input_files(_photos(tmp_path / "main", 2, size=(800, 800)))
    form.get_by_label(re.compile("^描述图")).set_input_files(_photos(tmp_path / "desc", 1, size=(750, 1000)))
    no_sideways_scroll(page)
    form.get_by_role("button", name="交给员工").click()
    expect(page).to_have_url(re.compile(r"/runs/\w+$"))
    expect_run_status(page, "待审批")
    assert replica(demo, "taobao").state()["submissions"] == 0

    open_card(page, demo, title, "淘宝")
    approve(page, "批准上架")
    expect_run_status(page, "已上架")
    (item,) = [i for i in replica(demo, "taobao").state()["items"] if i["title"] == title]
    assert "乌龙" in item["catPath"], item["catPath"]
    assert (item["price"], item["quantity"], item["props"].get("产地")) == ("39.00", 200, "福建安溪")
    expect_read_back(page, "商品ID", item["id"])
    no_sideways_scroll(page)


def _income(quarter: Quarter) -> str:
    """A quarter of a small shop's income, as the owner exports it: mostly 普票 and unbilled sales, and one
    company customer's gift boxes on a 专票 (30,300 元 at 1% = 30,000 元 of sales)."""
    def day(n: int) -> str:
        return (quarter.start + timedelta(days=n)).isoformat()

    return ("日期,金额,发票类型,类别,税率,备注\n"
            f"{day(9)},120000,普票,货物,1%,淘宝店铺销售\n"
            f"{day(40)},30300,专票,货物,1%,企业客户礼盒团购\n"
            f"{day(70)},20200,未开票,货物,1%,线下零售\n")


def test_income_with_a_special_invoice_is_imported_and_the_quarters_vat_return_is_filed_and_paid(
        demo, phone, tmp_path):
    quarter = Quarter.containing(datetime.now(SHANGHAI).date()).previous()  # the due quarter, on the replica too
    page = phone
    log_in(page, demo)
    add_tax_login(page, "公司报税")

    page.goto(f"{demo.url}/finance")  # the README's address
    expect(page.get_by_role("navigation", name="所属期")).to_contain_text(quarter.label)
    income = tmp_path / "收入明细.csv"
    income.write_text(_income(quarter), encoding="utf-8-sig")
    page.get_by_label("文件").set_input_files(str(income))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_text("收入记录 3 条")).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_role("button", name="开始申报").click()
    expect(page).to_have_url(re.compile(r"/runs/\w+$"))
    expect_run_status(page, "待审批")

    open_card(page, demo, "电子税务局")
    expect(page.locator("#tax-table tr").filter(has_text="第2栏").first).to_contain_text("30000.00")  # the 专票 sales
    assert replica(demo, "etax").state()["counters"]["submissions"] == 0
    approve(page, "批准申报")
    open_card(page, demo, "电子税务局", shot=False)  # the payment
    approve(page, "批准缴款")
    expect_run_status(page, "已申报")

    state = replica(demo, "etax").state()
    (filing,) = [f for f in state["filings"] if f["period"] == str(quarter)]
    assert Decimal(str(filing["values"]["2.goods"])) == Decimal("30000")
    assert [p for p in state["payments"] if p["serial"] == filing["serial"]]
    expect_read_back(page, "申报序号", filing["serial"])
