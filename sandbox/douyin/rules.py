"""The creator center's content rules and file checks, as the replica's server applies them.

The page checks the same limits first (``static/form.js``); the server checks again, so a client that
skips the page is still refused, as on the real site. Message texts marked GUESS were not confirmed by
a public source.
"""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

from PIL import Image

COOKIE = "sessionid"
MAX_VIDEO_TITLE, MAX_IMAGE_TITLE, MAX_DESC, MAX_IMAGES = 30, 20, 1000, 35
SCHEDULE_GRACE = timedelta(minutes=10)
"""Time a person may spend between picking the time and clicking 发布."""
WALL_FORMAT = "%Y-%m-%d %H:%M"
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
BAD_VIDEO = "视频格式不支持，请上传mp4、webm等常用格式的视频"  # GUESS
BAD_IMAGE = "图片格式不支持，请上传jpg、jpeg、png、webp格式的图片"  # GUESS
TOPIC = re.compile(r"#([^\s#@]+)")
DECLARATIONS = ("内容由AI生成", "内容为转载信息", "内容为个人观点或见解", "内容取材网络", "可能引人不适",
                "虚构演绎，仅供娱乐", "危险行为，请勿模仿")
"""The 自主声明 modal's radio options, in its order (the first three seen in current uploaders; the rest from
one public uploader, GUESS)."""
COLLECTIONS = ("日语英语对照学", "冷泡茶教程")
"""The account's 合集 (the first as in the saved real page)."""


def is_video(data: bytes) -> bool:
    """An MP4/MOV container: an ``ftyp`` box right at the start (bytes 4..8)."""
    return len(data) >= 12 and data[4:8] == b"ftyp"


def is_image(data: bytes) -> bool:
    """Pillow must recognise and fully decode it as JPEG/PNG/WEBP: a GIF or a renamed file is refused."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in IMAGE_FORMATS:
                return False
            img.load()
        return True
    except Exception:  # noqa: BLE001 - any decoder error means "not an image we take"
        return False


def schedule_error(min_h: float, max_days: float) -> str:
    return f"定时发布时间需在{min_h:g}小时后至{max_days:g}天内"  # GUESS (wording)


def check_schedule(timing: str, now: datetime, min_h: float, max_days: float) -> str | None:
    try:
        at = datetime.strptime(timing, WALL_FORMAT).replace(tzinfo=now.tzinfo)
    except (TypeError, ValueError):
        return "请选择正确的发布时间"  # GUESS
    floor = now.replace(second=0, microsecond=0)
    if at < floor + timedelta(hours=min_h) - SCHEDULE_GRACE or at > now + timedelta(days=max_days) + SCHEDULE_GRACE:
        return schedule_error(min_h, max_days)
    return None


def check_work(work: dict, now: datetime, min_h: float, max_days: float) -> str | None:
    """The reason a submitted work is refused, or None. ``now`` is Beijing time."""
    image = work.get("kind") == "image"
    title, desc = work.get("title") or "", work.get("desc") or ""
    if image:
        count = len(work.get("image_ids") or [])
        if not count:
            return "请上传图片"
        if count > MAX_IMAGES:
            return f"最多支持上传{MAX_IMAGES}张图片"
    elif not work.get("upload_id"):
        return "请上传视频"
    limit = MAX_IMAGE_TITLE if image else MAX_VIDEO_TITLE
    if len(title) > limit:
        return f"作品标题最多{limit}个字"  # GUESS
    if not title.strip() and not desc.strip():
        return "请填写作品标题或作品描述"  # GUESS
    if len(desc) > MAX_DESC:
        return f"作品描述最多{MAX_DESC}个字"  # GUESS
    if work.get("declaration") is not None and work["declaration"] not in DECLARATIONS:
        return "请选择正确的声明类型"  # GUESS
    if work.get("collection") is not None and work["collection"] not in COLLECTIONS:
        return "合集不存在"  # GUESS
    if work.get("timing"):
        return check_schedule(work["timing"], now, min_h, max_days)
    return None
