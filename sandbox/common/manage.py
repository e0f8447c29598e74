"""A creator center's content manager, shared by the Xiaohongshu 笔记管理 and Douyin 作品管理 replicas: who
can see a post (权限) and deleting it, each behind the page's own dialog, with realistic delays and the
``manage_failed`` fault switch (the next N actions fail with the site's failure text).

    router(world, site, posts_of, records, user_of, add_post)   the two action endpoints, and
        POST /__sandbox__/posts  {"user", "title", "hours_ago", "visibility"}: a post of that age (for tests)
    dialogs(site), script(site)                                 the page's dialogs and what drives them

A row carries its id (``site.row_attr``) and ``data-visibility``; its buttons ``data-manage="permission"`` /
``"delete"`` open the dialog, whose 确定 posts the action and reloads the list. The world keeps
``manage_log``: every action that reached the site, in order, for tests to count.
"""
from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape
from typing import Callable

from fastapi import APIRouter, Request

from sandbox.common.stats import unit


@dataclass
class Site:
    css: str
    """The site's component prefix (``d`` on Xiaohongshu, ``semi`` on Douyin)."""
    row_attr: str
    id_field: str
    permission_path: str
    delete_path: str
    visibility: dict[str, str]
    """Key sent to the site -> the words the page shows, in the dialog's order."""
    permission_title: str
    delete_title: str
    delete_text: str
    failed_text: str
    missing_text: str
    ok: Callable[[], dict]
    fail: Callable[[str], dict]
    expired: dict
    code_field: str


def router(world, site: Site, posts_of, records, user_of, add_post) -> APIRouter:
    r = APIRouter()

    async def own(request: Request):
        user = user_of(request)
        if not user:
            return None, None, site.expired
        try:
            body = await request.json()
        except ValueError:
            body = None
        body = body if isinstance(body, dict) else {}
        post = next((p for p in posts_of(user) if p.id == str(body.get(site.id_field, ""))), None)
        if post is None:
            return None, body, site.fail(site.missing_text)
        await asyncio.sleep(world.delay(random.uniform(0.4, 1.0), 0.02) + world.faults.get("manage_slow_ms", 0) / 1000)
        if world.take("manage_failed"):
            return None, body, site.fail(site.failed_text)
        return post, body, None

    @r.post(site.permission_path)
    async def permission(request: Request):
        post, body, answer = await own(request)
        if answer is not None:
            return answer
        value = body.get("visibility")
        if value not in site.visibility:
            return site.fail("请选择谁可以看")
        with world.lock:
            post.visibility = value
            world.manage_log.append({"id": post.id, "action": "permission", "value": value})
        return site.ok()

    @r.post(site.delete_path)
    async def delete(request: Request):
        post, _body, answer = await own(request)
        if answer is not None:
            return answer
        with world.lock:
            records().remove(post)  # gone from the manager and the data pages alike
            world.manage_log.append({"id": post.id, "action": "delete", "title": post.title})
        return site.ok()

    @r.post("/__sandbox__/posts")
    async def seed(request: Request):
        body = await request.json()
        post = add_post(str(body.get("user") or "demo"), str(body["title"]))
        post.created_at = datetime.now(timezone.utc) - timedelta(hours=float(body.get("hours_ago", 1)))
        post.visibility = body.get("visibility") or next(iter(site.visibility))
        with world.lock:
            records().sort(key=lambda p: p.created_at, reverse=True)
        return {"id": post.id, "title": post.title}

    return r


def cover(world, post_id: str) -> str:
    """A plain tile in a colour of the post's own: the list shows a cover, the replica keeps no images."""
    hue = int(360 * unit(world, post_id, "cover"))
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='90' height='120'>"
           f"<rect width='90' height='120' fill='hsl({hue},60%,75%)'/></svg>")
    return "data:image/svg+xml;utf8," + escape(svg)


CSS = """<style>
.manage-modal{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:50}
.manage-modal[hidden]{display:none}
.manage-modal-content{background:#fff;border-radius:8px;padding:20px 24px;min-width:320px}
.manage-modal-footer{display:flex;justify-content:flex-end;gap:8px;margin-top:16px}
.manage-modal [role=alert]{color:#e02e24;min-height:1em}
</style>"""


def dialogs(site: Site) -> str:
    """The permission dialog (one radio per visibility) and the delete confirmation, hidden until a row's
    button opens them."""
    c = site.css
    radios = "".join(f'<label class="{c}-radio"><input type="radio" id="visibility-{key}" name="visibility" '
                     f'value="{key}"><span class="{c}-radio-addon">{escape(word)}</span></label>'
                     for key, word in site.visibility.items())

    def dialog(kind: str, title: str, body: str) -> str:
        return (f'<div class="{c}-modal manage-modal" role="dialog" aria-modal="true" aria-labelledby="{kind}-title" '
                f'data-dialog="{kind}" hidden><div class="{c}-modal-content manage-modal-content">'
                f'<div class="{c}-modal-header" id="{kind}-title">{escape(title)}</div>'
                f'<div class="{c}-modal-body">{body}<p role="alert"></p></div>'
                f'<div class="{c}-modal-footer manage-modal-footer"><button type="button" data-act="cancel">取消</button>'
                f'<button type="button" class="{c}-button-primary" data-act="ok">确定</button></div></div></div>')

    return (CSS + dialog("permission", site.permission_title, f'<div role="radiogroup">{radios}</div>') +
            dialog("delete", site.delete_title, f"<p>{escape(site.delete_text)}</p>"))


SCRIPT = """(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("manage-config").textContent), current = null;
  function alertOf(d) { return d.querySelector('[role="alert"]'); }
  document.addEventListener("click", function (e) {
    var opener = e.target.closest("[data-manage]");
    if (opener) {
      var row = opener.closest("[" + cfg.rowAttr + "]"), d = document.querySelector(
        '[data-dialog="' + opener.getAttribute("data-manage") + '"]');
      current = row.getAttribute(cfg.rowAttr);
      alertOf(d).textContent = "";
      d.querySelectorAll('input[type="radio"]').forEach(function (r) {
        r.checked = r.value === row.getAttribute("data-visibility");
      });
      d.hidden = false;
      return;
    }
    var act = e.target.closest("[data-act]");
    if (!act) return;
    var dialog = act.closest("[data-dialog]"), kind = dialog.getAttribute("data-dialog"), body = {};
    if (act.getAttribute("data-act") === "cancel") { dialog.hidden = true; return; }
    body[cfg.idField] = current;
    if (kind === "permission") {
      var chosen = dialog.querySelector('input[type="radio"]:checked');
      if (!chosen) { alertOf(dialog).textContent = "请选择谁可以看"; return; }
      body.visibility = chosen.value;
    }
    act.disabled = true;
    fetch(kind === "permission" ? cfg.permissionUrl : cfg.deleteUrl, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)})
      .then(function (r) { return r.json(); })
      .then(function (j) {
        var code = j[cfg.codeField];
        if (code === 0 || code === cfg.expiredCode) { location.reload(); return; }
        act.disabled = false;
        alertOf(dialog).textContent = j.msg || j.status_msg || cfg.failedText;
      }, function () { act.disabled = false; alertOf(dialog).textContent = cfg.failedText; });
  });
})();"""


def script(site: Site) -> str:
    config = {"rowAttr": site.row_attr, "idField": site.id_field, "permissionUrl": site.permission_path,
              "deleteUrl": site.delete_path, "codeField": site.code_field,
              "expiredCode": site.expired[site.code_field], "failedText": site.failed_text}
    data = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script id="manage-config" type="application/json">{data}</script><script>{SCRIPT}</script>'
