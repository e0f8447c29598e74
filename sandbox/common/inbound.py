"""What people say to the owner on a replica: comments, replies to her comments, messages, reviews and
questions, who replied to what, and the faults a reply can meet.

Every replica with inbound pages keeps one ``Inbox`` in its world (same lock). Items grow on their own
(``grow_every_s`` > 0: one item per interval since the last reset, for every logged-in account, with text
and author drawn from a ``random.Random`` seeded with ``grow_seed`` + the item's number, so a run repeats),
or a test adds them at a time (``/__sandbox__/inbound``). Reading never changes anything here; only a reply
does, and ``posted`` counts the owner's accepted replies per item (exactly-once tests read it).
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

INBOUND_FAULTS = {
    "reply_private": False,        # every reply fails: 私密作品无法评论 (the work was made private)
    "reply_rate_limited": 0,       # the next N replies fail: 操作过于频繁，请稍后再试
    "reply_kicks_session": False,  # the next reply kicks the session out instead (nothing is posted)
    "reply_slider": 0,             # the next N replies meet a slider first (nothing is posted)
    "reply_target_deleted": 0,     # the next N replies find their comment deleted just before they land
    "reply_shadow": 0,             # the next N replies are accepted but shown only to their author
}
INBOUND_INT_FAULTS = ("reply_rate_limited", "reply_slider", "reply_target_deleted", "reply_shadow")
INBOUND_SETTINGS = {"grow_every_s": 0.0, "grow_seed": 1.0}

THREAD_SUFFIX = "p"
"""A page may name an item by its thread's id (the item id + this suffix: Xiaohongshu's owner comment that
a reply answers); a reply there is a reply to the item."""
AUTHORS = ("小鹿爱喝茶", "阿橙", "momo", "山野闲人", "Lynn_", "一只胖橘", "清风徐来", "橙子味的夏天")
TEXTS = ("请问这个多少钱？", "怎么购买呀", "发货快吗？", "有优惠吗", "太好看了吧", "这个适合送人吗",
         "已下单，期待！", "包邮吗？", "可以开发票吗", "质量怎么样？")


@dataclass
class Reply:
    id: str
    author: str
    text: str
    by_owner: bool
    at: datetime
    visible: bool = True
    """False: the site accepted it but shows it only to its author."""

    def public(self) -> dict:
        return {"id": self.id, "author": self.author, "text": self.text, "by_owner": self.by_owner,
                "at": self.at.isoformat(), "visible": self.visible}


@dataclass
class Item:
    id: str
    user: str
    """The owner's account the item is addressed to."""
    kind: str
    author: str
    text: str
    at: datetime
    target_id: str
    target_title: str
    extra: dict = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)
    deleted: bool = False

    @property
    def owner_replied(self) -> bool:
        return any(r.by_owner for r in self.replies)

    def public(self) -> dict:
        return {"id": self.id, "user": self.user, "kind": self.kind, "author": self.author, "text": self.text,
                "at": self.at.isoformat(), "target_id": self.target_id, "target_title": self.target_title,
                "extra": dict(self.extra), "deleted": self.deleted, "owner_replied": self.owner_replied,
                "replies": [r.public() for r in self.replies]}


@dataclass(frozen=True)
class Outcome:
    """What a reply met: ``ok`` (with the reply), or one of ``kicked`` ``slider`` ``rate`` ``private``
    ``gone`` ``missing``; each replica answers it in its own envelope and words."""

    status: str
    reply: Reply | None = None


