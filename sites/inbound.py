"""The inbound shape every replying adapter shares: what it reads from a site's inbox pages and how it
answers one item. The inbound workflow (客服代表) only talks to this interface.

- ``read_inbox`` is read-only: it opens the site's own inbox pages and returns what is there, unreplied
  items first. It never clicks anything that changes the site (no 已读, no like).
- ``reply`` is the irreversible click: it types the text under the item and presses the site's send
  button, then waits for the site's own success signal. The caller writes its ledger intent before it.
- ``find_reply`` reads back under the item: the owner's reply with the site's author label (作者),
  and whether others see it (``visible``: a reply the site holds back shows only to its author).

Errors are ``core.errors`` types: ``RateLimited`` (the site's 操作过于频繁, carrying its words),
``TargetGone`` (the comment was deleted, 私密作品无法评论), ``LoginRequired`` (the session was kicked
out), ``SliderRequired`` (a slider), ``SiteTimeout`` / ``PageChanged`` as everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol
from urllib.parse import urlsplit

from playwright.sync_api import Page

from core.errors import ValidationFailed
from sites.common import parse_site_time

KINDS = ("comment", "reply", "message", "review", "question")
"""``comment`` on the owner's work/note; ``reply`` to the owner's own comment; ``message`` a direct message;
``review`` a buyer's review (评价); ``question`` a 问大家 question on an item."""


@dataclass(frozen=True)
class Inbound:
    """One thing someone said to the owner on a site, as the site's inbox page shows it."""

    site: str
    """Registry key of the site (``douyin`` …)."""
    account_key: str | None
    """The owner's account on that site; the adapter leaves it None, the caller fills it."""
    kind: str
    """One of ``KINDS``."""
    item_id: str
    """The site's own id of the comment / message / review; the ledger key is (site, account, item_id)."""
    author: str
    """The author's nickname as shown (Taobao masks buyers: ``w**``)."""
    text: str
    at: datetime
    """When it was said, UTC, aware."""
    target_id: str | None
    """The work / note / item it is on (作品ID, 笔记ID, 商品ID); the conversation id for a message."""
    target_title: str | None
    thread: tuple[str, ...] = ()
    """Earlier messages of the same conversation or comment thread, oldest first (``昵称：内容``)."""
    owner_replied: bool = False
    """The owner's own reply (with the author label) already exists under it on the site."""
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    """Site specifics: ``rating`` 好评/中评/差评, ``append`` the 追评 text, ``order_id``, ``my_comment`` …"""


@dataclass(frozen=True)
class ReplyProof:
    """The owner's reply as read back under the item."""

    item_id: str
    """The reply's own id when the page shows one, else the item's id."""
    text: str
    by_author: bool
    """It carries the site's author label (作者 / 商家回复 …): the site counts it as the owner's."""
    visible: bool
    """False when the site accepted it but shows it only to its author (仅自己可见)."""


class InboundAdapter(Protocol):
    inbound_kinds: tuple[str, ...]
    """Which of ``KINDS`` this site has on its web pages."""
    reply_limit: int
    """The site's maximum reply length in characters."""

    def read_inbox(self, page: Page, since: datetime | None) -> list[Inbound]:
        """Items said at or after ``since`` (all when None), unreplied first; changes nothing on the site."""

    def reply(self, page: Page, item: Inbound, text: str) -> None:
        """Post ``text`` as the owner's reply to ``item`` and wait for the site's success signal."""

    def find_reply(self, page: Page, item: Inbound, text: str) -> ReplyProof | None:
        """The owner's reply with ``text`` under ``item``; None when it is not there."""


def sibling_url(base_url: str, real_domain: str, real_origin: str) -> str:
    """Where a page on another host of the same site lives: ``real_origin`` (``https://www.douyin.com``)
    when ``base_url`` is the real site, the base URL itself for a replica (one origin serves every host)."""
    host = urlsplit(base_url).hostname or ""
    return real_origin if host.endswith(real_domain) else base_url.rstrip("/")


def said_at(shown: str) -> datetime:
    """A row's shown Beijing time as UTC; now when the row shows none (or only a relative 3小时前)."""
    at = parse_site_time(shown)
    return at.astimezone(timezone.utc) if at else datetime.now(timezone.utc)


def before(at: datetime, since: datetime | None) -> bool:
    """Said before ``since``, compared at minute precision (the pages show no seconds)."""
    return since is not None and at < since.replace(second=0, microsecond=0)


def unreplied_first(items: list[Inbound]) -> list[Inbound]:
    """Unreplied before replied, newest first within each."""
    return sorted(items, key=lambda i: (i.owner_replied, -i.at.timestamp()))


def check_reply_text(text: str, limit: int, label: str) -> None:
    """Refuse an empty or too long reply before any browser work (the caller checks first; this is the
    adapter's own guard so a click never carries text the site would cut or refuse)."""
    stripped = text.strip()
    if not stripped:
        raise ValidationFailed([{"field": "reply", "limit": "不能为空", "message": f"{label}回复内容不能为空"}])
    if len(stripped) > limit:
        raise ValidationFailed([{"field": "reply", "limit": f"≤ {limit}",
                                 "message": f"{label}回复最多{limit}个字，现在{len(stripped)}个字"}])
