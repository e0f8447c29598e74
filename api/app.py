"""The web/API server: JSON API under /api, the phone's pages, static files.

    uvicorn api.app:app_from_env --factory
"""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from api import auth, errors, pages
from api.routes import (accounts, approvals, artifacts, books, employees, handoff, knowledge, listings, runs,
                        schedules, session, tasks)
from core.db import session_factory
from core.private import restrict_process
from core.settings import Settings, get_settings

ROUTERS = (session.router, accounts.router, runs.router, approvals.router, artifacts.router, schedules.router,
           employees.router, handoff.router, knowledge.router, tasks.router, listings.router, books.router,
           pages.router)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: Settings) -> FastAPI:
    settings.paths.ensure()
    app = FastAPI(title="OPC 数字员工", docs_url="/api/docs", openapi_url="/api/openapi.json")
    app.state.settings = settings
    app.state.db = session_factory(settings.db_url)
    app.state.signing_key = auth.signing_key(settings)
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

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


def app_from_env() -> FastAPI:
    restrict_process()
    return create_app(get_settings())
