"""Expense records: checked as typed (the books page's form, an import row, a checked invoice), stored, read
per month or quarter, and changed with an audit row for every edit and delete."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from books import cells
from books.entry import read_texts
from books.models import EXPENSE_CATEGORIES, INVOICES, ExpenseRecord
from books.report_cache import forget
from core.errors import ValidationFailed
from core.runs import audit

FIELDS = {"day": "日期", "amount": "金额（价税合计）", "tax": "税额", "rate": "税率", "category": "类别",
          "counterparty": "收款方", "invoice_no": "发票号码", "invoice": "发票类型", "note": "备注"}
_CATEGORY_WORDS = {v: k for k, v in EXPENSE_CATEGORIES.items()} | {"成本": "cost", "进货": "cost", "房租": "rent",
                                                                  "差旅": "travel", "推广": "marketing", "快递": "logistics"}


def parse_rate(value) -> Decimal | None:
    """Any VAT rate a seller invoices at (0–17 %: 13 %, 9 %, 6 %, 3 %, 1 %...), or None when not given."""
    text = re.sub(r"\s", "", "" if value is None else str(value))
    if not text:
        return None
    if text in ("免税", "免征", "不征税", "***"):
        return Decimal("0")
    try:
        rate = Decimal(text.rstrip("%％"))
    except InvalidOperation:
        raise cells.CellError(f"税率看不懂：{text}（如 13%、6%、1%、免税）") from None
    if text[-1] in "%％" or rate >= 1:
        rate /= 100
    if not rate.is_finite() or not 0 <= rate <= Decimal("0.17"):
        raise cells.CellError(f"税率应在0到17%之间：{text}")
    return rate.quantize(Decimal("0.0001"))


def parse_category(value) -> str:
    text = re.sub(r"\s", "", "" if value is None else str(value))
    if not text:
        return "other"
    if text in EXPENSE_CATEGORIES:
        return text
    for word, key in _CATEGORY_WORDS.items():
        if word in text:
            return key
    raise cells.CellError(f"类别看不懂：{text}（可选：{'、'.join(EXPENSE_CATEGORIES.values())}）")


def parse_expense(data: dict, tz: str | ZoneInfo = "Asia/Shanghai") -> tuple[dict, list[dict]]:
    """(the record's values, field errors): every field checked, every problem named in Chinese, all at once."""
    tz = ZoneInfo(tz) if isinstance(tz, str) else tz
    values, errors = {}, []

    def fail(key: str, limit: str, message: str) -> None:
        errors.append({"field": key, "limit": limit, "message": f"{FIELDS[key]}：{message}"})

    readers = {
        "day": (lambda v: cells.parse_day(v, tz), "YYYY-MM-DD"),
        "amount": (cells.parse_amount, "≠ 0，最多两位小数"),
        "tax": (lambda v: None if v in (None, "") else cells.parse_amount(v), "最多两位小数"),
        "rate": (parse_rate, "0–17%"),
        "category": (parse_category, "/".join(EXPENSE_CATEGORIES.values())),
        "invoice": (lambda v: v if v in INVOICES else cells.parse_invoice(v), "专票/普票/未开票"),
    }
    for key, (read, limit) in readers.items():
        try:
            values[key] = read(data.get(key))
        except cells.CellError as e:
            fail(key, limit, str(e))
    read_texts(data, values, fail)
    return values, errors


def add_expense(session: Session, workspace_id: str, values: dict, *, source: str = "manual",
                upload_id: str | None = None) -> ExpenseRecord:
    rec = ExpenseRecord(workspace_id=workspace_id, source=source, upload_id=upload_id, **values)
    session.add(rec)
    session.flush()
    forget(session, workspace_id, {rec.day})
    return rec


def expenses_between(session: Session, workspace_id: str, start: date, end: date) -> list[ExpenseRecord]:
    """The workspace's expenses dated from ``start`` to ``end`` (both included), oldest first."""
    stmt = (select(ExpenseRecord)
            .where(ExpenseRecord.workspace_id == workspace_id, ExpenseRecord.day >= start, ExpenseRecord.day <= end)
            .order_by(ExpenseRecord.day, ExpenseRecord.created_at, ExpenseRecord.id))
    return list(session.scalars(stmt))


def get_expense(session: Session, workspace_id: str, record_id: str) -> ExpenseRecord | None:
    rec = session.get(ExpenseRecord, record_id)
    return rec if rec is not None and rec.workspace_id == workspace_id else None


def snapshot(rec) -> dict:
    """A record's fields as text, for the audit row (what it was, what it became)."""
    keys = ("day", "amount", "tax", "rate", "category", "counterparty", "invoice_no", "invoice", "note",
            "tax_included")
    return {k: (None if getattr(rec, k, None) is None else str(getattr(rec, k))) for k in keys if hasattr(rec, k)}


def update_expense(session: Session, rec: ExpenseRecord, values: dict, actor: str = "owner") -> ExpenseRecord:
    before, was = snapshot(rec), rec.day
    for key, value in values.items():
        setattr(rec, key, value)
    if rec.amount is None or Decimal(rec.amount) == 0:
        raise ValidationFailed([{"field": "amount", "limit": "≠ 0", "message": "金额不能为空或为0"}])
    session.flush()
    forget(session, rec.workspace_id, {was, rec.day})
    audit(session, rec.workspace_id, actor, "books.expense.edited", rec.id, {"before": before, "after": snapshot(rec)})
    return rec


def delete_expense(session: Session, rec: ExpenseRecord, actor: str = "owner") -> None:
    audit(session, rec.workspace_id, actor, "books.expense.deleted", rec.id, {"before": snapshot(rec)})
    forget(session, rec.workspace_id, {rec.day})
    session.delete(rec)
    session.flush()
