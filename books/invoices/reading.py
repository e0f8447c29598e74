"""What reading one invoice gives: fields with a confidence each, line items, income or expense, warnings."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from core.errors import ValidationFailed

LABELS = {
    "number": "发票号码",
    "code": "发票代码",
    "date": "开票日期",
    "kind": "发票类型",
    "seller_name": "销售方名称",
    "seller_tax_id": "销售方纳税人识别号",
    "buyer_name": "购买方名称",
    "buyer_tax_id": "购买方纳税人识别号",
    "amount": "金额",
    "tax": "税额",
    "total": "价税合计",
    "rate": "税率",
}
"""Every reading has all these keys, in this order (the card's order). ``code`` is empty for a 数电票."""
KEY_FIELDS = ("number", "date", "total", "seller_tax_id", "buyer_tax_id")
"""The fields a record cannot do without; the photo accuracy goal is measured on these."""
LOW_CONFIDENCE = 0.8
"""Below this the validation card highlights the field for the owner to check."""
KINDS = ("增值税专用发票", "普通发票")
"""The values of ``kind``: 专票 (input VAT deductible) or any 普票 (electronic or paper)."""
SOURCES = ("xml", "pdf", "ofd", "photo")


@dataclass(frozen=True)
class Field:
    value: str | None
    """Normalised text: money ``1030.00``, dates ``2026-11-03``, rates ``0.03``. None when not found (low
    confidence) or when the invoice leaves it empty (high confidence: a 数电票 has no 发票代码, a person
    buying has no 纳税人识别号)."""
    confidence: float
    """0..1: 1 for a value read from structured data; lower when read from text or a photo, or when it
    disagrees with the other fields (amount + tax ≠ total, a tax id whose check digit is wrong)."""
    label: str
    """The Chinese name the owner reads."""

    @property
    def unsure(self) -> bool:
        return self.confidence < LOW_CONFIDENCE

    def lowered(self, to: float) -> "Field":
        return replace(self, confidence=min(self.confidence, to))


@dataclass(frozen=True)
class Line:
    """One line item (货物或应税劳务、服务名称 ...). Money and numbers as text, like ``Field.value``."""

    name: str | None = None
    spec: str | None = None
    unit: str | None = None
    quantity: str | None = None
    price: str | None = None
    amount: str | None = None
    rate: str | None = None
    tax: str | None = None


@dataclass
class Reading:
    source: str
    """xml | pdf | ofd | photo"""
    fields: dict[str, Field]
    lines: list[Line] = field(default_factory=list)
    direction: str | None = None
    """income (the workspace is the seller), expense (the buyer), None (neither, or no tax id to compare)."""
    warnings: list[str] = field(default_factory=list)
    """What the owner should know, in Chinese: fields not found, sums that disagree, a bad check digit."""

    def value(self, key: str) -> str | None:
        return self.fields[key].value

    @property
    def unsure(self) -> list[str]:
        """Keys of the fields the card highlights."""
        return [k for k, f in self.fields.items() if f.unsure]


class InvoiceRefused(ValidationFailed):
    """A file that is not read at all (empty, too big, a bomb, not an invoice): nothing is saved."""

    def __init__(self, field: str, message: str, *, limit: str = ""):
        self.field = field
        self.limit = limit
        super().__init__([{"field": field, "limit": limit, "message": message}])
