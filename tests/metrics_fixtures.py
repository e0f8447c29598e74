"""Fixtures for the metrics store: a database with one workspace and account, and a way to add readings."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from core.db import session_factory, transaction
from metrics.models import MetricPoint
from tests.factories import seed_workspace

T0 = datetime(2026, 12, 1, 16, 0, tzinfo=timezone.utc)
"""Midnight 2026-12-02 in Asia/Shanghai: a night's collection time."""


@pytest.fixture
def metrics_db(core_settings):
    db = session_factory(core_settings.db_url)
    ws, _emp, acc = seed_workspace(db)
    return db, ws, acc


def add_points(db, ws: str, acc: str, rows: list[tuple], site: str = "xiaohongshu") -> None:
    """rows: (subject, subject_id, metric, value, days after T0)."""
    with transaction(db) as s:
        for subject, subject_id, metric, value, days in rows:
            s.add(MetricPoint(workspace_id=ws, account_id=acc, site=site, subject=subject, subject_id=subject_id,
                              metric=metric, value=value, at=T0 + timedelta(days=days)))
