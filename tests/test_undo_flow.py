"""Cancel and retry against real workers, Redis, Chromium and the Xiaohongshu replica: a cancelled run
never reaches the site, and a retried run whose post did reach the site is not posted a second time."""
from __future__ import annotations

import itertools

import pytest
from rq import Queue

from core.approvals import decide
from core.content import Post
from core.db import transaction
from core.models import Account, Approval, Employee, Run
from core.queue import enqueue_resume, enqueue_run, redis_for
from core.runs import create_run
from core.undo import cancel, retry
from tests.core_fixtures import wait_until
from tests.stack_fixtures import env, xhs_shop  # noqa: F401  (env: the module-scoped stack)

_users = itertools.count()


@pytest.fixture
def shop(env, tmp_path):
    return xhs_shop(env, tmp_path, f"undo{next(_users)}")


def _post(shop) -> Post:
    return Post(title="桂花乌龙冷泡茶上新", body="清香回甘，冰镇更好喝。", images=shop["images"], topics=["冷泡茶"])


def _jobs_done(env) -> bool:
    q = Queue(env.settings.queue_name, connection=redis_for(env.settings))
    return q.count == 0 and q.started_job_registry.count == 0


def test_a_run_cancelled_in_the_queue_does_nothing_when_its_job_starts(env, shop):
    with transaction(env.db) as s:
        run = create_run(s, account=s.get(Account, shop["account"]), employee=s.get(Employee, shop["employee"]),
                         post=_post(shop), mode="auto")
        cancel(s, run, "owner")
    enqueue_run(env.settings, run.id)  # the job queued before the cancel still runs
    wait_until(lambda: _jobs_done(env), what="the job to finish")
    assert env.run(run.id).status == "cancelled"
    assert env.replica.state()["submissions"] == 0 and env.replica.state()["notes"] == []


def test_a_run_cancelled_at_its_approval_is_not_submitted_even_if_approved_before(env, shop):
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval")
    with transaction(env.db) as s:
        payload = decide(s, s.query(Approval).filter_by(run_id=run_id).one(), approve=True)
        cancel(s, s.get(Run, run_id), "owner")  # changed her mind before the worker took the approval up
    enqueue_resume(env.settings, run_id, payload)
    wait_until(lambda: _jobs_done(env), what="the resume job to finish")
    assert env.run(run_id).status == "cancelled"
    assert env.replica.state()["submissions"] == 0


def test_a_retried_run_whose_post_reached_the_site_is_found_there_and_not_posted_again(env, shop):
    env.replica.faults(notes_hidden=True)  # the post goes out, but the site's list does not show it yet
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="auto")
    failed = env.wait_status(run_id, "failed", "published")
    assert failed.status == "failed" and "找不到这篇笔记" in failed.reason
    assert env.replica.state()["submissions"] == 1

    env.replica.faults(notes_hidden=False)
    with transaction(env.db) as s:
        assert retry(s, s.get(Run, run_id), "owner") is True
    enqueue_run(env.settings, run_id)
    run = env.wait_status(run_id, "published", "failed")
    assert run.status == "published", run.reason
    notes = env.replica.state()["notes"]
    assert [n["title"] for n in notes] == ["桂花乌龙冷泡茶上新"] and run.external_id == notes[0]["id"]
    assert env.replica.state()["submissions"] == 1


def test_a_retried_run_that_never_reached_the_site_posts_once(env, shop):
    env.replica.faults(publish_failed=10)  # 发布失败 every time: the run fails after its retries
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="auto")
    assert env.wait_status(run_id, "failed", "published", timeout=120).status == "failed"
    assert env.replica.state()["notes"] == []

    env.replica.faults(publish_failed=0)
    with transaction(env.db) as s:
        retry(s, s.get(Run, run_id), "owner")
    enqueue_run(env.settings, run_id)
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    assert len(env.replica.state()["notes"]) == 1
