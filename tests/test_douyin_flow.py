"""Douyin through the same workflow, queue, approval queue and ledger as Xiaohongshu, on real processes:
video and image-text posts, the SMS code typed on the phone, its timeout, cross-posting to both sites."""
from __future__ import annotations

import collections
import itertools
import os
import random
import signal
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import httpx
import pytest

from api.auth import hash_password
from core.content import Post, Timing
from core.db import transaction
from core.models import Account, Approval, HumanStep, Run, User
from core.runs import TERMINAL
from tests.core_fixtures import wait_until
from tests.douyin_sandbox_fixtures import mp4  # noqa: F401  (a real MP4 made by ffmpeg)
from tests.factories import make_image, seed_workspace
from tests.stack_fixtures import Env, make_stack

_n = itertools.count()
PASSWORD = "owner-pass-123"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    stack = make_stack(tmp_path_factory, workers=2, web=True, sites=("xiaohongshu", "douyin"),
                       OPC_CODE_TIMEOUT_S="6")
    yield Env(stack)
    stack.stop()


@pytest.fixture
def shop(env, tmp_path):
    """A workspace with a Douyin account logged in by QR scan and a Xiaohongshu one not yet (``xhs_login``
    scans it: one story needs it, and every scan is a worker's job with its own Chromium), and its owner."""
    for replica in env.replicas.values():
        replica.reset()
    ws, emp, dy = seed_workspace(env.db, site="douyin", account_status="needs_login")
    with transaction(env.db) as s:
        s.get(Account, dy).name = f"dy{next(_n)}"
        xhs = Account(workspace_id=ws, site="xiaohongshu", name=f"xhs{next(_n)}", status="needs_login")
        s.add(xhs)
        s.add(User(workspace_id=ws, username=f"owner{ws}", password_hash=hash_password(PASSWORD)))
        s.flush()
        xhs_id = xhs.id
    env.qr_login(dy, user=f"dy-{dy}")
    images = [str(make_image(tmp_path / f"p{i}.jpg", text=str(i))) for i in range(3)]
    return {"workspace": ws, "employee": emp, "douyin": dy, "xiaohongshu": xhs_id, "images": images}


@pytest.fixture
def xhs_login(env, shop):
    env.qr_login(shop["xiaohongshu"], user=f"xhs-{shop['xiaohongshu']}")


def _phone(env, shop) -> httpx.Client:
    c = httpx.Client(base_url=env.stack.web_url, timeout=30)
    r = c.post("/api/session", json={"username": f"owner{shop['workspace']}", "password": PASSWORD})
    r.raise_for_status()
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def _douyin(env):
    return env.replicas["douyin"]


def _works(env) -> list[dict]:
    return _douyin(env).state()["works"]


