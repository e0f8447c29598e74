"""Screenshots for the phone: a compressed JPEG for the approval page and a small thumbnail for lists.

Images are re-encoded by Pillow without any metadata (no EXIF, no text chunks), so nothing about the
session or the page's URL travels with them.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page
from sqlalchemy.orm import Session, sessionmaker

from core.db import transaction
from core.models import Artifact, new_id

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
    full: Path
    thumb: Path


def capture(page: Page, dest: Path, name: str | None = None, full_page: bool = True,
            clip: dict | None = None) -> Shot:
    """``full_page`` for a form the owner must see whole; the visible part for a record of a list's top;
    ``clip`` (a page rectangle) for one dialog the owner must act on."""
    # Chromium encodes a JPEG far faster than a PNG of the same page, at the quality the phone gets.
    # caret="initial": hiding the text caret costs a style injected into every frame and removed again
    # (~15 ms a shot), for a blinking line the owner would not miss.
    raw = page.screenshot(full_page=full_page and clip is None, clip=clip, type="jpeg", quality=FULL_QUALITY,
                          caret="initial")
    return save_shot(raw, dest, name or new_id())


def shoot(db: sessionmaker[Session], run_id: str | None, page: Page, dest: Path, step: str,
          full_page: bool = True, clip: dict | None = None) -> str:
    """Capture and record the screenshot and its thumbnail as artifacts; the screenshot's artifact id."""
    shot = capture(page, dest, f"{step}-{new_id()}", full_page, clip)
    with transaction(db) as s:
        return add_artifacts(s, run_id, shot, step)


def add_artifacts(s: Session, run_id: str | None, shot: Shot, step: str) -> str:
    """Record a captured screenshot and its thumbnail in the caller's transaction (a step that records
    more, as a read-back, commits once); the screenshot's artifact id."""
    thumb = Artifact(run_id=run_id, kind="thumbnail", path=str(shot.thumb), step=step)
    s.add(thumb)
    s.flush()
    full = Artifact(run_id=run_id, kind="screenshot", path=str(shot.full), step=step, thumb_id=thumb.id)
    s.add(full)
    s.flush()
    return full.id


def save_shot(raw: bytes, dest: Path, name: str) -> Shot:
    """Re-encode a screenshot without metadata: a full image for approval and a list thumbnail."""
    dest.mkdir(parents=True, exist_ok=True)
    full, thumb = dest / f"{name}.jpg", dest / f"{name}.thumb.jpg"
    with Image.open(io.BytesIO(raw)) as img:
        if img.format == "JPEG" and img.width <= FULL_WIDTH and bare_jpeg(raw):
            full.write_bytes(raw)  # Chromium's own JPEG, nothing to strip: a re-encode would cost ~40 ms
        else:
            _resized(img.convert("RGB"), FULL_WIDTH).save(full, "JPEG", quality=FULL_QUALITY, optimize=True,
                                                          progressive=True)
    with Image.open(io.BytesIO(raw)) as img:
        # A JPEG decodes at 1/2..1/8 scale, the smallest that still covers the asked size: asking for the
        # thumbnail's own proportions (not a square) lets a wide page decode at the smaller scale.
        img.draft("RGB", (THUMB_WIDTH, max(1, img.height * THUMB_WIDTH // max(1, img.width))))
        _resized(img.convert("RGB"), THUMB_WIDTH).save(thumb, "JPEG", quality=THUMB_QUALITY, optimize=True)
    return Shot(full, thumb)


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


def _resized(img: Image.Image, width: int) -> Image.Image:
    if img.width > width:
        img = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS, reducing_gap=2.0)
    img.info = {}  # Pillow writes a source's comment (and more) back on save unless told otherwise
    return img
