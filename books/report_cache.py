"""Dropping the cached reports of a record's month and quarter when the record is added, changed or deleted
(``books.report`` computes and stores them again on the next read). Kept apart so the record stores can call it
without a cycle."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from sqlalchemy import delete
from sqlalchemy.orm import Session

from books.models import ReportCache
from books.periods import Quarter


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def forget(session: Session, workspace_id: str, days: Iterable[date | None]) -> None:
    days = [d for d in days if d is not None]
    keys = {month_key(d) for d in days} | {str(Quarter.containing(d)) for d in days}
    if keys:
        session.execute(delete(ReportCache).where(ReportCache.workspace_id == workspace_id,
                                                  ReportCache.month.in_(keys)))