def test_video_waits_for_approval_then_publishes_once_with_its_work_id(env, shop, mp4):
    post = Post(kind="video", video=str(mp4), title="桂花乌龙冷泡茶开箱", body="一分钟看懂冷泡茶", topics=["冷泡茶"])
    run_id = env.start_run(shop["douyin"], shop["employee"], post, mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval", timeout=90)
    with env.db() as s:
        approval = s.query(Approval).filter_by(run_id=run_id).one()
    assert approval.fields["title"] == "桂花乌龙冷泡茶开箱" and approval.screenshot_id
    assert _douyin(env).state()["submissions"] == 0
    env.decide(run_id)
    run = env.wait_status(run_id, "published", "failed", timeout=90)
    assert run.status == "published", run.reason
    works = _works(env)
    assert [(w["kind"], w["title"]) for w in works] == [("video", "桂花乌龙冷泡茶开箱")]
    assert run.external_id == works[0]["id"]


def test_image_text_post_with_many_images_is_published_in_auto_mode(env, shop, tmp_path):
    images = [str(make_image(tmp_path / f"m{i}.jpg", size=(600, 800), text=str(i))) for i in range(12)]
    post = Post(kind="image", images=images, title="十二张图看新品", body="图文笔记", topics=["新品"])
    run = env.wait_status(env.start_run(shop["douyin"], shop["employee"], post, mode="auto"), "published", "failed",
                          timeout=120)
    assert run.status == "published", run.reason
    (work,) = _works(env)
    assert (work["kind"], work["images"], work["id"]) == ("image", 12, run.external_id)


def test_sms_code_is_typed_on_the_phone_and_a_wrong_one_is_asked_again(env, shop):
    _douyin(env).faults(sms_required=True)
    post = Post(kind="image", images=shop["images"], title="需要验证码的图文", body="正文", topics=[])
    run_id = env.start_run(shop["douyin"], shop["employee"], post, mode="auto")
    env.wait_status(run_id, "awaiting_code", timeout=90)
    with closing(_phone(env, shop)) as phone:
        shown = phone.get(f"/api/runs/{run_id}").json()
        assert shown["status_label"] == "等待验证码" and shown["code_prompt"]
        assert phone.post(f"/api/runs/{run_id}/code", json={"code": "12"}).status_code == 422  # too short
        assert phone.post(f"/api/runs/{run_id}/code", json={"code": "000000"}).status_code == 200  # wrong
        env.wait_status(run_id, "awaiting_code")
        _wait_new_prompt(env, run_id)
        code = httpx.get(f"{env.stack.replica_url('douyin')}/__sandbox__/sms-code").json()["code"]
        assert phone.post(f"/api/runs/{run_id}/code", json={"code": code}).status_code == 200
    run = env.wait_status(run_id, "published", "failed", timeout=90)
    assert run.status == "published", run.reason
    assert [w["title"] for w in _works(env)] == ["需要验证码的图文"]
    with env.db() as s:
        assert all(step.answer is None for step in s.query(HumanStep).filter_by(run_id=run_id))  # codes not kept


def _wait_new_prompt(env, run_id):
    def pending():
        with env.db() as s:
            return s.query(HumanStep).filter_by(run_id=run_id, status="pending").count() == 1
    wait_until(pending, timeout=30, what="a second code prompt")


def test_an_unanswered_code_fails_the_run_with_a_reason_and_posts_nothing(env, shop):
    _douyin(env).faults(sms_required=True)
    post = Post(kind="image", images=shop["images"], title="没人输入验证码", body="正文", topics=[])
    run = env.wait_status(env.start_run(shop["douyin"], shop["employee"], post, mode="auto"), "failed",
                          "published", timeout=120)
    assert run.status == "failed" and "验证码" in run.reason and "没有发布" in run.reason
    assert _works(env) == []


def _new_douyin_account(env, shop) -> str:
    with transaction(env.db) as s:
        account = Account(workspace_id=shop["workspace"], site="douyin", name=f"dy{next(_n)}", status="needs_login")
        s.add(account)
        s.flush()
        return account.id


def _scan(env, phone, account_id) -> None:
    wait_until(lambda: phone.get(f"/api/accounts/{account_id}").json()["login_qr"], timeout=60, what="the QR")
    assert phone.post(f"/api/accounts/{account_id}/simulate-scan").status_code == 200


def test_an_sms_check_right_after_the_scan_is_answered_on_the_account_page(env, shop):
    _douyin(env).faults(sms_at_login=True)
    account_id = _new_douyin_account(env, shop)
    with closing(_phone(env, shop)) as phone:
        assert phone.post(f"/api/accounts/{account_id}/login").status_code == 202
        _scan(env, phone, account_id)
        shown = wait_until(lambda: phone.get(f"/api/accounts/{account_id}").json()["code_prompt"] and
                           phone.get(f"/api/accounts/{account_id}").json(), timeout=60, what="the code prompt")
        assert "短信" in shown["code_prompt"] and shown["login_qr"] is None and shown["status"] == "logging_in"
        assert phone.post(f"/api/accounts/{account_id}/code", json={"code": "000000"}).status_code == 200  # wrong
        wait_until(lambda: "验证码错误" in (phone.get(f"/api/accounts/{account_id}").json()["code_prompt"] or ""),
                   timeout=30, what="the site's refusal shown as the new prompt")
        code = httpx.get(f"{env.stack.replica_url('douyin')}/__sandbox__/sms-code").json()["code"]
        assert phone.post(f"/api/accounts/{account_id}/code", json={"code": code}).status_code == 200
        wait_until(lambda: phone.get(f"/api/accounts/{account_id}").json()["status"] == "active", timeout=60,
                   what="the account logged in")
        assert phone.post(f"/api/accounts/{account_id}/code", json={"code": code}).status_code == 409
    with env.db() as s:
        assert all(step.answer is None for step in s.query(HumanStep).filter_by(account_id=account_id))
    # The session the code unlocked is the one the runs use.
    post = Post(kind="image", images=shop["images"], title="验证后发布", body="正文", topics=[])
    run = env.wait_status(env.start_run(account_id, shop["employee"], post, mode="auto"), "published", "failed",
                          timeout=120)
    assert run.status == "published", run.reason


def test_a_login_code_nobody_types_cancels_the_login(env, shop):
    _douyin(env).faults(sms_at_login=True)
    account_id = _new_douyin_account(env, shop)
    with closing(_phone(env, shop)) as phone:
        assert phone.post(f"/api/accounts/{account_id}/login").status_code == 202
        _scan(env, phone, account_id)
        wait_until(lambda: phone.get(f"/api/accounts/{account_id}").json()["status"] == "needs_login", timeout=60,
                   what="the login given up after the code timeout")
        assert phone.get(f"/api/accounts/{account_id}").json()["code_prompt"] is None


def test_one_brief_to_both_sites_makes_two_runs_and_one_failing_does_not_block_the_other(env, shop, xhs_login):
    _douyin(env).faults(publish_failed=10)
    with closing(_phone(env, shop)) as phone:
        files = [("images", (f"{i}.jpg", open(p, "rb").read(), "image/jpeg")) for i, p in enumerate(shop["images"])]
        resp = phone.post("/api/runs", files=files, data={
            "account_id": [shop["xiaohongshu"], shop["douyin"]], "employee_id": shop["employee"],
            "title": "两边同发的新品", "body": "一次写好，两边发布", "topics": "新品", "mode": "semi_auto"})
        assert resp.status_code == 201, resp.text
        runs = {r["site"]: r["id"] for r in resp.json()["runs"]}
        for run_id in runs.values():
            env.wait_status(run_id, "awaiting_approval", timeout=90)
        cards = phone.get("/api/approvals").json()["approvals"]
        assert sorted(c["run"]["site_label"] for c in cards) == ["小红书", "抖音"]
        for card in cards:
            assert phone.post(f"/api/approvals/{card['id']}/decision", json={"approve": True}).status_code == 200
    xhs = env.wait_status(runs["xiaohongshu"], "published", "failed", timeout=90)
    dy = env.wait_status(runs["douyin"], "failed", "published", timeout=120)
    assert xhs.status == "published" and dy.status == "failed" and "发布失败" in dy.reason
    assert [n["title"] for n in env.replica.state()["notes"]] == ["两边同发的新品"]
    assert _works(env) == []


def test_douyin_limits_are_checked_before_any_browser_work(env, shop, mp4):
    with closing(_phone(env, shop)) as phone:
        before = _count(env)
        resp = phone.post("/api/runs", data={"account_id": shop["douyin"], "employee_id": shop["employee"],
                                             "title": "超" * 31, "body": "正文"},
                          files=[("video", ("v.mp4", mp4.read_bytes(), "video/mp4"))])
        assert resp.status_code == 422
        assert [(e["field"], e["site"]) for e in resp.json()["detail"]] == [("title", "douyin")]
        fake = phone.post("/api/runs", data={"account_id": shop["douyin"], "employee_id": shop["employee"],
                                             "title": "视频"},
                          files=[("video", ("v.mp4", b"just text" * 100, "video/mp4"))])
        assert fake.status_code == 422 and fake.json()["detail"][0]["field"] == "video"
        assert _count(env) == before


def _count(env) -> int:
    with env.db() as s:
        return s.query(Run).count()


def _video(mp4, title: str, **kw) -> Post:
    return Post(kind="video", video=str(mp4), title=title, body="冷泡茶", topics=["冷泡茶"], **kw)


@pytest.mark.parametrize("faults,extra,outcome,reason", [
    ({"tour": True}, {}, "published", None),
    ({"slow_upload": 1500}, {}, "published", None),
    ({"upload_failed": 1}, {}, "published", None),  # transient: retried, then published once
    ({"publish_failed": 1}, {}, "published", None),  # read back first, then one more click
    ({"cover_required": True}, {"cover": "__cover__"}, "published", None),
    ({"cover_required": True}, {}, "published", None),  # the adapter picks the default frame, as a person would
    ({"upload_failed": 10}, {}, "failed", "上传失败"),
])
def test_each_fault_switch_ends_with_the_right_outcome_and_a_readable_reason(env, shop, mp4, tmp_path, faults,
                                                                           extra, outcome, reason):
    _douyin(env).faults(**faults)
    if extra.get("cover") == "__cover__":
        extra = {"cover": str(make_image(tmp_path / "cover.jpg", size=(720, 1280)))}
    title = f"故障{next(_n)}"
    run = env.wait_status(env.start_run(shop["douyin"], shop["employee"], _video(mp4, title, **extra), mode="auto"),
                          "published", "failed", timeout=150)
    assert run.status == outcome, run.reason
    titles = [w["title"] for w in _works(env)]
    if outcome == "published":
        assert titles == [title]
    else:
        assert reason in run.reason and titles == []


@pytest.mark.parametrize("variant", ["publish", "post_video"])
def test_both_publish_form_variants(env, shop, mp4, variant):
    _douyin(env).faults(form_variant=variant)
    run = env.wait_status(env.start_run(shop["douyin"], shop["employee"], _video(mp4, f"表单{variant}"), mode="auto"),
                          "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    assert [w["title"] for w in _works(env)] == [f"表单{variant}"]


def test_douyin_scheduled_publish_time_is_what_the_site_keeps(env, shop, mp4):
    at = (datetime.now(timezone.utc) + timedelta(hours=3)).replace(second=0, microsecond=0)
    post = _video(mp4, "三小时后发布", timing=Timing(mode="site", at=at))
    run = env.wait_status(env.start_run(shop["douyin"], shop["employee"], post, mode="auto"), "published", "failed",
                          timeout=120)
    assert run.status == "published", run.reason
    (work,) = _works(env)
    assert work["publish_at"] == at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")


def test_a_schedule_outside_douyins_window_is_refused_before_any_browser_work(env, shop, mp4):
    local = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(minutes=90)  # the window starts at 2 h
    with closing(_phone(env, shop)) as phone:
        before = _count(env)
        resp = phone.post("/api/runs", data={"account_id": shop["douyin"], "employee_id": shop["employee"],
                                             "title": "太早的定时", "timing": "site",
                                             "publish_at": local.strftime("%Y-%m-%dT%H:%M")},
                          files=[("video", ("v.mp4", mp4.read_bytes(), "video/mp4"))])
        assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "timing"
        assert _count(env) == before


def test_sigkill_mid_run_never_makes_two_works(env, shop, mp4, tmp_path):
    runs = {env.start_run(shop["douyin"], shop["employee"], _video(mp4, f"杀进程{i}"), mode="auto"): f"杀进程{i}"
            for i in range(4)}
    rng = random.Random(3)
    deadline = time.monotonic() + 400
    kills = 0
    while time.monotonic() < deadline and not all(env.run(r).status in TERMINAL for r in runs):
        time.sleep(rng.uniform(1.0, 4.0))
        workers = [n for n in env.stack.procs if n.startswith("worker")]
        if kills < 4 and workers:
            proc = env.stack.procs.pop(rng.choice(workers))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            env.stack.start_worker()
    assert all(env.run(r).status in TERMINAL for r in runs)
    counts = collections.Counter(w["title"] for w in _works(env))
    assert max(counts.values(), default=0) <= 1, counts
    for run_id, title in runs.items():
        run = env.run(run_id)
        assert (counts[title] == 1) == (run.status == "published"), (title, run.status, run.reason)


# -- declarations and covers (issue 18) -------------------------------------------------------------------
def test_a_model_drafted_video_is_declared_ai_generated_on_the_card_and_on_the_work(env, shop, mp4):
    _douyin(env).faults(declaration_variant="form")
    post = _video(mp4, "模型起草的视频", drafted_by="model")
    run_id = env.start_run(shop["douyin"], shop["employee"], post, mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval", timeout=90)
    with env.db() as s:
        card = s.query(Approval).filter_by(run_id=run_id).one()
    assert card.fields["declaration"] == "内容由AI生成"
    assert card.fields["cover"] == "智能推荐封面（第1张）"
    with closing(_phone(env, shop)) as phone:
        page = phone.get(f"/approvals/{card.id}").text
    assert "将设置的声明：<strong>AI生成内容（正文由模型起草）</strong>" in page
    env.decide(run_id)
    run = env.wait_status(run_id, "published", "failed", timeout=90)
    assert run.status == "published", run.reason
    (work,) = _works(env)
    assert (work["title"], work["declaration"], work["cover"]) == ("模型起草的视频", "内容由AI生成", "recommended:1")


def test_an_owner_written_post_is_published_without_a_declaration(env, shop, mp4):
    run = env.wait_status(env.start_run(shop["douyin"], shop["employee"], _video(mp4, "店主自己写的"), mode="auto"),
                          "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    (work,) = _works(env)
    assert work["declaration"] is None


@pytest.mark.parametrize("faults,kind,extra,declared", [
    ({"form_variant": "publish", "declaration_variant": "form"}, "video", {"drafted_by": "model"}, "内容由AI生成"),
    ({"form_variant": "post_video", "declaration_variant": "select", "tour": True}, "video", {"ai_assisted": True},
     "内容由AI生成"),
    ({"form_variant": "publish", "declaration_variant": "assistant"}, "video",
     {"declaration": "repost", "repost_source": "茶叶日报", "cover": "__cover__"}, "内容为转载信息"),
    ({"declaration_variant": "assistant"}, "image", {"drafted_by": "model"}, "内容由AI生成"),
])
def test_each_form_variant_publishes_once_with_everything_set(env, shop, mp4, tmp_path, faults, kind, extra, declared):
    _douyin(env).faults(**faults)
    if extra.get("cover") == "__cover__":
        extra = {**extra, "cover": str(make_image(tmp_path / "cover.jpg", size=(720, 1280)))}
    title = f"变体{next(_n)}"
    at = (datetime.now(timezone.utc) + timedelta(hours=3)).replace(second=0, microsecond=0)
    timing = Timing(mode="site", at=at)
    post = _video(mp4, title, timing=timing, **extra) if kind == "video" else \
        Post(kind="image", images=shop["images"], title=title, body="图文", topics=["新品"], timing=timing, **extra)
    run = env.wait_status(env.start_run(shop["douyin"], shop["employee"], post, mode="auto"), "published", "failed",
                          timeout=150)
    assert run.status == "published", run.reason
    (work,) = _works(env)
    assert (work["title"], work["declaration"], work["id"]) == (title, declared, run.external_id)
    assert post.body in work["desc"] and work["topics"] == post.topics
    assert work["publish_at"] == at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    if kind == "image":
        assert work["images"] == len(shop["images"])
    assert _douyin(env).state()["submissions"] == 1
    if kind == "video":
        assert work["cover"] == ("uploaded:cover.jpg" if "cover" in extra else "recommended:1")


def test_without_the_declaration_entry_an_ai_post_fails_with_the_reason_and_nothing_is_posted(env, shop, mp4):
    _douyin(env).faults(no_declaration=True)
    run = env.wait_status(env.start_run(shop["douyin"], shop["employee"], _video(mp4, "无法声明", drafted_by="model"),
                                        mode="auto"), "failed", "published", timeout=150)
    assert run.status == "failed"
    assert "自主声明" in run.reason and "内容由AI生成" in run.reason and "没有发布" in run.reason, run.reason
    assert _works(env) == [] and _douyin(env).state()["submissions"] == 0


def test_a_declaration_the_form_does_not_keep_is_caught_by_the_read_back_and_nothing_is_posted(env, shop, mp4):
    _douyin(env).faults(declaration_dropped=True, declaration_variant="form")
    run = env.wait_status(env.start_run(shop["douyin"], shop["employee"], _video(mp4, "声明没留住", drafted_by="model"),
                                        mode="auto"), "failed", "published", timeout=150)
    assert run.status == "failed"
    assert "页面显示的声明是「未声明」" in run.reason and "没有发布" in run.reason, run.reason
    assert _works(env) == [] and _douyin(env).state()["submissions"] == 0
