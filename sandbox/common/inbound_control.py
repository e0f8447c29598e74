"""Control routes of a replica's inbox (never part of the real site), for tests and the operator.

- POST /__sandbox__/inbound        {"kind", "author", "text", "user"?="demo", "target_id"?, "target_title"?,
                                    "minutes_ago"?, "extra"?, "owner_reply"?}: a new item now (``owner_reply``:
                                    the owner already answered it on the site); answers the item
- POST /__sandbox__/inbound/grow   {"count"}: the next ``count`` seeded items at once
- POST /__sandbox__/inbound/{id}/owner-reply {"text"}: the owner answers the item herself in the app
- GET  /__sandbox__/inbound        {"items" (with their replies), "posted" (item id -> owner replies the
                                    site accepted), "writes" (requests that changed anything), "grown"}
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.common.inbound import minutes_ago


def router(world) -> APIRouter:
    """``world.inbox`` is looked up per request: a reset gives the world a new one."""
    ctl = APIRouter(prefix="/__sandbox__/inbound")

    @ctl.post("")
    async def add(request: Request):
        body = await request.json()
        if not isinstance(body, dict) or not body.get("text") or not body.get("author"):
            return JSONResponse({"error": "expected {kind, author, text, ...}"}, status_code=400)
        inbox = world.inbox
        try:
            item = inbox.add(user=str(body.get("user") or "demo"), kind=str(body.get("kind") or inbox.grow_kind),
                             author=str(body["author"]), text=str(body["text"]),
                             at=minutes_ago(float(body["minutes_ago"])) if "minutes_ago" in body else None,
                             target_id=body.get("target_id"), target_title=body.get("target_title"),
                             extra=body.get("extra") or {}, owner_reply=body.get("owner_reply"))
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return item.public()

    @ctl.post("/grow")
    async def grow(request: Request):
        body = await request.json()
        world.inbox.grow(int(body.get("count") or 1))
        return {"grown": world.inbox.grown}

    @ctl.post("/{item_id}/owner-reply")
    async def owner_reply(item_id: str, request: Request):
        body = await request.json()
        if not isinstance(body, dict) or not body.get("text"):
            return JSONResponse({"error": "expected {text}"}, status_code=400)
        item = world.inbox.owner_answers(item_id, str(body["text"]))
        if item is None:
            return JSONResponse({"error": f"no item {item_id}"}, status_code=404)
        return item.public()

    @ctl.get("")
    def state():
        return world.inbox.snapshot()

    return ctl
