"""Dropping a month's cached report when a record of that month is added, changed or deleted (``books.report``
computes and stores it again on the next read). Kept apart so the record stores can call it without a cycle."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from sqlalchemy import delete
from sqlalchemy.orm import Session

from books.models import ReportCache


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def forget(session: Session, workspace_id: str, days: Iterable[date | None]) -> None:
    months = {month_key(d) for d in days if d is not None}
    if months:
        session.execute(delete(ReportCache).where(ReportCache.workspace_id == workspace_id,
                                                  ReportCache.month.in_(months)))
