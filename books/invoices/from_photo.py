"""Photos of paper invoices and receipts: size checks before decoding, OCR, then fields from the text.

The recognised boxes are put back into printed lines before the labels are looked for: the photo's
tilt is measured from the boxes themselves and undone, boxes whose centres sit at the same height form a
line, left to right. So 名称 on the left (buyer) comes before 名称 on the right (seller) even when the
photo was taken at an angle.
"""
from __future__ import annotations

import io
import math
import statistics
import warnings as python_warnings

import numpy as np
from PIL import Image, ImageOps

from books.invoices import ocr
from books.invoices.from_text import TextLine, read_text
from books.invoices.limits import MAX_PIXELS
from books.invoices.reading import Field, InvoiceRefused, Line

MAX_SIDE = 1100
"""Photos are scaled down to this many pixels on the long side before OCR: an invoice's 9-point text is
then ~14 px high, which the recogniser still reads well, and detection memory stays bounded."""
PHOTO_CONFIDENCE = 0.9
"""What a field read from a photo is worth before the recogniser's own score and the checks."""


def read_photo(data: bytes) -> tuple[dict[str, Field], list[Line], list[str]]:
    image = _decode(data)
    boxes = ocr.recognise(np.asarray(image)[:, :, ::-1])
    if not boxes:
        raise InvoiceRefused("file", "照片里没有识别到文字：请对准发票、光线充足时重拍", limit="需能看清文字")
    fields, lines, warnings = read_text(rows(boxes), PHOTO_CONFIDENCE)
    if not any(f.value for f in fields.values()):
        warnings.append("照片里的文字不像发票（没有找到发票号码、金额等），请检查是否拍对了")
    return fields, lines, warnings


def _decode(data: bytes) -> Image.Image:
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels(f"{width}×{height}像素")
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at reduced size, far less memory
            image = ImageOps.exif_transpose(image).convert("RGB")
    except InvoiceRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard fires while reading the header of an image far past ours
        raise _too_many_pixels("上亿像素") from None
    except (OSError, ValueError, SyntaxError):
        raise InvoiceRefused("file", "照片无法打开（格式不支持或文件已损坏）：请上传JPG或PNG照片",
                             limit="JPG/PNG/WEBP") from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    return image


def _too_many_pixels(size: str) -> InvoiceRefused:
    limit = f"{MAX_PIXELS // 1_000_000}百万像素"
    return InvoiceRefused("file", f"照片有{size}，超过{limit}上限（可能是解压炸弹），请缩小后再上传", limit=f"≤ {limit}")


def rows(boxes: list[ocr.Box]) -> list[TextLine]:
    """The boxes as printed lines: tilt undone, grouped by height, each line left to right. Boxes in one
    line are separated by two spaces (as a gap between columns); each keeps its own score."""
    tilt = _tilt(boxes)
    cos, sin = math.cos(-tilt), math.sin(-tilt)
    placed = []
    for box in boxes:
        turned = [(x * cos - y * sin, x * sin + y * cos) for x, y in box.points]
        ys = [y for _, y in turned]
        placed.append(((min(ys) + max(ys)) / 2, min(x for x, _ in turned), max(ys) - min(ys), box))
    if not placed:
        return []
    height = statistics.median(h for _, _, h, _ in placed) or 1.0
    placed.sort(key=lambda p: p[0])
    groups: list[list] = [[placed[0]]]
    for item in placed[1:]:
        centre = statistics.fmean(p[0] for p in groups[-1])
        if item[0] - centre <= height * 0.5:
            groups[-1].append(item)
        else:
            groups.append([item])
    out = []
    for group in groups:
        group.sort(key=lambda p: p[1])
        out += [TextLine(p[3].text, p[3].score, row_end=n == len(group) - 1) for n, p in enumerate(group)]
    return out


def _tilt(boxes: list[ocr.Box]) -> float:
    """The photo's tilt in radians: the median slope of the top edges of boxes wider than tall."""
    angles = []
    for box in boxes:
        (x0, y0), (x1, y1), _, (_, y3) = box.points
        if x1 - x0 > 2 * abs(y3 - y0):
            angles.append(math.atan2(y1 - y0, x1 - x0))
    return statistics.median(angles) if angles else 0.0
