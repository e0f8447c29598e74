"""The OCR engine: rapidocr-onnxruntime, whose PP-OCRv4 detection and recognition models ship inside the
wheel and run on the CPU, offline.

The engine is loaded on the first photo and kept for the life of the process (loading costs ~1 s and
~150 MiB, so it is not paid by a process that never sees a photo). One photo is recognised at a time per
process: two at once would double the peak memory and, on two cores, finish no sooner.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

SETTINGS = dict(use_cls=False, rec_batch_num=2, det_limit_side_len=640)
"""Measured (docs/invoices.md): the angle classifier only helps upside-down lines, which an upright
(EXIF-rotated) photo does not have; two crops per recognition batch instead of six, and detection at the
photo's own size (≥ 640 px on the short side instead of upscaling to 736) keep the peak resident memory
under 500 MiB."""

_lock = threading.Lock()
_loaded: list = []
"""The process's engine, once loaded (a list so the lazy load needs no ``global`` statement)."""


@dataclass(frozen=True)
class Box:
    points: tuple[tuple[float, float], ...]
    """The text's four corners in the image: top-left, top-right, bottom-right, bottom-left."""
    text: str
    score: float


def recognise(image_bgr: np.ndarray) -> list[Box]:
    """Every piece of text found in the image."""
    with _lock:
        if not _loaded:
            from rapidocr_onnxruntime import RapidOCR
            _loaded.append(RapidOCR(**SETTINGS))
        result, _ = _loaded[0](image_bgr)
    return [Box(tuple((float(x), float(y)) for x, y in points), text, float(score))
            for points, text, score in result or ()]


def is_loaded() -> bool:
    return bool(_loaded)
