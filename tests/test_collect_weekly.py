"""The weekly full re-read: nightly collections stop at the site's window (30 days for notes), so a note older
than that keeps its numbers through an ordinary night even when they grew on the site; the account's weekly
night, started by the same scheduler call, reads every list page and brings them up to date. The ordinary
night still opens only the pages its window needs."""
from __future__ import annotations

import re
from contextlib import closing
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.models import Run, utcnow
from core.queue import enqueue_run
from graphs.collect.schedule import due_collections, full_night, night_slot
from metrics import query
from metrics.models import MetricPoint
from tests.collect_fixtures import add_history, env, phone, pin_clock, studio, truth  # noqa: F401

TZ = "Asia/Shanghai"


def _night(env, studio, full: bool) -> Run:
    """The scheduler's call on the next night (from tomorrow) that is, or is not, the account's weekly one;
    every run it starts is run, and the Xiaohongshu account's is returned."""
    for days in range(1, 9):
        at = utcnow() + timedelta(days=days)
        slot = night_slot(studio["xhs"], TZ, at)
        if full_night(studio["xhs"], TZ, slot) == full:
            break
    started = due_collections(env.db, at)
    for run_id in started:
        enqueue_run(env.settings, run_id)
    runs = [env.wait_status(run_id, "published", "failed", timeout=180) for run_id in started]
    (mine,) = [r for r in runs if r.account_id == studio["xhs"]]
    assert mine.status == "published" and mine.content["full"] is full, mine.reason
    assert slot.astimezone(ZoneInfo(TZ)).hour == 2
    return mine


def _pages(run: Run) -> int:
    return int(re.search(r"看了(\d+)个页面", run.reason).group(1))


def _read_by(env, run: Run) -> dict[str, float]:
    with env.db() as s:
        return dict(s.execute(select(MetricPoint.subject_id, MetricPoint.value).where(
            MetricPoint.run_id == run.id, MetricPoint.subject == "post", MetricPoint.metric == "views")).all())


def test_a_note_older_than_the_window_is_updated_by_the_weekly_re_read_and_not_by_an_ordinary_night(env, studio):
    xhs = env.replicas["xiaohongshu"]
    add_history(xhs.url, studio["xhs_user"], 25, days=60)  # one note every 2.4 days, ten to a list page
    with closing(phone(env, studio)) as p:
        r = p.post("/api/collections", json={"account_id": studio["xhs"]})
        assert r.status_code == 201, r.text
    first = env.wait_status(r.json()["run"]["id"], "published", "failed", timeout=180)
    first_views = _read_by(env, first)
    assert len(first_views) == 25  # the account's first collection reads everything

    pin_clock(xhs, utcnow() + timedelta(hours=48))  # two days on: every note has grown, old ones a little
    shown = {pid: nums["views"] for pid, nums in truth(xhs, studio["xhs_user"])["posts"].items()}
    nightly = _night(env, studio, full=False)
    old = set(first_views) - set(_read_by(env, nightly))
    assert old, "an ordinary night leaves the notes past its window unread"
    assert all(shown[pid] > first_views[pid] for pid in old)
    with env.db() as s:
        kept = query.latest(s, studio["workspace"], studio["xhs"], "post", "views")
    assert {pid: kept[pid] for pid in old} == {pid: first_views[pid] for pid in old}  # frozen

    weekly = _night(env, studio, full=True)
    with env.db() as s:
        kept = query.latest(s, studio["workspace"], studio["xhs"], "post", "views")
    assert kept == shown  # every note, the old ones too, as the data pages show them now
    assert _pages(nightly) < _pages(weekly) == _pages(first)
    assert "（全部重读）" in weekly.content["title"]
