"""Run inside ``tests.netns_fixtures.in_namespace``: a real-mode worker browser opens a page of the real
site's host that tries every way a page can name or reach another host, and the namespace's resolver and
way out report what Chromium asked and sent. Prints one JSON object (read by tests/test_fence_dns.py).

    unshare --user --map-root-user --net --mount .venv/bin/python -m tests.fence_probe real|sandbox DATA_DIR

``real``: the page is served as ``creator.xiaohongshu.com`` (the namespace's resolver answers that name
with 127.0.0.1) to a browser in real mode; ``sandbox``: as a replica on a loopback port.
"""
from __future__ import annotations

import http.server
import json
import socket
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from core.settings import Settings
from rpa.runtime import BrowserRuntime
from sites.xiaohongshu import XiaohongshuAdapter
from tests.netns_fixtures import Machine

SITE = "creator.xiaohongshu.com"
CANARY = "canary.example"  # every foreign name the page uses ends with it

# Each line names a foreign host a different way: resource hints, subresources, a frame, scripts' requests,
# a WebSocket, a beacon, WebRTC's STUN server by name, WebTransport (HTTP/3 over UDP), speculation rules.
PAGE = f"""<!doctype html><html><head><meta charset="utf-8">
<link rel="dns-prefetch" href="//dns-prefetch.{CANARY}">
<link rel="preconnect" href="https://preconnect.{CANARY}">
<link rel="prefetch" href="https://prefetch.{CANARY}/next">
<link rel="preload" as="font" crossorigin href="https://preload.{CANARY}/f.woff2">
<link rel="stylesheet" href="https://css.{CANARY}/s.css">
<style>body {{ background: url(https://bg.{CANARY}/b.png) }}</style>
<script type="speculationrules">{{"prefetch": [{{"source": "list", "urls": ["https://speculation.{CANARY}/"]}}],
  "prerender": [{{"source": "list", "urls": ["https://prerender.{CANARY}/"]}}]}}</script>
</head><body><h1>创作中心</h1>
<a id="out" href="https://anchor.{CANARY}/">链接</a>
<img src="https://img.{CANARY}/a.png">
<iframe src="https://frame.{CANARY}/"></iframe>
<script src="https://script.{CANARY}/x.js"></script>
<script>
window.tries = [
  fetch('https://fetch.{CANARY}/').then(() => 'fetch open', () => 'fetch refused'),
  new Promise(done => {{ const ws = new WebSocket('wss://ws.{CANARY}/');
    ws.onopen = () => done('ws open'); ws.onerror = () => done('ws refused'); }}),
  new Promise(done => {{ navigator.sendBeacon('https://beacon.{CANARY}/b', 'x'); done('beacon sent'); }}),
  new Promise(done => {{ const pc = new RTCPeerConnection({{iceServers: [{{urls: 'stun:stun.{CANARY}:3478'}}]}});
    pc.createDataChannel('x'); pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && done('ice complete');
    pc.createOffer().then(o => pc.setLocalDescription(o)); setTimeout(() => done('ice ' + pc.iceGatheringState), 4000); }}),
  (typeof WebTransport === 'undefined' ? Promise.resolve('no webtransport') :
    new WebTransport('https://webtransport.{CANARY}:4433/').ready.then(() => 'wt open', () => 'wt refused')),
];
</script></body></html>""".encode()


class _Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *a):
        pass


def main(mode: str, data_dir: Path) -> dict:
    machine = Machine({SITE: "127.0.0.1"})
    settings = Settings(data_dir=data_dir, sandbox=mode == "sandbox")
    base_url = f"http://{SITE}" if mode == "real" else settings.site_base_url("xiaohongshu")
    site = http.server.ThreadingHTTPServer(("127.0.0.1", urlsplit(base_url).port or 80), _Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    runtime = BrowserRuntime(settings).start()
    try:
        allowed = XiaohongshuAdapter(base_url).allowed_hosts()
        with runtime.context(allowed) as ctx:
            page = ctx.new_page()
            page.goto(f"{base_url}/new/home")
            page.hover("#out")
            tries = page.evaluate("() => Promise.all(window.tries)")
            try:
                page.goto(f"https://navigation.{CANARY}/")
            except Exception as e:  # the fence's 403 to a proxied https URL ends the navigation with an error
                tries.append(f"navigation: {type(e).__name__}")
            time.sleep(2)  # late hints and the predictor's preconnects; nothing to wait for by event
        # The watchers themselves, proved on this machine: a name this process looks up, a packet it sends.
        try:
            socket.getaddrinfo(f"control.{CANARY}", 80)
        except socket.gaierror:
            pass
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(b"control", ("198.51.100.7", 9))
        time.sleep(0.5)
        blocked = sorted(set(runtime.blocked))
    finally:
        runtime.stop()
        site.shutdown()
        machine.stop()
    return {"queries": machine.resolver.queries, "frames": machine.sniffer.frames, "tries": tries,
            "blocked": blocked, "allowed": allowed}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], Path(sys.argv[2]))))
