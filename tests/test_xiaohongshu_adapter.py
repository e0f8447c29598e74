"""The Xiaohongshu adapter against the replica of the creator platform, in real Chromium.

The replica runs as its own process (``python -m sandbox.xiaohongshu --no-delays``); the browser context
is fenced to the adapter's ``allowed_hosts`` exactly as in production (``rpa.runtime``). The phone scan is
the replica's control API, fed with the token hidden in the QR PNG the adapter captured.
"""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import httpx
import pytest

from core.content import Post, Timing
from core.errors import LoginRequired
from core.settings import Settings
from rpa.runtime import BrowserRuntime
from sandbox.scan import simulate_scan
from serve import free_port, wait_http
from sites.xiaohongshu import XiaohongshuAdapter
from sites.xiaohongshu.errors import DeclarationNotSet
from sites.xiaohongshu.pages.notes import READ_ROWS_MAX, NotesPage
from sites.xiaohongshu.pages.publish import PublishPage
from tests.core_fixtures import wait_until
from tests.factories import make_image, make_mp4

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def replica():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sandbox.xiaohongshu", "--host", "127.0.0.1",
                             "--port", str(port), "--no-delays"])
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/healthz")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def control(replica):
    httpx.post(f"{replica}/__sandbox__/reset", timeout=10).raise_for_status()

    class Control:
        def state(self) -> dict:
            return httpx.get(f"{replica}/__sandbox__/state", timeout=10).json()

        def faults(self, **switches) -> None:
            httpx.post(f"{replica}/__sandbox__/faults", json=switches, timeout=10).raise_for_status()

    return Control()


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    rt = BrowserRuntime(Settings(data_dir=tmp_path_factory.mktemp("browser"), sandbox=True,
                                 browser_timeout_ms=10_000)).start()
    yield rt
    rt.stop()


@pytest.fixture
def adapter(replica):
    return XiaohongshuAdapter(replica, Settings(sandbox=True, upload_timeout_ms=20_000))


@pytest.fixture
def page(runtime, adapter):
    with runtime.context(adapter.allowed_hosts()) as ctx:
        yield ctx.new_page()


def scan_in(adapter, page, replica, user="shop-a") -> None:
    """What the owner does: the adapter shows the QR, the phone scans it, the page lets us in."""
    adapter.open_login(page)
    qr = adapter.login_qr(page)
    assert qr and qr.startswith("data:image/png;base64,")
    simulate_scan(replica, qr, user)
    wait_until(lambda: adapter.logged_in(page), timeout=15, what="the login page to let us in")


@pytest.fixture
def logged_in(adapter, page, replica, control):
    scan_in(adapter, page, replica)
    return page


@pytest.fixture
def images(tmp_path):
    return [str(make_image(tmp_path / f"p{i}.jpg", text=str(i))) for i in range(2)]


def a_post(images, **kw) -> Post:
    base = dict(title="桂花乌龙冷泡茶上新", body="清香回甘，\n冰镇更好喝。", images=images, topics=["冷泡茶"])
    return Post(**{**base, **kw})


def test_allowed_hosts_of_the_replica_is_its_own_host_and_port_only(adapter):
    assert adapter.allowed_hosts() == [adapter.base_url.removeprefix("http://")]


def test_the_real_site_is_fenced_to_xiaohongshu_hosts():
    hosts = XiaohongshuAdapter("https://creator.xiaohongshu.com").allowed_hosts()
    assert hosts[0] == "creator.xiaohongshu.com"
    assert all(h.endswith(("xiaohongshu.com", "xhscdn.com")) for h in hosts)


def test_a_fresh_browser_has_no_session(adapter, page, control):
    assert adapter.session_alive(page) is False


def test_scanning_the_qr_logs_in_and_the_session_is_alive(adapter, logged_in):
    assert adapter.session_alive(logged_in) is True


def test_before_the_scan_the_login_page_shows_a_qr_and_does_not_count_as_logged_in(adapter, page, control):
    adapter.open_login(page)
    assert adapter.login_qr(page).startswith("data:image/png")
    assert adapter.logged_in(page) is False


def test_fill_reads_back_every_field_then_one_submit_creates_exactly_one_note(adapter, logged_in, images,
                                                                              control):
    since = datetime.now(timezone.utc) - timedelta(minutes=1)
    post = a_post(images)
    fields = adapter.fill(logged_in, post)
    assert fields["title"] == post.title
    assert "清香回甘" in fields["body"] and "冰镇更好喝" in fields["body"]
    assert fields["images"] == "2"
    assert fields["topics"] == "#冷泡茶"
    assert fields["schedule"] == "立即发布"
    assert control.state()["notes"] == []

    adapter.submit(logged_in)
    notes = control.state()["notes"]
    assert len(notes) == 1 and notes[0]["title"] == post.title

    found = adapter.find_published(logged_in, post, since)
    assert found is not None
    assert found.external_id == str(notes[0]["id"])
    assert found.title == post.title


