"""出售中的宝贝 / 仓库中的宝贝 with what an operator edits on them: 编辑价格, 编辑库存, 下架 and 上架.

GUESS (real-sites.md has no markup for these lists): on the new 千牛 商品管理 list the price and stock cells
carry an edit button that opens a small popover (价格 or 库存 input, 保存 / 取消), and the 操作 column has
下架 (出售中) or 上架 (仓库中), each behind a confirm dialog (确定 / 取消). The replica keeps the classes the
adapter's read-back relies on (``tr.item-row[data-item-id]``, ``.item-title``, ``.item-price`` ...).

Fault switch ``price_field_moved``: the price popover is built differently (a dialog titled 修改价格 whose input
has another name, placeholder and id), as after a front-end release, so a replay that matched the old field
by its attributes no longer finds it.

Fault switch ``sms_check_on_save``: a price save answers ``NEED_SMS_VERIFY`` and the page shows the 安全验证 dialog
(「为了你的账号安全，请输入发送到 138****5678 的短信验证码」, 请输入验证码, 获取验证码, 确定), as the real back-end's
risk control does (real-sites-interaction.md lists 安全验证 / 验证码 among its words; the dialog's markup is GUESS).
The shop makes the held save once the right code comes back (once: the check is then gone); a wrong one is
answered 验证码错误. The code is the replica's last SMS code (``/__sandbox__/sms-code``). Fault switch ``sms_check_pages``: the next N
loads of 出售中的宝贝 put the same dialog over the list, there again after a reload until a right code closes it
(nothing is saved by it).

Every change the shop accepts is logged (``World.edits``, in ``/__sandbox__/state``) so a test can count them.
"""
from __future__ import annotations

import asyncio
import random
from decimal import Decimal, InvalidOperation
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from sandbox.common import stats
from sandbox.taobao import catalog, trade
from sandbox.taobao.models import Item
from sandbox.taobao.rules import COOKIE

EDIT = "/sell/manage/item/edit.json"  # GUESS: the real list saves through an mtop call
SHELF = "/sell/manage/item/shelf.json"
CHECK_SEND, CHECK = "/sell/manage/item/verify/send.json", "/sell/manage/item/verify.json"  # GUESS
CHECK_PHONE = "138****5678"
CHECK_GONE = "验证已失效，请重新操作"  # GUESS
MAX_PRICE, MAX_QUANTITY = Decimal("100000000"), 100_000_000
NOT_LOGIN = {"success": False, "code": "NOT_LOGIN", "message": "登录已失效，请重新登录"}


def price_of(text) -> str | None:
    """``"19.9"`` → ``"19.90"``; None for anything the shop refuses (not a number, ≤ 0, > 1亿, > 2 decimals)."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value > MAX_PRICE or value != value.quantize(Decimal("0.01")):
        return None
    return f"{value:.2f}"


def row(item: Item) -> str:
    delist = ("下架", "delist") if item.shelf == "on_sale" else ("上架", "list")
    return (f'<tr class="item-row" data-item-id="{item.id}"><td class="item-title"><a href="/item.htm?id={item.id}">'
            f'{escape(item.title)}</a><div class="item-id">ID: {item.id}</div></td>'
            f'<td class="item-price-cell"><span class="item-price">¥{item.price}</span>'
            f'<button type="button" class="edit-price" aria-label="编辑价格" title="编辑价格">✎</button></td>'
            f'<td class="item-quantity-cell"><span class="item-quantity">{item.quantity}</span>'
            f'<button type="button" class="edit-quantity" aria-label="编辑库存" title="编辑库存">✎</button></td>'
            f'<td class="item-status">{escape(item.status)}</td>'
            f'<td class="item-ops"><a class="op-edit" href="/sell/v2/publish.htm?catId={item.cat_id}">编辑商品</a>'
            f'<button type="button" class="op-shelf" data-op="{delist[1]}">{delist[0]}</button></td></tr>')


def list_page(shelf: str, items: list[Item], tabs: str) -> str:
    rows = "".join(row(i) for i in items) or '<tr class="empty"><td colspan="5">暂无数据</td></tr>'
    return f"""
<div class="qn-card item-manage"><h2>我的宝贝</h2><div class="list-tabs" role="tablist">{tabs}</div>
 <p class="list-total">共 {len(items)} 件宝贝</p>
 <table class="item-list-table"><thead><tr><th>宝贝名称</th><th>价格</th><th>库存</th><th>状态</th><th>操作</th></tr></thead>
 <tbody>{rows}</tbody></table></div>"""


def config(faults: dict, page_check: str | None = None) -> dict:
    """The page's settings; ``page_check``: the token of a 安全验证 the list asks on load (``sms_check_pages``)."""
    return {"editUrl": EDIT, "shelfUrl": SHELF, "moved": bool(faults.get("price_field_moved")),
            "checkSendUrl": CHECK_SEND, "checkUrl": CHECK, "checkPhone": CHECK_PHONE, "pageCheck": page_check}


