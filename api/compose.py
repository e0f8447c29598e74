"""Turn the phone's compose form into a ``Post``: parse fields, check and store uploads.

Order matters for "nothing half-saved": uploads are read and checked in memory first, then stored as one
batch per request (``core.media``: the data dir, or the object store every host reads); the caller discards
the batch if anything later fails.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import UploadFile
from PIL import Image, UnidentifiedImageError

import compliance
from compliance import overrides
from api.errors import FieldErrors, field_error
from core import media
from core.accounts import DELETED
from core.content import Post, Timing
from core.errors import ValidationFailed
from core.models import Account, Employee, utcnow
from core.runs import validate_post
from core.private import private_dir
from core.settings import Settings
from core.storage import Storage, StorageError

MAX_UPLOAD_BYTES = 30 * 1024 * 1024
"""A hard cap per file, above every site's own limit, so a huge upload fails before it fills memory."""
MAX_FILES = 40
MAX_PIXELS = 50_000_000
"""Width × height read from the header before any decoding: a few bytes can declare 100000×100000 pixels
(10 GB once decoded); every site's own limit is far smaller."""
PUBLISH_YEARS = range(2000, 2100)
TOPIC_SPLIT = re.compile(r"[\s,，、#＃]+")


def parse_topics(raw: str) -> list[str]:
    return [t for t in TOPIC_SPLIT.split(raw or "") if t]


def parse_timing(mode: str, at: str, tz: str) -> Timing:
    """``at`` is the owner's local time (``YYYY-MM-DDTHH:MM`` from the phone), stored as UTC."""
    if mode not in ("now", "at", "site"):
        raise FieldErrors([field_error("timing", "now|at|site", "发布方式只能是立即、定时或平台定时")])
    if mode == "now":
        return Timing(mode="now")
    try:
        local = datetime.fromisoformat(at).replace(tzinfo=ZoneInfo(tz))
    except (TypeError, ValueError):
        raise FieldErrors([field_error("publish_at", "YYYY-MM-DD HH:MM", "请填写发布时间")]) from None
    if local.year not in PUBLISH_YEARS:  # year 1 or 9999 cannot even be moved to UTC
        raise FieldErrors([field_error("publish_at", f"{PUBLISH_YEARS.start}–{PUBLISH_YEARS.stop - 1}年",
                                       f"发布时间{local:%Y-%m-%d %H:%M}不是可以发布的日子")])
    return Timing(mode=mode, at=local.astimezone(ZoneInfo("UTC")))


async def read_images(files: list[UploadFile], field: str = "images") -> list[tuple[str, bytes]]:
    """(original name, bytes) of each upload, refused early when it is not an image at all."""
    files = [f for f in files if f.filename]
    if len(files) > MAX_FILES:
        raise FieldErrors([field_error(field, f"≤ {MAX_FILES}", f"一次最多上传{MAX_FILES}个文件")])
    out, errors = [], []
    for i, f in enumerate(files, 1):
        data = await f.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            errors.append(field_error(field, f"≤ {MAX_UPLOAD_BYTES // 2**20} MB", f"第{i}张图片（{f.filename}）太大"))
            continue
        too_big = field_error(field, f"≤ {MAX_PIXELS // 10_000}万像素", f"第{i}张图片（{f.filename}）像素太多")
        try:
            with Image.open(io.BytesIO(data)) as img:
                if img.size[0] * img.size[1] > MAX_PIXELS:
                    errors.append(too_big)
                    continue
                img.verify()
        except Image.DecompressionBombError:  # Pillow's own refusal, past twice its pixel limit
            errors.append(too_big)
            continue
        except (UnidentifiedImageError, OSError, SyntaxError):
            errors.append(field_error(field, "图片文件", f"第{i}个文件（{f.filename}）不是图片"))
            continue
        out.append((f.filename, data))
    if errors:
        raise FieldErrors(errors)
    return out


OWN_NAME_MAX = 80
UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f/\\]")


