"""The replica's records: an uploaded material (图片空间 image) and a published item (宝贝)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sandbox.common.world import SITE_TZ


@dataclass
class Material:
    id: str
    user: str
    name: str
    data: bytes
    mime: str
    width: int
    height: int

    def public(self) -> dict:
        return {"id": self.id, "name": self.name, "url": f"/imgextra/{self.id}.jpg", "width": self.width,
                "height": self.height}


@dataclass
class Item:
    id: str
    """12 digits, like real item ids."""
    user: str
    cat_id: int
    cat_path: str
    title: str
    price: str
    """一口价 ``"12.50"``; with SKUs the lowest SKU price."""
    quantity: int
    """总库存; with SKUs the sum of SKU stocks."""
    outer_id: str
    props: dict
    skus: list[dict]
    main_images: list[str]
    desc: str
    desc_images: list[str]
    start_mode: str
    """``now`` (立刻上架) | ``timed`` (定时上架) | ``warehouse`` (放入仓库)."""
    start_at: str | None
    """Beijing wall time ``YYYY-MM-DD HH:MM`` of a 定时上架 item."""
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def on_sale(self) -> bool:
        if self.start_mode == "now":
            return True
        if self.start_mode == "timed" and self.start_at:
            return self.start_at <= datetime.now(SITE_TZ).strftime("%Y-%m-%d %H:%M")
        return False

    @property
    def status(self) -> str:
        if self.on_sale:
            return "出售中"
        return f"定时上架 {self.start_at}" if self.start_mode == "timed" else "仓库中"

    @property
    def shelf(self) -> str:
        """Which list shows the item: ``on_sale`` (出售中) or ``in_stock`` (仓库中)."""
        return "on_sale" if self.on_sale else "in_stock"

    def public(self) -> dict:
        return {"id": self.id, "user": self.user, "catId": self.cat_id, "catPath": self.cat_path, "title": self.title,
                "price": self.price, "quantity": self.quantity, "outerId": self.outer_id, "props": self.props,
                "skus": self.skus, "images": len(self.main_images), "descImages": len(self.desc_images),
                "desc": self.desc, "startMode": self.start_mode, "startAt": self.start_at, "shelf": self.shelf,
                "status": self.status, "created_at": self.created_at.isoformat()}