def test_a_body_the_editor_already_holds_is_replaced_not_appended_to(adapter, logged_in, images, control):
    """The site may restore a draft into the editor: the post's body takes its place, nothing of it stays."""
    form = PublishPage(logged_in, adapter.base_url)
    form.open()
    form.upload_images(images[:1])
    form.set_body("旧草稿第一行\n旧草稿第二行")
    form.set_body("新的正文\n第二行")
    assert form.read_back([])["body"].split() == ["新的正文", "第二行"]
    form.set_body("")
    assert form.read_back([])["body"] == ""


def test_the_note_list_is_read_from_its_rendered_rows_newest_fifty_only(adapter, page):
    """Hidden copies (another tab, a closed dialog) are not notes; a long history is not read to its end."""
    hidden = '<div data-note-id="hidden1" data-note-title="藏起来的" style="display:none"></div>'
    rows = "".join(f'<div data-note-id="n{i}" data-note-title="笔记{i}">笔记{i}</div>'
                   for i in range(READ_ROWS_MAX + 10))
    page.set_content(f"<div class='tab' style='visibility:hidden'>{hidden}</div>{rows}")
    notes = NotesPage(page, adapter.base_url).notes()
    assert [n.note_id for n in notes] == [f"n{i}" for i in range(READ_ROWS_MAX)]


def test_a_note_below_fifty_newer_ones_is_found_and_one_older_than_the_post_is_not(adapter, page):
    """A retried run reads back after its account posted 59 notes more; the list shows them all, newest first."""
    since = datetime.now(timezone.utc) - timedelta(minutes=5)
    shown = lambda at: at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")  # noqa: E731 - as the list shows it
    rows = "".join(f'<div data-note-id="n{i}" data-note-title="笔记{i}" data-note-time="{shown(since)}">笔记{i}</div>'
                   for i in range(60))
    old = f'<div data-note-id="old" data-note-title="旧笔记" data-note-time="{shown(since - timedelta(days=1))}">旧</div>'
    page.set_content(rows + old)
    notes = NotesPage(page, adapter.base_url)
    assert notes.find("笔记55", since).note_id == "n55"
    assert notes.find("旧笔记", since) is None


def test_find_published_says_none_for_a_title_that_was_never_posted(adapter, logged_in, control):
    missing = Post(title="从没发过的标题", images=[])
    assert adapter.find_published(logged_in, missing, datetime.now(timezone.utc) - timedelta(hours=1)) is None


def test_site_schedule_is_written_in_beijing_time_and_read_back(adapter, logged_in, images, control):
    at = (datetime.now(timezone.utc) + timedelta(days=2)).replace(second=0, microsecond=0)
    fields = adapter.fill(logged_in, a_post(images, timing=Timing(mode="site", at=at)))
    assert fields["schedule"] == at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")

    adapter.submit(logged_in)
    (note,) = control.state()["notes"]
    assert at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") in str(note.get("scheduled_at") or note)


def test_fill_with_a_dead_session_asks_for_a_login(adapter, page, images, control):
    with pytest.raises(LoginRequired):
        adapter.fill(page, a_post(images))


# -- declarations, form variants, video notes --------------------------------------------------------------
def publish_once(adapter, page, post) -> tuple[dict, dict]:
    """Fill, submit and read back; the fields the approval card showed and the replica's one note."""
    since = datetime.now(timezone.utc) - timedelta(minutes=1)
    fields = adapter.fill(page, post)
    adapter.submit(page)
    found = adapter.find_published(page, post, since)
    assert found is not None
    return fields, found


def the_note(control) -> dict:
    (note,) = control.state()["notes"]
    return note


def test_a_model_drafted_note_is_published_with_the_ai_declaration(adapter, logged_in, images, control):
    fields, found = publish_once(adapter, logged_in, a_post(images, drafted_by="model"))
    note = the_note(control)
    assert note["declaration"]["label"] == "笔记含AI合成内容" and not note["original"]
    assert fields["declaration"] == "笔记含AI合成内容"
    assert found.external_id == note["id"]


def test_an_owner_written_note_has_no_declaration(adapter, logged_in, images, control):
    fields, _ = publish_once(adapter, logged_in, a_post(images, drafted_by="owner"))
    note = the_note(control)
    assert (note["declaration"], note["original"], note["declaration_text"]) == (None, False, "")
    assert fields["declaration"] == "不声明"


def test_an_owner_ai_assisted_tick_gets_the_ai_declaration(adapter, logged_in, images, control):
    publish_once(adapter, logged_in, a_post(images, ai_assisted=True))
    assert the_note(control)["declaration"]["kind"] == "ai"


def test_original_chosen_switches_on_the_original_declaration_through_its_dialog(adapter, logged_in, images,
                                                                                 control):
    fields, _ = publish_once(adapter, logged_in, a_post(images, declaration="original"))
    note = the_note(control)
    assert (note["original"], note["declaration"]) == (True, None)
    assert fields["declaration"] == "原创声明"


