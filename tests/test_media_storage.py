"""Post and listing media in the storage every host reads (``core.media``): uploads are put per workspace, a
worker gets local copies only while it fills a form (and the site rules read the real files), a failed request
leaves nothing behind, and a run's pictures are only ever read back from its own workspace's uploads."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from core import media
from core.content import Post
from core.errors import ValidationFailed
from core.runs import validate_post
from core.storage import LocalStorage, S3Storage
from tests.factories import make_image
from tests.storage_fixtures import KEY_ID, SECRET, bucket, s3_server  # noqa: F401


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "data")
    return S3Storage(request.getfixturevalue("bucket").url, KEY_ID, SECRET)


def test_a_batch_of_uploads_is_stored_under_its_workspace_and_discarded_whole(store, tmp_path):
    batch = media.Batch(store, "ws1")
    first = batch.put("01", "桂花.jpg", b"one")
    video = tmp_path / "clip.part"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42 video")
    moved = batch.put_file("video", "clip.mp4", video)
    assert store.get(first) == b"one" and store.get(moved).endswith(b"video")
    assert not video.exists()  # moved in, not copied
    assert all(k.startswith("uploads/media/ws1/") for k in store.keys("uploads/media"))
    assert len(store.keys("uploads/media/ws1")) == 2
    batch.discard()
    assert store.keys("uploads/media") == []
    assert not store.exists(first)


def test_a_worker_reads_stored_pictures_as_local_files_only_while_it_fills(bucket, tmp_path):
    store = S3Storage(bucket.url, KEY_ID, SECRET)
    batch = media.Batch(store, "ws1")
    images = [batch.put(f"0{i}", f"{i}.jpg", make_image(tmp_path / f"{i}.jpg", size=(600, 800)).read_bytes())
              for i in (1, 2)]
    post = Post(title="桂花乌龙", body="清香回甘", images=images)
    with media.fetched(store, post) as local:
        files = [Path(p) for p in local.images]
        assert [f.read_bytes() for f in files] == [store.get(r) for r in images]
        assert [f.name for f in files] == ["1.jpg", "2.jpg"]  # the owner's names, for the rules' messages
        assert all(os.stat(f.parent).st_mode & 0o077 == 0 for f in files)
    assert not any(f.exists() for f in files)
    assert post.images == images  # the stored content keeps its refs


def test_the_site_rules_read_stored_pictures_and_name_a_missing_one(bucket, tmp_path):
    store = S3Storage(bucket.url, KEY_ID, SECRET)
    batch = media.Batch(store, "ws1")
    good = batch.put("01", "好图.jpg", make_image(tmp_path / "a.jpg", size=(600, 800)).read_bytes())
    gone = batch.put("02", "被删的图.jpg", make_image(tmp_path / "b.jpg", size=(600, 800)).read_bytes())
    validate_post("xiaohongshu", Post(title="桂花乌龙", body="清香回甘", images=[good]), storage=store)
    store.delete(gone)
    with pytest.raises(ValidationFailed) as e:
        validate_post("xiaohongshu", Post(title="桂花乌龙", body="清香回甘", images=[good, gone]), storage=store)
    assert any("被删的图.jpg" in err["message"] for err in e.value.errors), e.value.errors


def test_only_the_workspaces_own_uploads_are_read_back(store, tmp_path):
    uploads = tmp_path / "data" / "uploads"
    mine = media.Batch(store, "ws1").put("01", "a.jpg", b"mine")
    theirs = media.Batch(store, "ws2").put("01", "b.jpg", b"theirs")
    assert media.owned(store, uploads, "ws1", mine)
    assert not media.owned(store, uploads, "ws1", theirs)
    elsewhere = tmp_path / "secret.txt"
    elsewhere.write_text("not an upload")
    assert not media.owned(store, uploads, "ws1", str(elsewhere))
