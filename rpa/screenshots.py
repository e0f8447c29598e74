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


@dataclass
class Shot:
    full: Path
    thumb: Path


def capture(page: Page, dest: Path, name: str | None = None, full_page: bool = True,
            clip: dict | None = None) -> Shot:
    """``full_page`` for a form the owner must see whole; the visible part for a record of a list's top;
    ``clip`` (a page rectangle) for one dialog the owner must act on."""
    # Chromium encodes a JPEG far faster than a PNG of the same page; quality 90 leaves Pillow a clean
    # source for the phone-sized re-encode.
    raw = page.screenshot(full_page=full_page and clip is None, clip=clip, type="jpeg", quality=90)
    return save_shot(raw, dest, name or new_id())


def shoot(db: sessionmaker[Session], run_id: str | None, page: Page, dest: Path, step: str,
          full_page: bool = True, clip: dict | None = None) -> str:
    """Capture and record the screenshot and its thumbnail as artifacts; the screenshot's artifact id."""
    shot = capture(page, dest, f"{step}-{new_id()}", full_page, clip)
    with transaction(db) as s:
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
        _resized(img.convert("RGB"), FULL_WIDTH).save(full, "JPEG", quality=FULL_QUALITY, optimize=True,
                                                      progressive=True)
    with Image.open(io.BytesIO(raw)) as img:
        img.draft("RGB", (THUMB_WIDTH, THUMB_WIDTH))  # JPEG decodes at 1/2..1/8 scale: most of the cost saved
        _resized(img.convert("RGB"), THUMB_WIDTH).save(thumb, "JPEG", quality=THUMB_QUALITY, optimize=True)
    return Shot(full, thumb)


def _resized(img: Image.Image, width: int) -> Image.Image:
    if img.width <= width:
        return img
    return img.resize((width, round(img.height * width / img.width)), Image.LANCZOS, reducing_gap=2.0)
