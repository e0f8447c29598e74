"""The Taobao seller back-end replica: ``create_app(delays)`` builds the FastAPI app.

One origin serves the paths of every real host. Logged out, every seller page answers ``302`` to
``/member/login.jhtml?redirectURL=<the page's URL>`` (the login wall: ``亲，请登录`` and the login box);
JSON endpoints answer ``NOT_LOGIN`` instead (see ``api.py``).
"""
from __future__ import annotations

import json
from dataclasses import replace
from html import escape
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from sandbox.common import control, inbound_control, stats
from sandbox.taobao import api, auth, baxia, catalog, pages, reviews, sell_manage, trade
from sandbox.taobao.category_page import category_page
from sandbox.taobao.frames import picker_page
from sandbox.taobao.publish_page import publish_page
from sandbox.taobao.rules import COOKIE, MAX_MAIN_IMAGES, MSG, warnings_on
from sandbox.taobao.state import World
from sandbox.common.qr import qr_data_url

STATIC = Path(__file__).parent / "static"


def local_path(url: str | None) -> str:
    """Where to go after login: the path + query of ``url`` (any host maps to this origin), home by default."""
    parts = urlsplit(url or "")
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return pages.HOME
    return parts.path + (f"?{parts.query}" if parts.query else "")


def create_app(delays: bool = True) -> FastAPI:
    app = FastAPI(title="Taobao seller back-end replica", docs_url=None, redoc_url=None, openapi_url=None)
    world = app.state.world = World(delays)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, api, baxia, control, reviews, inbound_control, trade, sell_manage):
        app.include_router(module.router(world))
    app.include_router(stats.Changes().install(app))

    def user(request: Request) -> str | None:
        return world.user_of(request.cookies.get(COOKIE))

    def html(text: str) -> HTMLResponse:
        return HTMLResponse(text, headers={"Cache-Control": "no-store"})

    def wall(request: Request) -> RedirectResponse:
        return RedirectResponse(f"/member/login.jhtml?redirectURL={quote(str(request.url), safe='')}", status_code=302)

    def seller(request: Request, who: str, title: str, body: str, scripts=(), config=None,
               data_page: str = "") -> HTMLResponse:
        """A seller page; the slider (fault or chance) comes up over it on load."""
        token = world.maybe_slider(request.cookies.get(COOKIE, ""), "page", data_page)
        config = {**(config or {}), "baxia": baxia.punish_url(token) if token else None}
        return html(pages.seller(title, body, who, scripts=scripts, config=config))

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    @app.get("/", include_in_schema=False)
    def root(request: Request):
        if user(request):
            return RedirectResponse(pages.HOME, status_code=302)
        box = f"/member/login.jhtml?style=mini&from=sellercenter&redirectURL={quote(pages.HOME, safe='')}"
        return html(pages.seller_login_page(box))

    @app.get("/member/login.jhtml")
    def member_login(request: Request, redirectURL: str = "", style: str = ""):  # noqa: N803 - the real name
        target = local_path(redirectURL)
        if user(request):
            return RedirectResponse(target, status_code=302)
        token = world.new_qr()
        box = pages.login_box(qr_data_url(token), token, 2000 if world.delays else 200, target)
        return html(pages.member_login_page(box, mini=style == "mini"))

    @app.get("/home.htm/QnworkbenchHome/")
    @app.get("/home.htm/QnworkbenchHome")
    def home(request: Request):
        who = user(request)
        if not who:
            return wall(request)
        counts = {"on_sale": 0, "in_stock": 0}
        for item in world.items_of(who):
            counts[item.shelf] += 1
        return seller(request, who, "千牛卖家工作台", pages.home_page(who, counts))

    @app.get("/home.htm/SellManage/{shelf}")
    def item_list(request: Request, shelf: str):
        who = user(request)
        if not who:
            return wall(request)
        shelf = shelf if shelf in ("on_sale", "in_stock") else "on_sale"
        now = stats.site_now(world)  # stock shown net of what has sold by the data pages' clock
        items = [replace(i, quantity=trade.stock_of(world, i, now)) for i in world.items_of(who) if i.shelf == shelf]
        body = sell_manage.list_page(shelf, items, pages.list_tabs(shelf))
        check = world.page_check(who) if shelf == "on_sale" else None
        return seller(request, who, "我的宝贝", body, ("sellmanage.js",), sell_manage.config(world.faults, check),
                      data_page=shelf)

    @app.get("/sell/ai/category.htm")
    def category(request: Request):
        who = user(request)
        if not who:
            return wall(request)
        return seller(request, who, "选择类目", category_page(), ("combobox.js", "category.js"))

    @app.get("/sell/publish.htm")
    def old_publish():
        return RedirectResponse("/sell/v2/publish.htm?null", status_code=302)  # as on the real site

    @app.get("/sell/v2/publish.htm")
    def publish(request: Request, catId: str = "", keyProps: str = ""):  # noqa: N803 - the real names
        who = user(request)
        if not who:
            return wall(request)
        leaf = catalog.leaf(catId)
        if not leaf:
            body = '<div class="qn-card sell-error"><h2>类目为空</h2><p>请先<a href="/sell/ai/category.htm">选择类目</a></p></div>'
            return seller(request, who, "发布宝贝", body)
        world.doom_if_faulty(request.cookies.get(COOKIE))
        try:
            props = json.loads(keyProps) if keyProps else {}
        except ValueError:
            props = {}
        s, f = world.settings, world.faults
        config = {"leaf": leaf.public(), "keyProps": props if isinstance(props, dict) else {},
                  "warnings": warnings_on(f, s), "msg": MSG, "maxDays": s["schedule_max_days"],
                  "scriptError": f["submit_script_error"],
                  "lock": {"price": s["locked_price"], "quantity": s["locked_quantity"]} if f["promotion_lock"] else None}
        return seller(request, who, "发布宝贝", publish_page(leaf), ("combobox.js", "images.js", "sku.js", "publish.js"),
                      config)

    @app.get("/sell/v2/success.htm")
    def success(request: Request, primaryId: str = "", catId: str = ""):  # noqa: N803 - the real names
        who = user(request)
        if not who:
            return wall(request)
        return html(pages.seller("发布成功", pages.success_page(primaryId, catId), who))

    @app.get("/sucai-selector-ng/index.htm")
    def picker(request: Request, target: str = "mainImagesGroup", max: int = MAX_MAIN_IMAGES):  # noqa: A002
        if not user(request):
            return wall(request)
        return html(picker_page(target, max))

    @app.get("/item.htm")
    def item_page(id: str = ""):  # noqa: A002 - the real name
        found = next((i for i in world.snapshot_items() if i.id == id), None)
        if not found:
            return HTMLResponse("<p>很抱歉，您查看的宝贝不存在，可能已下架或者被转移。</p>", status_code=404)
        return html(pages.document(found.title, f'<div class="qn-card"><h1>{escape(found.title)}</h1><p>¥{found.price}</p></div>'))

    def inbox_page(request: Request, who: str, title: str, body: str) -> HTMLResponse:
        return seller(request, who, title, body, ("reviews.js",), {"replyUrl": reviews.REPLY, "maxReply": reviews.MAX_REPLY})

    @app.get(reviews.REVIEWS)
    def rate_list(request: Request, emotion: str = "ALL", replyStatus: str = "ALL"):  # noqa: N803 - the real name
        who = user(request)
        if not who:
            return wall(request)
        items = reviews.pick(world.inbox.of(who, kind="review"), emotion, replyStatus)
        return inbox_page(request, who, "评价管理", reviews.reviews_page(items, emotion, replyStatus))

    @app.get(reviews.ASK)
    def ask_all(request: Request, itemId: str = "", replyStatus: str = "ALL"):  # noqa: N803 - the real names
        who = user(request)
        if not who:
            return wall(request)
        items = reviews.pick(world.inbox.of(who, kind="question", target_id=itemId or None), status=replyStatus)
        return inbox_page(request, who, "问大家", reviews.ask_page(items, replyStatus))

    return app
