"""Nightly collections: one per active account a night, at 02:00 in the workspace's zone plus the account's own
minute, started once however many schedulers tick; one night a week, on the account's own weekday, a full
re-read; none for a new account before its first night, none for a site without data pages, and none while
the last one is still running."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from core.db import session_factory, transaction
from core.errors import ValidationFailed
from core.models import Account, Employee, Run
from graphs.collect.schedule import due_collections, full_night, night_slot, start_collection
from tests.factories import seed_workspace

SHANGHAI = timezone(timedelta(hours=8))


@pytest.fixture
def db(core_settings):
    return session_factory(core_settings.db_url)


def _workspace(db, created: datetime):
    ws, _emp, acc = seed_workspace(db)
    with transaction(db) as s:
        s.get(Account, acc).created_at = created
        s.add(Employee(workspace_id=ws, role="operations", name="运营管家"))
        tax = Account(workspace_id=ws, site="etax", name="电子税务局", status="active", created_at=created)
        s.add(tax)
    return ws, acc


def _collections(db) -> list[Run]:
    with db() as s:
        return list(s.scalars(select(Run).where(Run.graph == "collect")))


def test_the_night_slot_is_after_two_in_the_workspace_zone_and_fixed_per_account():
    now = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)  # 20:00 in Shanghai
    slot = night_slot("acc1", "Asia/Shanghai", now).astimezone(SHANGHAI)
    later = night_slot("acc1", "Asia/Shanghai", now + timedelta(hours=1)).astimezone(SHANGHAI)
    assert (slot.day, slot.hour) == (6, 2) and later == slot
    before_it = night_slot("acc1", "Asia/Shanghai", slot - timedelta(minutes=1)).astimezone(SHANGHAI)
    assert before_it == slot - timedelta(days=1)


def test_each_account_is_collected_once_a_night_by_the_operations_employee(db):
    morning = datetime(2026, 12, 5, 19, 0, tzinfo=timezone.utc)  # 03:00 in Shanghai: tonight's slot has passed
    _ws, acc = _workspace(db, created=morning - timedelta(days=3))
    started = due_collections(db, morning)
    assert len(started) == 1
    assert due_collections(db, morning) == [] and due_collections(db, morning + timedelta(hours=5)) == []
    with transaction(db) as s:
        run = s.get(Run, started[0])
        assert (run.account_id, run.site, run.mode, run.status) == (acc, "xiaohongshu", "auto", "queued")
        assert s.get(Employee, run.employee_id).role == "operations"
        run.status = "published"
    next_night = due_collections(db, morning + timedelta(days=1))
    assert len(next_night) == 1 and next_night != started
    assert [r.site for r in _collections(db)] == ["xiaohongshu", "xiaohongshu"]  # 电子税务局 has no data pages


def test_a_new_account_waits_for_its_first_night(db):
    morning = datetime(2026, 12, 5, 19, 0, tzinfo=timezone.utc)  # 03:00 in Shanghai
    _ws, acc = _workspace(db, created=morning)
    # Added a minute after tonight's slot, which sits at the account's own minute (random id: any of 02:00-02:59)
    with transaction(db) as s:
        s.get(Account, acc).created_at = night_slot(acc, "Asia/Shanghai", morning) + timedelta(minutes=1)
    assert due_collections(db, morning) == []
    assert len(due_collections(db, morning + timedelta(days=1))) == 1


def test_a_collection_is_not_started_while_the_last_one_runs(db):
    _ws, acc = _workspace(db, created=datetime(2026, 1, 1, tzinfo=timezone.utc))
    with transaction(db) as s:
        start_collection(s, s.get(Account, acc))
    with pytest.raises(ValidationFailed) as e, transaction(db) as s:
        start_collection(s, s.get(Account, acc))
    assert "正在读取" in str(e.value)


def test_one_night_a_week_is_a_full_re_read_on_each_accounts_own_weekday(db):
    first = datetime(2026, 12, 5, 19, 0, tzinfo=timezone.utc)  # 03:00 in Shanghai
    _ws, acc = _workspace(db, created=first - timedelta(days=3))
    fulls = _full_nights(db, first, range(14))
    assert len(fulls) == 2 and fulls[1] - fulls[0] == 7
    weekdays = {next(d for d in range(7) if full_night(f"acc{n}", "Asia/Shanghai", first + timedelta(days=d)))
                for n in range(40)}
    assert len(weekdays) == 7  # accounts are spread over the week, not all re-read on one night


def test_a_full_night_the_service_missed_is_made_up_the_next_night_not_a_week_later(db):
    first = datetime(2026, 12, 5, 19, 0, tzinfo=timezone.utc)  # 03:00 in Shanghai
    _ws, acc = _workspace(db, created=first - timedelta(days=3))
    own = next(d for d in range(7) if full_night(acc, "Asia/Shanghai",
                                                  night_slot(acc, "Asia/Shanghai", first + timedelta(days=d))))
    down = own + 7  # the service was down on the account's full night
    fulls = _full_nights(db, first, [n for n in range(own + 11) if n != down])
    assert fulls == [own, own + 8]  # made up the night after; the nights after that are ordinary again


def _full_nights(db, first: datetime, nights) -> list[int]:
    """The scheduler ticks at 03:00 on each of ``nights`` (days after ``first``); each collection finishes; which
    nights' collections were full re-reads."""
    fulls = []
    for night in nights:
        (run_id,) = due_collections(db, first + timedelta(days=night))
        with transaction(db) as s:
            run = s.get(Run, run_id)
            run.status = "published"
            if run.content["full"]:
                fulls.append(night)
                assert run.content["title"] == "读取平台数据（全部重读）"
    return fulls
