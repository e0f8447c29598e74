"""Keeping the metrics store small: old readings thinned by age, the way the board reads them.

- the last 30 days: every reading (a nightly collection, plus any the owner started);
- older than 30 days: one reading per metric per day (the day's last, in the workspace's zone);
- older than a year: one per metric per week (the week's last, weeks from Monday).

The last reading of a period is kept because values are running totals: the change over any kept period is
still exact, and ``metrics.query.latest`` at a period's end is unchanged.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from metrics.models import MetricPoint

DAILY_AFTER = timedelta(days=30)
WEEKLY_AFTER = timedelta(days=365)
LOOK_BACK = timedelta(days=7)
"""A nightly pass thins only what aged past a line in the last week (missed nights included), not all history."""


def downsample(s: Session, account_id: str, now: datetime, tz: str = "Asia/Shanghai", *,
               everything: bool = False) -> int:
    """Thin the account's readings that aged past 30 days or a year; the number of readings removed.

    With ``everything`` the whole history is thinned (after an import or a long stop), else only the readings
    that crossed a line in the last ``LOOK_BACK``."""
    zone = ZoneInfo(tz)
    removed = 0
    for after, bucket in ((DAILY_AFTER, _day), (WEEKLY_AFTER, _week)):
        until = now - after
        since = None if everything else until - LOOK_BACK
        removed += _thin(s, account_id, since, until, lambda at: bucket(at.astimezone(zone)))
    return removed


def _day(local: datetime) -> date:
    return local.date()


def _week(local: datetime) -> date:
    return local.date() - timedelta(days=local.weekday())


def _thin(s: Session, account_id: str, since: datetime | None, until: datetime, bucket) -> int:
    where = [MetricPoint.account_id == account_id, MetricPoint.at < until]
    if since is not None:
        where.append(MetricPoint.at >= _bucket_start(since))
    rows = s.execute(select(MetricPoint.id, MetricPoint.subject, MetricPoint.subject_id, MetricPoint.metric,
                            MetricPoint.at).where(*where).order_by(MetricPoint.at)).all()
    last: dict[tuple, str] = {}
    drop: list[str] = []
    for point_id, subject, subject_id, metric, at in rows:
        key = (subject, subject_id, metric, bucket(at))
        if key in last:
            drop.append(last[key])  # an earlier reading of the same period: the later one stays
        last[key] = point_id
    for i in range(0, len(drop), 500):
        s.execute(delete(MetricPoint).where(MetricPoint.id.in_(drop[i:i + 500])))
    return len(drop)


def _bucket_start(since: datetime) -> datetime:
    # Start a full week early: a period cut in half at ``since`` would keep two readings of it.
    return since - timedelta(days=7)
