"""Screenshots for the phone: a compressed JPEG for the approval page and a small thumbnail for lists.

Images are re-encoded by Pillow without any metadata (no EXIF, no text chunks), so nothing about the
session or the page's URL travels with them.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from PIL import Image
from playwright.sync_api import Page
from sqlalchemy.orm import Session, sessionmaker

from core.db import transaction
from core.models import Artifact, new_id
from core.storage import Storage

FULL_WIDTH = 1280
"""The browser's own width: a viewport shot is re-encoded as it is, without a resize."""
FULL_QUALITY = 72
THUMB_WIDTH = 240
THUMB_QUALITY = 60
SUBMITTED_STEP = "submitted"
"""The step of a run's record the phone shows: the form as it was sent, shot right before the irreversible
click (after the owner's edits were typed) ..."""
FAILED_STEP = "failed"
"""... and the site's page at the moment the run failed."""


@dataclass
class Shot:
    full: str
    thumb: str
    """Storage refs (``core.storage``): a file's path in the data dir, or an object's s3:// address."""


def run_folder(run_id: str) -> str:
    """The storage key folder of a run's pictures (``<data>/artifacts/<run>`` in the data dir)."""
    return f"artifacts/{run_id}"


def capture(page: Page, store: Storage, folder: str, name: str | None = None, full_page: bool = True,
            clip: dict | None = None) -> Shot:
    """``full_page`` for a form the owner must see whole; the visible part for a record of a list's top;
    ``clip`` (a page rectangle) for one dialog the owner must act on."""
    # Chromium encodes a JPEG far faster than a PNG of the same page, at the quality the phone gets.
    # caret="initial": hiding the text caret costs a style injected into every frame and removed again
    # (~15 ms a shot), for a blinking line the owner would not miss.
    raw = page.screenshot(full_page=full_page and clip is None, clip=clip, type="jpeg", quality=FULL_QUALITY,
                          caret="initial")
    return save_shot(raw, store, folder, name or new_id())


def shoot(db: sessionmaker[Session], run_id: str | None, page: Page, store: Storage, folder: str, step: str,
          full_page: bool = True, clip: dict | None = None) -> str:
    """Capture and record the screenshot and its thumbnail as artifacts; the screenshot's artifact id."""
    shot = capture(page, store, folder, f"{step}-{new_id()}", full_page, clip)
    with transaction(db) as s:
        return add_artifacts(s, run_id, shot, step)


def add_artifacts(s: Session, run_id: str | None, shot: Shot, step: str) -> str:
    """Record a captured screenshot and its thumbnail in the caller's transaction (a step that records
    more, as a read-back, commits once); the screenshot's artifact id."""
    thumb = Artifact(run_id=run_id, kind="thumbnail", path=shot.thumb, step=step)
    s.add(thumb)
    s.flush()
    full = Artifact(run_id=run_id, kind="screenshot", path=shot.full, step=step, thumb_id=thumb.id)
    s.add(full)
    s.flush()
    return full.id


def save_shot(raw: bytes, store: Storage, folder: str, name: str) -> Shot:
    """Re-encode a screenshot without metadata: a full image for approval and a list thumbnail, put in the
    store under ``folder`` (an existing pair of that name is replaced whole)."""
    full, thumb = io.BytesIO(), io.BytesIO()
    with Image.open(io.BytesIO(raw)) as img:
        bare = stripped_jpeg(raw) if img.format == "JPEG" and img.width <= FULL_WIDTH else None
        if bare is not None:
            full.write(bare)  # Chromium's own JPEG, its metadata cut: a re-encode cost ~25 ms of CPU a shot
        else:
            _resized(img.convert("RGB"), FULL_WIDTH).save(full, "JPEG", quality=FULL_QUALITY, optimize=True,
                                                          progressive=True)
    with Image.open(io.BytesIO(raw)) as img:
        # A JPEG decodes at 1/2..1/8 scale, the smallest that still covers the asked size: asking for the
        # thumbnail's own proportions (not a square) lets a wide page decode at the smaller scale.
        img.draft("RGB", (THUMB_WIDTH, max(1, img.height * THUMB_WIDTH // max(1, img.width))))
        _resized(img.convert("RGB"), THUMB_WIDTH).save(thumb, "JPEG", quality=THUMB_QUALITY, optimize=True)
    # The thumbnail first: a list never points at a full picture whose thumbnail is not there yet.
    thumb_ref = store.put(f"{folder}/{name}.thumb.jpg", thumb.getvalue(), "image/jpeg")
    return Shot(store.put(f"{folder}/{name}.jpg", full.getvalue(), "image/jpeg"), thumb_ref)


def bare_jpeg(data: bytes) -> bool:
    """Whether a JPEG carries nothing but the image: no APP1–APP15 (EXIF, XMP, ICC …) and no comment
    segment before its scan. Only the JFIF header (APP0) is allowed."""
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the headers are over
            return True
        if 0xE1 <= marker <= 0xEF or marker == 0xFE:
            return False
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return False


def stripped_jpeg(data: bytes) -> bytes | None:
    """The JPEG without its APP1–APP15 and comment segments, its image data byte for byte as it was; None when
    its headers are not the plain run of segments this reads (then the caller re-encodes it).

    Chromium's screenshots carry an ICC profile (APP2, sRGB: the colours a viewer assumes anyway). Cutting the
    segment keeps Chromium's encode, where a re-encode decoded and encoded every screenshot again."""
    if data[:2] != b"\xff\xd8":
        return None
    kept, i = [data[:2]], 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker in (0x00, 0x01, 0xD8, 0xD9, 0xFF) or 0xD0 <= marker <= 0xD7:
            return None  # a marker without a length (or fill bytes) before the scan: not read here
        end = i + 2 + int.from_bytes(data[i + 2:i + 4], "big")
        if marker == 0xDA:  # start of scan: the rest is the image itself
            out = b"".join(kept) + data[i:]
            return out if bare_jpeg(out) else None
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE):
            kept.append(data[i:end])
        i = end
    return None


def _resized(img: Image.Image, width: int) -> Image.Image:
    if img.width > width:
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS, reducing_gap=2.0)
    img.info = {}  # Pillow writes a source's comment (and more) back on save unless told otherwise
    return img
