"""The tax bureau replica driven by hand the way a person uses it: sign in (the slider by a hand's timing or a
machine's fling), open a return from 申报清册, fill its cells, submit it, and the portal's 提示 dialog."""
from __future__ import annotations

from playwright.sync_api import Page, expect

CODE, USER, PASSWORD, NAME = "91310115MA1K4QXR7D", "13800138000", "Etax@2026", "上海青禾文化传播有限公司"
TITLE = "增值税及附加税费申报表（小规模纳税人适用）"
VALID = {"1.goods": "400000", "3.goods": "400000", "15.goods": "12000", "16.goods": "8000"}  # tax due 4240.00


def cell(page: Page, key: str):
    return page.locator("#r" + key.replace(".", "_"))


def fill_login(page: Page, tx, password: str = PASSWORD, code: str = CODE, user: str = USER) -> None:
    page.goto(tx.url + "/#/login")
    page.get_by_label("统一社会信用代码/纳税人识别号").fill(code)
    page.get_by_label("居民身份证号码/手机号码/用户名").fill(user)
    page.get_by_label("个人用户密码").fill(password)


def log_in(page: Page, tx, code: str = CODE, user: str = USER, password: str = PASSWORD) -> None:
    fill_login(page, tx, password, code, user)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/portal/home")


def drag_slider(page: Page, steps: int, pause_ms: int, distance: float = 260) -> None:
    box = page.get_by_role("slider", name="拖动滑块").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, steps + 1):
        page.mouse.move(x + distance * i / steps, y + (i % 3) - 1)
        if pause_ms:
            page.wait_for_timeout(pause_ms)  # a person's hand takes time: the point of this test
    page.mouse.up()


def fling_slider(page: Page, steps: int = 14, distance: float = 260) -> None:
    """Enough moves, all within one task of the page: a machine's drag, however slow the test machine.

    The press is a real one (the page only takes a trusted pointerdown); the moves and the release are
    dispatched by one script, so no round trip of the test can stretch them into human timing."""
    box = page.get_by_role("slider", name="拖动滑块").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.evaluate("""([x, y, d, n]) => {
        for (let i = 1; i <= n; i++)
            document.dispatchEvent(new PointerEvent("pointermove", {clientX: x + d * i / n, clientY: y, bubbles: true}));
        document.dispatchEvent(new PointerEvent("pointerup", {clientX: x + d, clientY: y, bubbles: true}));
    }""", [x, y, distance, steps])
    page.mouse.up()


def open_return(page: Page, tx, title: str = TITLE) -> None:
    """The return ``title`` opened from 申报清册."""
    page.goto(tx.url + "/portal/declare/list")
    page.locator("tr", has_text=title).get_by_role("link", name="填写申报表").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def fill_return(page: Page, values: dict) -> None:
    for key, value in values.items():
        cell(page, key).fill(value)


def submit(page: Page) -> None:
    page.get_by_role("button", name="提交申报").click()
    dialog = page.get_by_role("dialog", name="提示")
    expect(dialog).to_contain_text("确定要提交申报吗？")
    dialog.get_by_role("button", name="确定").click()


def file_return(page: Page, tx, values: dict = VALID) -> str:
    open_return(page, tx)
    fill_return(page, values)
    submit(page)
    expect(page.get_by_role("heading", name="申报成功")).to_be_visible()
    return page.locator("#declare-serial").inner_text()


def refusal(page: Page):
    return page.get_by_role("dialog", name="提示")
