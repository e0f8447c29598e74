"""Old readings are thinned by age: every reading for 30 days, then the day's last, after a year the week's last;
totals and changes over the kept periods stay what they were."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from core.db import transaction
from metrics import query
from metrics.models import MetricPoint
from metrics.retention import downsample
from tests.metrics_fixtures import metrics_db  # noqa: F401

NOW = datetime(2026, 12, 6, 4, 0, tzinfo=timezone.utc)


def _hourly_views(db, ws, acc, days: int) -> None:
    """A note read every 6 hours for ``days`` days up to NOW, its views growing by 10 each time."""
    with transaction(db) as s:
        for i in range(days * 4):
            at = NOW - timedelta(hours=6 * i)
            s.add(MetricPoint(workspace_id=ws, account_id=acc, site="xiaohongshu", subject="post", subject_id="n1",
                              metric="views", value=10.0 * (days * 4 - i), at=at))


def _count(db, since, until) -> int:
    with db() as s:
        return s.scalar(select(func.count()).select_from(MetricPoint)
                        .where(MetricPoint.at >= since, MetricPoint.at < until))


def test_old_readings_keep_one_a_day_after_a_month_and_one_a_week_after_a_year(metrics_db):
    db, ws, acc = metrics_db
    _hourly_views(db, ws, acc, days=400)
    with db() as s:
        total_before = query.latest(s, ws, acc, "post", "views")
        month_start = NOW - timedelta(days=20)
        change_before = query.delta(s, ws, acc, "views", month_start, NOW)
    with transaction(db) as s:
        removed = downsample(s, acc, NOW, everything=True)
    assert removed > 0
    assert _count(db, NOW - timedelta(days=30), NOW + timedelta(seconds=1)) == 30 * 4 + 1  # recent: untouched
    for back in (40, 100, 300):  # a day in the second month .. the year: one reading
        day = (NOW - timedelta(days=back)).astimezone(timezone(timedelta(hours=8))).replace(hour=0, minute=0, second=0)
        assert _count(db, day, day + timedelta(days=1)) == 1
    monday = (NOW - timedelta(days=380)).astimezone(timezone(timedelta(hours=8)))
    monday = (monday - timedelta(days=monday.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    assert _count(db, monday, monday + timedelta(days=7)) == 1
    with db() as s:
        assert query.latest(s, ws, acc, "post", "views") == total_before
        assert query.delta(s, ws, acc, "views", month_start, NOW) == change_before


def test_a_nightly_pass_thins_only_what_aged_in_the_last_week(metrics_db):
    db, ws, acc = metrics_db
    _hourly_views(db, ws, acc, days=60)
    with transaction(db) as s:
        downsample(s, acc, NOW)
    assert _count(db, NOW - timedelta(days=36), NOW - timedelta(days=31)) == 5  # one a day where it looked
    assert _count(db, NOW - timedelta(days=59), NOW - timedelta(days=50)) == 9 * 4  # not looked at: all kept
    with transaction(db) as s:
        assert downsample(s, acc, NOW) == 0  # a second pass the same night removes nothing more
