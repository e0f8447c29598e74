"""已卖出的宝贝 and 退款/售后 of the seller back-end: orders and refunds for the shop's listed items.

Paths from real-sites-interaction.md (`/home.htm/trade-platform/tp/sold`, `/trade-platform/refund-list`),
the status words (等待买家付款, 买家已付款, 卖家已发货, 交易成功, 交易关闭; 退款中, 退款成功), 15 orders a page,
and 订单号 / 创建时间 / 实收款. The real list draws a card per order; the replica's table with one row per
order (and its column order) is a GUESS, as is 20 refunds a page.

Orders are not stored: each listed item sells at its own pace from the time it was listed, so the same seed
and clock always give the same orders, and a test that moves the clock (``stats_advance_h``) sees new ones.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from urllib.parse import quote

from sandbox.common.stats import page_of, pager, site_now, unit
from sandbox.common.world import SITE_TZ
from sandbox.taobao import catalog, pages
from sandbox.taobao.baxia import punish_url
from sandbox.taobao.rules import COOKIE

SOLD = "/home.htm/trade-platform/tp/sold"
REFUNDS = "/home.htm/trade-platform/refund-list"
SOLD_PAGE, REFUND_PAGE = 15, 20
TABS = (("", "近三个月订单"), ("waitPay", "等待买家付款"), ("waitSend", "等待发货"), ("haveSendGoods", "已发货"),
        ("refunding", "退款中"), ("success", "成功的订单"), ("closed", "关闭的订单"))
TAB_STATUS = {"waitPay": "等待买家付款", "waitSend": "买家已付款", "haveSendGoods": "卖家已发货", "success": "交易成功",
              "closed": "交易关闭"}


@dataclass
class Order:
    order_no: str
    item_id: str
    title: str
    quantity: int
    amount: Decimal
    created_at: datetime
    status: str
    refund_status: str | None
    refund_at: datetime | None


def orders_of(world, user: str, now: datetime) -> list[Order]:
    """Every order the user's items have had by ``now``, newest first."""
    found = []
    for item in world.items_of(user):
        if item.start_mode != "now":
            continue
        found += _item_orders(world, item, now)
    return sorted(found, key=lambda o: o.created_at, reverse=True)


def _item_orders(world, item, now: datetime) -> list[Order]:
    every = timedelta(hours=4 + 20 * unit(world, item.id, "every"))
    left, k, out = int(item.quantity), 0, []
    while True:
        k += 1
        created = item.created_at + every * (k - 0.9 + 0.8 * unit(world, item.id, k, "at"))
        qty = 2 if unit(world, item.id, k, "qty") < 0.2 else 1
        if created > now or qty > left:
            return out
        left -= qty
        out.append(_order(world, item, k, qty, created, now))


def _order(world, item, k: int, qty: int, created: datetime, now: datetime) -> Order:
    age = now - created
    status = ("等待买家付款" if age < timedelta(minutes=30) else "买家已付款" if age < timedelta(hours=6)
              else "卖家已发货" if age < timedelta(hours=72) else "交易成功")
    refund_status = refund_at = None
    if unit(world, item.id, k, "refund") < 0.2 and age >= timedelta(hours=8):
        refund_at = created + timedelta(hours=8)
        refund_status = "退款中" if age < timedelta(hours=32) else "退款成功"
        status = "交易关闭" if refund_status == "退款成功" else status
    number = "2" + str(int(unit(world, item.id, "no") * 10**15)).zfill(15) + str(k % 1000).zfill(3)  # 19 digits
    return Order(order_no=number, item_id=item.id, title=item.title, quantity=qty,
                 amount=Decimal(item.price) * qty, created_at=created, status=status, refund_status=refund_status,
                 refund_at=refund_at)


def stock_of(world, item, now: datetime) -> int:
    """What 出售中的宝贝 shows as 库存: the listed quantity less what has sold."""
    return int(item.quantity) - sum(o.quantity for o in _item_orders(world, item, now)) if item.start_mode == "now" \
        else int(item.quantity)


def _time(at: datetime) -> str:
    return at.astimezone(SITE_TZ).strftime("%Y-%m-%d %H:%M:%S")


