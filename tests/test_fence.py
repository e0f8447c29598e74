"""The host fence has no holes: a fenced page reaches its site's host and port only (HTTP and WebSocket), sends no UDP
(WebRTC), and the browser running it knows none of the service's secrets."""
from __future__ import annotations

import http.server
import os
import socket
import threading
from pathlib import Path

import pytest

from core.settings import Settings
from rpa.runtime import BrowserRuntime
from serve import free_port
from sites.xiaohongshu import XiaohongshuAdapter
from tests.core_fixtures import wait_until

CANARIES = {"OPC_LLM_API_KEY": "sk-canary-4f1c", "OPC_NOTIFY_WEBHOOK_URL": "https://hook.example/canary-77a2",
            "OPC_VAULT_KEYS": "canary-vault-9d3e"}


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.seen.append(self.path)
        body = b"<html><body><h1>\xe5\x88\x9b\xe4\xbd\x9c\xe4\xb8\xad\xe5\xbf\x83</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def _serve() -> http.server.ThreadingHTTPServer:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Page)
    srv.seen = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


@pytest.fixture(scope="module")
def servers():
    site, product_api = _serve(), _serve()  # a replica and, on the same host, the product's own API
    yield site, product_api
    site.shutdown()
    product_api.shutdown()


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    saved = {k: os.environ.get(k) for k in CANARIES}
    os.environ.update(CANARIES)  # as in a worker: the service's secrets are in its environment
    rt = BrowserRuntime(Settings(data_dir=tmp_path_factory.mktemp("fence"), sandbox=True)).start()
    yield rt
    rt.stop()
    for k, v in saved.items():
        os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)


def _site(servers) -> tuple[str, list[str]]:
    site = servers[0]
    url = f"http://127.0.0.1:{site.server_address[1]}"
    return url, XiaohongshuAdapter(url).allowed_hosts()


def test_a_replica_on_loopback_is_fenced_to_its_own_port(runtime, servers):
    url, hosts = _site(servers)
    product_api = servers[1]
    assert hosts == [f"127.0.0.1:{servers[0].server_address[1]}"]
    with runtime.context(hosts) as ctx:
        page = ctx.new_page()
        page.goto(f"{url}/new/home")
        answer = page.evaluate(f"""() => fetch('http://127.0.0.1:{product_api.server_address[1]}/api/runs')
                                          .then(r => 'reached ' + r.status, e => 'refused')""")
    assert answer in ("refused", "reached 403")
    assert product_api.seen == []
    assert servers[0].seen and servers[0].seen[0] == "/new/home"


def test_webrtc_sends_no_udp_from_a_fenced_page(runtime, servers):
    url, hosts = _site(servers)
    stun = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stun.bind(("127.0.0.1", 0))
    stun.settimeout(0.2)
    got: list[bytes] = []
    with runtime.context(hosts) as ctx:
        page = ctx.new_page()
        page.goto(f"{url}/new/home")
        page.evaluate("""port => {
            const pc = new RTCPeerConnection({iceServers: [{urls: 'stun:127.0.0.1:' + port}]});
            pc.createDataChannel('x');
            pc.createOffer().then(o => pc.setLocalDescription(o));
            window._pc = pc;
        }""", stun.getsockname()[1])
        # ICE gathering sends its STUN binding requests within a few hundred ms; give it well over that.
        for _ in range(25):
            try:
                got.append(stun.recv(2048))
            except socket.timeout:
                pass
        gathered = page.evaluate("() => window._pc.iceGatheringState")
    stun.close()
    assert gathered in ("gathering", "complete")  # WebRTC itself ran: only its UDP was refused
    assert got == []


def test_the_browser_is_started_without_the_services_secrets(runtime):
    procs = _descendants(os.getpid())
    chromium = [p for p in procs if "chrom" in _read(p / "comm").lower()]
    assert chromium, "no Chromium process found under this test"
    for p in chromium:
        env = _read(p / "environ")
        assert not any(secret in env for secret in CANARIES.values()), p


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _descendants(root: int) -> list[Path]:
    parents = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            stat = _read(p / "stat")
            if stat:
                parents[int(p.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], {root}
    while frontier:
        children = {pid for pid, ppid in parents.items() if ppid in frontier}
        found += [Path(f"/proc/{pid}") for pid in children]
        frontier = children
    return found


def test_websockets_off_the_site_are_refused_and_no_name_is_looked_up(runtime, servers, monkeypatch):
    # A WebSocket to an unlisted loopback port (another local service) and to a foreign host: neither may
    # connect, and the foreign name must not be resolved (a DNS query alone leaks what the page wanted).
    url, hosts = _site(servers)
    local = socket.socket()
    local.bind(("127.0.0.1", free_port()))
    local.listen()
    local.settimeout(0.2)
    looked_up: list = []
    real_getaddrinfo = socket.getaddrinfo

    def recording(host, *a, **kw):  # the fence's proxy runs in this process: any lookup it made lands here
        looked_up.append(host)
        return real_getaddrinfo(host, *a, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", recording)
    try:
        with runtime.context(hosts) as ctx:
            page = ctx.new_page()
            page.goto(f"{url}/new/home")
            states = page.evaluate("""port => Promise.all([`ws://127.0.0.1:${port}/x`, 'wss://ws-canary.example/x']
                .map(u => new Promise(done => {
                    const ws = new WebSocket(u);
                    ws.onopen = () => done('open');
                    ws.onerror = () => done('refused');
                    setTimeout(() => done('timeout'), 5000);
                })))""", local.getsockname()[1])
        accepted = []
        try:
            accepted.append(local.accept())
        except socket.timeout:
            pass
    finally:
        local.close()
    assert states == ["refused", "refused"]
    assert accepted == []
    assert "ws-canary.example" in runtime.blocked
    assert not any("canary" in str(h) for h in looked_up), looked_up