def router(world) -> APIRouter:
    api = APIRouter()

    def owned(request: Request, item_id) -> tuple[str | None, Item | None]:
        user = world.user_of(request.cookies.get(COOKIE, ""))
        found = next((i for i in world.items_of(user) if i.id == str(item_id)), None) if user else None
        return user, found

    @api.post(EDIT)
    async def edit(request: Request):
        body = await request.json()
        user, item = owned(request, body.get("itemId"))
        if not user:
            return NOT_LOGIN
        await asyncio.sleep(world.delay(random.uniform(0.3, 0.7), 0.02))
        if item is None:
            return {"success": False, "message": "宝贝不存在或已删除"}
        field = body.get("field")
        if world.faults["promotion_lock"]:
            return {"success": False, "message": "该宝贝正在参加营销活动，价格和库存暂不能修改"}
        if field == "price":
            value = price_of(body.get("value"))
            if value is None:
                return {"success": False, "message": "请输入正确的价格（大于0，最多两位小数）"}
        elif field == "quantity":
            text = str(body.get("value", "")).strip()
            if not text.isdigit() or int(text) > MAX_QUANTITY:
                return {"success": False, "message": "库存请输入0到100000000之间的整数"}
            value = int(text)
            # The list shows stock net of what has sold (trade.stock_of): the owner's new figure is what shows.
            sold = int(item.quantity) - trade.stock_of(world, item, stats.site_now(world))
            world.edit_item(item, field, value + sold)
            return {"success": True, "message": "修改成功", "value": str(value)}
        else:
            return {"success": False, "message": "参数错误"}
        if world.faults["sms_check_on_save"]:
            token = world.hold_for_code(user, item, field, value)
            return {"success": False, "code": "NEED_SMS_VERIFY", "token": token, "phone": CHECK_PHONE,
                    "message": "为了你的账号安全，请完成安全验证"}
        world.edit_item(item, field, value)
        return {"success": True, "message": "修改成功", "value": str(value)}

    async def checked(request: Request) -> tuple[str | None, dict]:
        """The session's user and the 安全验证 dialog's call, after the site's think time."""
        user = world.user_of(request.cookies.get(COOKIE, ""))
        body = await request.json() if user else {}
        await asyncio.sleep(world.delay(random.uniform(0.2, 0.6), 0.02))
        return user, body

    @api.post(CHECK_SEND)
    async def send_check_code(request: Request):
        user, body = await checked(request)
        if not user:
            return NOT_LOGIN
        if not world.send_check_code(user, str(body.get("token", ""))):
            return {"success": False, "message": CHECK_GONE}
        return {"success": True, "message": "验证码已发送"}

    @api.post(CHECK)
    async def check(request: Request):
        user, body = await checked(request)
        if not user:
            return NOT_LOGIN
        outcome, value = world.pass_check(user, str(body.get("token", "")), str(body.get("code", "")).strip())
        if outcome == "wrong":
            return {"success": False, "code": "WRONG_CODE", "message": "验证码错误"}
        if outcome == "gone":
            return {"success": False, "message": CHECK_GONE}
        return {"success": True, "message": "修改成功" if value else "验证成功", "value": value}

    @api.post(SHELF)
    async def shelf(request: Request):
        body = await request.json()
        user, item = owned(request, body.get("itemId"))
        if not user:
            return NOT_LOGIN
        await asyncio.sleep(world.delay(random.uniform(0.3, 0.7), 0.02))
        if item is None:
            return {"success": False, "message": "宝贝不存在或已删除"}
        op = body.get("op")
        if op not in ("delist", "list"):
            return {"success": False, "message": "参数错误"}
        world.edit_item(item, "shelf", "warehouse" if op == "delist" else "now")
        return {"success": True, "message": "下架成功" if op == "delist" else "上架成功"}

    @api.get("/__sandbox__/redirect")
    def redirect(to: str):
        """Control API (tests): a page of the site that sends the browser elsewhere, as an open redirect would."""
        return RedirectResponse(to, status_code=302)

    @api.post("/__sandbox__/items")
    async def stock_shop(request: Request):
        """Control API (tests, the operator): put an item on sale in ``user``'s shop without the publish form."""
        body = await request.json()
        leaf = catalog.leaf(body.get("cat_id", 50012342)) or catalog.LEAVES[0]
        item = world.add_item(user=str(body.get("user") or "demo"), cat_id=leaf.cat_id, cat_path=leaf.path,
                              title=str(body["title"]), price=price_of(body.get("price", "1")) or "1.00",
                              quantity=int(body.get("quantity", 10)), outer_id="", props={}, skus=[], main_images=[],
                              desc="", desc_images=[], start_mode="now", start_at=None)
        return item.public()

    return api
