"""Group bots: 企业微信, 钉钉 and 飞书 custom-bot webhooks, each in its own message format.

    body(kind, title, text, markdown) -> the JSON the bot takes
    send(channel, vault, title, text, markdown) -> "" when the bot took it, else why not (Chinese)

企业微信 takes ``{"msgtype": "markdown", "markdown": {"content"}}`` (or ``text``) and answers ``errcode``;
钉钉 takes ``{"msgtype": "markdown", "markdown": {"title", "text"}}`` (or ``text``), optionally signed with
``timestamp`` (ms) and ``sign`` in the address's query; 飞书 takes ``{"msg_type": "interactive", "card"}`` (or
``text``), optionally signed with ``timestamp`` (s) and ``sign`` in the body, and answers ``code``. The
address is the bot's key: it is sealed in the vault, shown masked, and never logged (only the failure's kind).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from urllib.parse import quote_plus, urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from butler.models import Channel
from rpa.vault import Vault

log = logging.getLogger("butler.channels")

KINDS = {"wecom": "企业微信", "dingtalk": "钉钉", "feishu": "飞书"}
SIGNED = {"dingtalk", "feishu"}
"""Kinds whose bots may be set to check a signature (加签 / 签名校验)."""
URL_MAX = 500
SECRET_MAX = 200
SEND_TIMEOUT_S = 5.0


def body(kind: str, title: str, text: str, markdown: str | None = None, now: float | None = None,
         secret: str = "") -> dict:
    """The message as the kind's bot takes it; markdown when given (a brief), plain text otherwise."""
    if kind == "wecom":
        if markdown:
            return {"msgtype": "markdown", "markdown": {"content": markdown}}
        return {"msgtype": "text", "text": {"content": text}}
    if kind == "dingtalk":
        if markdown:
            return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
        return {"msgtype": "text", "text": {"content": text}}
    if kind == "feishu":
        if markdown:
            out = {"msg_type": "interactive",
                   "card": {"header": {"title": {"tag": "plain_text", "content": title}},
                            "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": markdown}}]}}
        else:
            out = {"msg_type": "text", "content": {"text": text}}
        if secret:
            stamp = str(int(now if now is not None else time.time()))
            out = {"timestamp": stamp, "sign": feishu_sign(stamp, secret), **out}
        return out
    raise ValueError(f"unknown channel kind {kind}")


def feishu_sign(stamp: str, secret: str) -> str:
    """飞书: HMAC-SHA256 keyed by "timestamp\\nsecret" over nothing, base64."""
    return base64.b64encode(hmac.new(f"{stamp}\n{secret}".encode(), digestmod=hashlib.sha256).digest()).decode()


def dingtalk_sign(stamp_ms: str, secret: str) -> str:
    """钉钉: HMAC-SHA256 keyed by the secret over "timestamp\\nsecret", base64, URL-encoded."""
    digest = hmac.new(secret.encode(), f"{stamp_ms}\n{secret}".encode(), digestmod=hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def address(kind: str, url: str, secret: str, now: float | None = None) -> str:
    """钉钉's signature travels in the address's query; the others' address is used as it is."""
    if kind != "dingtalk" or not secret:
        return url
    stamp = str(int((now if now is not None else time.time()) * 1000))
    return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={dingtalk_sign(stamp, secret)}"


def mask(url: str) -> str:
    """What the owner sees of an address: its host and the last 4 characters of its key."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…{url[-4:]}"


def url_error(url: str, secret: str) -> str:
    """Why the webhook address or secret cannot be saved ("" when they can)."""
    parts = urlsplit(url)
    if not url:
        return "请填写机器人的 Webhook 地址"
    if len(url) > URL_MAX:
        return f"Webhook 地址不能超过{URL_MAX}个字符"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "Webhook 地址要以 https:// 开头，从群机器人设置里整段复制"
    if len(secret) > SECRET_MAX:
        return f"签名密钥不能超过{SECRET_MAX}个字符"
    return ""


def answered_ok(kind: str, reply: httpx.Response) -> str:
    """The bots answer 200 with an error code in the body: "" when it is 0, else the bot's own words."""
    try:
        data = reply.json()
    except ValueError:
        return ""
    code = data.get("code", data.get("StatusCode", 0)) if kind == "feishu" else data.get("errcode", 0)
    if code in (0, None):
        return ""
    said = data.get("msg") or data.get("errmsg") or ""
    return f"机器人拒收（错误码 {code}{'：' + said[:60] if said else ''}）"


def send(channel: Channel, vault: Vault, title: str, text: str, markdown: str | None = None) -> str:
    """Post one message; "" when the bot took it, else the reason in Chinese. Never logs the address."""
    secret = vault.unseal(channel.sealed)
    key = secret.get("secret", "")
    try:
        reply = httpx.post(address(channel.kind, secret["url"], key),
                           json=body(channel.kind, title, text, markdown, secret=key), timeout=SEND_TIMEOUT_S)
        reply.raise_for_status()
    except httpx.HTTPStatusError as e:
        log.warning("channel %s: bot answered %s", channel.id, e.response.status_code)
        return f"机器人地址回复了错误（HTTP {e.response.status_code}）"
    except httpx.HTTPError as e:
        log.warning("channel %s: not sent (%s)", channel.id, type(e).__name__)
        return "连不上机器人地址，请检查网络和地址"
    refused = answered_ok(channel.kind, reply)
    if refused:
        log.warning("channel %s: bot refused the message", channel.id)
    return refused


class WorkspaceBots:
    """The workspaces' group bots for ``core.notify`` (a card waiting, a code asked, a return due): a message
    counts as told when one of the workspace's bots took it (the others' failures are logged, not retried,
    so no bot is told twice)."""

    def __init__(self, db: sessionmaker[Session], vault: Vault):
        self.db, self.vault = db, vault

    def _bots(self, workspace_id: str) -> list[Channel]:
        with self.db() as s:
            return list(s.scalars(select(Channel).where(Channel.workspace_id == workspace_id, Channel.enabled)
                                  .order_by(Channel.created_at)))

    def has(self, workspace_id: str) -> bool:
        return bool(self._bots(workspace_id))

    def send(self, workspace_id: str, text: str, url: str | None) -> bool:
        line = f"{text}\n{url}" if url else text
        outcomes = [send(bot, self.vault, "运营管家", line) for bot in self._bots(workspace_id)]
        return any(not failed for failed in outcomes)
