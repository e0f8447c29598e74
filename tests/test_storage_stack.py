"""The service on an S3-compatible bucket (moto's server, its own process): a Xiaohongshu post approved on the
phone leaves its screenshots as objects in the bucket, none in the data dir; the phone sees them through the
service; the account's session in the bucket is sealed. Real web, worker, Redis, Chromium and replica."""
from __future__ import annotations

import itertools
import json

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from core.content import Post
from core.models import Approval, Artifact
from core.settings import Settings
from rpa.vault import Vault
from tests.invoice_fixtures import SAMPLES, xml_invoice
from tests.stack_fixtures import Env, make_stack, phone_shop
from tests.storage_fixtures import KEY_ID, SECRET, new_bucket, s3_server  # noqa: F401

PASSWORD = "owner-pass-123"
VAULT_KEY = Fernet.generate_key().decode()
_n = itertools.count()


@pytest.fixture(scope="module")
def shared(tmp_path_factory, s3_server):
    bucket = new_bucket(s3_server)
    stack = make_stack(tmp_path_factory, workers=1, web=True, **bucket.env, OPC_VAULT_KEYS=VAULT_KEY)
    yield Env(stack), bucket
    stack.stop()


@pytest.fixture
def shop(shared, tmp_path):
    env, bucket = shared
    env.replica.reset()
    n = next(_n)
    shop = phone_shop(env, tmp_path, f"bucket-shop{n}", f"owner-bucket{n}", PASSWORD)
    yield shop
    shop["phone"].close()


def test_a_post_approved_on_the_phone_keeps_its_screenshots_in_the_bucket_and_the_phone_sees_them(shared, shop):
    env, bucket = shared
    phone = shop["phone"]
    post = Post(title="桂花乌龙冷泡茶上新", body="清香回甘，冰镇更好喝。", images=shop["images"], topics=["冷泡茶"])
    run_id = env.start_run(shop["account"], shop["employee"], post, mode="semi_auto")
    env.wait_status(run_id, "awaiting_approval")
    with env.db() as s:
        card = s.query(Approval).filter_by(run_id=run_id, status="pending").one()
    view = phone.get(f"/api/approvals/{card.id}").json()
    assert view["screenshot"] == f"/api/artifacts/{card.screenshot_id}"
    approval_shot = phone.get(view["screenshot"])
    assert approval_shot.status_code == 200 and approval_shot.headers["content-type"] == "image/jpeg"

    phone.post(f"/api/approvals/{card.id}/decision", json={"approve": True}).raise_for_status()
    run = env.wait_status(run_id, "published", "failed")
    assert run.status == "published", run.reason
    assert [n["title"] for n in env.replica.state()["notes"]] == ["桂花乌龙冷泡茶上新"]

    with env.db() as s:
        arts = s.query(Artifact).filter_by(run_id=run_id).all()
    assert {a.kind for a in arts} == {"screenshot", "thumbnail"}
    prefix = f"s3://{bucket.name}/opc/"
    assert all(a.path.startswith(prefix) for a in arts), [a.path for a in arts]
    assert sorted(a.path[len(prefix):] for a in arts) == bucket.keys(f"artifacts/{run_id}/")
    assert not (env.stack.data_dir / "artifacts" / run_id).exists()

    sent = next(a for a in arts if a.kind == "screenshot" and a.step == "submitted")
    page = phone.get(f"/runs/{run_id}").text
    assert f'id="submitted-shot" src="/api/artifacts/{sent.id}"' in page
    shown = phone.get(f"/api/artifacts/{sent.id}")
    assert shown.status_code == 200 and shown.content == bucket.read(sent.path[len(prefix):])
    assert approval_shot.content == bucket.read(next(a for a in arts if a.id == card.screenshot_id).path[len(prefix):])

    # An object cleaned out of the bucket: the phone is told so, in Chinese, not a server error.
    bucket.client.delete_object(Bucket=bucket.name, Key=sent.path[len("s3://" + bucket.name + "/"):])
    gone = phone.get(f"/api/artifacts/{sent.id}")
    assert gone.status_code == 404 and "这张图片的文件已不在了" in gone.text


def test_the_account_session_in_the_bucket_holds_no_plaintext_cookie(shared, shop):
    env, bucket = shared
    key = f"sessions/{shop['account']}.session"
    assert key in bucket.keys("sessions/")
    assert not (env.stack.data_dir / "sessions" / f"{shop['account']}.session").exists()
    state = Vault(Settings(data_dir=env.stack.data_dir, storage_url=bucket.url, storage_access_key_id=KEY_ID,
                           storage_secret_access_key=SecretStr(SECRET), vault_keys=SecretStr(VAULT_KEY))
                  ).load(shop["account"])
    cookies = [c for c in state["cookies"] if c["value"]]
    assert cookies  # the replica's login cookie is in the sealed session ...
    raw = bucket.read(key)
    for c in cookies:  # ... and not one of its values (or names) is readable in the object
        assert c["value"].encode() not in raw and c["name"].encode() not in raw
    assert b"cookies" not in raw and json.dumps(state).encode()[:20] not in raw


def test_an_invoice_uploaded_from_the_phone_is_kept_in_the_bucket_and_opens_again(shared, shop):
    env, bucket = shared
    data = xml_invoice(SAMPLES["brand_special"])
    r = shop["phone"].post("/api/books/invoices", files={"file": ("十一月发票.xml", data, "text/xml")})
    assert r.status_code == 201, r.text
    kept = [k for k in bucket.keys("uploads/invoices/") if k.endswith(".xml")]
    assert len(kept) == 1 and bucket.read(kept[0]) == data
    assert not (env.stack.data_dir / "uploads" / "invoices").exists()
    back = shop["phone"].get(f"/api/books/invoices/{r.json()['id']}/file")
    assert back.status_code == 200 and back.content == data
