"""The publish workflow end to end on real processes: worker, scheduler, Redis, Chromium, the replica."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PIL import Image

from api.views import run_view
from core.content import Post, Timing
from core.models import Approval, Artifact, Run
from tests.stack_fixtures import env, xhs_shop  # noqa: F401  (env: the module-scoped stack)

_users = itertools.count()


@pytest.fixture
def shop(env, tmp_path):
    return xhs_shop(env, tmp_path, f"shop{next(_users)}")


def _post(shop, **kw) -> Post:
    base = dict(title="桂花乌龙冷泡茶上新", body="清香回甘，冰镇更好喝。", images=shop["images"], topics=["冷泡茶"])
    return Post(**{**base, **kw})


def _notes(env):
    return env.replica.state()["notes"]


def test_semi_auto_run_waits_for_approval_with_a_screenshot_then_publishes_once(env, shop):
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval")
    assert env.replica.state()["submissions"] == 0
    with env.db() as s:
        approval = s.query(Approval).filter_by(run_id=run_id).one()
        shot = s.get(Artifact, approval.screenshot_id)
    assert approval.fields["title"] == "桂花乌龙冷泡茶上新"
    assert Image.open(shot.path).format == "JPEG"

    env.decide(run_id)
    run = env.wait_status(run_id, "published", "failed")
    assert run.status == "published", run.reason
    notes = _notes(env)
    assert [n["title"] for n in notes] == ["桂花乌龙冷泡茶上新"]
    assert run.external_id == notes[0]["id"]
    assert env.replica.state()["submissions"] == 1


def test_rejected_run_submits_nothing_and_keeps_the_reason(env, shop):
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval")
    env.decide(run_id, approve=False, reason="图片不够好看")
    run = env.wait_status(run_id, "rejected", "failed")
    assert run.status == "rejected" and run.reason == "图片不够好看"
    assert env.replica.state()["submissions"] == 0


def test_edited_title_is_what_the_site_receives(env, shop):
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval")
    env.decide(run_id, edits={"title": "改过的标题", "topics": ["夏日饮品"]})
    run = env.wait_status(run_id, "published", "failed")
    assert run.status == "published", run.reason
    assert [n["title"] for n in _notes(env)] == ["改过的标题"]


def test_auto_mode_publishes_without_asking(env, shop):
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="auto")
    run = env.wait_status(run_id, "published", "failed", "awaiting_approval")
    assert run.status == "published", run.reason
    assert len(_notes(env)) == 1
    with env.db() as s:
        assert s.query(Approval).filter_by(run_id=run_id).count() == 0
        # The record of the site's own list is there as soon as the run says published.
        shot = s.query(Artifact).filter_by(run_id=run_id, kind="screenshot", step="verified").one()
        assert Path(shot.path).stat().st_size > 0
        assert Path(s.get(Artifact, shot.thumb_id).path).stat().st_size > 0


def test_suggest_only_fills_the_form_but_never_submits(env, shop):
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="suggest")
    run = env.wait_status(run_id, "suggested", "failed", "published")
    assert run.status == "suggested", run.reason
    with env.db() as s:
        assert s.query(Artifact).filter_by(run_id=run_id, kind="screenshot").count() >= 1
    assert env.replica.state()["submissions"] == 0


def test_site_scheduled_publish_sets_the_sites_own_time(env, shop):
    from datetime import timedelta

    from core.models import utcnow

    at = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop, timing=Timing(mode="site", at=at)),
                           mode="auto")
    run = env.wait_status(run_id, "published", "failed")
    assert run.status == "published", run.reason
    note = _notes(env)[0]
    assert note["status"] != "已发布" or note.get("publish_at")
    assert note.get("publish_at")


def test_session_expired_while_waiting_asks_for_a_new_login_and_publishes_once(env, shop):
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval")
    env.replica.expire_sessions()
    env.decide(run_id)
    env.wait_status(run_id, "awaiting_login")
    env.qr_login(shop["account"], user=f"shop-{shop['account']}")
    run = env.wait_status(run_id, "published", "failed")
    assert run.status == "published", run.reason
    assert len(_notes(env)) == 1


def test_session_dying_at_the_click_leads_to_login_and_one_note(env, shop):
    env.replica.faults(session_expire_mid_flow=True)
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="auto")
    env.wait_status(run_id, "awaiting_login", "failed", "published")
    assert env.run(run_id).status == "awaiting_login", env.run(run_id).reason
    env.replica.faults(session_expire_mid_flow=False)
    env.qr_login(shop["account"], user=f"shop-{shop['account']}")
    run = env.wait_status(run_id, "published", "failed")
    assert run.status == "published", run.reason
    assert len(_notes(env)) == 1


# notes_load_failed: seen under load (a Chromium killed under eight runs, docs/benchmarks.md), the read-back's
# list did not show and the run failed as 「小红书页面可能改版了」 while its note was live; it is read again.
@pytest.mark.parametrize("fault", [{"slow_upload": 1500}, {"popover": True}, {"suggestions_missing": True},
                                   {"notes_load_failed": 1}])
def test_recoverable_faults_still_publish_once(env, shop, fault):
    env.replica.faults(**fault)
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="auto")
    run = env.wait_status(run_id, "published", "failed", timeout=150)
    assert run.status == "published", run.reason
    assert len(_notes(env)) == 1


def test_a_post_whose_list_never_shows_fails_saying_it_may_be_live_and_resending_asks_first(env, shop):
    # The press went through but 笔记管理 shows 网络错误 at every read: the run cannot know, so it must not
    # say 失败 as if nothing was sent, and 「改好再发」 (a new run: a second note) asks before it opens.
    env.replica.faults(notes_load_failed=100)
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="auto")
    run = env.wait_status(run_id, "failed", "published", timeout=120)
    assert run.status == "failed"
    assert run.reason.startswith("已提交，可能已经成功，请先到网站上查看，不要重复操作"), run.reason
    assert "小红书提示「网络错误，请稍后重试」" in run.reason and "改版" not in run.reason
    assert len(_notes(env)) == 1  # it was live all along, and the retries never pressed again
    with env.db() as s:
        view = run_view(s, s.get(Run, run_id), "Asia/Shanghai")
    assert view["can_retry"] and view["edit_url"] == f"/compose?from={run_id}"
    assert view["edit_confirm"].startswith("这条任务可能已经提交到网站了")
    env.replica.faults(notes_load_failed=0)


def test_one_publish_failure_is_retried_and_publishes_once(env, shop):
    env.replica.faults(publish_failed=1)
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="auto")
    run = env.wait_status(run_id, "published", "failed", timeout=90)
    assert run.status == "published", run.reason
    assert len(_notes(env)) == 1
    assert env.replica.state()["submissions"] == 2


def test_persistent_publish_failure_fails_with_a_readable_reason(env, shop):
    env.replica.faults(publish_failed=100)
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop), mode="auto")
    run = env.wait_status(run_id, "failed", "published", timeout=240)
    assert run.status == "failed"
    assert "发布失败" in run.reason
    assert _notes(env) == []


def test_a_model_drafted_note_shows_the_ai_declaration_on_the_card_and_is_published_with_it(env, shop):
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop, drafted_by="model"), mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval")
    with env.db() as s:
        approval = s.query(Approval).filter_by(run_id=run_id).one()
    assert approval.fields["declaration"] == "笔记含AI合成内容"  # read back from the filled form
    env.decide(run_id)
    run = env.wait_status(run_id, "published", "failed")
    assert run.status == "published", run.reason
    (note,) = _notes(env)
    assert note["declaration_text"] == "笔记含AI合成内容"


def test_a_form_without_the_declaration_entry_fails_the_run_with_the_reason_and_publishes_nothing(env, shop):
    env.replica.faults(declaration_missing=True)
    run_id = env.start_run(shop["account"], shop["employee"], _post(shop, drafted_by="model"), mode="auto")
    run = env.wait_status(run_id, "failed", "published", "awaiting_approval")
    assert run.status == "failed"
    assert "没能设置「AI生成内容」声明" in run.reason and "笔记没有发布" in run.reason
    assert (env.replica.state()["submissions"], _notes(env)) == (0, [])
