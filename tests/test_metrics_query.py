"""The metrics store answers the board's questions: a series, the latest values, the change over a period."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from core.db import transaction
from metrics import query
from metrics.models import MetricPoint
from metrics.store import Collected, save
from tests.metrics_fixtures import T0, add_points, metrics_db  # noqa: F401

READINGS = [
    ("post", "n1", "views", 100, 0), ("post", "n1", "views", 250, 1), ("post", "n1", "views", 400, 2),
    ("post", "n2", "views", 30, 1), ("post", "n2", "views", 90, 2),
    ("account", "", "fans", 1000, 0), ("account", "", "fans", 1012, 2),
]


def test_a_series_lists_one_subjects_readings_in_the_period_oldest_first(metrics_db):
    db, ws, acc = metrics_db
    add_points(db, ws, acc, READINGS)
    with db() as s:
        points = query.series(s, ws, acc, "post", "n1", "views", T0 + timedelta(hours=1), T0 + timedelta(days=3))
    assert [v for _at, v in points] == [250, 400]
    assert points[0][0] == T0 + timedelta(days=1)


def test_latest_gives_each_subjects_newest_reading_at_or_before_a_time(metrics_db):
    db, ws, acc = metrics_db
    add_points(db, ws, acc, READINGS)
    with db() as s:
        assert query.latest(s, ws, acc, "post", "views") == {"n1": 400, "n2": 90}
        assert query.latest(s, ws, acc, "post", "views", T0 + timedelta(days=1)) == {"n1": 250, "n2": 30}
        assert query.latest(s, ws, acc, "account", "fans") == {"": 1012}


def test_delta_is_the_growth_per_subject_and_a_new_post_counts_from_zero(metrics_db):
    db, ws, acc = metrics_db
    add_points(db, ws, acc, READINGS)
    with db() as s:
        grown = query.delta(s, ws, acc, "views", T0, T0 + timedelta(days=2))
        fans = query.delta(s, ws, acc, "fans", T0, T0 + timedelta(days=2))
        nothing = query.delta(s, ws, acc, "plays", T0, T0 + timedelta(days=2))
    assert grown == {"n1": 300, "n2": 90}
    assert fans == {"": 12}
    assert nothing == {}


def test_the_same_reading_is_stored_once(metrics_db):
    db, ws, acc = metrics_db
    add_points(db, ws, acc, READINGS[:1])
    with pytest.raises(IntegrityError):
        with transaction(db) as s:
            s.add(MetricPoint(workspace_id=ws, account_id=acc, site="xiaohongshu", subject="post", subject_id="n1",
                              metric="views", value=101, at=T0))


def test_a_post_read_twice_in_one_collection_is_stored_once(metrics_db):
    db, ws, acc = metrics_db
    got = Collected(readings=[{"subject": "post", "subject_id": "n1", "metric": "views", "value": 10},
                              {"subject": "post", "subject_id": "n1", "metric": "views", "value": 11}],
                    orders=[], refunds={}, pages=2)
    with transaction(db) as s:
        assert save(s, workspace_id=ws, account_id=acc, site="xiaohongshu", run_id=None, at=T0, got=got) == 1
    with db() as s:
        assert query.latest(s, ws, acc, "post", "views") == {"n1": 11}
