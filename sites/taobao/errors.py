"""Taobao-specific errors, all subclasses of the shared tree in ``core.errors``."""
from __future__ import annotations

from core.errors import ContentRejected, PageChanged, SliderRequired

SITE = "taobao"


class ValueNotSet(PageChanged):
    """A value typed into the form reads back differently (the page dropped or changed it).

    Never retried as-is: submitting now would list the product with values the owner did not approve.
    """

    def __init__(self, message: str, *, field: str, wanted: str, shown: str, **kw):
        self.field = field
        self.wanted = wanted
        self.shown = shown
        super().__init__(message, **kw)


class BaxiaSlider(SliderRequired):
    """The risk-control slider (安全验证 / 请按住滑块) is up; only a human may drag it.

    ``stage`` says what it interrupted: ``login``, ``page`` (a page load; the page stays as it was) or
    ``submit`` (the press of 提交宝贝信息; after a pass the page sends that submit again by itself, so
    the caller waits with ``TaobaoAdapter.resume_submit`` and never presses again).
    The adapter's ``human_page`` / ``slider_box`` / ``slider_gone`` give a take-over what it needs.
    """

    def __init__(self, message: str, *, stage: str, **kw):
        self.stage = stage
        super().__init__(message, **kw)

    @property
    def resumes_submit(self) -> bool:
        return self.stage == "submit"


class CategoryChoice(ContentRejected):
    """The site's category search gave several leaves and the product names none: the owner picks one
    (on the listing form, as a whole path), the worker never takes the first by chance."""

    def __init__(self, keyword: str, paths: list[str], **kw):
        self.keyword = keyword
        self.paths = paths
        super().__init__(f"淘宝搜索类目「{keyword}」有{len(paths)}个结果：{'、'.join(paths)}。没有替你选，"
                         "请在上架表单里选定一个类目后再提交", **kw)
