"""Fixtures for 运营管家: group bots on real local ports that check what the real ones check (the body's
shape, 钉钉's and 飞书's signatures), and a workspace with yesterday's numbers, cards, runs and deadlines."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from butler import channels
from butler.models import Channel
from core.db import transaction
from core.models import Account, Approval, Employee, Run, Workspace
from metrics.models import MetricPoint
from rpa.vault import Vault

KEYS = {"wecom": "/cgi-bin/webhook/send?key=8d2c-wecom-secret-key", "dingtalk": "/robot/send?access_token=ding-secret-token",
        "feishu": "/open-apis/bot/v2/hook/feishu-secret-hook"}
SIGNING = {"dingtalk": "SECding-signing-secret", "feishu": "feishu-signing-secret"}


def _shape_ok(kind: str, body: dict) -> bool:
    """The message types each bot accepts, with the fields it requires."""
    if kind == "wecom":
        return (body.get("msgtype") == "markdown" and body["markdown"].get("content")) or \
            (body.get("msgtype") == "text" and body["text"].get("content"))
    if kind == "dingtalk":
        return (body.get("msgtype") == "markdown" and body["markdown"].get("title") and body["markdown"].get("text")) \
            or (body.get("msgtype") == "text" and body["text"].get("content"))
    return (body.get("msg_type") == "interactive" and body["card"]["elements"]) or \
        (body.get("msg_type") == "text" and body["content"].get("text"))


def _signed_ok(kind: str, path: str, body: dict) -> bool:
    """钉钉: timestamp (ms) and sign in the query; 飞书: timestamp (s) and sign in the body, each within an hour."""
    if kind == "dingtalk":
        q = parse_qs(urlsplit(path).query)
        stamp, sign = q.get("timestamp", [""])[0], q.get("sign", [""])[0]
        want = base64.b64encode(hmac.new(SIGNING[kind].encode(), f"{stamp}\n{SIGNING[kind]}".encode(),
                                         hashlib.sha256).digest()).decode()
        return bool(stamp) and abs(time.time() * 1000 - int(stamp)) < 3600_000 and sign == want  # parse_qs decoded it once
    if kind == "feishu":
        stamp = body.get("timestamp", "")
        want = base64.b64encode(hmac.new(f"{stamp}\n{SIGNING[kind]}".encode(), b"", hashlib.sha256).digest()).decode()
        return bool(stamp) and abs(time.time() - int(stamp)) < 3600 and body.get("sign") == want
    return True


class Bots:
    """One local HTTP server answering as the three kinds of group bot, by path; records what each got."""

    def __init__(self):
        self.received: dict[str, list[dict]] = {k: [] for k in KEYS}
        self.fail_next: dict[str, int] = {}
        """kind -> how many of its next posts get a 502."""
        bots = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                kind = next(k for k, p in KEYS.items() if self.path.startswith(p.split("?")[0]))
                if bots.fail_next.get(kind):
                    bots.fail_next[kind] -= 1
                    self.send_response(502)
                    self.end_headers()
                    return
                if not _shape_ok(kind, body):
                    reply = {"errcode": 40008, "errmsg": "invalid message type"}
                elif not _signed_ok(kind, self.path, body):
                    reply = {"code": 19021, "msg": "sign match fail"} if kind == "feishu" else \
                        {"errcode": 310000, "errmsg": "sign not match"}
                else:
                    bots.received[kind].append(body)
                    reply = {"code": 0, "msg": "success"} if kind == "feishu" else {"errcode": 0, "errmsg": "ok"}
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(reply).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def url(self, kind: str) -> str:
        return self.base + KEYS[kind]

    def texts(self, kind: str) -> list[str]:
        """What the group would read, whatever the message type."""
        out = []
        for b in self.received[kind]:
            if kind == "feishu":
                out.append(b["card"]["elements"][0]["text"]["content"] if b["msg_type"] == "interactive"
                           else b["content"]["text"])
            else:
                inner = b[b["msgtype"]]
                out.append(inner.get("content") or inner.get("text"))
        return out


@pytest.fixture
def bots():
    b = Bots()
    yield b
    b.server.shutdown()


def add_channel(db, settings, ws_id: str, kind: str, url: str, secret: str = "") -> str:
    """A group bot stored as the API stores it (sealed by the vault)."""
    with transaction(db) as s:
        ch = Channel(workspace_id=ws_id, kind=kind, name=channels.KINDS[kind], masked_url=channels.mask(url),
                     sealed=Vault(settings).seal({"url": url, "secret": secret}), has_secret=bool(secret))
        s.add(ch)
        s.flush()
        return ch.id


def butler_workspace(db, brief_time: str = "") -> str:
    """A workspace with 运营管家 (its brief time set) and no accounts yet; its id."""
    with transaction(db) as s:
        ws = Workspace(name="运营测试")
        s.add(ws)
        s.flush()
        s.add(Employee(workspace_id=ws.id, role="operations", name="运营管家", mode="suggest",
                       settings={"brief_time": brief_time}))
        return ws.id


def brief_fixture(db, ws_id: str, today_utc_midnight: datetime) -> dict:
    """Yesterday's numbers on a Xiaohongshu account (and the day before's), a card waiting, a post timed for
    today, an account that needs login. ``today_utc_midnight``: local midnight of today, in UTC."""
    y, b = today_utc_midnight - timedelta(days=1), today_utc_midnight - timedelta(days=2)
    with transaction(db) as s:
        xhs = Account(workspace_id=ws_id, site="xiaohongshu", name="茶小铺", status="active")
        dy = Account(workspace_id=ws_id, site="douyin", name="茶小铺抖音", status="needs_login")
        s.add_all([xhs, dy])
        s.flush()
        emp = Employee(workspace_id=ws_id, role="marketing", name="营销专员")
        s.add(emp)
        s.flush()
        readings = [(b - timedelta(hours=1), 1000, 50, 200), (y - timedelta(hours=1), 1250, 60, 210),
                    (today_utc_midnight - timedelta(hours=1), 1570, 85, 230)]
        for at, views, likes, fans in readings:
            s.add(MetricPoint(workspace_id=ws_id, account_id=xhs.id, site="xiaohongshu", subject="post",
                              subject_id="6650aa01", metric="views", value=views, at=at))
            s.add(MetricPoint(workspace_id=ws_id, account_id=xhs.id, site="xiaohongshu", subject="post",
                              subject_id="6650aa01", metric="likes", value=likes, at=at))
            s.add(MetricPoint(workspace_id=ws_id, account_id=xhs.id, site="xiaohongshu", subject="account",
                              subject_id="", metric="fans", value=fans, at=at))
        waiting = Run(workspace_id=ws_id, account_id=xhs.id, employee_id=emp.id, site="xiaohongshu", mode="semi_auto",
                      status="awaiting_approval", content={"title": "桂花乌龙冷泡茶"})
        timed = Run(workspace_id=ws_id, account_id=xhs.id, employee_id=emp.id, site="xiaohongshu", mode="semi_auto",
                    status="scheduled", content={"title": "周末茶会"},
                    not_before=today_utc_midnight + timedelta(hours=12))
        s.add_all([waiting, timed])
        s.flush()
        s.add(Approval(run_id=waiting.id, fields={"title": "桂花乌龙冷泡茶"}))
    return {"xhs": xhs.id, "douyin": dy.id}


def taxpayer(db, ws_id: str, entity: str) -> str:
    """财务助手 with the owner's 纳税人类型 and a logged-in 电子税务局 account (the one tax deadlines come with)."""
    with transaction(db) as s:
        emp = Employee(workspace_id=ws_id, role="finance", name="财务助手", settings={"entity": entity})
        tax = Account(workspace_id=ws_id, site="etax", name="电子税务局", status="active")
        s.add_all([emp, tax])
        s.flush()
        return tax.id