@pytest.mark.parametrize("variant", [None, "legacy_editor"])
def test_a_repost_is_declared_with_its_source(adapter, logged_in, images, control, variant):
    if variant:
        control.faults(**{variant: True})
    fields, _ = publish_once(adapter, logged_in, a_post(images, declaration="repost", repost_source="新华社"))
    assert the_note(control)["declaration"] == {"kind": "repost", "label": "来源转载", "source": "新华社"}
    assert "来源转载" in fields["declaration"]


@pytest.mark.parametrize("variant", ["legacy_editor", "ai_wording_changed"])
def test_each_form_variant_publishes_once_with_everything_set(adapter, logged_in, images, control, variant):
    control.faults(**{variant: True})
    at = (datetime.now(timezone.utc) + timedelta(days=2)).replace(second=0, microsecond=0)
    post = a_post(images, drafted_by="model", timing=Timing(mode="site", at=at))
    fields, _ = publish_once(adapter, logged_in, post)
    note = the_note(control)
    wall = at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert control.state()["submissions"] == 1
    assert (note["title"], note["images"], note["topics"], note["publish_at"]) == (post.title, 2, ["冷泡茶"], wall)
    assert "冰镇更好喝" in note["body"]
    assert note["declaration"]["kind"] == "ai"
    assert fields["declaration"] == ("内容由AI生成" if variant == "ai_wording_changed" else "笔记含AI合成内容")
    assert fields["schedule"] == wall


def test_a_form_without_the_declaration_entry_stops_before_publishing(adapter, logged_in, images, control):
    control.faults(declaration_missing=True)
    with pytest.raises(DeclarationNotSet, match="添加内容类型声明.*笔记没有发布"):
        adapter.fill(logged_in, a_post(images, drafted_by="model"))
    assert (control.state()["submissions"], control.state()["notes"]) == (0, [])


@pytest.mark.parametrize("wanted", [{"drafted_by": "model"}, {"declaration": "repost", "repost_source": "新华社"}])
def test_a_declaration_the_form_does_not_keep_is_caught_by_the_read_back_and_nothing_is_published(
        adapter, logged_in, images, control, wanted):
    control.faults(declaration_dropped=True)
    with pytest.raises(DeclarationNotSet, match="设置后页面显示的是「空」.*笔记没有发布"):
        adapter.fill(logged_in, a_post(images, **wanted))
    assert (control.state()["submissions"], control.state()["notes"]) == (0, [])


def test_an_owner_written_note_still_publishes_on_a_form_without_the_declaration_entry(adapter, logged_in, images,
                                                                                       control):
    control.faults(declaration_missing=True)
    publish_once(adapter, logged_in, a_post(images))
    assert the_note(control)["declaration"] is None


def test_an_original_note_still_publishes_as_original_on_a_form_without_the_content_type_entry(
        adapter, logged_in, images, control):
    control.faults(declaration_missing=True)  # the 原创声明 card stays
    fields, _ = publish_once(adapter, logged_in, a_post(images, declaration="original"))
    assert (the_note(control)["original"], fields["declaration"]) == (True, "原创声明")


@pytest.mark.parametrize("variant", [None, "legacy_editor"])
def test_a_video_note_uploads_waits_for_processing_sets_the_cover_and_schedule_and_reads_back(
        adapter, logged_in, images, control, tmp_path, variant):
    control.faults(slow_video_processing=600, **({variant: True} if variant else {}))
    clip = make_mp4(tmp_path / "冷泡茶.mp4", seconds=20)
    at = (datetime.now(timezone.utc) + timedelta(days=1)).replace(second=0, microsecond=0)
    post = a_post([], kind="video", video=str(clip), cover=images[0], drafted_by="model",
                  timing=Timing(mode="site", at=at))
    fields, found = publish_once(adapter, logged_in, post)
    note = the_note(control)
    assert (note["kind"], note["cover"], note["images"]) == ("video", True, 0)
    assert note["publish_at"] == at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert note["declaration"]["kind"] == "ai"
    assert fields["media"] == "视频已上传，已设置封面" and "images" not in fields
    assert found.external_id == note["id"]


def test_a_note_listed_with_another_declaration_than_wanted_is_reported_as_published_but_wrong(
        adapter, logged_in, images, control):
    since = datetime.now(timezone.utc) - timedelta(minutes=1)
    publish_once(adapter, logged_in, a_post(images, declaration="repost", repost_source="新华社"))
    note = the_note(control)
    with pytest.raises(DeclarationNotSet, match=f"笔记ID {note['id']}.*来源转载：新华社.*应为「AI生成内容」"):
        adapter.find_published(logged_in, a_post(images, drafted_by="model"), since)


def test_original_chosen_on_the_older_form_without_its_switch_stops_before_publishing(adapter, logged_in, images,
                                                                                     control):
    control.faults(legacy_editor=True)  # the saved real older form has no 原创声明 card
    with pytest.raises(DeclarationNotSet, match="找不到「原创声明」开关.*笔记没有发布"):
        adapter.fill(logged_in, a_post(images, declaration="original"))
    assert (control.state()["submissions"], control.state()["notes"]) == (0, [])
