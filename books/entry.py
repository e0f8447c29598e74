"""One income record as the owner types it (the finance page's form, ``/api/books/records``): every field
checked with the importer's own cell readers, every problem named by its field in Chinese, all at once."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from books import cells
from books.models import CATEGORIES, INVOICES

FIELDS = {"day": "日期", "amount": "金额", "tax_included": "是否含税", "invoice": "发票类型", "category": "类别",
          "rate": "税率", "counterparty": "客户", "invoice_no": "发票号码", "note": "备注"}
"""Each field of a record and its name on the page."""
TEXT_LIMITS = {"counterparty": 100, "invoice_no": 20, "note": 200}
INVOICE_NO = re.compile(r"^\d{8,20}$")
"""发票号码: 8 digits (paper and older electronic invoices) up to 20 (数电发票)."""


def parse_entry(data: dict, tz: str | ZoneInfo = "Asia/Shanghai") -> tuple[dict, list[dict]]:
    """(the record's values, field errors). Codes (special, goods, 0.01) and the owner's words (专票, 货物,
    1%) are both taken; missing text fields are empty."""
    tz = ZoneInfo(tz) if isinstance(tz, str) else tz
    values, errors = {}, []

    def fail(key: str, limit: str, message: str) -> None:
        errors.append({"field": key, "limit": limit, "message": f"{FIELDS[key]}：{message}"})

    readers = {
        "day": lambda v: cells.parse_day(v, tz),
        "amount": cells.parse_amount,
        "invoice": lambda v: v if v in INVOICES else cells.parse_invoice(v),
        "category": lambda v: v if v in CATEGORIES else cells.parse_category(v),
        "rate": cells.parse_rate,
        "tax_included": lambda v: v if isinstance(v, bool) else cells.parse_included(v, True),
    }
    limits = {"day": "YYYY-MM-DD", "amount": "≠ 0，最多两位小数", "invoice": "专票/普票/未开票",
              "category": "货物/服务", "rate": "免税/1%/3%/5%", "tax_included": "是/否"}
    for key, read in readers.items():
        raw = data.get(key)
        if key == "invoice" and raw is None:
            fail(key, limits[key], "请选择专票、普票或未开票")
            continue
        try:
            values[key] = read(raw)
        except cells.CellError as e:
            fail(key, limits[key], str(e))
    read_texts(data, values, fail)
    return values, errors


def read_texts(data: dict, values: dict, fail) -> None:
    """The free-text fields every record has (counterparty, invoice number, note) into ``values``, checked."""
    for key, limit in TEXT_LIMITS.items():
        text = "" if data.get(key) is None else str(data.get(key)).strip()
        if len(text) > limit:
            fail(key, f"≤ {limit} 字", f"最多{limit}个字，现在有{len(text)}个")
        elif key == "invoice_no" and text and not INVOICE_NO.match(text):
            fail(key, "8–20位数字", f"应为8到20位数字：{text}")
        else:
            values[key] = text
