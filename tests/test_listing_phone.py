"""The owner lists a product from a phone-sized browser (390×844), against the whole service as real processes:
fill the listing form with a 颜色分类 × 尺码 SKU table built on the phone (picking one of the categories
her word fits), approve the filled form on the
approval page, and see the run listed with its item id and the site's warning; then import a sheet and see
which rows were left out. No sideways scrolling anywhere."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import tab
from tests.listing_fixtures import PASSWORD, env, shop  # noqa: F401  (the stack and a logged-in Taobao shop)

PHONE = {"width": 390, "height": 844}
SKUS = [("黑色", "M", "59.00", "3"), ("黑色", "L", "59.00", "4"), ("白色", "M", "69.00", "5"), ("白色", "L", "69.00", "6")]


@pytest.fixture
def phone(chromium):  # noqa: F811
    ctx = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                               timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(15_000)
    yield ctx.new_page()
    ctx.close()


def _log_in(page, env, shop):  # noqa: F811
    page.goto(f"{env.stack.web_url}/")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("用户名").fill(f"owner{shop['workspace']}")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="待审批")).to_be_visible()


def _no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _fill_skus(page) -> None:
    form = page.locator("form[data-api='/api/listings']")
    for _ in SKUS:
        form.get_by_role("button", name="添加SKU").click()
    # A row added by mistake is removed again on the phone.
    form.get_by_role("button", name="添加SKU").click()
    expect(form.get_by_role("group", name=re.compile(r"^SKU \d"))).to_have_count(len(SKUS) + 1)
    form.get_by_role("group", name="SKU 5").get_by_role("button", name="删除这个SKU").click()
    expect(form.get_by_role("group", name=re.compile(r"^SKU \d"))).to_have_count(len(SKUS))
    for n, (colour, size, price, stock) in enumerate(SKUS, 1):
        row = form.get_by_role("group", name=f"SKU {n}", exact=True)
        row.get_by_label("颜色分类").fill(colour)
        row.get_by_label("尺码").fill(size)
        row.get_by_label("价格（元）").fill(price)
        row.get_by_label("库存（件）").fill(stock)


def test_owner_lists_a_product_with_skus_from_the_phone_and_sees_it_listed_with_its_item_id(env, shop, phone):  # noqa: F811
    page = phone
    _log_in(page, env, shop)
    page.goto(f"{env.stack.web_url}/listings/new")
    page.get_by_label("类目关键词").fill("T恤")
    page.get_by_label("品牌").focus()
    # 「T恤」 fits two Taobao categories: the form asks her to pick, the worker never guesses.
    pick = page.get_by_label(re.compile("^淘宝类目"))
    expect(pick).to_be_visible()
    assert pick.locator("option").all_inner_texts() == ["请选择类目", "女装/女士精品>T恤", "男装>T恤"]
    pick.select_option("女装/女士精品>T恤")
    page.get_by_label("品牌").fill("优衣库/UNIQLO")
    page.get_by_label("其他类目属性").fill("货号:U-2025")
    page.get_by_label("宝贝标题").fill("纯棉短袖T恤 手机上架")
    _fill_skus(page)
    page.get_by_label(re.compile("^主图")).set_input_files([str(p) for p in shop["images"]])
    _no_sideways_scrolling(page)
    page.get_by_role("button", name="交给员工").click()
    expect(page).to_have_url(re.compile(r"/runs/\w+$"))
    run_url = page.url
    expect(page.locator("#run-status")).to_have_text("待审批", timeout=120_000)
    assert shop["replica"].state()["submissions"] == 0

    tab(page, "审批")
    page.get_by_role("link", name=re.compile("纯棉短袖T恤 手机上架")).click()
    expect(page.get_by_role("img", name="已填写的发布页面截图")).to_be_visible()
    expect(page.locator("dd[data-field=stock]")).to_have_text("18")  # 总库存 read back from the site's form
    _no_sideways_scrolling(page)
    page.get_by_role("button", name="批准上架").click()
    expect(page).to_have_url(run_url)
    expect(page.locator("#run-status")).to_have_text("已上架", timeout=120_000)

    (item,) = shop["replica"].state()["items"]
    expect(page.locator("#external-id")).to_have_text(item["id"])
    expect(page.locator("#run-reason")).to_contain_text("描述中未添加图片")  # the warning the employee confirmed
    expect(page.locator("#run-reason")).not_to_have_class("reason")  # a listed product's note is not an error
    assert item["title"] == "纯棉短袖T恤 手机上架" and item["props"]["货号"] == "U-2025"
    assert sorted((s["颜色分类"], s["尺码"], s["price"], s["quantity"]) for s in item["skus"]) == \
        sorted((c, z, p, int(q)) for c, z, p, q in SKUS)
    assert item["quantity"] == sum(int(q) for *_, q in SKUS) and item["price"] == "59.00"
    _no_sideways_scrolling(page)


def _sheet(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_after_an_import_the_phone_lists_the_new_runs_and_the_rows_left_out(env, shop, phone, tmp_path):  # noqa: F811
    image = shop["images"][0]
    sheet = tmp_path / "商品.xlsx"
    sheet.write_bytes(_sheet([["类目", "品牌", "型号", "标题", "主图", "价格", "库存"],
                              ["手机壳", "倍思/Baseus", "X1", "导入的手机壳", image.name, "19.90", "5"],
                              ["手机壳", "倍思/Baseus", "X2", "价格写错的手机壳", image.name, "一百", "5"]]))
    page = phone
    _log_in(page, env, shop)
    page.goto(f"{env.stack.web_url}/listings/new")
    form = page.locator("form[data-import]")
    form.get_by_label("表格文件").set_input_files(str(sheet))
    form.get_by_label("表格里提到的图片").set_input_files(str(image))
    form.get_by_role("button", name="导入").click()
    expect(form.get_by_text("已创建1个上架任务", exact=False)).to_be_visible()
    expect(form.locator(".errors [data-row='3'][data-column='价格']")).to_contain_text("第3行「价格」")
    link = form.get_by_role("link", name=re.compile("导入的手机壳"))
    _no_sideways_scrolling(page)
    link.click()
    expect(page).to_have_url(re.compile(r"/runs/\w+$"))
    expect(page.locator("#run-status")).to_be_visible()
