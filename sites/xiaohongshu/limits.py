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
from sites.douyin.video_format import sniff_video  # one container sniffer for every site
from sites.xiaohongshu.video_length import mp4_duration_s

MB = 1024 * 1024
GB = 1024 * MB


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
    video_formats: frozenset[str] = field(default_factory=lambda: frozenset({"mp4", "mov", "mkv", "flv", "mpg", "ts"}))
    """What the video tab's input accepts (``.mp4,.mov,.flv,.f4v,.mkv,.rm,.rmvb,.m4v,.mpg,.mpeg,.ts``, saved real
    page) as our sniffer names the containers; RealMedia is not recognised, so it is refused here."""
    video_max_bytes: int = 20 * GB
    """The saved real upload page: 「支持时长60分钟以内， 最大20GB的视频文件」."""
    video_max_s: int = 60 * 60
    schedule_min: timedelta = timedelta(hours=1)
    schedule_max: timedelta = timedelta(days=14)

    def validate(self, post: Post, now: datetime, *, starting: bool = False) -> list[dict]:
        """Field errors ``{"field", "limit", "message"}``; empty when the post can be published.
        ``starting``: checked again when its run starts, not when the owner sends it (see ``timing_errors``)."""
        media = self._video(post) if post.kind == "video" else self._images(post)
        return [*self._title(post), *self._body(post), *media, *self._topics(post), *self._timing(post, now, starting)]

    def _video(self, post: Post) -> list[dict]:
        errors = []
        if post.images:
            errors.append(error("images", "视频笔记不带图片", "视频笔记不能同时上传图片，请只选视频"))
        if not post.video:
            return [*errors, error("video", "必填", "视频笔记需要上传一个视频文件")]
        name = os.path.basename(post.video)
        if not os.path.isfile(post.video):
            return [*errors, error("video", "文件存在", f"视频（{name}）找不到文件")]
        if sniff_video(post.video) not in self.video_formats:
            errors.append(error("video", "mp4/mov/mkv/flv/mpg/ts",
                                 f"视频（{name}）格式不支持，小红书推荐使用 MP4 或 MOV"))
        if os.path.getsize(post.video) > self.video_max_bytes:
            errors.append(error("video", f"≤ {self.video_max_bytes // GB} GB",
                                 f"视频（{name}）超过{self.video_max_bytes // GB}GB"))
        seconds = mp4_duration_s(post.video)
        if seconds is not None and seconds > self.video_max_s:
            errors.append(error("video", f"≤ {self.video_max_s // 60} 分钟",
                                 f"视频（{name}）时长{seconds / 60:.1f}分钟，小红书只支持{self.video_max_s // 60}分钟以内"))
        if post.cover:
            errors += self._image("封面", post.cover, "cover")
        return errors

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
        return [e for i, path in enumerate(post.images, 1) for e in self._image(f"第{i}张图片", path)]

    def _image(self, what: str, path: str, field_name: str = "images") -> list[dict]:
        name = os.path.basename(path)
        if not os.path.isfile(path):
            return [error(field_name, "文件存在", f"{what}（{name}）找不到文件")]
        fmt = image_format(path)
        errors = []
        if fmt not in self.image_formats:
            errors.append(error(field_name, "jpg/png/webp",
                                 f"{what}（{name}）格式不支持，只能用 JPG、PNG 或 WEBP（不支持 GIF）"))
        size = os.path.getsize(path)
        if size > self.image_max_bytes:
            errors.append(error(field_name, f"≤ {self.image_max_bytes // MB} MB",
                                 f"{what}（{name}）超过{self.image_max_bytes // MB}MB"))
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
