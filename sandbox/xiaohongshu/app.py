"""The Xiaohongshu creator-platform replica: ``create_app(delays)`` builds the FastAPI app.

Pages that need a session redirect to ``/login`` when it is dead, as the real site does; JSON
endpoints answer ``登录已过期`` (code -100) instead (see ``api.py``).
"""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from sandbox.common import control, inbound_control, stats
from sandbox.common.qr import qr_data_url
from sandbox.xiaohongshu import api, data, inbound, manager, pages
from sandbox.xiaohongshu.publish_page import AI_LABEL, AI_LABEL_CHANGED, COLLECTIONS, publish_page
from sandbox.xiaohongshu.rules import COOKIE
from sandbox.xiaohongshu.state import World

STATIC = Path(__file__).parent / "static"


def create_app(delays: bool = True) -> FastAPI:
    app = FastAPI(title="Xiaohongshu creator platform replica", docs_url=None, redoc_url=None, openapi_url=None)
    world = app.state.world = World(delays)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router(world))
    app.include_router(control.router(world))
    app.include_router(inbound.router(world))
    app.include_router(inbound_control.router(world))
    app.include_router(data.router(world))
    app.include_router(manager.router(world))
    app.include_router(stats.Changes().install(app))

    def user(request: Request) -> str | None:
        return world.user_of(request.cookies.get(COOKIE))

    def to_login() -> RedirectResponse:
        return RedirectResponse("/login", status_code=302)

    def page(html: str) -> HTMLResponse:
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    @app.get("/", include_in_schema=False)
    def root(request: Request):
        return RedirectResponse("/new/home" if user(request) else "/login", status_code=302)

    @app.get("/login")
    def login(request: Request):
        if user(request):
            return RedirectResponse("/new/home", status_code=302)
        token = world.new_qr()
        return page(pages.login_page(qr_data_url(token), token, poll_ms=2000 if world.delays else 200))

    @app.get("/new/home")
    def home(request: Request):
        who = user(request)
        return page(pages.home_page(who)) if who else to_login()

    @app.get("/publish/publish")
    def publish(request: Request, target: str = "video"):
        who = user(request)
        if not who:
            return to_login()
        world.doom_if_faulty(request.cookies.get(COOKIE))
        faults = world.faults
        config = {"uploadUrl": "/api/media/v1/upload/web/image", "videoUrl": "/api/media/v1/upload/web/video",
                  "submitUrl": "/web_api/sns/v2/note", "versionUrl": "/api/galaxy/creator/version",
                  "versionMs": 30_000 if world.delays else 500,
                  "suggestMs": 600 if world.delays else 50, "noSuggest": bool(faults["suggestions_missing"]),
                  "expiredMs": 1500 if world.delays else 300,
                  "processMs": (2500 if world.delays else 100) + int(faults["slow_video_processing"]),
                  "aiLabel": AI_LABEL_CHANGED if faults["ai_wording_changed"] else AI_LABEL,
                  "collections": list(COLLECTIONS), "dropDeclaration": bool(faults["declaration_dropped"])}
        return page(publish_page("image" if target == "image" else "video", config, bool(faults["popover"]),
                                 legacy=bool(faults["legacy_editor"]),
                                 declaration_entry=not faults["declaration_missing"]))

    @app.get("/publish/success")
    def success(request: Request):
        if not user(request):
            return to_login()
        return page(pages.success_page(back_s=5 if world.delays else 1.5))

    @app.get(manager.PATH)
    def note_manager(request: Request):
        who = user(request)
        return page(manager.notes_page(world, who)) if who else to_login()

    def www_config() -> dict:
        return {"postUrl": inbound.POST, "sliderCode": inbound.SLIDER}

    @app.get(inbound.NOTIFICATION)
    def notification(request: Request):
        who = user(request)
        if not who:
            return to_login()
        return page(inbound.notification_page(world.inbox.of(who), www_config()))

    @app.get("/explore/{note_id}")
    def explore(request: Request, note_id: str):
        who = user(request)
        title = dict(world.inbox.targets_of(who)).get(note_id) if who else None
        if title:  # a note with comments: its comment area, as its owner sees it
            items = world.inbox.of(who, target_id=note_id)
            return page(inbound.note_page(note_id, title, "", items, who, {**www_config(), "me": who}))
        found = next((n for n in world.snapshot_notes() if n.id == note_id), None)
        return page(pages.explore_page(found)) if found else HTMLResponse("<p>笔记不存在</p>", status_code=404)

    return app
