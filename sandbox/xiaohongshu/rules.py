"""The creator platform's content rules, as the replica's server checks them.

The page checks the same rules first (``static/publish.js``); the server checks again so that a client
that skips the page's checks is still refused, as on the real site.
"""
from __future__ import annotations

from datetime import datetime, timedelta

COOKIE = "web_session"
MAX_TITLE, MAX_BODY, MAX_TOPICS, MAX_IMAGES = 20, 1000, 10, 18
SCHEDULE_MIN, SCHEDULE_MAX = timedelta(hours=1), timedelta(days=14)
SCHEDULE_GRACE = timedelta(minutes=10)
"""Time a person may spend between picking the time and clicking 定时发布."""
WALL_FORMAT = "%Y-%m-%d %H:%M"


def title_length(title: str) -> int:
    """The site's counter: non-ASCII counts 2, ASCII 1, halved and rounded up."""
    return (sum(1 if ord(c) < 128 else 2 for c in title) + 1) // 2


def check_schedule(post_time: str, now: datetime) -> str | None:
    try:
        at = datetime.strptime(post_time, WALL_FORMAT).replace(tzinfo=now.tzinfo)
    except (TypeError, ValueError):
        return "定时发布时间格式不正确"
    floor = now.replace(second=0, microsecond=0)
    if at < floor + SCHEDULE_MIN - SCHEDULE_GRACE or at > now + SCHEDULE_MAX + SCHEDULE_GRACE:
        return "定时发布时间需在1小时后至14天内"
    return None


def check_note(note: dict, now: datetime) -> str | None:
    """The reason a submitted note is refused, or None. ``now`` is Beijing time."""
    images = note.get("image_ids") or []
    if note.get("type") == "video":
        if not note.get("video_id"):
            return "请上传视频"
    elif not images:
        return "请至少上传一张图片"
    if len(images) > MAX_IMAGES:
        return "最多支持上传18张图片"
    declaration = note.get("declaration")
    if declaration and declaration.get("kind") == "repost" and not (declaration.get("source") or "").strip():
        return "请输入媒体名称"
    title = note.get("title") or ""
    if not title.strip():
        return "请填写标题"
    if title_length(title) > MAX_TITLE:
        return "标题最多输入20字"
    if len(note.get("desc") or "") > MAX_BODY:
        return "正文最多输入1000字"
    if len(note.get("topics") or []) > MAX_TOPICS:
        return "最多添加10个话题"
    if note.get("post_time"):
        return check_schedule(note["post_time"], now)
    return None