class Inbox:
    def __init__(self, world, kinds: tuple[str, ...], targets: list[tuple[str, str]],
                 new_id: Callable[[random.Random], str], grow_kind: str):
        self.world = world
        self.lock = world.lock
        self.kinds = kinds
        self.seed_targets = list(targets)
        """(id, title) of the works/notes/items the owner has when the replica starts (GUESS content)."""
        self.new_id = new_id
        self.grow_kind = grow_kind
        self.items: list[Item] = []
        self.posted: dict[str, int] = {}
        """item id -> replies the owner posted that the site accepted."""
        self.writes = 0
        """Requests that changed anything (reply attempts); reading leaves it as it is."""
        self.grown = 0
        self.started = time.time()

    # -- adding --------------------------------------------------------------------------------------
    def add(self, *, user: str, kind: str, author: str, text: str, at: datetime | None = None,
            target_id: str | None = None, target_title: str | None = None, extra: dict | None = None,
            owner_reply: str | None = None, item_id: str | None = None) -> Item:
        if kind not in self.kinds:
            raise ValueError(f"kind must be one of {self.kinds}")
        with self.lock:
            default_id, default_title = self.seed_targets[0] if self.seed_targets else ("", "")
            item = Item(id=item_id or self.new_id(random.Random()), user=user, kind=kind, author=author, text=text,
                        at=at or datetime.now(timezone.utc), target_id=target_id or default_id,
                        target_title=target_title or self.title_of(target_id) or default_title,
                        extra=dict(extra or {}))
            if owner_reply:
                item.replies.append(Reply(self.new_id(random.Random()), user, owner_reply, True, item.at))
            self.items.insert(0, item)
            return item

    def title_of(self, target_id: str | None) -> str | None:
        return next((t for i, t in self.seed_targets if i == target_id), None)

    def grow(self, count: int | None = None) -> None:
        """Add the items due by now (``count`` more at once when given), each from its own seeded draw."""
        with self.lock:
            every = float(self.world.settings.get("grow_every_s") or 0)
            if count is None:
                if every <= 0:
                    return
                count = int((time.time() - self.started) / every) - self.grown
            users = sorted(self.world.current) or ["demo"]
            for _ in range(max(0, count)):
                rng = random.Random(int(self.world.settings.get("grow_seed", 1)) * 100_003 + self.grown)
                target_id, target_title = rng.choice(self.seed_targets)
                for user in users:
                    self.add(user=user, kind=self.grow_kind, author=rng.choice(AUTHORS), text=rng.choice(TEXTS),
                             target_id=target_id, target_title=target_title, item_id=self.new_id(rng),
                             extra=self.grown_extra(rng))
                self.grown += 1

    def grown_extra(self, rng: random.Random) -> dict:
        return {"rating": rng.choice(("好评", "好评", "中评", "差评"))} if self.grow_kind == "review" else {}

    # -- reading ------------------------------------------------------------------------------------
    def of(self, user: str, kind: str | None = None, target_id: str | None = None) -> list[Item]:
        """The account's live items, newest first; grows what is due first (the site's own doing)."""
        self.grow()
        with self.lock:
            return [i for i in self.items if i.user == user and not i.deleted and (kind is None or i.kind == kind)
                    and (target_id is None or i.target_id == target_id)]

    def targets_of(self, user: str, kind: str | None = None) -> list[tuple[str, str]]:
        """Works/notes/items the account has, with or without items (of ``kind``) on them, first seen first."""
        seen = dict(self.seed_targets)
        for item in reversed(self.of(user, kind)):
            seen.setdefault(item.target_id, item.target_title)
        return list(seen.items())

    def get(self, user: str, item_id: str) -> Item | None:
        with self.lock:
            return next((i for i in self.items if i.id == item_id and i.user == user), None)

    # -- replying -----------------------------------------------------------------------------------
    def reply(self, user: str, cookie: str, item_id: str, text: str) -> Outcome:
        """The owner's reply, through the faults in the order the site meets them."""
        f = self.world.faults
        with self.lock:
            self.writes += 1
            item = self.get(user, item_id)
            if item is None:
                return Outcome("missing")
            if f.get("reply_kicks_session"):
                f["reply_kicks_session"] = False
                self.world.kick(cookie)
                return Outcome("kicked")
            if self.world.take("reply_slider"):
                return Outcome("slider")
            if self.world.take("reply_rate_limited"):
                return Outcome("rate")
            if f.get("reply_private"):
                return Outcome("private")
            if self.world.take("reply_target_deleted"):
                item.deleted = True
            if item.deleted:
                return Outcome("gone")
            reply = Reply(self.new_id(random.Random()), user, text, True, datetime.now(timezone.utc),
                          visible=not self.world.take("reply_shadow"))
            item.replies.append(reply)
            self.posted[item.id] = self.posted.get(item.id, 0) + 1
            return Outcome("ok", reply)

    def owner_answers(self, item_id: str, text: str) -> Item | None:
        """The owner answers an item herself in the site's app (not through the reply pages: ``posted`` and
        ``writes`` count what our service sent)."""
        with self.lock:
            item = next((i for i in self.items if i.id == item_id), None)
            if item is not None:
                item.replies.append(Reply(self.new_id(random.Random()), item.user, text, True,
                                          datetime.now(timezone.utc)))
            return item

    async def answer(self, request, cookie_name: str, id_field: str, text_field: str, limit: int) -> Outcome:
        """A reply request as the site takes it: ``logged_out`` without a live session, ``invalid`` for an
        empty or too long text, else (after the site's think time) what ``reply`` met."""
        cookie = request.cookies.get(cookie_name, "")
        user = self.world.api_user(cookie)
        if not user:
            return Outcome("logged_out")
        body = await request.json()
        text = str(body.get(text_field) or "").strip()
        if not text or len(text) > limit:
            return Outcome("invalid")
        await asyncio.sleep(self.world.delay(random.uniform(0.3, 0.8), 0.01))
        return self.reply(user, cookie, str(body.get(id_field) or "").removesuffix(THREAD_SUFFIX), text)

    def snapshot(self) -> dict:
        self.grow()
        with self.lock:
            return {"items": [i.public() for i in self.items], "posted": dict(self.posted), "writes": self.writes,
                    "grown": self.grown}


def minutes_ago(minutes: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(minutes=minutes)


def digits_id(length: int) -> Callable[[random.Random], str]:
    """Numeric ids of ``length`` digits (Douyin cids are 19, Taobao feed ids 13 GUESS)."""
    return lambda rng: str(rng.randint(7 * 10 ** (length - 1), 10 ** length - 1))


def hex_id(rng: random.Random) -> str:
    """24 hex characters, like Xiaohongshu ids."""
    return "%024x" % rng.getrandbits(96)

