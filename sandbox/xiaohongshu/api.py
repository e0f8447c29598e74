"""The replica's JSON endpoints the pages call: QR login, image and video upload, note submit, note list.

Answers use the real API's envelope ``{"code", "success", "msg", "data"}``; a dead session answers
``{"code": -100, "msg": "登录已过期"}`` like the real site.
"""
from __future__ import annotations

import asyncio
import io
import random
from datetime import datetime

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import JSONResponse
from PIL import Image

from sandbox.common.qr import qr_data_url
from sandbox.xiaohongshu.rules import COOKIE, check_note
from sandbox.xiaohongshu.state import SITE_TZ, World

EXPIRED = {"code": -100, "success": False, "msg": "登录已过期", "data": {}}
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
BAD_IMAGE = "图片格式不支持，请上传jpg、jpeg、png、webp格式的图片"
BAD_VIDEO = "视频格式不支持，请上传mp4、mov等格式的视频"
VIDEO_MAX_BYTES = 20 * 1024 ** 3
DECLARATION_KINDS = {"fiction", "ai", "ad", "self_shot", "repost"}


def ok(data: dict) -> dict:
    return {"code": 0, "success": True, "msg": "成功", "data": data}


def fail(msg: str, code: int = -1) -> dict:
    return {"code": code, "success": False, "msg": msg, "data": {}}


def is_image(data: bytes) -> bool:
    """Pillow must both recognise and fully decode it: a renamed text file or a GIF is refused."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in IMAGE_FORMATS:
                return False
            img.load()
        return True
    except Exception:  # noqa: BLE001 - any decoder error means "not an image we take"
        return False


def is_video(head: bytes) -> bool:
    """The containers the page's accept list names, by their first bytes: ISO media (mp4/mov/m4v), EBML
    (mkv), FLV, MPEG program/transport streams."""
    return (head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free") or head[:4] == b"\x1a\x45\xdf\xa3"
            or head[:3] == b"FLV" or head[:4] == b"\x00\x00\x01\xba" or (len(head) > 188 and head[0] == head[188] == 0x47))


def clean_declaration(raw) -> dict | None:
    if not isinstance(raw, dict) or raw.get("kind") not in DECLARATION_KINDS:
        return None
    return {"kind": raw["kind"], "label": str(raw.get("label") or "")[:40], "source": str(raw.get("source") or "")[:40]}


def router(world: World) -> APIRouter:
    api = APIRouter()

    @api.post("/api/cas/customer/web/qr-code")
    def qr_create():
        token = world.new_qr()
        return ok({"qr_id": token, "url": qr_data_url(token)})

    @api.get("/api/cas/customer/web/qr-code")
    def qr_status(qr_id: str):
        status = world.qr_status(qr_id)
        if status != "scanned":
            return ok({"status": status})
        cookie = world.confirm(qr_id)
        resp = JSONResponse(ok({"status": "confirmed"}))
        if cookie:
            resp.set_cookie(COOKIE, cookie, httponly=True, samesite="lax", path="/")
        return resp

    @api.get("/api/galaxy/creator/version")
    def version():
        """The open publish page asks now and then whether a new release went out (GUESS: the real SPA's check
        is not in the reference; it reloads the page after a release, and what was typed is gone)."""
        world.version_checks += 1
        return ok({"reload": world.take("new_version")})

    @api.post("/api/media/v1/upload/web/image")
    async def upload(request: Request, file: UploadFile):
        cookie = request.cookies.get(COOKIE, "")
        if not world.api_user(cookie):
            return EXPIRED
        data = await file.read()
        extra = world.faults["slow_upload"] / 1000
        world.upload_started(cookie, 1)
        try:
            await asyncio.sleep(world.delay(random.uniform(0.4, 1.2), 0.02) + extra)
        finally:
            world.upload_started(cookie, -1)
        if not is_image(data):
            return fail(BAD_IMAGE)
        return ok({"fileIds": world.add_upload(cookie)})

    @api.post("/api/media/v1/upload/web/video")
    async def upload_video(request: Request, file: UploadFile):
        cookie = request.cookies.get(COOKIE, "")
        if not world.api_user(cookie):
            return EXPIRED
        head = await file.read(512)
        size = len(head) + len(await file.read())
        await asyncio.sleep(world.delay(random.uniform(0.8, 2.0), 0.05) + world.faults["slow_upload"] / 1000)
        if not is_video(head):
            return fail(BAD_VIDEO)
        if size > VIDEO_MAX_BYTES:
            return fail("视频大小不能超过20GB")
        return ok({"fileId": world.add_upload(cookie, "video"), "size": size})

    @api.post("/web_api/sns/v2/note")
    async def submit(request: Request):
        world.count_submission()
        cookie = request.cookies.get(COOKIE, "")
        user = world.api_user(cookie)
        if not user:
            return EXPIRED
        note = await request.json()
        await asyncio.sleep(world.delay(random.uniform(0.5, 1.5), 0.02))
        problem = check_note(note, datetime.now(SITE_TZ))
        if not problem and not world.owns_uploads(cookie, note.get("image_ids") or []):
            problem = "图片已失效，请重新上传"
        video = note.get("type") == "video"
        if not problem and video and not world.owns_uploads(cookie, [note.get("video_id")], "video"):
            problem = "视频已失效，请重新上传"
        if not problem and note.get("cover_id") and not world.owns_uploads(cookie, [note["cover_id"]]):
            problem = "封面已失效，请重新上传"
        if problem:
            return fail(problem)
        if world.take_publish_failure():
            return fail("发布失败，请稍后重试", code=-9101)
        created = world.add_note(user=user, title=note["title"], body=note.get("desc", ""),
                                 topics=list(note.get("topics") or []), images=len(note.get("image_ids") or []),
                                 publish_at=note.get("post_time"), kind="video" if video else "image",
                                 cover=bool(note.get("cover_id")), collection=note.get("collection") or None,
                                 original=bool(note.get("original")),
                                 declaration=clean_declaration(note.get("declaration")))
        return ok({"id": created.id})

    @api.get("/api/galaxy/creator/note/user/posted")
    def posted(request: Request, tab: int = 0, page: int = 0):
        user = world.user_of(request.cookies.get(COOKIE))
        if not user:
            return EXPIRED
        notes = [{"id": n.id, "title": n.title, "time": n.shown_time(), "publish_at": n.publish_at,
                  "status": n.status, "images": n.images, "topics": n.topics, "kind": n.kind,
                  "declaration": n.declaration_text()}
                 for n in world.notes_of(user)]
        return ok({"notes": notes, "page": page, "tab": tab})

    return api

