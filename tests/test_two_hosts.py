"""Web, scheduler and two workers on separate hosts: each process has a data dir of its own (no shared files);
they share only Redis, one Postgres database and one S3-compatible bucket (moto's server), as docs/deploy.md
deploys them.

The owner composes a Xiaohongshu note with her pictures on the web, approves it on the phone; the worker on the
other "host" reads the pictures from the bucket, publishes the note on the replica, and the phone shows the run's
screenshot, read from the bucket through the web. A schedule made on the web fires on the scheduler's host, which
checks its picture from the bucket. A Taobao product listed from the web is filled with its main pictures by a
worker from the bucket. A quarter's VAT return is filed with the tax-bureau login a worker sealed into the
bucket. Real web, workers, scheduler, Redis, Postgres, Chromium, the replicas."""
from __future__ import annotations

import glob
import itertools
import re
import tempfile
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from core.db import transaction
from core.models import Approval, Artifact, Run, Schedule, utcnow
from tests.core_fixtures import wait_until
from tests.filing_fixtures import decide, finance_owner, import_income, pending_card, start_filing
from tests.factories import make_image
from tests.pg_fixtures import database_env
from tests.stack_fixtures import Env, make_stack, phone_shop, taobao_shop
from tests.storage_fixtures import new_bucket, s3_server  # noqa: F401

PASSWORD = "owner-pass-123"
_n = itertools.count()


@pytest.fixture(scope="module")
def hosts(tmp_path_factory, s3_server, postgres):
    bucket = new_bucket(s3_server)
    stack = make_stack(tmp_path_factory, workers=2, web=True, hosts=True, sites=("xiaohongshu", "taobao", "etax"),
                       **bucket.env, **database_env(postgres.new_database("hosts")),
                       OPC_VAULT_KEYS=Fernet.generate_key().decode(), OPC_SECRET_KEY="two-hosts-cookie-signing-key")
    yield Env(stack), bucket
    stack.stop()


@pytest.fixture
def shop(hosts, tmp_path):
    """A Xiaohongshu account logged in by QR (a worker seals its session into the bucket) and its owner's phone."""
    env, _ = hosts
    env.replica.reset()
    n = next(_n)
    shop = phone_shop(env, tmp_path, f"两台机器的店{n}", f"owner-hosts{n}", PASSWORD)
    yield shop
    shop["phone"].close()


def _key(bucket, ref: str) -> str:
    """The object's key below the bucket's prefix (what ``Bucket.read`` takes) from a stored ``s3://`` ref."""
    head = f"s3://{bucket.name}/{bucket.prefix}/"
    assert ref.startswith(head), ref
    return ref[len(head):]


def _files(home: Path, under: str) -> list[Path]:
    return [p for p in (home / under).rglob("*") if p.is_file()] if (home / under).exists() else []


def test_a_note_composed_on_the_web_is_published_by_a_worker_on_another_host_and_its_screenshot_shows(hosts, shop,
                                                                                                       tmp_path):
    env, bucket = hosts
    web_home = env.stack.homes["web"]
    assert len({*env.stack.homes.values(), env.stack.data_dir}) == 5  # web, two workers, scheduler, the tests
    phone = shop["phone"]
    pictures = [make_image(tmp_path / f"桂花{i}.jpg", size=(900, 1200), text=str(i)) for i in (1, 2)]

    made = phone.post("/api/runs", data={"account_id": shop["account"], "employee_id": shop["employee"],
                                         "title": "桂花乌龙冷泡茶", "body": "冷泡8小时，清香回甘。", "topics": "冷泡茶",
                                         "timing": "now", "mode": "semi_auto"},
                      files=[("images", (p.name, p.read_bytes(), "image/jpeg")) for p in pictures])
    assert made.status_code == 201, made.text
    run_id = made.json()["runs"][0]["id"]

    # The pictures are objects of her workspace in the bucket, not files on the web's disk.
    run = env.run(run_id)
    stored = bucket.keys(f"uploads/media/{run.workspace_id}/")
    assert sorted(Path(k).name for k in stored) == ["桂花1.jpg", "桂花2.jpg"]
    assert [bucket.read(_key(bucket, r)) for r in run.content["images"]] == [p.read_bytes() for p in pictures]
    assert _files(web_home, "uploads") == []

    env.wait_status(run_id, "awaiting_approval", timeout=120)
    with env.db() as s:
        card = s.query(Approval).filter_by(run_id=run_id, status="pending").one()
    view = phone.get(f"/api/approvals/{card.id}").json()
    filled = phone.get(view["screenshot"])
    assert filled.status_code == 200 and filled.headers["content-type"] == "image/jpeg"

    phone.post(f"/api/approvals/{card.id}/decision", json={"approve": True}).raise_for_status()
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    (note,) = env.replica.state()["notes"]
    assert note["title"] == "桂花乌龙冷泡茶" and note["images"] == 2  # both pictures reached the site

    with env.db() as s:
        sent = s.query(Artifact).filter_by(run_id=run_id, kind="screenshot", step="submitted").one()
    page = phone.get(f"/runs/{run_id}").text
    assert f'id="submitted-shot" src="/api/artifacts/{sent.id}"' in page
    shown = phone.get(f"/api/artifacts/{sent.id}")
    assert shown.status_code == 200
    assert shown.content == bucket.read(_key(bucket, sent.path))

    # Nothing crossed through a disk: no picture, screenshot or session in any host's data dir, and the
    # worker's local copies of the pictures (for the browser's file chooser) are gone.
    _nothing_on_any_host(env)


