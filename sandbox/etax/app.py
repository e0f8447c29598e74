"""The electronic tax bureau replica: ``create_app(delays)`` builds the FastAPI app.

One origin serves the tpass login (a single-page shell at ``/``, rendered by hash: ``/#/login``) and
the portal (server-rendered pages under ``/portal/``). A portal page with a dead session answers the
expiry text ``身份认证已失效，请重新登录`` and then bounces to ``/#/login``; JSON calls answer HTTP 401.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from sandbox.etax import api, auth, control, pages, pay_pages, pit_page
from sandbox.etax.config import COOKIE, SLIDER_TRAVEL
from sandbox.etax.form_page import form_page
from sandbox.etax.state import World

STATIC = Path(__file__).parent / "static"
LIST = "/portal/declare/list"


def create_app(delays: bool = True) -> FastAPI:
    app = FastAPI(title="Electronic tax bureau replica", docs_url=None, redoc_url=None, openapi_url=None)
    world = app.state.world = World(delays)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(auth.router(world))
    app.include_router(api.router(world))
    app.include_router(control.router(world))

    def page(html: str) -> HTMLResponse:
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    async def taxpayer(request: Request) -> dict | None:
        await world.pause(0.2)
        return world.taxpayer(world.user_of(request.cookies.get(COOKIE)))

    def expired() -> HTMLResponse:
        return page(pages.expired_page(world.settings["expiry_bounce_s"]))

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    @app.get("/", include_in_schema=False)
    def shell(request: Request):
        logged_in = bool(world.user_of(request.cookies.get(COOKIE)))
        config = {"loggedIn": logged_in, "home": "/portal/home", "slider": bool(world.faults["slider"]),
                  "travel": SLIDER_TRAVEL, "pollMs": 2000 if world.delays else 200}
        return page(pages.shell(config))

    @app.get("/login", include_in_schema=False)
    def plain_login():
        return RedirectResponse("/#/login", status_code=302)

    @app.get("/portal/home")
    async def home(request: Request):
        tp = await taxpayer(request)
        if not tp:
            return expired()
        return page(pages.home_page(tp, world.notices_for(request.cookies.get(COOKIE))))

    @app.get(LIST)
    async def declare_list(request: Request):
        tp = await taxpayer(request)
        if not tp:
            return expired()
        period = world.settings["current_period"]
        ledger, code = world.ledger, tp["credit_code"]
        return page(pages.declare_list_page(tp, period, ledger.filing_of(code, period),
                                            ledger.filing_of(code, period, "pit")))

    @app.get("/portal/declare/pit")
    async def pit_form(request: Request, period: str = ""):
        tp = await taxpayer(request)
        if not tp:
            return expired()
        if period != world.settings["current_period"] or not tp.get("pit_business"):
            return RedirectResponse(LIST, status_code=302)
        world.doom_if_faulty(request.cookies.get(COOKIE))
        return page(pit_page.form_page(tp, period, world.ledger.pit_paid(tp["credit_code"], period)))

    @app.get("/portal/declare/vat")
    async def vat_form(request: Request, period: str = ""):
        tp = await taxpayer(request)
        if not tp:
            return expired()
        if period != world.settings["current_period"]:
            return RedirectResponse(LIST, status_code=302)
        world.doom_if_faulty(request.cookies.get(COOKIE))
        code, s = tp["credit_code"], world.settings
        return page(form_page(tp, period, world.ledger.prefill_for(code, period), world.ledger.year_before(code, period),
                              s["threshold"], s["reduction_rule"], s["education_exempt_up_to"]))

    @app.get("/portal/declare/result")
    async def declare_result(request: Request, serial: str = ""):
        tp = await taxpayer(request)
        if not tp:
            return expired()
        filing = world.ledger.by_serial(tp["credit_code"], serial)
        return page(pages.result_page(tp, filing)) if filing else RedirectResponse(LIST, status_code=302)

    @app.get("/portal/query/filed")
    async def filed(request: Request):
        tp = await taxpayer(request)
        if not tp:
            return expired()
        return page(pages.filed_page(tp, world.ledger.filings_of(tp["credit_code"])))

    @app.get("/portal/pay/unpaid")
    async def unpaid(request: Request):
        tp = await taxpayer(request)
        if not tp:
            return expired()
        return page(pay_pages.unpaid_page(tp, world.ledger.unpaid(tp["credit_code"])))

    @app.get("/portal/pay/confirm")
    async def pay_confirm(request: Request, serial: str = ""):
        tp = await taxpayer(request)
        if not tp:
            return expired()
        filing = world.ledger.by_serial(tp["credit_code"], serial)
        if not filing or filing.pay_status != "未缴款":
            return RedirectResponse("/portal/pay/unpaid", status_code=302)
        world.doom_if_faulty(request.cookies.get(COOKIE))
        return page(pay_pages.confirm_page(tp, filing))

    @app.get("/portal/pay/result")
    async def pay_result(request: Request, voucher: str = ""):
        tp = await taxpayer(request)
        if not tp:
            return expired()
        found = next((p for p in world.ledger.payments if p.voucher == voucher and p.credit_code == tp["credit_code"]),
                     None)
        return page(pay_pages.paid_page(tp, found)) if found else RedirectResponse("/portal/pay/unpaid", status_code=302)

    return app