def own_name(name: str, fallback: str) -> str:
    """The owner's file name, safe as one path segment: every check on the staged file (a site's size or
    format rule) names the file as she chose it, not as we stored it."""
    name = UNSAFE_IN_NAME.sub("_", Path(name.replace("\\", "/")).name).strip(". ")
    stem, suffix = Path(name).stem, Path(name).suffix[:8]
    return f"{stem[:OWN_NAME_MAX]}{suffix}" if stem else fallback


def _name(name: str, slot: str, default_suffix: str) -> str:
    return own_name(name, f"{slot}{Path(name).suffix.lower()[:6] or default_suffix}")


def _unstorable(batch: media.Batch, e: Exception, field: str = "images") -> FieldErrors:
    """A full disk, a folder the service may not write, an object store away: nothing is kept, nothing saved."""
    media.discard(batch)
    why = e.strerror if isinstance(e, OSError) and e.strerror else "存储暂时不可用"
    return FieldErrors([field_error(field, "可写的上传存储", f"服务器暂时无法保存上传的文件（{why}），"
                                    "请稍后再试或联系管理员")], status=503, headers={"Retry-After": "60"})


def stage(settings: Settings, images: list[tuple[str, bytes]], workspace_id: str) -> tuple[media.Batch, list[str]]:
    """Store the uploads as one batch of the workspace's media (``core.media``); returns the batch (to
    discard on failure) and the refs, in order."""
    batch = media.Batch(settings.storage, workspace_id)
    try:
        refs = [batch.put(f"{i:02d}", _name(name, f"{i:02d}", ".img"), data)
                for i, (name, data) in enumerate(images, 1)]
    except (OSError, StorageError) as e:
        raise _unstorable(batch, e) from None
    return batch, refs


def stage_cover(batch: media.Batch, cover: list[tuple[str, bytes]]) -> str | None:
    if not cover:
        return None
    name, data = cover[0]
    try:
        return batch.put("cover", _name(name, "cover", ".jpg"), data)
    except (OSError, StorageError) as e:
        raise _unstorable(batch, e, "cover") from None


VIDEO_MAX_BYTES = 16 * 1024 ** 3
"""A hard cap while streaming; each site's own (smaller) limit is checked by its validator."""
CHUNK = 1024 * 1024


def _video_container(head: bytes) -> bool:
    # MP4/MOV carry an ``ftyp`` box at bytes 4..8; WebM/MKV start with the EBML magic number.
    return head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3"


async def stage_video(settings: Settings, batch: media.Batch, upload: UploadFile | None,
                      field: str = "video") -> str | None:
    """Stream a video (it can be gigabytes) to a private file in the data dir, refusing what is not a video,
    then move it into the batch (renamed on one disk; uploaded in parts to an object store)."""
    if upload is None or not upload.filename:
        return None
    try:
        private_dir(settings.paths.uploads)
        fd, tmp = tempfile.mkstemp(prefix="video-", suffix=".part", dir=settings.paths.uploads)
    except OSError as e:
        raise _unstorable(batch, e, field) from None
    try:
        size = 0
        with os.fdopen(fd, "wb") as out:
            while chunk := await upload.read(CHUNK):
                if size == 0 and not _video_container(chunk[:12]):
                    raise FieldErrors([field_error(field, "mp4/mov/webm", f"{upload.filename} 不是视频文件")])
                size += len(chunk)
                if size > VIDEO_MAX_BYTES:
                    raise FieldErrors([field_error(field, f"≤ {VIDEO_MAX_BYTES // 1024 ** 3} GB", "视频文件太大")])
                out.write(chunk)
        try:
            return batch.put_file(field, _name(upload.filename, field, ".mp4"), Path(tmp))
        except (OSError, StorageError) as e:
            raise _unstorable(batch, e, field) from None
    finally:
        Path(tmp).unlink(missing_ok=True)


discard = media.discard


REPOST_SOURCE_MAX = 30
"""A repost's source as the sites ask for it (a media name); longer is not a name."""
DECLARATION_CHOICES = ("auto", "ai", "original", "repost")


