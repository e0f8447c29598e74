"""The replica's content endpoints the pages call: uploads, upload status, publish, works list.

Answers use Douyin's envelope ``{"status_code": 0, "status_msg": ""}``; a dead session answers
``{"status_code": 8, "status_msg": "用户未登录"}``.
"""
from __future__ import annotations

import asyncio
import random
from datetime import datetime

from fastapi import APIRouter, Request, UploadFile

from sandbox.douyin import rules
from sandbox.douyin.auth import NOT_LOGGED_IN, fail, ok
from sandbox.douyin.rules import COOKIE
from sandbox.douyin.state import SITE_TZ, World

SMS_NEEDED = 2058
"""status_code that tells the page to open the SMS verification modal and publish again."""


def router(world: World) -> APIRouter:
    api = APIRouter()

    def session(request: Request) -> tuple[str, str | None]:
        cookie = request.cookies.get(COOKIE, "")
        return cookie, world.user_of(cookie)

    @api.post("/web/api/media/upload/video/")
    async def upload_video(request: Request, file: UploadFile):
        cookie, user = session(request)
        if not user:
            return NOT_LOGGED_IN
        data = await file.read()
        await asyncio.sleep(world.delay(random.uniform(0.3, 0.8), 0.01))
        good = rules.is_video(data)
        up = world.add_media(cookie, "video", good, "" if good else rules.BAD_VIDEO)
        return ok(upload_id=up.id, url=world.set_draft(cookie, "video", [up.id]))

    @api.post("/web/api/media/upload/image/")
    async def upload_image(request: Request, file: UploadFile):
        cookie, user = session(request)
        if not user:
            return NOT_LOGGED_IN
        data = await file.read()
        await asyncio.sleep(world.delay(random.uniform(0.2, 0.6), 0.01))
        if not rules.is_image(data):
            return fail(rules.BAD_IMAGE)
        return ok(image_id=world.add_media(cookie, "image", True).id)

    @api.post("/web/api/media/draft/image/")
    async def image_draft(request: Request):
        cookie, user = session(request)
        if not user:
            return NOT_LOGGED_IN
        ids = [str(i) for i in (await request.json()).get("image_ids") or []]
        if not ids or not all(world.upload_of(cookie, i) for i in ids):
            return fail("请上传图片")
        return ok(url=world.set_draft(cookie, "image", ids))

    @api.get("/web/api/media/upload/status/")
    def upload_status(request: Request, upload_id: str):
        cookie, user = session(request)
        if not user:
            return NOT_LOGGED_IN
        up = world.upload_of(cookie, upload_id)
        return ok(**up.status()) if up else fail("上传失败")

    @api.post("/web/api/media/aweme/create/")
    async def create(request: Request):
        world.count_submission()
        cookie, user = session(request)
        if not user:
            return NOT_LOGGED_IN
        work = await request.json()
        await asyncio.sleep(world.delay(random.uniform(0.6, 1.5), 0.02))
        s = world.settings
        problem = rules.check_work(work, datetime.now(SITE_TZ), s["schedule_min_h"], s["schedule_max_days"])
        kind = "image" if work.get("kind") == "image" else "video"
        if not problem and kind == "video":
            up = world.upload_of(cookie, str(work.get("upload_id")))
            if not up or up.kind != "video" or up.status()["status"] != "done":
                problem = "视频上传中，请稍后发布" if up and up.status()["status"] == "uploading" else "请上传视频"
        if not problem and kind == "image":
            ups = [world.upload_of(cookie, str(i)) for i in work["image_ids"]]
            if not all(u and u.kind == "image" for u in ups):
                problem = "图片已失效，请重新上传"
        if not problem and world.faults["cover_required"] and kind == "video" and not work.get("cover"):
            problem = "请设置封面后再发布"
        if problem:
            return fail(problem)
        if world.faults["sms_required"] and not world.take_ticket(work.get("sms_ticket")):
            return fail("为保障账号安全，请完成短信验证", code=SMS_NEEDED)
        if world.take_publish_failure():
            return fail("发布失败，请稍后重试", code=2190)
        desc = work.get("desc") or ""
        created = world.add_work(cookie, user=user, kind=kind, title=work.get("title") or "", desc=desc,
                                 topics=rules.TOPIC.findall(desc), images=len(work.get("image_ids") or []),
                                 publish_at=work.get("timing") or None, declaration=work.get("declaration"),
                                 cover=work.get("cover") if isinstance(work.get("cover"), str) else None,
                                 allow_download=bool(work.get("allow_download")), collection=work.get("collection"))
        return ok(aweme_id=created.id)

    @api.get("/janus/douyin/creator/pc/work_list")
    def work_list(request: Request, status: int = 0, count: int = 12, max_cursor: int = 0):
        _, user = session(request)
        if not user:
            return NOT_LOGGED_IN
        items = [{"aweme_id": w.id, "desc": w.title or w.desc, "title": w.title, "create_time":
                  int(w.created_at.timestamp()), "status": w.status, "publish_at": w.publish_at,
                  "media_type": 2 if w.kind == "image" else 4, "images": w.images,
                  "declaration": w.declaration}
                 for w in world.works_of(user)]
        return ok(aweme_list=items, has_more=False, max_cursor=0, total=len(items))

    return api
