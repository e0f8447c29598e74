"""Redis dies (kill -9) and comes back, with its append-only file and without: no run is lost, none is
published twice, the API keeps answering, workers and scheduler carry on, and a dead child is restarted."""
from __future__ import annotations

import collections
import os
import signal
import threading
import time
from contextlib import closing

import pytest
from redis import Redis

from core.models import Approval
from core.queue import check_redis
from serve import Supervisor
from tests.core_fixtures import wait_until
from tests.outage_fixtures import OutageEnv, final_statuses, kill_redis_mid_run, start_outage_env

TRIALS = int(os.environ.get("OUTAGE_TRIALS", "2"))
RECOVERY_LIMIT_S = {True: 10, False: 60}
"""docs/reliability.md: after Redis returns with its data, and after a Redis that lost everything."""


@pytest.fixture(scope="module", params=[True, False], ids=["append-only", "no-persistence"])
def outage(request, tmp_path_factory):
    env = start_outage_env(tmp_path_factory.mktemp("outage"), persist=request.param)
    yield env, request.param
    env.stack.stop()


def _redis(env: OutageEnv) -> Redis:
    return Redis(port=env.stack.redis_port)


def test_the_run_stacks_redis_keeps_an_append_only_file_and_never_evicts_jobs(outage):
    env, persist = outage
    config = _redis(env).config_get("*")
    assert config["maxmemory-policy"] == "noeviction"
    assert config["appendonly"] == ("yes" if persist else "no")
    if persist:
        assert config["appendfsync"] == "everysec"


def test_a_redis_that_would_evict_jobs_is_set_to_noeviction_at_start(outage):
    env, _ = outage
    conn = _redis(env)
    conn.config_set("maxmemory-policy", "allkeys-lru")
    check_redis(conn)
    assert conn.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"


def test_kill_9_redis_mid_run_loses_no_run_and_publishes_none_twice(outage):
    env, persist = outage
    workers = {n: p.pid for n, p in env.stack.procs.items() if n.startswith("worker") or n == "scheduler"}
    trials = [kill_redis_mid_run(env) for _ in range(TRIALS)]
    statuses = final_statuses(env, [r for t in trials for r in t.run_ids])
    assert all(s.startswith("published") for s in statuses.values()), statuses
    published = collections.Counter(env.published_titles())
    for t in trials:
        assert t.posted_while_down == 201
        assert {title: published[title] for title in t.titles} == {title: 1 for title in t.titles}
        assert t.recovery_s <= RECOVERY_LIMIT_S[persist], t.recovery_s
    # the same processes rode out every outage: none exited, none was restarted
    assert {n: env.stack.procs[n].pid for n in workers} == workers
    assert all(env.stack.procs[n].poll() is None for n in workers)


def test_a_run_posted_while_redis_is_down_is_answered_201_and_published_once_redis_is_back(outage):
    env, _ = outage
    env.kill_redis()
    with closing(env.web.client()) as phone:
        r = env.post_run(phone, "停机时写的笔记")
        assert r.status_code == 201, r.text
        run_id = r.json()["runs"][0]["id"]
        time.sleep(2)
        assert env.run(run_id).status == "queued"  # waiting in the database, not lost
        env.start_redis_again()
        env.wait_status(run_id, "published", timeout=60)
    assert env.published_titles().count("停机时写的笔记") == 1


def test_a_dead_worker_is_started_again_by_the_supervisor_and_runs_jobs(outage):
    env, _ = outage
    supervisor, stop = Supervisor(env.stack, backoff_s=(0.5, 1)), threading.Event()
    thread = threading.Thread(target=supervisor.run, args=(stop, 0.2), daemon=True)
    thread.start()
    try:
        before = {n: p.pid for n, p in env.stack.procs.items() if n.startswith("worker")}
        for name in before:
            os.killpg(env.stack.procs[name].pid, signal.SIGKILL)
        wait_until(lambda: all(env.stack.procs[n].pid != pid and env.stack.procs[n].poll() is None
                               for n, pid in before.items()), timeout=20, what="the workers to be started again")
        with closing(env.web.client()) as phone:
            r = env.post_run(phone, "重启后的笔记")
            assert r.status_code == 201, r.text
            env.wait_status(r.json()["runs"][0]["id"], "published", timeout=90)
    finally:
        stop.set()
        thread.join()
    assert env.published_titles().count("重启后的笔记") == 1


def test_an_approval_sent_while_redis_is_down_is_answered_200_and_the_run_publishes_once_redis_is_back(outage):
    env, _ = outage
    with closing(env.web.client()) as phone:
        r = phone.post("/api/runs", data={"account_id": env.account_id, "employee_id": env.employee_id,
                                          "title": "停机时批准的笔记", "body": "清香回甘。", "timing": "now",
                                          "mode": "semi_auto"},
                       files=[("images", ("a.jpg", env.image.read_bytes(), "image/jpeg"))])
        assert r.status_code == 201, r.text
        run_id = r.json()["runs"][0]["id"]
        env.wait_status(run_id, "awaiting_approval", timeout=90)
        with env.db() as s:
            approval_id = s.query(Approval).filter_by(run_id=run_id).one().id
        env.kill_redis()
        decided = phone.post(f"/api/approvals/{approval_id}/decision", json={"approve": True})
        assert decided.status_code == 200, decided.text
        env.start_redis_again()
        env.wait_status(run_id, "published", timeout=90)
    assert env.published_titles().count("停机时批准的笔记") == 1
