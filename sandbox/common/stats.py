"""The numbers a replica's data pages show: they grow with the age of each note, work or item, the same
every time for the same seed, and tests move the replica's clock forward instead of waiting.

- ``stats_advance_h`` (a setting, ``POST /__sandbox__/faults``): hours the data pages' clock is ahead of
  the wall clock. A test publishes, sets it to 24, and the replica answers as it would a day later.
- ``stats_now`` (a setting, epoch seconds): pins the data pages' clock at that time (0: the wall clock plus
  ``stats_advance_h``), so a test knows exactly what the pages show.
- ``stats_seed``: the seed every number is drawn from (a different seed, different but still growing numbers).

``GET /__sandbox__/stats?user=`` answers what the data pages show right now, as data, for tests to compare
what was collected with.

Every replica also counts the requests that could change something (anything but GET/HEAD outside the
control API): ``GET /__sandbox__/changes`` answers ``{"changes": n, "paths": {...}}``, and
``POST /__sandbox__/changes/reset`` zeroes it, so a test can show that collection changed nothing.
"""
from __future__ import annotations

import hashlib
import math
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from html import escape

from fastapi import APIRouter, FastAPI, Request

STATS_SETTINGS = {"stats_advance_h": 0.0, "stats_now": 0.0, "stats_seed": 16.0}
"""Merged into each replica's settings (so ``/__sandbox__/faults`` sets them like any other)."""

SCALES = {"views": 3000, "likes": 240, "collects": 90, "comments": 35, "shares": 18, "fans_gained": 12,
          "plays": 6000}
"""Roughly where a typical post's running total levels off (GUESS: an ordinary small account)."""
RISE_H = 48.0
"""Most of a post's numbers come in its first two days; after that a slow trickle."""


def site_now(world) -> datetime:
    """The data pages' now (UTC): ``stats_now`` when pinned, else the wall clock plus ``stats_advance_h``."""
    pinned = float(world.settings.get("stats_now", 0.0))
    if pinned:
        return datetime.fromtimestamp(pinned, timezone.utc)
    return datetime.now(timezone.utc) + timedelta(hours=float(world.settings.get("stats_advance_h", 0.0)))


def unit(world, *key) -> float:
    """A number in [0, 1) fixed by the seed and ``key``."""
    text = "|".join(str(k) for k in (int(world.settings.get("stats_seed", 16.0)), *key))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") / 2**64


def grown(world, subject_id: str, metric: str, born: datetime, now: datetime) -> int:
    """The running total of ``metric`` for a post ``born`` then, as of ``now``: never falls as ``now`` grows."""
    hours = max(0.0, (now - born).total_seconds() / 3600)
    r = unit(world, subject_id, metric)
    peak = SCALES[metric] * (0.2 + 1.6 * r)
    return int(peak * (1 - math.exp(-hours / RISE_H)) + peak * 0.002 * hours)


def page_of(rows: list, page: int, size: int) -> tuple[list, int, int]:
    """One page of ``rows``, the page number shown (from 1, clamped) and the number of pages."""
    pages = max(1, math.ceil(len(rows) / size))
    page = min(max(1, page), pages)
    return rows[(page - 1) * size: page * size], page, pages


def pager(base: str, page: int, pages: int, total: int) -> str:
    """The list's paging bar: 共 N 条, the page numbers, 上一页 / 下一页 (links with those names)."""
    sep = "&" if "?" in base else "?"

    def link(n: int, text: str, cls: str) -> str:
        return f'<a class="{cls}" role="button" href="{escape(base)}{sep}page={n}">{text}</a>'

    parts = [f'<span class="d-pagination-total">共 {total} 条</span>']
    if page > 1:
        parts.append(link(page - 1, "上一页", "d-pagination-prev"))
    for n in range(max(1, page - 2), min(pages, page + 2) + 1):
        cls = "d-pagination-page active" if n == page else "d-pagination-page"
        parts.append(f'<span class="{cls}" aria-current="page">{n}</span>' if n == page else link(n, str(n), cls))
    if page < pages:
        parts.append(link(page + 1, "下一页", "d-pagination-next"))
    return f'<nav class="d-pagination" aria-label="分页">{"".join(parts)}</nav>'


class Changes:
    """Requests that could change the replica (every method but GET/HEAD, the control API aside)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.paths: Counter[str] = Counter()

    def install(self, app: FastAPI) -> APIRouter:
        @app.middleware("http")
        async def count(request: Request, call_next):
            path = request.url.path
            if request.method not in ("GET", "HEAD") and not path.startswith("/__sandbox__"):
                with self.lock:
                    self.paths[path] += 1
            return await call_next(request)

        ctl = APIRouter(prefix="/__sandbox__")

        @ctl.get("/changes")
        def changes():
            with self.lock:
                return {"changes": sum(self.paths.values()), "paths": dict(self.paths)}

        @ctl.post("/changes/reset")
        def reset():
            with self.lock:
                self.paths.clear()
            return {"ok": True}

        return ctl


def shown_posts(posts: list, now: datetime) -> list:
    """The posts a data page lists at ``now``: published by then, newest first."""
    return sorted((p for p in posts if p.created_at <= now and p.status == "已发布"),
                  key=lambda p: p.created_at, reverse=True)


def post_control(world, posts_of, fans_of, metrics: list[str], add_post, records) -> APIRouter:
    """The control routes of a replica whose data pages list posts (Xiaohongshu notes, Douyin works):

    - GET  /__sandbox__/stats?user=       {"fans", "posts": {id: {metric: value}}} as the pages show them now
    - POST /__sandbox__/stats/history     {"user", "count", "days"}: that many older posts, the newest an hour
                                          old, the oldest ``days`` old (for benchmarks and tests)

    ``posts_of(user)``, ``fans_of(user, now)``, ``add_post(user, n)`` and ``records()`` (the world's post list,
    kept newest first) are the replica's own."""
    ctl = APIRouter(prefix="/__sandbox__/stats")

    @ctl.get("")
    def truth(user: str = "demo"):
        now = site_now(world)
        return {"fans": fans_of(user, now),
                "posts": {p.id: {m: grown(world, p.id, m, p.created_at, now) for m in metrics}
                          for p in shown_posts(posts_of(user), now)}}

    @ctl.post("/history")
    async def history(request: Request):
        body = await request.json()
        user, count, days = str(body.get("user") or "demo"), int(body["count"]), float(body.get("days", 365))
        now = datetime.now(timezone.utc)
        step = timedelta(days=days) / max(1, count)
        for i in range(count):
            add_post(user, i + 1).created_at = now - timedelta(hours=1) - step * i
        with world.lock:  # the site's lists are newest first, as they would have been
            records().sort(key=lambda p: p.created_at, reverse=True)
        return {"ok": True}

    return ctl
