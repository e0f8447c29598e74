"""Xiaohongshu-specific errors, all subclasses of the shared tree in ``core.errors``."""
from __future__ import annotations

from core.errors import PageChanged

SITE = "xiaohongshu"


class ScheduleNotSet(PageChanged):
    """The scheduled-publish time did not stick (value read back differs, or the button still says 发布).

    Never retried as-is: pressing the button now would publish immediately instead of at the time the
    owner chose.
    """


class DeclarationNotSet(PageChanged):
    """The content declaration the post needs (AI-generated, 原创, 转载) could not be set, or did not read
    back as set. The note is never published without it: the law requires the AI label."""
