"""The Taobao replica behaves like the seller back-end, driven the way a person uses it.

The replica runs as its own process (delays off); real Chromium clicks, types, uploads and drags.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.taobao_sandbox_fixtures import (CATEGORY, HOME, IN_STOCK, ON_SALE, SUBMIT, TSHIRT, add_main_images,  # noqa: F401
                                           chromium, context, drag_slider, fill_basics, form_url, jpg, make_test_image,
                                           local_upload, open_logged_in, page, qr_token, ready_form, replica, scan_login_box,
                                           submit_and_confirm, tb)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEARCH = 'input[placeholder*="类目关键词"]'


def success_id(page: Page) -> str:
    page.wait_for_url(re.compile(r"/sell/v2/success\.htm\?primaryId=\d{12}&catId=\d+"))
    expect(page.get_by_text("商品提交成功")).to_be_visible()
    item_id = re.search(r"primaryId=(\d{12})", page.url).group(1)
    expect(page.locator(".success-id")).to_have_text(f"商品ID: {item_id}")
    return item_id


# -- login ----------------------------------------------------------------------------------------------
def test_scan_in_the_seller_login_iframe_sets_httponly_cookie2_and_opens_the_home(page, context, tb):
    tb.faults(qr_ttl_s=1)
    page.goto(tb.url + "/")
    box = page.frame_locator("iframe#alibaba-login-box")
    expect(box.get_by_text("二维码已失效")).to_be_visible(timeout=5_000)
    old = box.locator("img[alt='二维码']").get_attribute("src")
    assert tb.scan(qr_token(old)).status_code == 404
    tb.faults(qr_ttl_s=60)
    box.get_by_role("button", name="点击刷新").click()
    expect(box.get_by_text("二维码已失效")).to_be_hidden()
    assert box.locator("img[alt='二维码']").get_attribute("src") != old
    scan_login_box(page, tb, box)
    page.wait_for_url(tb.url + HOME)
    (cookie,) = [c for c in context.cookies() if c["name"] == "cookie2"]
    assert cookie["httpOnly"]
    expect(page.get_by_text("你好，demo")).to_be_visible()


def test_a_logged_out_seller_page_redirects_to_the_login_wall_and_comes_back_after_the_scan(page, tb):
    resp = page.request.get(tb.url + CATEGORY, max_redirects=0)
    assert resp.status == 302 and resp.headers["location"].startswith("/member/login.jhtml?redirectURL=")
    open_logged_in(page, tb, CATEGORY)
    expect(page.locator(SEARCH)).to_be_visible()
    tb.expire_sessions()
    page.goto(tb.url + ON_SALE)
    assert "/member/login.jhtml?redirectURL=" in page.url
    expect(page.get_by_text("亲，请登录")).to_be_visible()


def test_password_login_needs_the_right_password_and_then_the_sms_code(page, tb):
    page.goto(tb.url + "/")
    box = page.frame_locator("iframe#alibaba-login-box")
    box.get_by_text("密码登录").click()
    box.locator("#fm-login-id").fill("店小二")
    box.locator("#fm-login-password").fill("wrong")
    box.get_by_role("button", name="登录").click()
    expect(box.get_by_text("账号名或登录密码不正确")).to_be_visible()
    box.locator("#fm-login-password").fill("tb123456")
    box.get_by_role("button", name="登录").click()
    expect(box.get_by_text("为了你的账号安全，请进行短信验证")).to_be_visible()
    box.get_by_role("button", name="获取验证码").click()
    expect(box.get_by_text("秒后重新获取")).to_be_visible()
    code = tb.sms_code()
    assert re.fullmatch(r"\d{6}", code)
    box.locator("#fm-sms-code").fill("000000" if code != "000000" else "111111")
    box.get_by_role("button", name="确定").click()
    expect(box.get_by_text("验证码错误，请重新输入")).to_be_visible()
    box.locator("#fm-sms-code").fill(code)
    box.get_by_role("button", name="确定").click()
    page.wait_for_url(tb.url + HOME)
    expect(page.get_by_text("你好，店小二")).to_be_visible()


# -- category step ----------------------------------------------------------------------------------------
def test_category_search_ignores_a_bare_value_write_and_answers_only_after_enter(page, tb):
    open_logged_in(page, tb, CATEGORY)
    search = page.locator(SEARCH)
    search.evaluate("el => { el.value = '手机壳'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    search.press("Enter")
    expect(page.get_by_text("未找到相关类目，请换个关键词试试")).to_be_visible()
    expect(search).to_have_value("")
    search.fill("手机壳")
    page.wait_for_timeout(300)
    expect(page.locator(".result-item")).to_have_count(0)  # typing alone does not search
    search.press("Enter")
    expect(page.get_by_role("button", name="手机>手机配件>手机壳")).to_be_visible()


def test_the_brand_combobox_and_required_props_gate_the_next_button_which_opens_a_new_tab(page, context, tb):
    open_logged_in(page, tb, CATEGORY)
    page.locator(SEARCH).fill("T恤")
    page.locator(SEARCH).press("Enter")
    expect(page.locator(".sell-component-general-category-result-cate-path")).to_have_text(
        ["女装/女士精品>T恤", "男装>T恤"])
    page.get_by_role("button", name="女装/女士精品>T恤").click()
    expect(page.locator(".bottom-path")).to_have_text("类目: 女装/女士精品>T恤")
    next_button = page.get_by_role("button", name="确认，下一步")
    expect(next_button).to_be_disabled()
    brand = page.get_by_role("combobox", name="品牌")
    brand.click()
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(5)
    brand.press_sequentially("优衣")
    expect(page.get_by_role("option")).to_have_text(["优衣库/UNIQLO"])
    page.get_by_role("option", name="优衣库/UNIQLO").click()
    expect(brand).to_have_value("优衣库/UNIQLO")
    expect(next_button).to_be_disabled()  # 货号 still empty
    page.get_by_role("textbox", name="货号").fill("UQ-2025")
    expect(next_button).to_be_enabled()
    with context.expect_page() as new_tab:
        next_button.click()
    form = new_tab.value
    form.wait_for_load_state()
    assert f"/sell/v2/publish.htm?catId={TSHIRT}" in form.url
    assert page.url.endswith(CATEGORY)  # the category step stays in its own tab
    expect(form.get_by_role("combobox", name="品牌")).to_have_value("优衣库/UNIQLO")
    expect(form.get_by_role("textbox", name="货号")).to_have_value("UQ-2025")


# -- publish form -------------------------------------------------------------------------------------------
def test_form_inputs_ignore_value_writes_but_take_typing(page, tb):
    open_logged_in(page, tb, form_url())
    title = page.locator("input#title")
    expect(title).to_have_attribute("placeholder", "最多允许输入30个汉字（60字符）")
    title.evaluate("el => { el.value = '直接写入的标题'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.locator("input#price").fill("12")  # any change re-renders the form from its state
    expect(title).to_have_value("")
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.locator("#struct-title .next-form-item-help")).to_have_text("宝贝标题不能为空")
    title.fill("倍思手机壳")
    page.locator("input#price").click()
    expect(title).to_have_value("倍思手机壳")
    expect(page.locator("#struct-title .next-form-item-help")).to_have_text("")


def test_the_title_counts_a_chinese_character_as_two(page, tb, jpg):
    ready_form(page, tb, jpg, title="机" * 29 + "ab")
    expect(page.locator(".title-count")).to_have_text("60/60")
    page.locator("input#title").fill("机" * 31)
    expect(page.locator(".title-count")).to_have_text("62/60")
    expect(page.locator("#struct-title .next-form-item-help")).to_have_text("宝贝标题最多允许输入30个汉字（60字符）")
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert tb.state()["submissions"] == 0
    page.locator("input#title").fill("机" * 29 + "ab")
    submit_and_confirm(page)
    success_id(page)
    assert tb.state()["items"][0]["title"] == "机" * 29 + "ab"


def test_main_images_come_through_the_picker_iframe_file_chooser_and_gifs_are_refused(page, tb, tmp_path):
    open_logged_in(page, tb, form_url())
    assert page.locator("input[type=file]").count() == 0  # no file input in the form itself
    gif = make_test_image(tmp_path / "anim.gif", fmt="GIF")
    add_main_images(page, [gif], done=False)
    picker = page.frame_locator("iframe#mainImagesGroup")
    expect(picker.locator(".sucai-error")).to_contain_text("图片格式不支持，仅支持jpg、jpeg、png格式")
    expect(picker.locator(".pic-item")).to_have_count(0)
    local_upload(page, [make_test_image(tmp_path / "a.jpg"), make_test_image(tmp_path / "b.png", "PNG")])
    expect(picker.locator(".pic-item.selected")).to_have_count(2)
    picker.get_by_role("button", name="完成").click()
    expect(page.locator("#struct-mainImagesGroup .drag-item img")).to_have_count(2)
    expect(page.locator(".image-count")).to_have_text("2")


def test_the_sku_table_sums_the_stock_and_takes_the_lowest_price(page, tb, jpg):
    open_logged_in(page, tb, form_url(TSHIRT, {"品牌": "森马", "货号": "SM-1"}))
    for group, values in (("颜色分类", ("白色", "黑色")), ("尺码", ("M", "L"))):
        for value in values:
            page.get_by_role("textbox", name=group, exact=True).fill(value)
            page.locator(f'.sku-group[data-sale-prop="{group}"]').get_by_role("button", name="添加").click()
    expect(page.locator(".sku-row")).to_have_count(4)
    for (sku, price, stock) in (("白色 M", "59.00", "10"), ("白色 L", "59.00", "5"), ("黑色 M", "49.90", "7"),
                                ("黑色 L", "65", "3")):
        page.get_by_label(f"{sku} 价格").fill(price)
        page.get_by_label(f"{sku} 数量").fill(stock)
    expect(page.locator("input#quantity")).to_have_value("25")
    expect(page.locator("input#price")).to_have_value("49.90")
    expect(page.locator("input#quantity")).to_have_attribute("readonly", "")
    page.locator("input#title").fill("森马纯棉T恤 女")
    add_main_images(page, [jpg])
    submit_and_confirm(page)
    success_id(page)
    item = tb.state()["items"][0]
    assert (item["price"], item["quantity"], len(item["skus"])) == ("49.90", 25, 4)


def test_a_tea_category_has_no_sku_table_and_lists_with_one_price_and_stock(page, tb, jpg):
    open_logged_in(page, tb, form_url(50017091, {"品牌": "无品牌/无注册商标", "产地": "福建安溪"}))
    expect(page.locator("#struct-sku")).to_be_hidden()
    fill_basics(page, title="桂花乌龙冷泡茶 每盒12包", price="39", quantity="100")
    add_main_images(page, [jpg])
    errors = []
    page.on("pageerror", lambda e: errors.append(e.message))
    submit_and_confirm(page)
    item_id = success_id(page)
    (item,) = tb.state()["items"]
    assert (item["id"], item["catPath"], item["price"], item["quantity"], item["skus"]) == (
        item_id, "茶>茶叶>乌龙茶", "39.00", 100, [])
    assert errors == []


def test_a_script_error_on_submit_sends_nothing_and_shows_nothing(page, tb, jpg):
    tb.faults(submit_script_error=True)
    ready_form(page, tb, jpg)
    with page.expect_event("pageerror") as raised:
        page.get_by_role("button", name=SUBMIT).click()
    assert "reading 'price'" in raised.value.message
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert tb.state()["submissions"] == 0


def test_enter_in_the_brand_box_submits_the_form(page, tb, jpg):
    tb.faults(warning_dialog=False)
    ready_form(page, tb, jpg)
    page.get_by_role("combobox", name="品牌").press("Enter")
    item_id = success_id(page)
    assert tb.state()["items"][0]["id"] == item_id


def test_the_warning_dialog_goes_back_or_submits_and_the_item_is_listed_on_sale(page, tb, jpg):
    ready_form(page, tb, jpg)
    page.get_by_role("button", name=SUBMIT).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("描述中未添加图片")
    dialog.get_by_role("button", name="返回修改").click()
    expect(dialog).to_have_count(0)
    assert tb.state()["submissions"] == 0
    submit_and_confirm(page)
    item_id = success_id(page)
    page.goto(tb.url + ON_SALE)
    row = page.locator(f'tr.item-row[data-item-id="{item_id}"]')
    expect(row).to_contain_text("倍思手机壳 防摔 透明")
    expect(row).to_contain_text(f"ID: {item_id}")
    expect(row.locator(".item-price")).to_have_text("¥19.90")
    expect(row.locator(".item-status")).to_have_text("出售中")


def test_each_warning_that_applies_asks_in_turn_and_going_back_at_any_sends_nothing(page, tb, jpg):
    tb.faults(warning_low_price=True, warning_no_outer_id=True)
    ready_form(page, tb, jpg, price="1.50")  # no description image, under 5.00, no 商家编码
    dialog = page.get_by_role("dialog")
    asked = ["描述中未添加图片", "一口价低于5.00元", "未填写商家编码"]
    page.get_by_role("button", name=SUBMIT).click()
    expect(dialog).to_contain_text(asked[0])
    dialog.get_by_role("button", name="确认提交").click()
    expect(dialog).to_contain_text(asked[1])
    dialog.get_by_role("button", name="返回修改").click()
    expect(dialog).to_have_count(0)
    assert tb.state()["submissions"] == 0
    page.get_by_role("button", name=SUBMIT).click()
    for text in asked:
        expect(dialog).to_contain_text(text)
        dialog.get_by_role("button", name="确认提交").click()
    item_id = success_id(page)
    assert [i["id"] for i in tb.state()["items"]] == [item_id]
    page.goto(tb.url + ON_SALE)
    expect(page.locator(f'tr[data-item-id="{item_id}"] .item-price')).to_have_text("¥1.50")


def test_timed_and_warehouse_items_wait_in_stock(page, tb, jpg):
    ready_form(page, tb, jpg)
    page.get_by_text("定时上架").click()
    when = page.get_by_role("textbox", name="上架时间")
    when.fill((datetime.now(SHANGHAI) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"))
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.locator("#struct-startTime .next-form-item-help")).to_contain_text("定时上架时间须晚于当前时间")
    later = (datetime.now(SHANGHAI) + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    when.fill(later)
    submit_and_confirm(page)
    timed = success_id(page)
    ready_form(page, tb, jpg, title="放入仓库的手机壳")
    page.get_by_text("放入仓库").click()
    submit_and_confirm(page)
    stored = success_id(page)
    page.goto(tb.url + IN_STOCK)
    expect(page.locator(f'tr[data-item-id="{timed}"] .item-status')).to_have_text(f"定时上架 {later}")
    expect(page.locator(f'tr[data-item-id="{stored}"] .item-status')).to_have_text("仓库中")
    page.goto(tb.url + ON_SALE)
    expect(page.get_by_text("暂无数据")).to_be_visible()


# -- slider, faults, server checks ---------------------------------------------------------------------------
def test_the_slider_blocks_the_submit_a_jump_fails_and_a_human_drag_lets_it_through(page, tb, jpg):
    tb.faults(slider_submits=1, warning_dialog=False)
    ready_form(page, tb, jpg)
    page.get_by_role("button", name=SUBMIT).click()
    dialog = page.locator("iframe#baxia-dialog-content")
    expect(dialog).to_be_visible()
    assert "/_____tmd_____/punish" in dialog.get_attribute("src")
    slider = page.frame_locator("iframe#baxia-dialog-content")
    expect(slider.get_by_text("安全验证")).to_be_visible()
    expect(slider.locator(".nc-container").get_by_text("请按住滑块，拖动到最右边")).to_be_visible()
    refused = page.request.post(page.url.split("/sell/")[0] + "/sell/v2/submit.htm", data={"catId": 1}).json()
    assert refused["code"] == "BAXIA"  # the server holds every submit of this session while the slider is up
    drag_slider(page, steps=2, step_ms=0)
    expect(slider.get_by_text("验证失败，点击框体重试")).to_be_visible()
    assert tb.state()["slider"] == {"shown": 1, "passed": 0, "failed": 1}
    assert tb.state()["items"] == []
    slider.get_by_text("验证失败，点击框体重试").click()
    drag_slider(page, steps=20, step_ms=25)
    item_id = success_id(page)  # the pending submit went on by itself
    state = tb.state()
    assert state["slider"] == {"shown": 1, "passed": 1, "failed": 1}
    assert [i["id"] for i in state["items"]] == [item_id]


def test_a_slider_on_page_load_covers_the_page_until_passed(page, tb):
    open_logged_in(page, tb, CATEGORY)
    tb.faults(slider_pages=1)
    page.reload()
    expect(page.locator("iframe#baxia-dialog-content")).to_be_visible()
    search = page.locator(SEARCH)
    box = search.bounding_box()
    on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y).className",
                           [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert on_top == "baxia-dialog-mask"  # a click on the search box would land on the mask
    drag_slider(page, steps=15, step_ms=30)
    expect(page.locator("iframe#baxia-dialog-content")).to_have_count(0)
    search.fill("数据线")
    search.press("Enter")
    expect(page.get_by_role("button", name="手机>手机配件>数据线")).to_be_visible()


def test_submit_failed_shows_the_busy_message_and_the_next_try_succeeds(page, tb, jpg):
    tb.faults(submit_failed=1, warning_dialog=False)
    ready_form(page, tb, jpg)
    page.get_by_role("button", name=SUBMIT).click()
    expect(page.get_by_text("系统繁忙，请稍后再试")).to_be_visible()
    assert tb.state()["items"] == []
    page.get_by_role("button", name=SUBMIT).click()
    success_id(page)


def test_the_server_refuses_an_overlong_title_when_the_page_checks_are_bypassed(page, tb, jpg):
    open_logged_in(page, tb, HOME)
    up = page.request.post(tb.url + "/sell/material/upload.json",
                           multipart={"file": {"name": "a.jpg", "mimeType": "image/jpeg", "buffer": jpg.read_bytes()}}).json()
    assert up["success"]
    item = {"catId": 50012342, "props": {"品牌": "倍思/Baseus", "型号": "X"}, "title": "机" * 31, "price": "10",
            "quantity": "1", "mainImages": [up["data"]["id"]], "startTime": {"mode": "now"}}
    refused = page.request.post(tb.url + "/sell/v2/submit.htm", data=item).json()
    assert refused == {"success": False, "code": "INVALID", "field": "title", "message": "宝贝标题最多允许输入30个汉字（60字符）"}
    item["price"] = "10.001"
    assert page.request.post(tb.url + "/sell/v2/submit.htm", data={**item, "title": "ok"}).json()["field"] == "price"
    assert tb.state()["items"] == []
    accepted = page.request.post(tb.url + "/sell/v2/submit.htm", data={**item, "title": "机" * 30, "price": "10"}).json()
    assert accepted["success"] and re.fullmatch(r"\d{12}", accepted["primaryId"])


def test_promotion_lock_makes_price_and_stock_read_only(page, tb):
    tb.faults(promotion_lock=True)
    open_logged_in(page, tb, form_url())
    expect(page.get_by_text("商品正在参加营销活动，价格和库存不可修改")).to_be_visible()
    expect(page.locator("input#price")).not_to_be_editable()
    expect(page.locator("input#quantity")).not_to_be_editable()
    expect(page.locator("input#price")).to_have_value("99.00")


def test_a_description_image_skips_the_warning_and_is_counted(page, tb, jpg):
    ready_form(page, tb, jpg)
    page.get_by_role("button", name="添加图片").click()
    picker = page.frame_locator("iframe#descImages")
    expect(picker.locator(".pic-item")).to_have_count(1)  # the main image is already in 图片空间
    picker.locator(".pic-item").click()
    picker.get_by_role("button", name="完成").click()
    expect(page.locator("#struct-desc .desc-image img")).to_have_count(1)
    page.get_by_role("button", name=SUBMIT).click()
    success_id(page)
    assert tb.state()["items"][0]["descImages"] == 1


def test_a_session_that_dies_mid_flow_sends_the_submit_to_the_login_wall(page, tb, jpg):
    open_logged_in(page, tb, HOME)
    tb.faults(session_expire_mid_flow=True)
    page.goto(tb.url + form_url())
    fill_basics(page)
    page.locator("#struct-mainImagesGroup .image-empty").click()
    local_upload(page, [jpg])
    page.wait_for_url("**/member/login.jhtml?redirectURL=*")
    expect(page.get_by_text("亲，请登录")).to_be_visible()
    assert "publish.htm" in page.url and tb.state()["items"] == []
