"""A machine of the test's own for the real-mode fence: a network namespace whose resolver and whose way out
the test watches.

``in_namespace(argv)`` runs a command in fresh user, network and mount namespaces (``unshare``, no root
needed where user namespaces are allowed). Inside, ``Machine`` sets up what a real host has, under the
test's eyes:
- loopback, and one way out: a veth pair whose near end has the default route (its gateway's address
  pinned, so no ARP is needed) and whose far end goes nowhere. Every packet that would leave the machine
  arrives at the far end and dies there; ``Sniffer`` sees each one (an AF_PACKET socket on it). IPv6 is
  off on both ends, so the kernel's own router solicitations are not counted;
- ``/etc/resolv.conf`` bind-mounted to name ``Resolver``, a DNS server on loopback that records every
  query (by UDP and TCP) and answers only the names it is told, with 127.0.0.1.

So a name Chromium looks up shows in ``Resolver.queries`` whichever resolver it uses (its own DNS client
or the system's ``getaddrinfo``), and anything it sends towards the internet shows in ``Sniffer.frames``.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import socketserver
import struct
import subprocess
import tempfile
import threading
from pathlib import Path

RESOLVER_ADDR = "127.0.0.53"
OUTSIDE, FAR_END = "outside0", "nowhere0"


def namespaces_work() -> bool:
    try:
        return subprocess.run(["unshare", "--user", "--map-root-user", "--net", "--mount", "true"],
                              capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def in_namespace(argv: list[str], timeout: float, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["unshare", "--user", "--map-root-user", "--net", "--mount", *argv],
                          capture_output=True, text=True, timeout=timeout, env=env)


def _ip(*args: str) -> str:
    return subprocess.run([shutil.which("ip") or "/usr/sbin/ip", *args], check=True, capture_output=True,
                          text=True).stdout


class Machine:
    """Sets up the namespace's network and resolver; call inside ``in_namespace``."""

    def __init__(self, names: dict[str, str]):
        _ip("link", "set", "lo", "up")
        Path("/proc/sys/net/ipv6/conf/default/disable_ipv6").write_text("1")
        _ip("link", "add", OUTSIDE, "type", "veth", "peer", "name", FAR_END)
        _ip("addr", "add", "192.0.2.2/24", "dev", OUTSIDE)
        for end in (OUTSIDE, FAR_END):
            _ip("link", "set", end, "up")
        far_mac = json.loads(_ip("-j", "link", "show", "dev", FAR_END))[0]["address"]  # /sys is the host's
        _ip("neigh", "add", "192.0.2.1", "lladdr", far_mac, "dev", OUTSIDE, "nud", "permanent")
        _ip("route", "add", "default", "via", "192.0.2.1")
        conf = Path(tempfile.mkdtemp()) / "resolv.conf"
        conf.write_text(f"nameserver {RESOLVER_ADDR}\n")
        subprocess.run(["mount", "--bind", str(conf), "/etc/resolv.conf"], check=True, capture_output=True)
        self.sniffer = Sniffer(FAR_END)
        self.resolver = Resolver(names)

    def stop(self) -> None:
        self.resolver.stop()
        self.sniffer.stop()


class Sniffer:
    """Every frame that reaches ``ifname`` (the far end of the namespace's only way off the machine)."""

    def __init__(self, ifname: str):
        self.frames: list[str] = []
        self._sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self._sock.bind((ifname, 0))
        self._sock.settimeout(0.2)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                frame = self._sock.recv(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            self.frames.append(_describe(frame))

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()
        self._sock.close()


def _describe(frame: bytes) -> str:
    """'udp 192.0.2.2 -> 198.51.100.7:3478' and the like: enough to say what left, nothing of its payload."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":  # IPv4 only (v6 is off)
        return f"ethertype {frame[12:14].hex()} ({len(frame)} bytes)"
    ip = frame[14:]
    proto = {1: "icmp", 6: "tcp", 17: "udp"}.get(ip[9], f"ip proto {ip[9]}")
    src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
    body = ip[(ip[0] & 0x0F) * 4:]
    if proto in ("tcp", "udp"):
        return f"{proto} {src} -> {dst}:{struct.unpack('!H', body[2:4])[0]}"
    if ip[9] == 2 and body[:1] == b"\x22":  # an IGMPv3 report: the multicast groups joined or left
        groups = [socket.inet_ntoa(body[8 + 8 * i + 4:8 + 8 * i + 8]) for i in range(struct.unpack("!H", body[6:8])[0])]
        return f"igmp {src} -> {dst} groups {','.join(groups)}"
    return f"{proto} {src} -> {dst}"


class Resolver:
    """A DNS server on loopback port 53 that records every name asked and knows only ``names``."""

    def __init__(self, names: dict[str, str]):
        self.names = {n.lower().rstrip("."): a for n, a in names.items()}
        self.queries: list[str] = []
        resolver = self

        class Udp(socketserver.BaseRequestHandler):
            def handle(self):
                data, sock = self.request
                sock.sendto(resolver._answer(data), self.client_address)

        class Tcp(socketserver.StreamRequestHandler):
            def handle(self):
                size = struct.unpack("!H", self.rfile.read(2))[0]
                reply = resolver._answer(self.rfile.read(size))
                self.wfile.write(struct.pack("!H", len(reply)) + reply)

        self._servers = [socketserver.ThreadingUDPServer((RESOLVER_ADDR, 53), Udp),
                         socketserver.ThreadingTCPServer((RESOLVER_ADDR, 53), Tcp)]
        for server in self._servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def _answer(self, query: bytes) -> bytes:
        labels, i = [], 12
        while query[i]:
            labels.append(query[i + 1:i + 1 + query[i]].decode("ascii", "replace"))
            i += 1 + query[i]
        qtype = struct.unpack("!H", query[i + 1:i + 3])[0]
        question = query[12:i + 5]
        name = ".".join(labels).lower()
        self.queries.append(name)
        address = self.names.get(name)
        flags = 0x8180 if address is not None else 0x8183  # a response, recursion available; NXDOMAIN if unknown
        answers = b""
        if address is not None and qtype == 1:
            answers = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton(address)
        header = query[:2] + struct.pack("!HHHHH", flags, 1, 1 if answers else 0, 0, 0)
        return header + question + answers


def main_env() -> dict[str, str]:
    """The environment for a probe run in the namespace: this one, with Chromium's config kept apart."""
    return {**os.environ, "XDG_CONFIG_HOME": tempfile.mkdtemp(prefix="netns-xdg-")}
