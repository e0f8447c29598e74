"""Xiaohongshu's content rules as data, and the validator the API runs before any browser work.

Numbers come from docs/reference (real-sites.md §2). ``GUESS`` marks a number no public source
confirmed; every number is a field of ``XhsLimits`` so a deployment can build its own instance.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.content import Post
from sites.checks import error, image_format, timing_errors

MB = 1024 * 1024


def title_length(title: str) -> int:
    """The site's own count: non-ASCII counts 2, ASCII 1, halved and rounded up (so 中 = 1, ab = 1)."""
    units = sum(1 if ord(ch) < 128 else 2 for ch in title)
    return math.ceil(units / 2)


@dataclass(frozen=True)
class XhsLimits:
    title_max: int = 20
    body_max: int = 1000
    images_min: int = 1
    images_max: int = 9
    """The product's rule (the site itself takes up to 18)."""
    image_formats: frozenset[str] = field(default_factory=lambda: frozenset({"JPEG", "PNG", "WEBP"}))
    """Pillow format names, read from the file's content, not its extension."""
    image_max_bytes: int = 20 * MB
    """GUESS: no public source states the per-image limit for image notes."""
    topics_max: int = 10
    topic_max_chars: int = 20
    schedule_min: timedelta = timedelta(hours=1)
    schedule_max: timedelta = timedelta(days=14)

    def validate(self, post: Post, now: datetime, *, starting: bool = False) -> list[dict]:
        """Field errors ``{"field", "limit", "message"}``; empty when the post can be published.
        ``starting``: checked again when its run starts, not when the owner sends it (see ``timing_errors``)."""
        return [*self._kind(post), *self._title(post), *self._body(post), *self._images(post),
                *self._topics(post), *self._timing(post, now, starting)]

    def _kind(self, post: Post) -> list[dict]:
        if post.kind != "image":
            return [error("kind", "image", "暂不支持发布小红书视频笔记，请改为图文笔记")]
        return []

    def _title(self, post: Post) -> list[dict]:
        if not post.title.strip():
            return [error("title", "必填", "请填写标题")]
        if title_length(post.title) > self.title_max:
            return [error("title", f"≤ {self.title_max}",
                           f"标题超过{self.title_max}字（按小红书计数：中文算1字，英文2个算1字），"
                           f"当前{title_length(post.title)}字")]
        return []

    def _body(self, post: Post) -> list[dict]:
        if len(post.body) > self.body_max:
            return [error("body", f"≤ {self.body_max}",
                           f"正文超过{self.body_max}字，当前{len(post.body)}字")]
        return []

    def _images(self, post: Post) -> list[dict]:
        n = len(post.images)
        if not self.images_min <= n <= self.images_max:
            return [error("images", f"{self.images_min}–{self.images_max}",
                           f"图片需要{self.images_min}到{self.images_max}张，当前{n}张")]
        return [e for i, path in enumerate(post.images, 1) for e in self._image(i, path)]

    def _image(self, i: int, path: str) -> list[dict]:
        name = os.path.basename(path)
        if not os.path.isfile(path):
            return [error("images", "文件存在", f"第{i}张图片（{name}）找不到文件")]
        fmt = image_format(path)
        errors = []
        if fmt not in self.image_formats:
            errors.append(error("images", "jpg/png/webp",
                                 f"第{i}张图片（{name}）格式不支持，只能用 JPG、PNG 或 WEBP（不支持 GIF）"))
        size = os.path.getsize(path)
        if size > self.image_max_bytes:
            errors.append(error("images", f"≤ {self.image_max_bytes // MB} MB",
                                 f"第{i}张图片（{name}）超过{self.image_max_bytes // MB}MB"))
        return errors

    def _topics(self, post: Post) -> list[dict]:
        errors = []
        if len(post.topics) > self.topics_max:
            errors.append(error("topics", f"≤ {self.topics_max}",
                                 f"话题最多{self.topics_max}个，当前{len(post.topics)}个"))
        for t in post.topics:
            if not t.strip() or "#" in t:
                errors.append(error("topics", "非空且不含#", f"话题「{t}」不能为空，也不要带#号"))
            elif len(t) > self.topic_max_chars:
                errors.append(error("topics", f"≤ {self.topic_max_chars}",
                                     f"话题「{t}」超过{self.topic_max_chars}字"))
        return errors

    def _timing(self, post: Post, now: datetime, starting: bool) -> list[dict]:
        return timing_errors(post.timing, now, (self.schedule_min, self.schedule_max), "小红书", starting=starting)


limits = XhsLimits()