def _nothing_on_any_host(env) -> None:
    """No picture, screenshot or session in any host's data dir; the worker's local copies of the pictures
    (for the browser's file chooser) are gone."""
    for name, home in env.stack.homes.items():
        for under in ("uploads", "artifacts", "sessions"):
            assert _files(home, under) == [], (name, under)
    assert not glob.glob(str(Path(tempfile.gettempdir()) / "opc-media-*"))


def test_a_schedule_made_on_the_web_fires_on_the_scheduler_host_with_its_picture_from_the_bucket(hosts, shop,
                                                                                                  tmp_path):
    env, bucket = hosts
    phone = shop["phone"]
    picture = make_image(tmp_path / "每周上新.jpg", size=(900, 1200), text="w")
    made = phone.post("/api/schedules", data={"account_id": shop["account"], "employee_id": shop["employee"],
                                              "cron": "0 9 * * 1", "title": "每周上新：桂花乌龙",
                                              "body": "本周新茶，冷泡清香。", "topics": "冷泡茶", "mode": "semi_auto"},
                      files=[("images", (picture.name, picture.read_bytes(), "image/jpeg"))])
    assert made.status_code == 201, made.text
    with transaction(env.db) as s:  # Monday 09:00 is now: the scheduler (its own host) checks the picture
        sched = s.get(Schedule, made.json()["id"])
        (ref,) = sched.content["images"]
        sched.next_at = utcnow() - timedelta(seconds=1)
    assert bucket.read(_key(bucket, ref)) == picture.read_bytes()

    run_id = wait_until(lambda: _run_of(env, made.json()["id"]), timeout=60, what="the schedule's run")
    env.wait_status(run_id, "awaiting_approval", timeout=120)
    with env.db() as s:
        card = s.query(Approval).filter_by(run_id=run_id, status="pending").one()
    phone.post(f"/api/approvals/{card.id}/decision", json={"approve": True}).raise_for_status()
    run = env.wait_status(run_id, "published", "failed", timeout=120)
    assert run.status == "published", run.reason
    (note,) = env.replica.state()["notes"]
    assert note["title"] == "每周上新：桂花乌龙" and note["images"] == 1
    _nothing_on_any_host(env)


def test_a_product_listed_from_the_web_is_filled_with_its_pictures_from_the_bucket_by_a_worker(hosts, tmp_path):
    env, bucket = hosts
    taobao = env.replicas["taobao"]
    taobao.reset()
    shop = taobao_shop(env, tmp_path, next(_n), PASSWORD)
    with closing(env.phone(f"owner{shop['workspace']}", PASSWORD)) as phone:
        made = phone.post("/api/listings", data={
            "account_id": shop["account"], "employee_id": shop["employee"], "category_keyword": "手机壳",
            "brand": "倍思/Baseus", "model": "iPhone 15", "title": "倍思手机壳 防摔 透明", "price": "19.90",
            "stock": "50", "shelf": "now"}, files=[("main_images", (p.name, p.read_bytes(), "image/jpeg"))
                                                   for p in shop["images"]])
        assert made.status_code == 201, made.text
        run_id = made.json()["id"]
        assert all(r.startswith(f"s3://{bucket.name}/") for r in env.run(run_id).content["main_images"])
        env.wait_status(run_id, "awaiting_approval", timeout=120)
        (card,) = phone.get("/api/approvals").json()["approvals"]
        assert phone.post(f"/api/approvals/{card['id']}/decision", json={"approve": True}).status_code == 200
        run = env.wait_status(run_id, "published", "failed", timeout=120)
        assert run.status == "published", run.reason
        (item,) = taobao.state()["items"]
        assert item["title"] == "倍思手机壳 防摔 透明" and run.external_id == str(item["id"])
        assert item["images"] == 2  # both pictures reached the shop
        shots = phone.get(f"/runs/{run_id}").text
        (sent,) = re.findall(r'id="submitted-shot" src="(/api/artifacts/\w+)"', shots)
        assert phone.get(sent).headers["content-type"] == "image/jpeg"
    _nothing_on_any_host(env)


def test_a_quarters_return_is_filed_by_a_worker_on_another_host_with_the_login_it_sealed_into_the_bucket(hosts):
    env, bucket = hosts
    login = {"credit_code": "91310115MA1K4QXR7D", "user": "13800138000", "password": "Etax@2026"}
    for owner in finance_owner(env, login, "两台机器的公司", "2026Q3"):
        sealed = bucket.keys("sessions/")
        assert any(owner["account"] in k for k in sealed), sealed  # the portal's session, as an object
        import_income(owner, "日期,金额,发票类型,类别,税率\n2026-07-10,101000,普票,货物,1%\n"
                             "2026-08-20,50500,未开票,服务,1%\n")
        run_id = start_filing(owner, "2026Q3")
        card = pending_card(env, owner, run_id, "vat_return")
        assert owner["phone"].get(card["screenshot"]).headers["content-type"] == "image/jpeg"
        decide(owner, card)
        run = env.wait_status(run_id, "published", "failed", timeout=120)
        assert run.status == "published", run.reason
        (filing,) = owner["bureau"].state()["filings"]
        assert run.external_id == filing["serial"] and "无需缴款" in run.reason
        page = owner["phone"].get(f"/runs/{run_id}").text  # the return as she approved it, on the run's page
        (sent,) = re.findall(r'<img class="shot" src="(/api/artifacts/\w+)"', page)
        with env.db() as s:
            stored = s.get(Artifact, sent.rsplit("/", 1)[1]).path
        assert owner["phone"].get(sent).content == bucket.read(_key(bucket, stored))
    _nothing_on_any_host(env)


def _run_of(env, schedule_id: str) -> str | None:
    with env.db() as s:
        run = s.query(Run).filter_by(schedule_id=schedule_id).first()
        return run.id if run else None
