"""The web/API server: JSON API under /api, the phone's pages, static files.

    uvicorn api.app:app_from_env --factory
"""
from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api import auth, board_pages, butler_pages, errors, inbox_pages, offload, pages
from api.routes import (accounts, approvals, artifacts, board, books, butler, collections, employees, errands, handoff,
                        inbox, invites, knowledge, ledger, listings, runs, schedules, session, tasks)
from core.db import session_factory
from core.private import restrict_process
from core.settings import Settings, get_settings

ROUTERS = (session.router, accounts.router, runs.router, approvals.router, artifacts.router, schedules.router,
           employees.router, handoff.router, knowledge.router, tasks.router, listings.router, books.router,
           ledger.router, inbox.router, inbox_pages.router, collections.router, butler.router, butler_pages.router,
           board.router, board_pages.router, errands.router, invites.router, pages.router)

_TAKEOVER = {"post": (409,)}
ANSWERS: dict[str, dict[str, tuple[int, ...]]] = {
    "/api/accounts/{account_id}/code": {"post": (409,)},
    "/api/accounts/{account_id}/simulate-scan": {"post": (409,)},
    "/api/runs/{run_id}/code": {"post": (409,)},
    "/api/{kind}/{target_id}/drag": _TAKEOVER, "/api/{kind}/{target_id}/tap": _TAKEOVER,
    "/api/{kind}/{target_id}/text": _TAKEOVER, "/api/{kind}/{target_id}/scanned": _TAKEOVER,
    "/api/approvals/{approval_id}/decision": {"post": (409,)},
    "/api/inbox/{conv_id}/decision": {"post": (409,)},
    "/api/inbox/approve": {"post": (404,)},
    "/api/tasks": {"post": (404,)},
    "/api/filings": {"post": (404, 409)},
    "/api/books/import": {"post": (409,)},
    "/api/books/pit-figures": {"put": (409,)},
    "/api/books/pit": {"get": (409,)},
    "/api/books/expenses": {"post": (409,)},
    "/api/books/expenses/{record_id}": {"put": (409,)},
    "/api/books/records": {"post": (409,)},
    "/api/books/records/{record_id}": {"put": (409,)},
    "/api/books/invoices/{upload_id}/save": {"post": (409,)},
    "/api/books/expenses/{record_id}/attachment": {"post": (409, 413, 503), "delete": (409,)},
    "/api/books/records/{record_id}/attachment": {"post": (409, 413, 503), "delete": (409,)},
    "/api/tasks/{task_id}/runs/{index}": {"patch": (409,)},
    "/api/tasks/{task_id}/confirm": {"post": (409, 503)},
    "/api/runs": {"post": (409, 503)},
    "/api/schedules": {"post": (503,)},
    "/api/listings": {"post": (409, 503)},
    "/api/collections": {"post": (404, 503)},
    "/api/listings/import": {"post": (409, 503)},
    "/api/butler/channels/{channel_id}/test": {"post": (502,)},
    "/api/errands/proposal": {"post": (404,)},
    "/api/errands": {"post": (404,)},
}
"""Error statuses a route answers beyond those its login, CSRF, path and inputs imply (api.errors.document):
409 when the thing it acts on changed state (or a request with the same Idempotency-Key is still being handled),
503 when uploads cannot be stored, 502 when a group bot did not take the test message."""

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: Settings) -> FastAPI:
    settings.paths.ensure()
    # The docs page is our own (``_docs_page``): FastAPI's loads Swagger UI from a CDN with an inline script,
    # which the CSP blocks and an offline machine cannot reach.
    app = FastAPI(title="OPC 数字员工", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
                  lifespan=offload.lifespan)
    app.state.settings = settings
    offload.install(app, settings)
    app.state.db = session_factory(settings.db_url)
    app.state.signing_key = auth.signing_key(settings)
    errors.install(app)

    def openapi() -> dict:
        if app.openapi_schema is None:
            errors.document(FastAPI.openapi(app), [r for router in ROUTERS for r in router.routes], ANSWERS)
        return app.openapi_schema

    app.openapi = openapi
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.mount("/api/static-docs", StaticFiles(directory=DOCS_ASSETS), name="static-docs")
    app.get("/api/docs", include_in_schema=False)(_docs_page)

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"ok": True}

    return app


DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
"""Swagger UI 5 (OpenAPI 3.1, what FastAPI writes) as pip package ``fastapi-offline`` ships it; only its files
are used: its page starts Swagger UI with an inline script."""
DOCS_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>OPC 数字员工 · 接口文档</title>
<link rel="stylesheet" href="/api/static-docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/static-docs/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script></body></html>"""
"""Swagger UI served by the service itself and started by a script file, not an inline one: the page works
under the same CSP as every other page, with no internet."""


def _docs_page() -> HTMLResponse:
    return HTMLResponse(DOCS_PAGE)


def app_from_env() -> FastAPI:
    restrict_process()
    return create_app(get_settings())
