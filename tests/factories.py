"""Small builders for test data: real images, MP4 headers, a seeded workspace."""
from __future__ import annotations

import random
import struct
from datetime import timedelta
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import func

from core.content import Post
from core.db import transaction
from core.models import Account, Employee, Workspace


def make_image(path: Path, size=(800, 1000), fmt="JPEG", text: str = "") -> Path:
    """A real photo-like image (noise + shapes), not a 1-pixel placeholder."""
    rnd = random.Random(str(path))
    img = Image.new("RGB", size, tuple(rnd.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        draw.ellipse((x, y, x + rnd.randrange(40, 300), y + rnd.randrange(40, 300)),
                     fill=tuple(rnd.randrange(256) for _ in range(3)))
    if text:
        draw.text((20, 20), text, fill=(0, 0, 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, fmt)
    return path


def make_post(tmp_path: Path, title: str = "桂花乌龙冷泡茶") -> Post:
    """A note with one real picture, ready for ``create_run``."""
    return Post(title=title, body="夏天来一杯", images=[str(make_image(tmp_path / "img" / "a.jpg"))], topics=["冷泡茶"])


def make_mp4(path: Path, seconds: float = 12.0, payload: int = 4096) -> Path:
    """An MP4 as a site's header checks read it: ``ftyp``, a ``moov`` whose ``mvhd`` says ``seconds``, and
    ``payload`` bytes of ``mdat``. Not playable: no site or check here decodes frames."""
    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body
    mvhd = box(b"mvhd", b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, 1000, int(seconds * 1000)) + b"\x00" * 80)
    data = (box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + box(b"moov", mvhd)
            + box(b"mdat", random.Random(str(path)).randbytes(payload)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def seed_workspace(db, site: str = "xiaohongshu", mode: str = "semi_auto", account_status: str = "active"):
    """A workspace with the marketing employee and one account. Returns (workspace, employee, account) ids."""
    with transaction(db) as s:
        ws = Workspace(name="测试工作区")
        s.add(ws)
        s.flush()
        emp = Employee(workspace_id=ws.id, role="marketing", name="营销专员", mode=mode)
        acc = Account(workspace_id=ws.id, site=site, name="demo", status=account_status)
        s.add_all([emp, acc])
        s.flush()
        return ws.id, emp.id, acc.id


def make_first_workspace(db, workspace_id: str) -> None:
    """Make ``workspace_id`` the deployment's first workspace, the one the deployment-wide webhook
    (``OPC_NOTIFY_WEBHOOK_URL``) tells (``core.notify.send_due``): tests that make a workspace per test on one
    stack stand for a deployment of one owner."""
    with transaction(db) as s:
        oldest = s.query(func.min(Workspace.created_at)).scalar()
        s.get(Workspace, workspace_id).created_at = oldest - timedelta(seconds=1)
