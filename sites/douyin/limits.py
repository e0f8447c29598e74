"""Douyin's content rules as data, and the validator the API runs before any browser work.

Numbers come from real-sites.md §1 and the saved real pages (title counter ``n/30``, description
counter ``n / 1000``, upload tips ``不超过16G``). ``GUESS`` marks a number no public source confirmed;
every number is a field of ``DouyinLimits`` so a deployment can build its own instance.
Formats are read from the file's content, never its extension (a GIF renamed ``.jpg`` is still a GIF).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.content import Post
from sites.checks import error, image_format, timing_errors
from sites.douyin.video_format import sniff_video

MB = 1024 * 1024
GB = 1024 * MB


def description_length(post: Post) -> int:
    """What the site's ``n / 1000`` counter will show: the body plus the topics typed as `` #tag``."""
    return len(post.body) + sum(len(f" #{t}") for t in post.topics)


@dataclass(frozen=True)
class DouyinLimits:
    video_title_max: int = 30
    image_title_max: int = 20
    body_max: int = 1000
    images_min: int = 1
    images_max: int = 35
    image_formats: frozenset[str] = field(default_factory=lambda: frozenset({"JPEG", "PNG", "WEBP"}))
    """Pillow names; the image input takes png/jpeg (+webp on the image-text tab). No GIF."""
    image_max_bytes: int = 20 * MB
    """GUESS: no public source states a per-image limit for image-text posts."""
    cover_formats: frozenset[str] = field(default_factory=lambda: frozenset({"JPEG", "PNG"}))
    """The cover input's own ``accept="image/png,image/jpeg,image/jpg"`` (saved publish page)."""
    video_formats: frozenset[str] = field(default_factory=lambda: frozenset(
        {"mp4", "mov", "webm", "mkv", "flv", "avi", "wmv", "ts", "mpg"}))
    """Containers the upload input accepts (``.mp4,.mov,.webm,.flv,.avi,.wmv,.ts,.mpg,.mkv`` …)."""
    video_max_bytes: int = 16 * GB
    topics_max: int = 5
    """GUESS: real-sites.md gives no number; 5 is the commonly reported cap. Configurable."""
    topic_max_chars: int = 20
    """GUESS: a longer topic is unlikely to match the site's suggestion list."""
    schedule_min: timedelta = timedelta(hours=2)
    schedule_max: timedelta = timedelta(days=14)
    """Sources disagree (one says about a week): build an instance with ``timedelta(days=7)`` if needed."""

    def validate(self, post: Post, now: datetime, *, starting: bool = False) -> list[dict]:
        """Field errors ``{"field", "limit", "message"}``; empty when the post can be published.
        ``starting``: checked again when its run starts, not when the owner sends it (see ``timing_errors``)."""
        media = self._video(post) if post.kind == "video" else self._images(post)
        return [*self._title(post), *self._body(post), *media, *self._cover(post),
                *self._topics(post), *self._timing(post, now, starting)]

    def _title(self, post: Post) -> list[dict]:
        # The site lets a title be empty, but read-back (作品管理) finds the post by its title.
        if not post.title.strip():
            return [error("title", "必填", "请填写标题（发布后要按标题在作品管理里核对）")]
        video = post.kind == "video"
        limit, kind = (self.video_title_max, "视频") if video else (self.image_title_max, "图文")
        if len(post.title) > limit:
            return [error("title", f"≤ {limit}", f"抖音{kind}标题最多{limit}字，当前{len(post.title)}字")]
        return []

    def _body(self, post: Post) -> list[dict]:
        n = description_length(post)
        if n > self.body_max:
            return [error("body", f"≤ {self.body_max}",
                           f"作品描述（含话题）最多{self.body_max}字，当前{n}字")]
        return []

    def _images(self, post: Post) -> list[dict]:
        n = len(post.images)
        if not self.images_min <= n <= self.images_max:
            return [error("images", f"{self.images_min}–{self.images_max}",
                           f"图文作品需要{self.images_min}到{self.images_max}张图片，当前{n}张")]
        errors = []
        for i, path in enumerate(post.images, 1):
            errors += self._image("images", f"第{i}张图片", path, self.image_formats, "JPG、PNG 或 WEBP")
        return errors

    def _cover(self, post: Post) -> list[dict]:
        if not post.cover:
            return []
        return self._image("cover", "封面", post.cover, self.cover_formats, "JPG 或 PNG")

    def _image(self, field_name: str, what: str, path: str, formats: frozenset[str], shown: str) -> list[dict]:
        name = os.path.basename(path)
        if not os.path.isfile(path):
            return [error(field_name, "文件存在", f"{what}（{name}）找不到文件")]
        errors = []
        if image_format(path) not in formats:
            errors.append(error(field_name, "/".join(sorted(f.lower() for f in formats)),
                                 f"{what}（{name}）格式不支持，只能用 {shown}（不支持 GIF）"))
        if os.path.getsize(path) > self.image_max_bytes:
            errors.append(error(field_name, f"≤ {self.image_max_bytes // MB} MB",
                                 f"{what}（{name}）超过{self.image_max_bytes // MB}MB"))
        return errors

    def _video(self, post: Post) -> list[dict]:
        if not post.video:
            return [error("video", "必填", "视频作品需要上传一个视频文件")]
        name = os.path.basename(post.video)
        if not os.path.isfile(post.video):
            return [error("video", "文件存在", f"视频（{name}）找不到文件")]
        errors = []
        if sniff_video(post.video) not in self.video_formats:
            errors.append(error("video", "/".join(sorted(self.video_formats)),
                                 f"视频（{name}）格式不支持，推荐 MP4 或 WEBM"))
        if os.path.getsize(post.video) > self.video_max_bytes:
            errors.append(error("video", f"≤ {self.video_max_bytes // GB} GB",
                                 f"视频（{name}）超过{self.video_max_bytes // GB}G"))
        return errors

    def _topics(self, post: Post) -> list[dict]:
        errors = []
        if len(post.topics) > self.topics_max:
            errors.append(error("topics", f"≤ {self.topics_max}",
                                 f"话题最多{self.topics_max}个，当前{len(post.topics)}个"))
        for t in post.topics:
            # A space ends a topic in the editor (``#tag`` + Space), so it cannot be part of one.
            if not t.strip() or "#" in t or any(ch.isspace() for ch in t):
                errors.append(error("topics", "非空、不含#和空格", f"话题「{t}」不能为空，也不要带#号或空格"))
            elif len(t) > self.topic_max_chars:
                errors.append(error("topics", f"≤ {self.topic_max_chars}",
                                     f"话题「{t}」超过{self.topic_max_chars}字"))
        return errors

    def _timing(self, post: Post, now: datetime, starting: bool) -> list[dict]:
        return timing_errors(post.timing, now, (self.schedule_min, self.schedule_max), "抖音", starting=starting)


limits = DouyinLimits()