def parse_declaration(choice: str, source: str) -> tuple[str, str]:
    """The owner's declaration choice and a repost's source, checked (field errors in Chinese)."""
    choice, source = (choice or "auto").strip(), (source or "").strip()
    if choice not in DECLARATION_CHOICES:
        raise FieldErrors([field_error("declaration", "自动|AI生成|原创|转载", "声明只能选自动、AI生成、原创或转载")])
    if choice == "repost" and not source:
        raise FieldErrors([field_error("repost_source", "必填", "选了转载，请填写转载来源（媒体或作者名称）")])
    if len(source) > REPOST_SOURCE_MAX:
        raise FieldErrors([field_error("repost_source", f"≤ {REPOST_SOURCE_MAX}字",
                                       f"转载来源最多{REPOST_SOURCE_MAX}个字，现在{len(source)}个字")])
    return choice, source if choice == "repost" else ""


def build_post(*, title: str, body: str, topics: str, timing: Timing, images: list[str], video: str | None = None,
               cover: str | None = None, drafted_by: str = "owner", ai_assisted: bool = False,
               declaration: str = "auto", repost_source: str = "") -> Post:
    return Post(title=title.strip(), body=body, topics=parse_topics(topics), timing=timing, images=images,
                video=video, cover=cover, kind="video" if video else "image", drafted_by=drafted_by,
                ai_assisted=ai_assisted, declaration=declaration, repost_source=repost_source)


def targets(s, workspace_id: str, account_ids: list[str], employee_id: str) -> tuple[list[Account], Employee]:
    accounts = [s.get(Account, a) for a in dict.fromkeys(account_ids)]
    if not accounts or any(a is None or a.workspace_id != workspace_id or a.status == DELETED for a in accounts):
        raise FieldErrors([field_error("account_id", "本工作区的账号", "请选择要发布的账号")])
    employee = s.get(Employee, employee_id)
    if employee is None or employee.workspace_id != workspace_id:
        raise FieldErrors([field_error("employee_id", "本工作区的员工", "请选择执行的员工")])
    return accounts, employee


def check_all(accounts: list[Account], post, banned: Iterable[str] = (), override_reason: str = "",
              allowed: Iterable[str] = (), storage: Storage | None = None) -> list[dict]:
    """Every target is checked before any run exists: one bad site means nothing is created.

    Site limits first, then the compliance rules (Advertising Law terms, claims, the employee's banned
    words): a blocking finding is a field error naming the span and the rule. An overridable one is not,
    when the owner gave ``override_reason``; without one, the reason itself is asked for. ``storage``: where
    the post's media are, for the site rules that read files. Returns the
    warnings and the overridden findings (``"overridden": true``), for the caller to store with the run
    (they show on the approval card).
    """
    errors = []
    for a in accounts:
        try:
            validate_post(a.site, post, storage=storage)
        except ValidationFailed as e:
            errors += [{**err, "site": a.site} for err in e.errors]
    found = compliance.check(post, None, banned, allowed)  # limits were checked above, by the sites themselves
    blocking = [f for f in found if f.severity == "blocking"]
    overridable = [f for f in blocking if f.overridable]
    overriding = bool(override_reason.strip()) and len(override_reason) <= overrides.REASON_MAX
    errors += [compliance_error(f) for f in blocking if not (f.overridable and overriding)]
    errors += overrides.reason_errors(override_reason, overridable)
    if errors:
        raise FieldErrors(errors)
    return [{**f.to_dict(), "overridden": f.severity == "blocking"} for f in found]


def compliance_error(f: compliance.Finding) -> dict:
    """A blocking finding as a field error: the field, the rule as its limit, the span, a rewrite and
    whether the owner may publish it anyway with a reason (``overridable``)."""
    kind = "需确认" if f.overridable else "违规"
    return {**field_error(f.field, f.rule, f"{kind}：{f.message}（{f.source}）" if f.source else f"{kind}：{f.message}"),
            "rule": f.rule, "span": [f.start, f.end], "text": f.text, "suggestion": f.suggestion,
            "overridable": f.overridable}


def override_record(checked: list[dict], reason: str, by: str) -> dict | None:
    """What a run stores when the owner published past overridable findings (None when she did not)."""
    overridden = [f for f in checked if f.get("overridden")]
    return overrides.record(overridden, reason, by, utcnow()) if overridden else None
