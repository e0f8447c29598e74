"""The replica's JSON endpoints the seller pages call: category search, materials (图片空间), submit.

A dead session answers ``{"success": false, "code": "NOT_LOGIN", "message": "登录已失效，请重新登录"}``.
A session blocked by the slider answers ``{"success": false, "code": "BAXIA", "punishUrl"}`` to a submit.
"""
from __future__ import annotations

import asyncio
import random
from datetime import datetime

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import Response

from sandbox.taobao import catalog, rules
from sandbox.taobao.baxia import punish_url
from sandbox.taobao.rules import COOKIE, MSG
from sandbox.taobao.state import SITE_TZ, World

NOT_LOGIN = {"success": False, "code": "NOT_LOGIN", "message": "登录已失效，请重新登录"}  # GUESS
BUSY = "系统繁忙，请稍后再试"


def fail(field: str, message: str) -> dict:
    return {"success": False, "code": "INVALID", "field": field, "message": message}


def router(world: World) -> APIRouter:
    api = APIRouter()

    def session(request: Request, doomable: bool = False) -> tuple[str, str | None]:
        cookie = request.cookies.get(COOKIE, "")
        return cookie, world.api_user(cookie) if doomable else world.user_of(cookie)

    @api.get("/sell/ai/category/search.json")
    async def search(request: Request, keyword: str = ""):
        if not session(request)[1]:
            return NOT_LOGIN
        await asyncio.sleep(world.delay(random.uniform(0.4, 0.7), 0.01))
        return {"success": True, "data": [leaf.public() for leaf in catalog.search(keyword)]}

    @api.post("/sell/material/upload.json")
    async def upload(request: Request, file: UploadFile):
        _, user = session(request, doomable=True)
        if not user:
            return NOT_LOGIN
        data = await file.read()
        await asyncio.sleep(world.delay(random.uniform(0.8, 1.3), 0.01) + world.faults["slow_upload"] / 1000)
        problem, (width, height) = rules.image_problem(data, world.settings["max_image_mb"])
        if problem:
            return {"success": False, "code": "BAD_IMAGE", "message": problem}
        mat = world.add_material(user, name=file.filename or "image", data=data, mime=file.content_type or "",
                                 width=width, height=height)
        return {"success": True, "data": mat.public()}

    @api.get("/sell/material/list.json")
    def materials(request: Request):
        _, user = session(request)
        if not user:
            return NOT_LOGIN
        return {"success": True, "data": [m.public() for m in world.materials_of(user)]}

    @api.get("/imgextra/{mat_id}.jpg")
    def image(mat_id: str):
        mat = world.material(mat_id)
        if not mat:
            return Response(status_code=404)
        return Response(mat.data, media_type="image/png" if mat.data[:4] == b"\x89PNG" else "image/jpeg")

    @api.post("/sell/v2/submit.htm")
    async def submit(request: Request):
        world.count_submission()
        cookie, user = session(request, doomable=True)
        if not user:
            return NOT_LOGIN
        item = await request.json()
        await asyncio.sleep(world.delay(random.uniform(0.6, 1.2), 0.02))
        token = world.slider_of(cookie) or world.maybe_slider(cookie, "submit")
        if token:
            return {"success": False, "code": "BAXIA", "punishUrl": punish_url(token)}
        problem = check(item, user)
        if problem:
            return fail(*problem)
        if world.take_submit_failure():
            return {"success": False, "code": "SYSTEM_BUSY", "message": BUSY}
        return {"success": True, **publish(item, user)}

    def check(item: dict, user: str) -> tuple[str, str] | None:
        leaf = catalog.leaf(item.get("catId"))
        if not leaf:
            return "catProp", "类目不存在，请重新选择类目"  # GUESS
        problem = rules.check_item(item, leaf, datetime.now(SITE_TZ), world.settings["schedule_max_days"])
        if problem:
            return problem
        if world.faults["promotion_lock"]:
            s = world.settings
            if item.get("skus") or str(item.get("price")) != s["locked_price"] or \
                    str(item.get("quantity")) != str(s["locked_quantity"]):
                return "price", MSG["locked"]
        if not all(world.material(m, user) for m in item["mainImages"]):
            return "mainImagesGroup", MSG["images_bad"]
        for mat_id in item.get("descImages") or []:
            mat = world.material(mat_id, user)
            if not mat or not rules.DESC_WIDTH[0] <= mat.width <= rules.DESC_WIDTH[1]:
                return "desc", MSG["desc_width"]
        return None

    def publish(item: dict, user: str) -> dict:
        leaf = catalog.leaf(item["catId"])
        totals = rules.sku_totals(item, leaf)
        price, quantity = totals or (f"{rules.parse_price(item['price']):.2f}", int(str(item["quantity"]).strip()))
        start = item.get("startTime") or {}
        mode = start.get("mode") if start.get("mode") in ("timed", "warehouse") else "now"
        skus = [{**{n: str(s.get(n, "")) for n in leaf.sale_props}, "price": f"{rules.parse_price(s['price']):.2f}",
                 "quantity": int(str(s["quantity"]).strip())} for s in (item.get("skus") or []) if leaf.sale_props]
        created = world.add_item(
            user=user, cat_id=leaf.cat_id, cat_path=leaf.path, title=str(item["title"]), price=price,
            quantity=quantity, outer_id=str(item.get("outerId") or ""),
            props={p.name: str(item["props"][p.name]).strip() for p in leaf.props}, skus=skus,
            main_images=[str(m) for m in item["mainImages"]], desc=str(item.get("desc") or ""),
            desc_images=[str(m) for m in item.get("descImages") or []], start_mode=mode,
            start_at=str(start.get("at")).strip() if mode == "timed" else None)
        return {"primaryId": created.id, "url": f"/sell/v2/success.htm?primaryId={created.id}&catId={leaf.cat_id}"}

    return api
