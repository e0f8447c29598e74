"""Small helpers of the limits: the error shape, time spans in Chinese, an image's real format."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PIL import Image, UnidentifiedImageError


def image_format(path: str) -> str | None:
    """Pillow's name for the file's real format (``JPEG``, ``GIF`` …), whatever its extension says."""
    try:
        with Image.open(path) as img:
            return img.format
    except (UnidentifiedImageError, OSError):
        return None


def aware(dt: datetime) -> datetime:
    # Callers pass UTC; a naive value is taken as UTC rather than the machine's local time.
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)


def error(field_name: str, limit: str, message: str) -> dict:
    return {"field": field_name, "limit": limit, "message": message}


def span(d: timedelta) -> str:
    if d % timedelta(days=1) == timedelta(0):
        return f"{d.days}天"
    if d % timedelta(hours=1) == timedelta(0):
        return f"{int(d.total_seconds() // 3600)}小时"
    return f"{int(d.total_seconds() // 60)}分钟"
