"""The host fence: a run's browser context reaches only its site's hosts.

Each context gets a proxy setting whose bypass list is exactly the allowed hosts: their traffic goes
direct, untouched. Everything else is sent to ``DenyProxy``, a tiny local proxy that notes the host
and answers 403, so the request never leaves the machine. This costs allowed traffic nothing, where
request interception (``context.route``) paused every request for a round trip to the driver
(measured in docs/benchmarks.md).
"""
from __future__ import annotations

import logging
import re
import socket
import socketserver
import threading

log = logging.getLogger(__name__)

_TARGET = re.compile(rb"^[A-Z]+ (?:[a-z]+://)?\[?([^\]/:\s]+)")
_DENIED = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def proxy_settings(proxy_url: str, allowed_hosts: list[str]) -> dict:
    """Playwright's per-context ``proxy`` option for a fence around ``allowed_hosts``.

    ``<-loopback>`` cancels Chromium's implicit bypass of localhost and loopback addresses, so a page
    cannot reach local services unless they are on the list (the replicas are, by their host).
    """
    return {"server": proxy_url, "bypass": ",".join(["<-loopback>", *sorted(set(allowed_hosts))])}


class DenyProxy:
    """Refuses every request sent to it and records the host (never the URL: URLs may carry tokens)."""

    def __init__(self) -> None:
        self.blocked: list[str] = []
        fence = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                fence._deny(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="deny-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "DenyProxy":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _deny(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            first = conn.recv(4096)
            match = _TARGET.match(first)
            host = match.group(1).decode("ascii", "replace") if match else "?"
            self.blocked.append(host)
            log.info("blocked request to a host outside the allowlist: %s", host)
            conn.sendall(_DENIED)
        except OSError:
            pass
