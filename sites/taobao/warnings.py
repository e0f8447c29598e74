"""The warning dialogs Taobao puts up when 提交宝贝信息 is pressed (返回修改 / 确认提交), by kind.

A warning is confirmed only when the owner has seen its words (on an approval card) or has allowed its
kind in 销售助理's settings; any other warning stops the submit before 确认提交. A dialog whose words
match no kind here is never confirmed without her. The sentences are GUESS (real-sites.md names the
dialog and its buttons only), so the kinds match on their key words.
"""
from __future__ import annotations

import re
from collections.abc import Collection

from core.errors import NeedsHuman

WARNING_KINDS: dict[str, tuple[str, re.Pattern]] = {
    "no_desc_images": ("描述中没有图片", re.compile("描述.{0,6}(未|没有)添加图片")),
    "low_price": ("一口价偏低（可能被判为低价引流）", re.compile("低价|价格(过|偏)低")),
    "no_outer_id": ("没有填写商家编码", re.compile("未填写商家编码|商家编码.{0,4}为空")),
}
"""Kind → (the owner's name for it on the employees page, how its words are recognised)."""


def warning_kind(text: str) -> str | None:
    """The kind of a warning's words, or None for a warning we do not know."""
    return next((kind for kind, (_, words) in WARNING_KINDS.items() if words.search(text)), None)


def may_confirm(text: str, allowed: Collection[str]) -> bool:
    """``allowed`` holds kinds the owner allowed and exact warning texts she has seen and approved."""
    return text in allowed or warning_kind(text) in allowed


class WarningNeedsOwner(NeedsHuman):
    """A warning dialog at submit that the owner has not allowed: the submit was taken back with 返回修改,
    nothing was sent. ``text`` is the site's words, shown to her with a picture of the dialog."""

    def __init__(self, text: str, **kw):
        self.text = text
        self.kind = warning_kind(text)
        super().__init__(f"提交时淘宝提示：「{text}」", **kw)
