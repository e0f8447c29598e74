"""Douyin's content rules, checked at and just over each limit with real media files."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from core.content import Post, Timing
from sites.douyin import DouyinAdapter
from sites.douyin.limits import DouyinLimits, description_length
from sites.douyin.video_format import sniff_video

NOW = datetime(2025, 3, 1, 4, 0, tzinfo=timezone.utc)  # 12:00 in Beijing
MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64


@pytest.fixture
def image(tmp_path):
    def make(name="a.jpg", fmt="JPEG", size=(8, 8)):
        path = tmp_path / name
        Image.new("RGB", size, "red").save(path, fmt)
        return str(path)
    return make


@pytest.fixture
def video(tmp_path):
    def make(name="v.mp4", head=MP4_HEAD):
        path = tmp_path / name
        path.write_bytes(head)
        return str(path)
    return make


@pytest.fixture
def post(image, video):
    def make(kind="image", **kw):
        kw.setdefault("title", "春日咖啡")
        if kind == "image":
            kw.setdefault("images", [image()])
        else:
            kw.setdefault("video", video())
        return Post(kind=kind, **kw)
    return make


def errors(post, now=NOW):
    return DouyinAdapter.limits.validate(post, now)


def fields(post, now=NOW):
    return [e["field"] for e in errors(post, now)]


def test_plain_image_text_and_video_posts_pass(post):
    assert errors(post(body="正文", topics=["咖啡", "春天"])) == []
    assert errors(post(kind="video", body="正文", topics=["咖啡"])) == []


def test_adapter_identity():
    adapter = DouyinAdapter("https://creator.douyin.com")
    assert (adapter.name, adapter.label) == ("douyin", "抖音")
    assert "creator.douyin.com" in adapter.allowed_hosts()
    assert DouyinAdapter("http://127.0.0.1:8602/").allowed_hosts() == ["127.0.0.1:8602"]


def test_video_title_of_30_passes_and_31_is_rejected(post):
    assert fields(post(kind="video", title="中" * 30)) == []
    (err,) = errors(post(kind="video", title="中" * 31))
    assert err["field"] == "title" and err["limit"] == "≤ 30" and "30" in err["message"]


def test_image_text_title_of_20_passes_and_21_is_rejected(post):
    assert fields(post(title="a" * 20)) == []
    (err,) = errors(post(title="a" * 21))
    assert err["field"] == "title" and err["limit"] == "≤ 20"


def test_a_blank_title_is_rejected(post):
    assert fields(post(title="  ")) == ["title"]


def test_description_of_1000_passes_and_1001_is_rejected(post):
    assert fields(post(body="字" * 1000)) == []
    assert fields(post(body="字" * 1001)) == ["body"]


def test_topics_count_towards_the_description_counter(post):
    p = post(body="字" * 996, topics=["ab"])  # " #ab" adds 4
    assert description_length(p) == 1000 and fields(p) == []
    assert fields(post(body="字" * 997, topics=["ab"])) == ["body"]


def test_35_images_pass_and_36_or_none_are_rejected(post, image):
    assert fields(post(images=[image(f"{i}.png", "PNG") for i in range(35)])) == []
    assert fields(post(images=[image(f"{i}.png", "PNG") for i in range(36)])) == ["images"]
    assert fields(post(images=[])) == ["images"]


def test_gif_is_rejected_even_when_named_jpg(post, image):
    (err,) = errors(post(images=[image("fake.jpg", "GIF")]))
    assert err["field"] == "images" and "GIF" in err["message"]


def test_webp_and_png_pass_and_a_non_image_is_rejected(post, image, tmp_path):
    assert fields(post(images=[image("a.webp", "WEBP"), image("b.png", "PNG")])) == []
    text = tmp_path / "notes.jpg"
    text.write_text("not an image")
    assert fields(post(images=[str(text)])) == ["images"]


def test_an_image_over_the_size_limit_is_rejected(post, image):
    big = image("big.png", "PNG", size=(400, 400))
    (err,) = DouyinLimits(image_max_bytes=100).validate(post(images=[big]), NOW)
    assert err["field"] == "images" and "超过" in err["message"]


def test_a_gif_cover_named_jpg_is_rejected(post, image):
    assert fields(post(kind="video", cover=image("c.jpg", "GIF"))) == ["cover"]
    assert fields(post(kind="video", cover=image("c2.jpg", "JPEG"))) == []


def test_a_video_post_needs_a_video_file(post, tmp_path):
    assert fields(post(kind="video", video=None)) == ["video"]
    (err,) = errors(post(kind="video", video=str(tmp_path / "gone.mp4")))
    assert "找不到文件" in err["message"]


@pytest.mark.parametrize("head, fmt", [
    (MP4_HEAD, "mp4"), (b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 32, "mov"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 32, "webm"),
    (b"FLV\x01\x05" + b"\x00" * 32, "flv"), (b"RIFF\x00\x00\x00\x00AVI LIST" + b"\x00" * 32, "avi"),
    (b"GIF89a" + b"\x00" * 32, None), (b"\xff\xd8\xff\xe0" + b"\x00" * 32, None),
])
def test_video_format_is_read_from_the_content(tmp_path, head, fmt):
    path = tmp_path / "clip.mp4"
    path.write_bytes(head)
    assert sniff_video(str(path)) == fmt


def test_a_gif_named_mp4_is_rejected_as_video(post, video):
    (err,) = errors(post(kind="video", video=video("fake.mp4", b"GIF89a" + b"\x00" * 64)))
    assert err["field"] == "video" and "格式不支持" in err["message"]


def test_video_size_limit_is_inclusive(post, video):
    path = video()
    size = len(MP4_HEAD)
    assert DouyinLimits(video_max_bytes=size).validate(post(kind="video", video=path), NOW) == []
    (err,) = DouyinLimits(video_max_bytes=size - 1).validate(post(kind="video", video=path), NOW)
    assert err["field"] == "video"


def test_five_topics_pass_and_six_are_rejected(post):
    assert fields(post(topics=[f"话题{i}" for i in range(5)])) == []
    assert fields(post(topics=[f"话题{i}" for i in range(6)])) == ["topics"]


@pytest.mark.parametrize("topic", ["", "  ", "#咖啡", "咖 啡", "字" * 21])
def test_empty_hashed_spaced_or_long_topics_are_rejected(post, topic):
    assert fields(post(topics=[topic])) == ["topics"]


@pytest.mark.parametrize("ahead, ok", [
    (timedelta(hours=1, minutes=59), False), (timedelta(hours=2), True), (timedelta(days=14), True),
    (timedelta(days=14, minutes=1), False), (timedelta(days=3), True), (-timedelta(hours=3), False),
])
def test_site_schedule_must_be_between_two_hours_and_fourteen_days_ahead(post, ahead, ok):
    got = fields(post(kind="video", timing=Timing(mode="site", at=NOW + ahead)))
    assert got == ([] if ok else ["timing"])


def test_the_schedule_window_is_configurable(post):
    week = DouyinLimits(schedule_max=timedelta(days=7))
    assert week.validate(post(timing=Timing(mode="site", at=NOW + timedelta(days=8))), NOW)[0]["limit"] == "2小时–7天"


def test_our_own_schedule_only_needs_a_future_time(post):
    assert fields(post(timing=Timing(mode="at", at=NOW + timedelta(minutes=1)))) == []
    assert fields(post(timing=Timing(mode="at", at=NOW - timedelta(minutes=1)))) == ["timing"]
    assert fields(post(timing=Timing(mode="at", at=NOW + timedelta(days=60)))) == []


def test_a_schedule_without_a_time_is_rejected(post):
    assert fields(post(timing=Timing(mode="site"))) == ["timing"]


def test_every_error_names_a_post_field_a_limit_and_a_chinese_message(post, image):
    bad = post(title="", images=[], topics=["#x"] * 6, body="字" * 1001, timing=Timing(mode="site"))
    bad_video = post(kind="video", video=None, cover=image("c.jpg", "GIF"))
    for err in [*errors(bad), *errors(bad_video)]:
        assert set(err) == {"field", "limit", "message"}
        assert err["field"] in Post.model_fields
        assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"])
