"""Platform limits as findings. The numbers live in each site's ``limits`` validator (``sites.SITES``);
this module only runs it on the draft and turns each field error into a blocking finding.

The draft has no media files yet, so per-file checks (format, size, "file exists") are left to the
publish-time validation; the image count, title, body, topics and post kind are checked here.
"""
from __future__ import annotations

import re

from compliance.draft import Draft, Finding

LABELS = {"xiaohongshu": "小红书", "douyin": "抖音", "taobao": "淘宝"}
# Errors about a media file's own bytes: the draft only knows how many images there will be.
FILE_FIELDS = {"video", "cover"}
FILE_LIMITS = {"文件存在"}

# TODO(sites/taobao): move to sites/taobao/limits.py once the Taobao adapter exists, and read it from
# sites.SITES like the others.
TAOBAO_TITLE_MAX = 60
"""Seller center's product title limit, counted with one Chinese (any non-ASCII) character as 2."""


def taobao_title_units(title: str) -> int:
    return sum(1 if ord(ch) < 128 else 2 for ch in title)


def limit_findings(draft: Draft, platform: str | None) -> list[Finding]:
    """Blocking findings for every limit of ``platform`` the draft breaks (none for ``None``)."""
    if platform is None:
        return []
    if platform == "taobao":
        errors = _taobao_errors(draft)
    else:
        errors = [e for e in _site_errors(draft, platform)
                  if e["field"] not in FILE_FIELDS and e["limit"] not in FILE_LIMITS]
    return [_finding(draft, platform, e) for e in errors]


def _site_errors(draft: Draft, platform: str) -> list[dict]:
    from core.content import Post
    from core.models import utcnow
    from sites import SITES  # imports Playwright: only when a platform is asked for

    if platform not in SITES:
        raise ValueError(f"unknown platform {platform!r}; known: {sorted([*SITES, 'taobao'])}")
    kind = "video" if draft.kind == "video" else "image"
    # Placeholder paths stand for the images to come; the errors they raise (missing file) are dropped.
    post = Post(title=draft.title, body=draft.body, topics=list(draft.topics), kind=kind,
                images=[f"image-{i}" for i in range(draft.image_count)])
    return SITES[platform].limits.validate(post, utcnow())


def _taobao_errors(draft: Draft) -> list[dict]:
    units = taobao_title_units(draft.title)
    if not draft.title.strip():
        return [{"field": "title", "limit": "必填", "message": "请填写宝贝标题"}]
    if units > TAOBAO_TITLE_MAX:
        return [{"field": "title", "limit": f"≤ {TAOBAO_TITLE_MAX}",
                 "message": f"淘宝宝贝标题最多{TAOBAO_TITLE_MAX}字符（中文算2个字符），当前{units}字符"}]
    return []


def _finding(draft: Draft, platform: str, error: dict) -> Finding:
    field = error["field"]
    text = draft.text_of(field)
    start, end = _span(draft, platform, error, text)
    return Finding("platform.limit", "blocking", field, start, end, text[start:end], error["message"],
                   None, f"{LABELS.get(platform, platform)}发布规则（{error['limit']}）")


def _span(draft: Draft, platform: str, error: dict, text: str) -> tuple[int, int]:
    """The part to highlight: what runs past a length limit, the topic named in the message, or all."""
    field, limit = error["field"], error["limit"]
    maximum = re.fullmatch(r"≤ (\d+)", limit)
    if maximum and field in ("title", "body"):
        return _overflow(draft, platform, field, text, int(maximum.group(1))), len(text)
    if field == "topics":
        for topic in draft.topics:
            if f"「{topic}」" in error["message"]:
                at = text.find(f"#{topic}")
                return at, at + 1 + len(topic)
    return 0, len(text)


def _overflow(draft: Draft, platform: str, field: str, text: str, maximum: int) -> int:
    """Index of the first character past the limit, counted the way the site counts."""
    weight, budget = (lambda ch: 1), maximum
    if field == "title" and platform in ("xiaohongshu", "taobao"):
        weight = lambda ch: 1 if ord(ch) < 128 else 2  # noqa: E731
        budget = maximum * 2 if platform == "xiaohongshu" else maximum  # xhs: ceil(units / 2) ≤ max
    if field == "body" and platform == "douyin":
        from sites.douyin.limits import description_length  # the topics share the body's counter

        budget = maximum - (description_length(_as_post(draft)) - len(draft.body))
    used = 0
    for i, ch in enumerate(text):
        used += weight(ch)
        if used > budget:
            return i
    return 0  # over the limit only because of something else (topics): highlight the whole field


def _as_post(draft: Draft):
    from core.content import Post

    return Post(body=draft.body, topics=list(draft.topics))
