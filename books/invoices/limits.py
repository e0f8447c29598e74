"""How big an invoice file may be, checked before anything is decoded (the messages name each limit)."""
from __future__ import annotations

MAX_BYTES = 20 * 1024 * 1024
"""Any invoice file: a 数电票 PDF/OFD is ~100 KB, a phone photo 2–10 MB."""
MAX_PIXELS = 40_000_000
"""A photo's width × height (a 48-megapixel phone photo fits); more is refused before decoding, so a
small file that claims a huge image (a decompression bomb) never reaches memory."""
OFD_MAX_MEMBERS = 500
OFD_MAX_TOTAL = 50 * 1024 * 1024
"""Bytes all of an OFD's parts may unpack to (a real one unpacks to well under 5 MB)."""
OFD_MAX_RATIO = 100
"""How many times bigger than its packed size a part may unpack (XML packs about 5–20 to 1)."""
PDF_MAX_PAGES = 10
"""Pages whose text is read: an invoice is one page, a long list of items a few more."""


def megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}MB"
