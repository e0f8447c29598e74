"""The Douyin creator-center replica: ``create_app(delays)`` builds the FastAPI app.

Like the real site, a dead session does NOT redirect: every creator page answers with the QR login box
in place, on the same URL (the login texts are the signal). JSON endpoints answer ``用户未登录``
(status_code 8) instead (see ``auth.py`` / ``api.py``).
"""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from sandbox.common import control, inbound_control, stats
from sandbox.douyin import api, auth, chat, comments, data, manager, pages
from sandbox.douyin.form_page import form_page
from sandbox.douyin.rules import COLLECTIONS, COOKIE, MAX_IMAGE_TITLE, MAX_IMAGES, MAX_VIDEO_TITLE
from sandbox.douyin.state import World
from sandbox.douyin.upload_page import upload_page
from sandbox.common.qr import qr_data_url

STATIC = Path(__file__).parent / "static"
UPLOAD = "/creator-micro/content/upload"


def create_app(delays: bool = True) -> FastAPI:
    app = FastAPI(title="Douyin creator center replica", docs_url=None, redoc_url=None, openapi_url=None)
    world = app.state.world = World(delays)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(auth.router(world))
    app.include_router(api.router(world))
    app.include_router(control.router(world))
    app.include_router(comments.router(world))
    app.include_router(chat.router(world))
    app.include_router(inbound_control.router(world))
    app.include_router(data.router(world))
    app.include_router(manager.router(world))
    app.include_router(stats.Changes().install(app))

    def user(request: Request) -> str | None:
        return world.user_of(request.cookies.get(COOKIE))

    def page(html: str) -> HTMLResponse:
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    def login(after: str = "") -> HTMLResponse:
        """The login box in place; ``after`` "" reloads the same URL once logged in."""
        token = world.new_qr()
        return page(pages.login_page(qr_data_url(token), token, 2000 if world.delays else 200, after))

    def timing() -> dict:
        d = world.delays
        return {"tour": bool(world.faults["tour"]), "dropDeclaration": bool(world.faults["declaration_dropped"]),
                "pollMs": 1000 if d else 100, "coverMs": 1500 if d else 100,
                "suggestMs": 500 if d else 50}

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    @app.get("/", include_in_schema=False)
    def root(request: Request):
        if user(request):
            return RedirectResponse("/creator-micro/home", status_code=302)
        return login("/creator-micro/home")

    @app.get("/creator-micro/home")
    def home(request: Request):
        who = user(request)
        return page(pages.home_page(who, data.account_fans(world, who, stats.site_now(world)))) if who else login()

    @app.get(UPLOAD)
    def upload(request: Request):
        if not user(request):
            return login()
        return page(upload_page({**timing(), "maxImages": MAX_IMAGES}))

    def video_form(request: Request, variant: str):
        if not user(request):
            return login()
        draft = world.draft_of(request.cookies.get(COOKIE))
        if not draft or draft["kind"] != "video":
            return RedirectResponse(UPLOAD, status_code=302)
        s = world.settings
        config = {**timing(), "kind": "video", "uploadId": draft["video"], "maxTitle": MAX_VIDEO_TITLE,
                  "declaration": world.declaration_variant(), "collections": list(COLLECTIONS),
                  "scheduleMinH": s["schedule_min_h"], "scheduleMaxDays": s["schedule_max_days"]}
        return page(form_page("video", variant, config))

    @app.get("/creator-micro/content/publish")
    def publish_v1(request: Request):
        return video_form(request, "publish")

    @app.get("/creator-micro/content/post/video")
    def publish_v2(request: Request):
        return video_form(request, "post_video")

    @app.get("/creator-micro/content/post/image")
    def publish_image(request: Request):
        if not user(request):
            return login()
        draft = world.draft_of(request.cookies.get(COOKIE))
        if not draft or draft["kind"] != "image":
            return RedirectResponse(UPLOAD, status_code=302)
        s = world.settings
        config = {**timing(), "kind": "image", "imageIds": draft["images"], "maxTitle": MAX_IMAGE_TITLE,
                  "declaration": world.declaration_variant(), "collections": list(COLLECTIONS),
                  "maxImages": MAX_IMAGES, "scheduleMinH": s["schedule_min_h"], "scheduleMaxDays": s["schedule_max_days"]}
        return page(form_page("image", "image", config))

    @app.get(manager.PATH)
    def manage(request: Request):
        who = user(request)
        return page(manager.manage_page(world, who)) if who else login()

    @app.get(comments.PATH)
    def comment_manage(request: Request, item_id: str = ""):
        if not user(request):
            return login()
        return page(comments.comment_page({"itemId": item_id, "listUrl": comments.LIST, "repliesUrl": comments.REPLIES,
                                           "replyUrl": comments.REPLY, "sliderCode": comments.SLIDER,
                                           "listMs": 400 if world.delays else 20}))

    @app.get(chat.PATH)
    def chat_page(request: Request):
        who = user(request)
        if not who:
            return login()
        rows = chat.conversations(world.inbox.of(who, kind="message"))
        return page(chat.chat_page(rows, {"historyUrl": chat.HISTORY, "sendUrl": chat.SEND, "sliderCode": comments.SLIDER}))

    return app
