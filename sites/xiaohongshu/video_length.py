"""A video's length read from its MP4/MOV header (the ``mvhd`` box inside ``moov``), without decoding it.

Only the ISO-media containers (mp4, mov, m4v) carry it where a few reads find it; for other containers the
length is unknown here and the site itself checks it after the upload.
"""
from __future__ import annotations

import struct
from typing import BinaryIO

MAX_BOXES = 10_000
"""A file whose boxes never lead to ``moov`` within this many is not a well-formed MP4."""


def _boxes(f: BinaryIO, end: int):
    """(type, payload start, payload end) of each box between the current position and ``end``."""
    for _ in range(MAX_BOXES):
        start = f.tell()
        if start + 8 > end:
            return
        head = f.read(8)
        if len(head) < 8:
            return
        size, kind = struct.unpack(">I4s", head)
        header = 8
        if size == 1:  # a 64-bit size follows the type
            size, header = struct.unpack(">Q", f.read(8))[0], 16
        elif size == 0:  # the box runs to the end of the file
            size = end - start
        if size < header:
            return
        yield kind, start + header, start + size
        f.seek(start + size)


def mp4_duration_s(path: str) -> float | None:
    """Seconds, or None when the file has no readable ``moov/mvhd``."""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            end = f.tell()
            f.seek(0)
            for kind, body, body_end in _boxes(f, end):
                if kind != b"moov":
                    continue
                f.seek(body)
                for inner, inner_body, _ in _boxes(f, body_end):
                    if inner != b"mvhd":
                        continue
                    f.seek(inner_body)
                    version = f.read(4)[0]
                    if version == 1:
                        _, _, scale, duration = struct.unpack(">QQIQ", f.read(28))
                    else:
                        _, _, scale, duration = struct.unpack(">IIII", f.read(16))
                    return duration / scale if scale else None
                return None
    except (OSError, struct.error, IndexError):
        return None
    return None
