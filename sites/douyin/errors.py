"""Douyin-specific errors, all subclasses of the shared tree in ``core.errors``."""
from __future__ import annotations

from core.errors import ContentRejected, PageChanged, SiteTimeout

SITE = "douyin"


class ScheduleNotSet(PageChanged):
    """The 定时发布 time did not stick (value read back differs, or the radio is not on).

    Never retried as-is: pressing 发布 now would publish immediately instead of at the chosen time.
    """


class UploadFailed(SiteTimeout):
    """The page itself said ``上传失败`` for the video/images.

    Transient (a ``SiteTimeout``): nothing was published yet, so a fresh attempt is safe.
    """


class DeclarationNotSet(PageChanged):
    """The 自主声明 the content calls for could not be set (no entry, no such option, not shown after 确定).

    Never published without it: the run fails before 发布 is pressed, and the owner is told why.
    """


class DeclarationMissing(ContentRejected):
    """The published work's entry on 作品管理 shows another declaration than the one set on the form."""
