"""One storage interface for pictures and sessions: the data dir (as it always was) or an S3-compatible bucket
(moto's server, a real process reached over HTTP). Both backends answer the same way; a missing object is a
clear ``Missing``, never a crash; the bucket only ever holds sealed sessions."""
from __future__ import annotations

import os
import stat

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from core.settings import Settings
from core.storage import LocalStorage, Missing, S3Storage, StorageError
from rpa.screenshots import run_folder, save_shot
from rpa.vault import Vault, VaultError
from serve import free_port
from tests.factories import make_image
from tests.storage_fixtures import KEY_ID, SECRET, bucket, s3_server  # noqa: F401

COOKIE = "s3cr3t-cookie-value"
STATE = {"cookies": [{"name": "web_session", "value": COOKIE, "domain": "127.0.0.1", "path": "/"}], "origins": []}


def _s3(bucket) -> S3Storage:
    return S3Storage(bucket.url, KEY_ID, SECRET)


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "data")
    return _s3(request.getfixturevalue("bucket"))


def test_what_is_put_reads_back_and_is_listed_under_its_folder(store):
    ref = store.put("artifacts/r1/a.jpg", b"first", "image/jpeg")
    store.put("artifacts/r1/b.thumb.jpg", b"thumb")
    store.put("artifacts/r2/c.jpg", b"other run")
    assert store.get(ref) == b"first" and store.exists(ref)
    assert store.ref("artifacts/r1/a.jpg") == ref
    assert store.keys("artifacts/r1") == ["artifacts/r1/a.jpg", "artifacts/r1/b.thumb.jpg"]


def test_a_missing_object_is_a_clear_missing_error(store):
    ref = store.ref("artifacts/r1/never-written.jpg")
    assert not store.exists(ref)
    with pytest.raises(Missing):
        store.get(ref)
    with pytest.raises(Missing):
        store.version(ref)
    store.delete(ref)  # deleting what is not there is fine


def test_a_replaced_object_has_a_new_version_and_the_new_bytes(store):
    ref = store.put("artifacts/r1/live.jpg", b"before")
    before = store.version(ref)
    store.put("artifacts/r1/live.jpg", b"after, longer")
    assert store.get(ref) == b"after, longer" and store.version(ref) != before


def test_deleted_objects_are_gone(store):
    ref = store.put("sessions/acc1.session", b"token")
    store.delete(ref)
    assert not store.exists(ref) and store.keys("sessions") == []


@pytest.mark.parametrize("key", ["../x", "/etc/passwd", "artifacts/../../x", "a//b", ""])
def test_keys_cannot_climb_out_of_the_store(store, key):
    with pytest.raises(ValueError):
        store.put(key, b"x")


def test_the_local_store_writes_where_the_data_dir_always_kept_its_files(tmp_path):
    """An existing owner's rows hold these paths: the local default must keep them byte for byte."""
    root = tmp_path / "data"
    shot = save_shot(make_image(tmp_path / "p.png", size=(800, 600), fmt="PNG").read_bytes(), LocalStorage(root),
                     run_folder("run1"), "submitted-x")
    assert shot.full == str(root / "artifacts" / "run1" / "submitted-x.jpg")
    assert shot.thumb == str(root / "artifacts" / "run1" / "submitted-x.thumb.jpg")
    assert stat.S_IMODE(os.stat(shot.full).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(root / "artifacts" / "run1").st_mode) == 0o700
    assert [p.name for p in (root / "artifacts" / "run1").iterdir() if p.name.endswith(".tmp")] == []


def test_a_session_saved_before_the_interface_still_opens(tmp_path):
    """A data dir from an older version: its sessions/<account>.session files are read as they are."""
    key = Fernet.generate_key().decode()
    old = tmp_path / "sessions"
    old.mkdir()
    (old / "acc1.session").write_bytes(Fernet(key.encode()).encrypt(b'{"cookies": [], "origins": []}'))
    assert Vault(Settings(data_dir=tmp_path, vault_keys=SecretStr(key))).load("acc1") == {"cookies": [], "origins": []}


def test_pictures_taken_before_the_move_to_a_bucket_still_open(bucket, tmp_path):
    shot = save_shot(make_image(tmp_path / "p.png", fmt="PNG").read_bytes(), LocalStorage(tmp_path / "data"),
                     run_folder("run1"), "old")
    s3 = _s3(bucket)
    assert s3.get(shot.full)[:2] == b"\xff\xd8" and s3.exists(shot.thumb)


def test_screenshots_in_a_bucket_are_objects_and_not_files(bucket, tmp_path):
    data = tmp_path / "data"
    settings = Settings(data_dir=data, storage_url=bucket.url, storage_access_key_id=KEY_ID,
                        storage_secret_access_key=SecretStr(SECRET))
    shot = save_shot(make_image(tmp_path / "p.png", fmt="PNG").read_bytes(), settings.storage, run_folder("run1"),
                     "submitted-1")
    assert shot.full == f"s3://{bucket.name}/opc/artifacts/run1/submitted-1.jpg"
    assert bucket.keys("artifacts/") == ["artifacts/run1/submitted-1.jpg", "artifacts/run1/submitted-1.thumb.jpg"]
    assert bucket.read("artifacts/run1/submitted-1.jpg")[:2] == b"\xff\xd8"  # a JPEG
    assert not (data / "artifacts").exists()


def _vault_on(bucket, tmp_path, key: str) -> Vault:
    return Vault(Settings(data_dir=tmp_path / "data", storage_url=bucket.url, storage_access_key_id=KEY_ID,
                          storage_secret_access_key=SecretStr(SECRET), vault_keys=SecretStr(key)))


def test_a_session_in_a_bucket_is_sealed_and_round_trips(bucket, tmp_path):
    vault = _vault_on(bucket, tmp_path, Fernet.generate_key().decode())
    vault.save("acc1", STATE)
    vault.save_credentials("acc1", {"password": "pw-123456"})
    raw = bucket.read("sessions/acc1.session")
    assert COOKIE.encode() not in raw and b"web_session" not in raw
    assert b"pw-123456" not in bucket.read("sessions/acc1.credentials")
    assert vault.load("acc1") == STATE and vault.has("acc1")
    assert not (tmp_path / "data" / "sessions").exists()
    vault.delete("acc1")
    assert vault.load("acc1") is None and bucket.keys("sessions/") == []


def test_rotating_keys_rewrites_the_sessions_in_the_bucket(bucket, tmp_path):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    _vault_on(bucket, tmp_path, old).save("acc1", STATE)
    assert _vault_on(bucket, tmp_path, f"{new},{old}").rotate() == 1
    assert _vault_on(bucket, tmp_path, new).load("acc1") == STATE


def test_a_shared_bucket_without_vault_keys_is_refused(bucket, tmp_path):
    """A key file is one machine's: another host could never open the sessions it sealed."""
    with pytest.raises(VaultError, match="OPC_VAULT_KEYS"):
        Vault(Settings(data_dir=tmp_path, storage_url=bucket.url))


def test_an_unreachable_store_is_a_storage_error_not_a_missing_object(tmp_path):
    down = S3Storage(f"s3://nowhere/p?endpoint=http://127.0.0.1:{free_port()}&region=cn-north-1", KEY_ID, SECRET)
    with pytest.raises(StorageError) as e:
        down.get(down.ref("artifacts/r/a.jpg"))
    assert not isinstance(e.value, Missing)
    assert SECRET not in str(e.value) and SECRET not in repr(down)


def test_a_storage_url_that_is_not_s3_is_refused():
    with pytest.raises(ValueError, match="s3://"):
        S3Storage("http://bucket/prefix")
