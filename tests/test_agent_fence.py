"""The browser an errand's agent drives is fenced as a whole: a data: page, a redirect from the site and a
tab opened over CDP (as browser-use opens its tabs) reach nothing outside the site's host and port, and
the guard refuses navigation off the site whatever the URL's scheme."""
from __future__ import annotations

import http.server
import threading

import pytest

from core.settings import Settings
from rpa.agent_guard import Budget, Guard, Target, leaves_site
from rpa.runtime import BrowserRuntime
from serve import free_port
from sites.taobao import TaobaoAdapter


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.seen.append(self.path)
        if self.path.startswith("/redirect?to="):
            self.send_response(302)
            self.send_header("Location", self.path.split("=", 1)[1])
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write("<html><body><h1>千牛</h1></body></html>".encode())

    def log_message(self, *a):
        pass


def _serve() -> http.server.ThreadingHTTPServer:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Handler)
    srv.seen = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


@pytest.fixture(scope="module")
def servers():
    site, evil = _serve(), _serve()
    yield site, evil
    site.shutdown()
    evil.shutdown()


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    rt = BrowserRuntime(Settings(data_dir=tmp_path_factory.mktemp("agent-fence"), sandbox=True)).start()
    yield rt
    rt.stop()


def _urls(servers) -> tuple[str, str, list[str]]:
    site, evil = (f"http://127.0.0.1:{s.server_address[1]}" for s in servers)
    return site, evil, TaobaoAdapter(site, Settings(sandbox=True)).allowed_hosts()


def test_a_data_page_a_redirect_and_a_cdp_tab_send_nothing_outside_the_allowlist(runtime, servers):
    site, evil, hosts = _urls(servers)
    with runtime.agent_browser(hosts) as browser:
        page = browser.context.pages[0] if browser.context.pages else browser.context.new_page()
        page.goto(f"{site}/home")
        page.goto(f"data:text/html,<img src='{evil}/img'><script>fetch('{evil}/fetch').catch(()=>0)</script>")
        page.wait_for_load_state("networkidle")
        try:
            page.goto(f"{site}/redirect?to={evil}/redirected")
        except Exception:
            pass  # the fence's 403 on the redirect's target is an error page
        cdp = browser.context.new_cdp_session(page)
        cdp.send("Target.createTarget", {"url": f"{evil}/new-tab"})  # the default context, as browser-use does
        browser.context.new_page().goto(f"{site}/after")  # the site still answers (the error page may yet load)
        assert browser.cdp_url.startswith("http://127.0.0.1:")
    assert servers[1].seen == []
    assert "/home" in servers[0].seen and "/after" in servers[0].seen


def test_the_guard_refuses_navigation_off_the_site_and_secrets_outside_login_fields():
    hosts = ["127.0.0.1:8001"]
    guard = Guard(Budget(10, 60, 10_000), hosts)
    for url in ("http://127.0.0.1:9999/x", "http://127.0.0.1/x", "data:text/html,<p>x", "javascript:alert(1)",
                "blob:http://127.0.0.1:8001/x", "https://evil.example/"):
        assert leaves_site(url, hosts), url
        assert guard.refusal("navigate", {"url": url}, None) == "不能打开任务网站以外的地址"
    assert guard.refusal("navigate", {"url": "http://127.0.0.1:8001/home.htm"}, None) is None
    price = Target("input", {"name": "price", "type": "text"}, "价格")
    password = Target("input", {"name": "fm-login-password", "type": "password"}, "")
    assert guard.refusal("input", {"text": "<secret>password</secret>"}, price) == "密码和验证码只能填进登录用的输入框"
    assert guard.refusal("input", {"text": "<secret>password</secret>"}, password) is None
    assert guard.refusal("input", {"text": "19.9"}, price) is None


def test_buttons_that_save_publish_or_delete_are_irreversible_links_to_pages_are_not():
    assert Target("button", {}, "保存").irreversible()
    assert Target("button", {"aria-label": "删除笔记"}, "").irreversible()
    assert Target("a", {"href": "javascript:void(0)"}, "下架").irreversible()
    assert not Target("a", {"href": "/sell/ai/category.htm"}, "发布宝贝").irreversible()
    assert not Target("button", {"aria-label": "编辑价格"}, "✎").irreversible()