def router(world) -> APIRouter:
    r = APIRouter()

    def guard(request: Request) -> str | None:
        return world.user_of(request.cookies.get(COOKIE))

    def wall(request: Request) -> RedirectResponse:
        return RedirectResponse(f"/member/login.jhtml?redirectURL={quote(str(request.url), safe='')}", status_code=302)

    def html(request: Request, who: str, title: str, body: str, data_page: str) -> HTMLResponse:
        """A data page; under the slider (fault or chance) its list never comes: the real list is drawn from a
        JSON call (asyncSold.htm), and that call is what the slider holds (GUESS)."""
        page = request.query_params.get("page") or "1"
        aimed = data_page if page == "1" else f"{data_page}:{page}"  # sold:2: the slider on a 下一页 reload
        token = world.maybe_slider(request.cookies.get(COOKIE, ""), "page", aimed)
        if token:
            body = f'<div class="qn-card"><h2>{title}</h2><p class="loading">加载中…</p></div>'
        return HTMLResponse(pages.seller(title, body, who, config={"baxia": punish_url(token) if token else None}),
                            headers={"Cache-Control": "no-store"})

    @r.get("/__sandbox__/stats")
    def truth(user: str = "demo"):
        now = site_now(world)
        return {"orders": [{"order_no": o.order_no, "item_id": o.item_id, "amount": f"{o.amount:.2f}",
                            "status": o.status, "refund_status": o.refund_status,
                            "created_at": o.created_at.isoformat()}
                           for o in orders_of(world, user, now)],
                "stock": {i.id: stock_of(world, i, now) for i in world.items_of(user) if i.shelf == "on_sale"}}

    @r.post("/__sandbox__/stats/history")
    async def history(request: Request):
        """Control API (benchmarks, tests): a shop with about ``count`` orders, about one a day: ``count / 10``
        items (at least one), ten of each in stock, listed evenly over the last ``count`` days, each selling at
        its own pace until it sells out."""
        body = await request.json()
        user, count = str(body.get("user") or "demo"), int(body["count"])
        items = max(1, count // 10)
        now = datetime.now(SITE_TZ)
        leaf = catalog.LEAVES[0]
        for i in range(items):
            item = world.add_item(user=user, cat_id=leaf.cat_id, cat_path=leaf.path, title=f"历史宝贝{i + 1}",
                                  price="19.90", quantity=10, outer_id="", props={}, skus=[], main_images=[],
                                  desc="", desc_images=[], start_mode="now", start_at=None)
            item.created_at = now - timedelta(days=count) * (i + 0.5) / items
        return {"items": items}

    @r.get(SOLD)
    def sold(request: Request, tabCode: str = "", page: int = 1):  # noqa: N803 - the real name
        who = guard(request)
        if not who:
            return wall(request)
        orders = orders_of(world, who, site_now(world))
        if tabCode == "refunding":
            orders = [o for o in orders if o.refund_status == "退款中"]
        elif tabCode in TAB_STATUS:
            orders = [o for o in orders if o.status == TAB_STATUS[tabCode]]
        shown, page, pages_ = page_of(orders, page, SOLD_PAGE)
        tabs = "".join(f'<a role="tab" aria-selected="{str(code == tabCode).lower()}" href="{SOLD}?tabCode={code}">'
                       f'{name}</a>' for code, name in TABS)
        rows = "".join(
            f'<tr data-order-id="{o.order_no}"><td>{o.order_no}</td><td>{_time(o.created_at)}</td>'
            f'<td><a href="/item.htm?id={o.item_id}">{escape(o.title)}</a></td><td>{o.quantity}</td>'
            f'<td>¥{o.amount:.2f}</td><td>{o.status}</td><td>{o.refund_status or ""}</td></tr>' for o in shown
        ) or '<tr><td colspan="7" class="empty">没有符合条件的宝贝，请尝试其他搜索条件。</td></tr>'
        return html(request, who, "已卖出的宝贝", f"""
<div class="qn-card sold-list"><h2>已卖出的宝贝</h2><div class="list-tabs" role="tablist">{tabs}</div>
<table class="sold-table"><thead><tr><th>订单号</th><th>创建时间</th><th>宝贝</th><th>数量</th><th>实收款</th>
<th>交易状态</th><th>售后</th></tr></thead><tbody>{rows}</tbody></table>
{pager(f"{SOLD}?tabCode={tabCode}", page, pages_, len(orders))}</div>""", "sold")

    @r.get(REFUNDS)
    def refunds(request: Request, page: int = 1):
        who = guard(request)
        if not who:
            return wall(request)
        asked = sorted((o for o in orders_of(world, who, site_now(world)) if o.refund_status),
                       key=lambda o: o.refund_at, reverse=True)
        shown, page, pages_ = page_of(asked, page, REFUND_PAGE)
        rows = "".join(
            f'<tr data-order-id="{o.order_no}"><td>{o.order_no}</td><td>{escape(o.title)}</td>'
            f'<td>¥{o.amount:.2f}</td><td>{_time(o.refund_at)}</td><td>{o.refund_status}</td></tr>' for o in shown
        ) or '<tr><td colspan="5" class="empty">暂无数据</td></tr>'
        return html(request, who, "退款/售后", f"""
<div class="qn-card refund-list"><h2>退款/售后</h2>
<table class="refund-table"><thead><tr><th>订单号</th><th>宝贝</th><th>退款金额</th><th>申请时间</th><th>售后状态</th>
</tr></thead><tbody>{rows}</tbody></table>{pager(REFUNDS, page, pages_, len(asked))}</div>""", "refunds")

    return r
