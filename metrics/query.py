"""Reading the metrics store: a series, the latest values, the change over a period.

The board and 运营管家 read numbers only through these functions. Values are the site's running
totals, so a change is always a difference of two readings, never a sum of readings.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from metrics.models import MetricPoint


def series(s: Session, workspace_id: str, account_id: str, subject: str, subject_id: str, metric: str,
           since: datetime, until: datetime) -> list[tuple[datetime, float]]:
    """Readings of one number of one subject with since <= at <= until, oldest first."""
    rows = s.execute(
        select(MetricPoint.at, MetricPoint.value)
        .where(MetricPoint.workspace_id == workspace_id, MetricPoint.account_id == account_id,
               MetricPoint.subject == subject, MetricPoint.subject_id == subject_id,
               MetricPoint.metric == metric, MetricPoint.at >= since, MetricPoint.at <= until)
        .order_by(MetricPoint.at))
    return [(at, value) for at, value in rows]


def latest(s: Session, workspace_id: str, account_id: str, subject: str, metric: str,
           at_or_before: datetime | None = None) -> dict[str, float]:
    """The newest reading per subject id (at or before ``at_or_before`` when given): {subject_id: value}.

    For subject 'account' the one key is ''.
    """
    where = [MetricPoint.workspace_id == workspace_id, MetricPoint.account_id == account_id,
             MetricPoint.subject == subject, MetricPoint.metric == metric]
    if at_or_before is not None:
        where.append(MetricPoint.at <= at_or_before)
    newest = (select(MetricPoint.subject_id, func.max(MetricPoint.at).label("at"))
              .where(*where).group_by(MetricPoint.subject_id).subquery())
    rows = s.execute(
        select(MetricPoint.subject_id, MetricPoint.value)
        .join(newest, (MetricPoint.subject_id == newest.c.subject_id) & (MetricPoint.at == newest.c.at))
        .where(*where))
    return {subject_id: value for subject_id, value in rows}


def delta(s: Session, workspace_id: str, account_id: str, metric: str, since: datetime,
          until: datetime) -> dict[str, float]:
    """How much ``metric`` grew between ``since`` and ``until``, per subject id: {subject_id: change}.

    The change is the newest reading at or before ``until`` minus the newest at or before ``since``.
    A subject with no reading by ``since`` counts from 0: collection runs nightly, so a subject first
    seen inside the period (a note published in it) is new in it. Subjects with no reading by
    ``until`` are left out. Sum the values for the account's total change.
    """
    subject = _subject_of(s, workspace_id, account_id, metric)
    if subject is None:
        return {}
    end = latest(s, workspace_id, account_id, subject, metric, until)
    start = latest(s, workspace_id, account_id, subject, metric, since)
    return {subject_id: value - start.get(subject_id, 0.0) for subject_id, value in end.items()}


def _subject_of(s: Session, workspace_id: str, account_id: str, metric: str) -> str | None:
    """Each metric is read for one kind of subject (fans for the account, views for posts ...)."""
    return s.scalar(select(MetricPoint.subject)
                    .where(MetricPoint.workspace_id == workspace_id, MetricPoint.account_id == account_id,
                           MetricPoint.metric == metric).limit(1))
