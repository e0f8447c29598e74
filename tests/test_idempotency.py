"""A retried POST with the same Idempotency-Key answers the first answer and never makes a second run."""
from __future__ import annotations

from contextlib import closing
from datetime import timedelta

import pytest

from core.db import transaction
from core.idempotency import IdempotencyKey, forget_expired, recall, remember
from core.models import Run, utcnow
from tests.factories import make_image
from tests.web_fixtures import ids, pending_approval, web  # noqa: F401  (module-scoped web server, the owner's client and ids)


@pytest.fixture
def phone(web):
    with closing(web.client()) as c:
        yield c


def _post(phone, ids, tmp_path, title: str, key: str | None):
    image = make_image(tmp_path / "a.jpg", size=(400, 500))
    return phone.post("/api/runs", headers={"Idempotency-Key": key} if key else {},
                      data={"account_id": ids["account"], "employee_id": ids["employee"], "title": title,
                            "body": "清香回甘", "topics": "冷泡茶", "timing": "now"},
                      files=[("images", ("a.jpg", image.read_bytes(), "image/jpeg"))])


def _runs_titled(web, title: str) -> int:
    with web.db() as s:
        return sum(1 for r in s.query(Run).all() if r.content.get("title") == title)


def test_a_retried_post_with_the_same_key_answers_the_first_runs_and_makes_no_second(web, phone, ids, tmp_path):
    first = _post(phone, ids, tmp_path, "重试一次的笔记", "tap-7f3a9c")
    retry = _post(phone, ids, tmp_path, "重试一次的笔记", "tap-7f3a9c")
    assert first.status_code == retry.status_code == 201, retry.text
    assert [r["id"] for r in retry.json()["runs"]] == [r["id"] for r in first.json()["runs"]]
    assert _runs_titled(web, "重试一次的笔记") == 1


def test_posts_without_a_key_or_with_different_keys_are_separate_runs(web, phone, ids, tmp_path):
    assert _post(phone, ids, tmp_path, "两次点击的笔记", "tap-1").status_code == 201
    assert _post(phone, ids, tmp_path, "两次点击的笔记", "tap-2").status_code == 201
    assert _post(phone, ids, tmp_path, "两次点击的笔记", None).status_code == 201
    assert _runs_titled(web, "两次点击的笔记") == 3


def test_a_refused_post_leaves_its_key_free_for_the_corrected_retry(web, phone, ids, tmp_path):
    refused = _post(phone, ids, tmp_path, "长" * 30, "tap-fix")  # Xiaohongshu titles are ≤ 20 characters
    assert refused.status_code == 422
    fixed = _post(phone, ids, tmp_path, "改短的标题", "tap-fix")
    assert fixed.status_code == 201, fixed.text
    assert _runs_titled(web, "改短的标题") == 1


def test_a_key_that_is_too_long_is_refused_naming_the_header(phone, ids, tmp_path):
    r = _post(phone, ids, tmp_path, "标识太长", "k" * 256)
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "Idempotency-Key"


def test_a_retried_approval_with_the_same_key_answers_the_first_decision(web, phone, ids):
    url = f"/api/approvals/{pending_approval(web, ids)}/decision"
    first = phone.post(url, json={"approve": True}, headers={"Idempotency-Key": "approve-1"})
    retry = phone.post(url, json={"approve": True}, headers={"Idempotency-Key": "approve-1"})
    assert first.status_code == retry.status_code == 200, retry.text
    assert retry.json()["status_label"] == first.json()["status_label"] == "已批准"
    other_phone = phone.post(url, json={"approve": False, "reason": "不发了"}, headers={"Idempotency-Key": "x-2"})
    assert other_phone.status_code == 409  # a different tap is still a second decision


def test_keys_belong_to_one_workspace_and_expire(web, ids):
    with transaction(web.db) as s:
        remember(s, ids["workspace"], "runs.create", "shared-key", ["r1"])
    with web.db() as s:
        assert recall(s, ids["workspace"], "runs.create", "shared-key") == {"ids": ["r1"]}
        assert recall(s, "another-workspace", "runs.create", "shared-key") is None
        assert recall(s, ids["workspace"], "listings.create", "shared-key") is None
    assert forget_expired(web.db, utcnow() + timedelta(hours=25)) >= 1
    with web.db() as s:
        assert s.get(IdempotencyKey, (ids["workspace"], "runs.create", "shared-key")) is None
