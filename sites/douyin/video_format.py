"""Which video container a file really is, from its first bytes (the extension may lie).

Only the containers Douyin's upload input accepts are recognised; anything else is ``None``.
Reading a few hundred bytes is enough, so a 16 GB file costs nothing to check.
"""
from __future__ import annotations

ASF_GUID = bytes.fromhex("3026B2758E66CF11A6D900AA0062CE6C")  # wmv/asf header object
QUICKTIME_BRANDS = {b"qt  "}


def sniff_video(path: str) -> str | None:
    with open(path, "rb") as f:
        head = f.read(512)
    if len(head) >= 12 and head[4:8] == b"ftyp":
        # ISO base media: mp4/m4v and QuickTime .mov share the box layout; the brand tells them apart.
        return "mov" if head[8:12] in QUICKTIME_BRANDS else "mp4"
    if len(head) >= 8 and head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return "mov"  # old QuickTime files start without an ftyp box
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head[:64] else "mkv"
    if head.startswith(b"FLV"):
        return "flv"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if head.startswith(ASF_GUID):
        return "wmv"
    if head.startswith(b"\x00\x00\x01\xba"):
        return "mpg"
    if len(head) > 376 and head[0] == head[188] == head[376] == 0x47:
        return "ts"  # MPEG transport stream: a 0x47 sync byte every 188 bytes
    return None
