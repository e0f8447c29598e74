"""The browser runtime: the host fence, screenshots for the phone, and no Chromium left behind."""
import http.server
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.storage import LocalStorage
from rpa.fence import proxy_settings
from rpa.runtime import BrowserRuntime
from rpa.screenshots import FULL_QUALITY, bare_jpeg, capture, save_shot, stripped_jpeg
from serve import ROOT, free_port
from sites.locate import goto, quiet, wait_until_there
from tests.core_fixtures import wait_until
from tests.stack_fixtures import alive, chromium_of


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):
        self.seen.append((self.headers.get("Host"), self.path))
        other = self.server.other_port
        body = (f'<html><body style="background:#fde"><h1>店铺</h1>'
                f'<img src="http://localhost:{other}/tracker.png">'
                f'<img src="http://127.0.0.1:{other}/ok.png"></body></html>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture(scope="module")
def page_server():
    port = free_port()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Recorder)
    srv.other_port = port
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield port
    srv.shutdown()


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    from core.settings import Settings

    rt = BrowserRuntime(Settings(data_dir=tmp_path_factory.mktemp("rt"), sandbox=True)).start()
    yield rt
    rt.stop()


def test_the_fence_lets_only_the_listed_hosts_go_direct():
    fence = proxy_settings("http://127.0.0.1:1", ["creator.xiaohongshu.com", "127.0.0.1", "127.0.0.1"])
    # Loopback is not exempt by default: a page must not reach local services that are not on the list.
    assert fence["bypass"] == "<-loopback>,127.0.0.1,creator.xiaohongshu.com"


def test_requests_to_hosts_outside_the_allowlist_never_leave_the_browser(runtime, page_server):
    _Recorder.seen.clear()
    with runtime.context(["127.0.0.1"]) as ctx:
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{page_server}/shop")
        page.wait_for_load_state("load")
    hosts = [h for h, _ in _Recorder.seen]
    assert f"127.0.0.1:{page_server}" in hosts
    assert not any(h.startswith("localhost") for h in hosts), hosts
    assert "localhost" in runtime.blocked


def test_foreign_https_hosts_are_refused_and_noted_by_host_only(runtime, page_server):
    with runtime.context(["127.0.0.1"]) as ctx:
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{page_server}/shop")
        answer = page.evaluate("""() => fetch('https://tracker.example.com/pixel?token=SECRET')
                                          .then(r => 'reached ' + r.status, e => 'refused')""")
    assert answer == "refused"
    assert "tracker.example.com" in runtime.blocked
    assert not any("SECRET" in h for h in runtime.blocked)


def test_each_context_starts_empty_and_gets_its_session(runtime, page_server):
    state = {"cookies": [{"name": "sid", "value": "abc", "domain": "127.0.0.1", "path": "/"}], "origins": []}
    with runtime.context(["127.0.0.1"], storage_state=state) as ctx:
        assert [c["name"] for c in ctx.cookies()] == ["sid"]
    with runtime.context(["127.0.0.1"]) as ctx:
        assert ctx.cookies() == []


def test_screenshots_are_compressed_jpegs_with_a_thumbnail_and_no_metadata(runtime, page_server, tmp_path):
    with runtime.context(["127.0.0.1"]) as ctx:
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{page_server}/shop")
        shot = capture(page, LocalStorage(tmp_path), "shots", "filled")
    full, thumb = Image.open(shot.full), Image.open(shot.thumb)
    assert full.format == thumb.format == "JPEG"
    assert full.width <= 1280 and thumb.width <= 240
    assert not full.info.get("exif") and not thumb.info.get("exif")
    assert bare_jpeg(Path(shot.full).read_bytes()) and bare_jpeg(Path(shot.thumb).read_bytes())
    assert Path(shot.full).stat().st_size < 300_000


def test_a_screenshot_that_carries_metadata_is_re_encoded_without_it(tmp_path):
    exif = Image.Exif()
    exif[0x010E] = "session=abc123"  # ImageDescription
    buf = io.BytesIO()
    Image.new("RGB", (640, 400), "white").save(buf, "JPEG", exif=exif, comment=b"cookie=secret")
    assert not bare_jpeg(buf.getvalue())
    shot = save_shot(buf.getvalue(), LocalStorage(tmp_path), "shots", "tagged")
    data = Path(shot.full).read_bytes()
    assert bare_jpeg(data) and b"abc123" not in data and b"secret" not in data
    assert Image.open(shot.full).size == (640, 400)


def _scan(jpeg: bytes) -> bytes:
    """The image data: everything from the first start-of-scan marker on."""
    return jpeg[jpeg.index(b"\xff\xda"):]


