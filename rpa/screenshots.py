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

from core.models import new_id

FULL_WIDTH = 1080
FULL_QUALITY = 72
THUMB_WIDTH = 240
THUMB_QUALITY = 60


@dataclass
class Shot:
    full: Path
    thumb: Path


def capture(page: Page, dest: Path, name: str | None = None) -> Shot:
    png = page.screenshot(full_page=True, type="png")
    return save_png(png, dest, name or new_id())


def save_png(png: bytes, dest: Path, name: str) -> Shot:
    dest.mkdir(parents=True, exist_ok=True)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    full, thumb = dest / f"{name}.jpg", dest / f"{name}.thumb.jpg"
    _resized(img, FULL_WIDTH).save(full, "JPEG", quality=FULL_QUALITY, optimize=True, progressive=True)
    _resized(img, THUMB_WIDTH).save(thumb, "JPEG", quality=THUMB_QUALITY, optimize=True)
    return Shot(full, thumb)


def _resized(img: Image.Image, width: int) -> Image.Image:
    if img.width <= width:
        return img
    return img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
