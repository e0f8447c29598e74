"""A form kept open across its approval (``rpa.parking``): the owner's 同意 presses the very form her screenshot
showed, without filling it again; anything that may have changed it fills it again; a keeper that died is
covered by the sweep. Real processes: two workers, the scheduler, Redis, Chromium, the replica."""
from __future__ import annotations

import itertools
import os
import signal

import pytest

from core.content import Post
from core.models import Artifact
from core.queue import kept_key, redis_for, runs_with_jobs
from tests.core_fixtures import wait_until
from tests.stack_fixtures import Env, make_stack, xhs_shop

_users = itertools.count()


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    stack = make_stack(tmp_path_factory, workers=2)
    yield Env(stack)
    stack.stop()


@pytest.fixture
def shop(env, tmp_path):
    return xhs_shop(env, tmp_path, f"kept{next(_users)}")


def _post(shop) -> Post:
    return Post(title="桂花乌龙冷泡茶上新", body="清香回甘，冰镇更好喝。", images=shop["images"], topics=["冷泡茶"])


def _waiting(env, shop) -> tuple[str, str]:
    """A semi-auto note filled and waiting for the owner; the queue of the worker keeping its form."""
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval")
    keeper = wait_until(lambda: redis_for(env.settings).get(kept_key(env.settings, run_id)), timeout=10,
                        what="a worker to keep the filled form")
    return run_id, keeper.decode()


def _published_once(env, run_id: str) -> dict:
    run = env.wait_status(run_id, "published", "failed")
    assert run.status == "published", run.reason
    state = env.replica.state()
    assert state["submissions"] == 1
    [note] = state["notes"]
    assert (note["title"], note["images"], note["topics"]) == ("桂花乌龙冷泡茶上新", 2, ["冷泡茶"])
    assert note["body"].startswith("清香回甘，冰镇更好喝。")
    assert run.external_id == note["id"]
    with env.db() as s:  # the form as it was sent, as always
        assert s.query(Artifact).filter_by(run_id=run_id, step="submitted", kind="screenshot").count() == 1
    return state


def test_the_owners_approval_presses_the_form_she_saw_without_filling_it_again(env, shop):
    run_id, keeper = _waiting(env, shop)
    assert env.replica.state()["uploads"] == 2

    env.decide(run_id)
    state = _published_once(env, run_id)
    assert state["uploads"] == 2  # the two images were sent once: the kept form was pressed as it was
    assert redis_for(env.settings).get(kept_key(env.settings, run_id)) is None


def test_a_kept_form_the_site_reloaded_meanwhile_is_filled_again_before_the_press(env, shop):
    run_id, _keeper = _waiting(env, shop)
    checks = env.replica.state()["version_checks"]
    env.replica.faults(new_version=1)  # a release went out: the open page reloads, its form empty again
    # the reloaded page asks again: it is loaded, and what was typed is gone
    wait_until(lambda: env.replica.state()["faults"]["new_version"] == 0
               and env.replica.state()["version_checks"] >= checks + 2, timeout=20, what="the page to reload")

    env.decide(run_id)
    state = _published_once(env, run_id)
    assert state["uploads"] == 4  # read back, found empty, filled again: never an empty form pressed


def test_edits_on_the_approval_fill_the_kept_form_again(env, shop):
    run_id, _keeper = _waiting(env, shop)
    env.decide(run_id, edits={"title": "改过的标题"})
    run = env.wait_status(run_id, "published", "failed")
    assert run.status == "published", run.reason
    state = env.replica.state()
    assert [n["title"] for n in state["notes"]] == ["改过的标题"] and state["submissions"] == 1


def test_a_keeper_that_died_leaves_the_approval_to_another_worker_which_fills_again(env, shop):
    run_id, keeper = _waiting(env, shop)
    # Killed while keeping, its job over: killed within its job's last milliseconds instead, the job's entry
    # in RQ's started registry is believed for scheduler.STALE_STARTED (60 s, as long as this test waits).
    wait_until(lambda: run_id not in runs_with_jobs(env.settings, redis_for(env.settings)).started, timeout=10,
               what="the keeper's job to end")
    pid = int(keeper.rsplit(":", 1)[1])
    name = next(n for n, p in env.stack.procs.items() if p.pid == pid)
    proc = env.stack.procs.pop(name)
    os.kill(pid, signal.SIGKILL)  # its Chromium, and the kept page, go with it
    proc.wait()
    try:
        env.decide(run_id)  # the resume goes to the dead worker's own queue; the scheduler's sweep covers it
        state = _published_once(env, run_id)
        assert state["uploads"] == 4
    finally:
        env.stack.start_worker()