def test_chromiums_own_screenshot_is_stored_as_chromium_encoded_it_without_its_colour_profile(runtime, page_server,
                                                                                            tmp_path):
    """Chromium puts an ICC profile (APP2) in its JPEG: the segment is cut, and the picture is not decoded and
    encoded a second time (that cost ~25 ms of CPU a screenshot)."""
    with runtime.context(["127.0.0.1"]) as ctx:
        page = ctx.new_page()
        page.goto(f"http://127.0.0.1:{page_server}/shop")
        raw = page.screenshot(type="jpeg", quality=FULL_QUALITY, caret="initial")
    shot = save_shot(raw, LocalStorage(tmp_path), "shots", "list")
    data = Path(shot.full).read_bytes()
    assert bare_jpeg(data) and b"ICC_PROFILE" not in data
    assert _scan(data) == _scan(raw)


def test_cutting_a_jpegs_metadata_leaves_its_pixels_and_a_header_it_cannot_read_is_re_encoded(tmp_path):
    exif = Image.Exif()
    exif[0x010E] = "session=abc123"
    buf = io.BytesIO()
    Image.radial_gradient("L").convert("RGB").save(buf, "JPEG", exif=exif, comment=b"cookie=secret",
                                                   icc_profile=b"\0" * 200, quality=80)
    tagged = buf.getvalue()
    cut = stripped_jpeg(tagged)
    assert cut is not None and bare_jpeg(cut) and b"abc123" not in cut and b"secret" not in cut
    assert Image.open(io.BytesIO(cut)).tobytes() == Image.open(io.BytesIO(tagged)).tobytes()
    # Fill bytes before a marker are legal JPEG, but not what ``stripped_jpeg`` reads: it declines, and
    # ``save_shot`` encodes the picture anew, without the metadata all the same.
    padded = tagged[:2] + b"\xff" + tagged[2:]
    assert stripped_jpeg(padded) is None
    data = Path(save_shot(padded, LocalStorage(tmp_path), "shots", "padded").full).read_bytes()
    assert bare_jpeg(data) and b"abc123" not in data and b"secret" not in data


def test_a_quick_wait_sees_an_element_that_comes_after_several_of_its_slices_and_times_out_at_its_limit(
        runtime):
    with runtime.context(["127.0.0.1"]) as ctx:
        page = ctx.new_page()
        page.set_content("<script>setTimeout(() => document.body.innerHTML = '<p id=late>到了</p>', 450)</script>")
        wait_until_there(page.locator("#late"), timeout_ms=5_000)  # 450 ms: inside the second slice
        assert page.locator("#late").inner_text() == "到了"
        started = time.monotonic()
        with pytest.raises(PlaywrightTimeoutError):
            wait_until_there(page.locator("#never"), timeout_ms=350)
        assert 0.3 < time.monotonic() - started < 10  # its own limit, not the browser's 30 s


class _SuccessPage(http.server.BaseHTTPRequestHandler):
    """A success page that goes back to the form by itself (小红书's does), a form slow to answer, a list."""

    def do_GET(self):
        if self.path.startswith("/success"):
            delay = self.path.split("=")[1]
            body = f"<p>发布成功</p><script>setTimeout(() => location.href = '/form', {delay})</script>"
        elif self.path.startswith("/form"):
            time.sleep(0.6)
            body = "<p>发布笔记</p>"
        else:
            body = "<p>笔记管理</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *a):
        pass


@pytest.fixture(scope="module")
def success_server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _SuccessPage)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.mark.parametrize("leaves_after_ms", [0, 1_000], ids=["its-navigation-under-way", "its-timer-pending"])
def test_a_page_that_would_leave_by_itself_is_stopped_before_we_navigate(runtime, success_server,
                                                                          leaves_after_ms):
    with runtime.context(["127.0.0.1"]) as ctx:
        page = ctx.new_page()
        page.goto(f"{success_server}/success?after={leaves_after_ms}")
        page.wait_for_timeout(100)  # its own navigation to the slow form is under way, or its timer waits
        quiet(page)
        if leaves_after_ms:
            page.wait_for_timeout(1_500)  # past the timer
            assert page.url.endswith(f"/success?after={leaves_after_ms}")  # the timer is gone
        # A navigation under way is the browser's, out of the page's reach: ours must win over it.
        goto(page, f"{success_server}/list", "xiaohongshu", "小红书")
        page.wait_for_timeout(1_000)  # past the form's answer
        assert page.url.endswith("/list") and page.inner_text("body") == "笔记管理"


def test_chromium_does_not_outlive_a_worker_killed_with_sigkill(core_settings):
    env = dict(os.environ, OPC_DATA_DIR=str(core_settings.data_dir), OPC_REDIS_URL=core_settings.redis_url,
               OPC_SANDBOX="true", XDG_CONFIG_HOME=str(core_settings.data_dir / "xdg"))
    proc = subprocess.Popen([sys.executable, str(ROOT / "worker.py")], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    chromium = wait_until(lambda: chromium_of(proc.pid), timeout=60, what="the worker's warm chromium")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    wait_until(lambda: not any(alive(p) for p in chromium), timeout=20, what="chromium to exit")
