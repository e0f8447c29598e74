"""Xiaohongshu's content rules, checked with hand-counted examples and real image files."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from core.content import Post, Timing
from sites import SITES
from sites.xiaohongshu.limits import XhsLimits, title_length
from sites.xiaohongshu.video_length import mp4_duration_s
from tests.douyin_sandbox_fixtures import mp4  # noqa: F401  (a real MP4 made by ffmpeg)
from tests.factories import make_mp4

NOW = datetime(2025, 3, 1, 4, 0, tzinfo=timezone.utc)  # 12:00 in Beijing


@pytest.fixture
def image(tmp_path):
    def make(name="a.jpg", fmt="JPEG", size=(8, 8)):
        path = tmp_path / name
        Image.new("RGB", size, "red").save(path, fmt)
        return str(path)
    return make


@pytest.fixture
def post(image):
    def make(**kw):
        kw.setdefault("title", "春日咖啡")
        kw.setdefault("images", [image()])
        return Post(**kw)
    return make


def errors(post, now=NOW):
    return SITES["xiaohongshu"].limits.validate(post, now)


def fields(post, now=NOW):
    return [e["field"] for e in errors(post, now)]


def test_a_plain_image_note_passes(post):
    assert errors(post(body="正文", topics=["咖啡", "春天"])) == []


@pytest.mark.parametrize("title, counted", [
    ("中" * 20, 20), ("中" * 21, 21), ("a" * 40, 20), ("a" * 41, 21),
    ("中a", 2), ("中" * 19 + "ab", 20), ("中" * 19 + "abc", 21), ("😀" * 10, 10),
])
def test_title_is_counted_like_the_site(title, counted):
    assert title_length(title) == counted


@pytest.mark.parametrize("title", ["中" * 20, "a" * 40, "中" * 19 + "ab", "咖啡 coffee 拿铁 latte"])
def test_titles_within_twenty_site_characters_pass(post, title):
    assert fields(post(title=title)) == []


@pytest.mark.parametrize("title", ["中" * 21, "a" * 41, "中" * 19 + "abc"])
def test_titles_over_twenty_site_characters_are_rejected_with_the_rule_explained(post, title):
    (err,) = errors(post(title=title))
    assert err["field"] == "title" and err["limit"] == "≤ 20"
    assert err["message"].startswith("标题超过20字（按小红书计数：中文算1字，英文2个算1字）")


def test_a_blank_title_is_rejected(post):
    assert fields(post(title="  ")) == ["title"]


def test_body_of_1000_chars_passes_and_1001_is_rejected(post):
    assert fields(post(body="字" * 1000)) == []
    assert fields(post(body="字" * 1001)) == ["body"]


def test_nine_images_pass_and_ten_or_none_are_rejected(post, image):
    assert fields(post(images=[image(f"{i}.png", "PNG") for i in range(9)])) == []
    assert fields(post(images=[image(f"{i}.png", "PNG") for i in range(10)])) == ["images"]
    assert fields(post(images=[])) == ["images"]


def test_gif_is_rejected_even_when_named_jpg(post, image):
    (err,) = errors(post(images=[image("fake.jpg", "GIF")]))
    assert err["field"] == "images" and "GIF" in err["message"]


def test_webp_and_png_pass(post, image):
    assert fields(post(images=[image("a.webp", "WEBP"), image("b.png", "PNG")])) == []


def test_a_file_that_is_not_an_image_is_rejected(post, tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_text("not an image")
    assert fields(post(images=[str(text)])) == ["images"]


def test_a_missing_image_file_is_rejected(post, tmp_path):
    (err,) = errors(post(images=[str(tmp_path / "gone.jpg")]))
    assert "找不到文件" in err["message"]


def test_an_image_over_the_size_limit_is_rejected(post, image):
    big = image("big.png", "PNG", size=(400, 400))
    small_limit = XhsLimits(image_max_bytes=100)
    (err,) = small_limit.validate(post(images=[big]), NOW)
    assert err["field"] == "images" and "超过" in err["message"]


def test_ten_topics_pass_and_eleven_are_rejected(post):
    assert fields(post(topics=[f"话题{i}" for i in range(10)])) == []
    assert fields(post(topics=[f"话题{i}" for i in range(11)])) == ["topics"]


@pytest.mark.parametrize("topic", ["", "  ", "#咖啡", "字" * 21])
def test_empty_hashed_or_long_topics_are_rejected(post, topic):
    assert fields(post(topics=[topic])) == ["topics"]


def test_a_topic_of_twenty_chars_passes(post):
    assert fields(post(topics=["字" * 20])) == []


@pytest.mark.parametrize("ahead, ok", [
    (timedelta(minutes=59), False), (timedelta(hours=1), True), (timedelta(days=14), True),
    (timedelta(days=14, minutes=1), False), (timedelta(days=3), True), (-timedelta(hours=2), False),
])
def test_site_schedule_must_be_between_one_hour_and_fourteen_days_ahead(post, ahead, ok):
    got = fields(post(timing=Timing(mode="site", at=NOW + ahead)))
    assert got == ([] if ok else ["timing"])


def test_our_own_schedule_only_needs_a_future_time(post):
    assert fields(post(timing=Timing(mode="at", at=NOW + timedelta(minutes=1)))) == []
    assert fields(post(timing=Timing(mode="at", at=NOW - timedelta(minutes=1)))) == ["timing"]
    assert fields(post(timing=Timing(mode="at", at=NOW + timedelta(days=60)))) == []


def test_a_schedule_without_a_time_is_rejected(post):
    assert fields(post(timing=Timing(mode="site"))) == ["timing"]


def test_a_video_note_within_the_real_sites_limits_is_accepted(post, tmp_path, image):
    clip = make_mp4(tmp_path / "clip.mp4", seconds=59 * 60)
    assert fields(post(kind="video", video=str(clip), images=[], cover=image("cover.png", "PNG"))) == []


def test_a_video_over_sixty_minutes_is_refused_with_its_length(post, tmp_path):
    clip = make_mp4(tmp_path / "long.mp4", seconds=61 * 60)
    [err] = errors(post(kind="video", video=str(clip), images=[]))
    assert (err["field"], err["limit"]) == ("video", "≤ 60 分钟")
    assert "61.0分钟" in err["message"] and "long.mp4" in err["message"]


def test_a_video_over_twenty_gigabytes_is_refused(post, tmp_path):
    clip = make_mp4(tmp_path / "big.mp4")
    small = XhsLimits(video_max_bytes=1024)  # the rule, not 20 GB of disk
    [err] = small.validate(post(kind="video", video=str(clip), images=[]), NOW)
    assert err["field"] == "video" and "big.mp4" in err["message"] and "超过" in err["message"]
    assert XhsLimits().video_max_bytes == 20 * 1024 ** 3  # 「最大20GB的视频文件」 on the real upload page


def test_a_file_that_is_not_a_video_or_a_missing_video_is_refused(post, tmp_path):
    fake = tmp_path / "fake.mp4"
    fake.write_text("not a video")
    assert fields(post(kind="video", video=str(fake), images=[])) == ["video"]
    assert fields(post(kind="video", video=None, images=[])) == ["video"]
    webm = tmp_path / "a.webm"
    webm.write_bytes(b"\x1a\x45\xdf\xa3" + b"\x00" * 8 + b"webm" + b"\x00" * 64)
    assert fields(post(kind="video", video=str(webm), images=[])) == ["video"]  # not in the site's accept list


def test_every_error_names_field_limit_and_a_chinese_message(post):
    for err in errors(post(title="", images=[], topics=["#x"] * 11, kind="video")):
        assert set(err) == {"field", "limit", "message"}
        assert any("\u4e00" <= ch <= "\u9fff" for ch in err["message"])


def test_the_length_is_read_from_a_real_ffmpeg_mp4_whose_header_comes_after_the_data(mp4):  # noqa: F811
    assert 0.9 <= mp4_duration_s(str(mp4)) <= 1.2  # ffmpeg writes moov after mdat by default
    assert mp4_duration_s(__file__) is None  # not an MP4: unknown, the site checks it
