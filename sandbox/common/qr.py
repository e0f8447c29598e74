"""Login QR images: a QR-looking PNG that carries its token in a ``token`` text chunk.

The sandbox's stand-in for the phone app (``sandbox.scan``) reads the chunk instead of decoding the
code with a camera.
"""
from __future__ import annotations

import base64
import hashlib
import io

from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

CELLS, CELL = 25, 8


def qr_data_url(token: str) -> str:
    bits = bin(int(hashlib.sha256(token.encode()).hexdigest(), 16))[2:].zfill(256) * 3
    img = Image.new("L", (CELLS * CELL + 32, CELLS * CELL + 32), 255)
    draw = ImageDraw.Draw(img)
    for i in range(CELLS * CELLS):
        if bits[i % len(bits)] == "1":
            x, y = 16 + (i % CELLS) * CELL, 16 + (i // CELLS) * CELL
            draw.rectangle((x, y, x + CELL - 1, y + CELL - 1), fill=0)
    for ox, oy in ((0, 0), (CELLS - 7, 0), (0, CELLS - 7)):  # finder patterns, as on a real code
        x, y = 16 + ox * CELL, 16 + oy * CELL
        draw.rectangle((x, y, x + 7 * CELL - 1, y + 7 * CELL - 1), fill=0)
        draw.rectangle((x + CELL, y + CELL, x + 6 * CELL - 1, y + 6 * CELL - 1), fill=255)
        draw.rectangle((x + 2 * CELL, y + 2 * CELL, x + 5 * CELL - 1, y + 5 * CELL - 1), fill=0)
    info = PngInfo()
    info.add_text("token", token)
    buf = io.BytesIO()
    img.save(buf, "PNG", pnginfo=info)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
