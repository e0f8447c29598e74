"""The replica's JSON endpoints the pages call: QR login, image upload, note submit, note list.

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

    @api.post("/api/media/v1/upload/web/image")
    async def upload(request: Request, file: UploadFile):
        cookie = request.cookies.get(COOKIE, "")
        if not world.api_user(cookie):
            return EXPIRED
        data = await file.read()
        extra = world.faults["slow_upload"] / 1000
        await asyncio.sleep(world.delay(random.uniform(0.4, 1.2), 0.02) + extra)
        if not is_image(data):
            return fail(BAD_IMAGE)
        return ok({"fileIds": world.add_upload(cookie)})

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
        if problem:
            return fail(problem)
        if world.take_publish_failure():
            return fail("发布失败，请稍后重试", code=-9101)
        created = world.add_note(user=user, title=note["title"], body=note.get("desc", ""),
                                 topics=list(note.get("topics") or []), images=len(note["image_ids"]),
                                 publish_at=note.get("post_time"))
        return ok({"id": created.id})

    @api.get("/api/galaxy/creator/note/user/posted")
    def posted(request: Request, tab: int = 0, page: int = 0):
        user = world.user_of(request.cookies.get(COOKIE))
        if not user:
            return EXPIRED
        notes = [{"id": n.id, "title": n.title, "time": n.shown_time(), "publish_at": n.publish_at,
                  "status": n.status, "images": n.images, "topics": n.topics}
                 for n in world.notes_of(user)]
        return ok({"notes": notes, "page": page, "tab": tab})

    return api

