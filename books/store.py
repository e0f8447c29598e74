"""Storing income records all-or-nothing, and reading one quarter back."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from books.importer import import_records
from books.models import CATEGORIES, INVOICES, RATES, IncomeRecord
from books.periods import Quarter
from core.errors import ValidationFailed


def ensure_table(session: Session) -> None:
    """Create ``income_records`` if the engine was set up before ``books.models`` was imported."""
    IncomeRecord.__table__.create(session.connection(), checkfirst=True)


def record_errors(rec: IncomeRecord, label: str) -> list[dict]:
    """What is wrong with one record, as field errors (empty when it can be stored)."""
    errors = []
    if rec.day is None:
        errors.append(("day", "日期", "缺少日期"))
    if rec.amount is None or Decimal(rec.amount) == 0:
        errors.append(("amount", "≠ 0", "金额不能为空或为0"))
    if rec.invoice not in INVOICES:
        errors.append(("invoice", "/".join(INVOICES), f"发票类型不对：{rec.invoice}"))
    if rec.category not in CATEGORIES:
        errors.append(("category", "/".join(CATEGORIES), f"类别不对：{rec.category}"))
    if rec.rate is None or Decimal(rec.rate) not in RATES:
        errors.append(("rate", "0/1%/3%/5%", f"税率不对：{rec.rate}"))
    return [{"field": f"{label}.{f}", "limit": limit, "message": f"{label}：{msg}"}
            for f, limit, msg in errors]


def add_records(session: Session, workspace_id: str, records: Iterable[IncomeRecord]) -> list[IncomeRecord]:
    """Add every record to the workspace, or none: any bad record raises ``ValidationFailed`` first.

    The caller owns the transaction (``core.db.transaction``), so a later failure rolls all of them back.
    """
    records = list(records)
    errors = [e for i, r in enumerate(records, 1) for e in record_errors(r, f"第{i}条")]
    if errors:
        raise ValidationFailed(errors)
    ensure_table(session)
    for r in records:
        r.workspace_id = workspace_id
    session.add_all(records)
    session.flush()
    return records


def import_file(session: Session, workspace_id: str, name: str, data: bytes,
                tz: str = "Asia/Shanghai") -> list[IncomeRecord]:
    """Import an uploaded income list into the workspace: every row, or ``ValidationFailed`` with every error."""
    result = import_records(name, data, tz)
    result.raise_errors()
    return add_records(session, workspace_id, result.records)


def records_in(session: Session, workspace_id: str, quarter: Quarter) -> list[IncomeRecord]:
    """The workspace's records dated inside the quarter, oldest first."""
    ensure_table(session)
    stmt = (select(IncomeRecord)
            .where(IncomeRecord.workspace_id == workspace_id,
                   IncomeRecord.day >= quarter.start, IncomeRecord.day <= quarter.end)
            .order_by(IncomeRecord.day, IncomeRecord.created_at, IncomeRecord.id))
    return list(session.scalars(stmt))
