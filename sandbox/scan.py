"""The sandbox stand-in for the owner's phone app: read a replica's login QR and "scan" it.

Replica QR images carry their login token in a PNG text chunk named ``token`` (a real QR would be
decoded by the phone's camera instead). Only used in sandbox mode.
"""
from __future__ import annotations

import base64
import io

import httpx
from PIL import Image


class ScanError(Exception):
    pass


def token_from_qr(data_url: str) -> str:
    if not data_url or not data_url.startswith("data:image/png;base64,"):
        raise ScanError("no QR image to scan")
    img = Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1])))
    token = getattr(img, "text", {}).get("token")
    if not token:
        raise ScanError("the QR carries no sandbox token")
    return token


def simulate_scan(base_url: str, data_url: str, user: str = "demo") -> None:
    resp = httpx.post(f"{base_url}/__sandbox__/scan", json={"token": token_from_qr(data_url), "user": user},
                      timeout=10)
    if resp.status_code != 200:
        raise ScanError(f"the replica refused the scan ({resp.status_code}): the QR may have expired")
