"""Helpers every site's limits use: the error shape, time spans in Chinese, an image's real format, and
the publish-time rules (our scheduler's ``at`` versus the site's own scheduled-publish window)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PIL import Image, UnidentifiedImageError

from core.content import Timing
from sites.common import site_wall_time


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


def timing_errors(timing: Timing, now: datetime, window: tuple[timedelta, timedelta], site_label: str,
                  *, starting: bool = False) -> list[dict]:
    """The owner's publish time, checked when the run is created: ``at`` is our own scheduler (any future
    time); ``site`` is the site's scheduled-publish field, which only takes a time inside its ``window``
    (earliest, latest) from now.

    When the run starts (``starting``) an ``at`` time is due by design: how late the run is, is the run's
    business (``core.runs.late_start``). A ``site`` time is checked again, because the site checks its
    window on submit: a run that starts too late for it fails, naming the time, and nothing is posted."""
    if timing.mode == "now":
        return []
    if timing.at is None:
        return [error("timing", "需要时间", "定时发布需要填写发布时间")]
    ahead = aware(timing.at) - aware(now)
    if timing.mode == "at":
        if not starting and ahead <= timedelta(0):
            return [error("timing", "> 现在", "发布时间必须晚于现在")]
        return []
    earliest, latest = window
    if earliest <= ahead <= latest:
        return []
    if starting and ahead < earliest:
        return [error("timing", f"{span(earliest)}–{span(latest)}",
                      f"{site_label}定时发布时间{site_wall_time(timing.at)}离现在已不足{span(earliest)}，"
                      f"{site_label}只接受{span(earliest)}后到{span(latest)}内的时间，没有发布")]
    return [error("timing", f"{span(earliest)}–{span(latest)}",
                  f"{site_label}定时发布只能设在{span(earliest)}后到{span(latest)}内")]
