"""A reminder in the owner's words, read without a model.

    read("每月5号提醒我交房租", now)          recurring: cron ``0 10 5 * *`` in the workspace zone
    read("下周三前给张总报价", now)            deadline: reminded the morning before and on the day, at 09:00
    read("明天下午3点提醒我给李姐回电话", now)  once
    read("每周一早上9点提醒我盘点库存", now)    recurring: ``0 9 * * 1``

Days and clocks are read by the planner's own readers (``planning.when`` for one time, ``planning.recurrence``
for a repeating one), so 下周X, 月底, 晚上8点半 mean here what they mean in a 派活 plan. ``now`` is aware, in
the workspace's zone; the times returned are in that zone (stored as UTC by the caller). Words that name no
time, no thing to do, or a time already past raise ``WordingError`` with a Chinese sentence naming what is
missing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from croniter import croniter

from planning import recurrence
from planning.when import GAP, TIME_RE, WEEKDAY_LABELS, resolve

EXAMPLES = "「明天下午3点提醒我给李姐回电话」「每月5号提醒我交房租」「下周三前给张总报价」"
TEXT_MAX = 200
WHAT_MAX = 100
AHEAD_AT = time(9, 0)
"""A deadline is reminded at this hour the day before and on the day."""
RECUR_START = re.compile(r"每天|每日|天天|每个?(?:周|星期|礼拜)|每个?月|(?:每个?)?工作日|每个?周末")
RECUR_DAYS = (recurrence.MONTH_END, recurrence.MONTHLY, recurrence.WORKDAYS, recurrence.WEEKENDS,
              recurrence.WEEKLY, recurrence.DAILY)
BEFORE = re.compile(r"\s*(?:之前|以前|前)")
REMIND = re.compile(r"(?:请|帮我|麻烦)?(?:记得)?提醒(?:一下)?(?:我们|我|咱们|咱)?(?:一下)?(?:要|该)?")
EDGES = re.compile(r"^[\s，。,、；;：:！!在要的]+|[\s，。,、；;！!的]+$")


class WordingError(ValueError):
    """The sentence is not a reminder this module can read; the message says what is missing."""


@dataclass(frozen=True)
class Wording:
    kind: str
    """once | recurring | deadline."""
    what: str
    times: list[datetime] = field(default_factory=list)
    """once / deadline: when it fires, in the workspace zone, in order."""
    cron: str | None = None
    rule: str = ""
    """recurring: the rule as the owner reads it (每月5日 10:00)."""
    deadline: datetime | None = None
    next_at: datetime | None = None
    """The first time it fires."""
    understood_as: str = ""
    """When a model restated unusual words (``butler.model_wording``): the sentence that was read."""

    def confirm_text(self) -> str:
        """What the owner is shown to confirm: 「将在 2026年12月9日（周三）09:00 提醒：给张总报价」."""
        said = f"按「{self.understood_as}」理解，" if self.understood_as else ""
        return said + self._when_text()

    def _when_text(self) -> str:
        if self.kind == "recurring":
            return f"将在{self.rule} 提醒：{self.what}（下次 {when_label(self.next_at)}）"
        times = "、".join(when_label(t) for t in self.times)
        if self.kind == "deadline":
            return f"将在 {times} 提醒：{self.what}（截止 {deadline_label(self.deadline)}）"
        return f"将在 {times} 提醒：{self.what}"


def day_label(at: datetime) -> str:
    return f"{at.year}年{at.month}月{at.day}日（周{WEEKDAY_LABELS[at.weekday()]}）"


def when_label(at: datetime) -> str:
    return f"{day_label(at)}{at:%H:%M}"


def deadline_label(at: datetime) -> str:
    """A deadline said without a clock is the end of its day (23:59): shown as the day alone."""
    return day_label(at) if (at.hour, at.minute) == (23, 59) else when_label(at)


def read(text: str, now: datetime) -> Wording:
    raw = re.sub(r"\s+", " ", (text or "").strip())
    if not raw:
        raise WordingError(f"请写下要提醒的事和时间，例如{EXAMPLES}")
    if len(raw) > TEXT_MAX:
        raise WordingError(f"提醒内容不能超过{TEXT_MAX}个字（现在{len(raw)}个字）")
    start = RECUR_START.search(raw)
    if start:
        return _recurring(raw, start.start(), now)
    when = resolve(raw, now)
    if when is None:
        raise WordingError(f"「{raw}」里没有说什么时候提醒：请写上日子或时间，例如{EXAMPLES}")
    before = BEFORE.match(raw, when.end)
    if not before and when.time_assumed and not REMIND.search(raw):  # 「整理一下今天的数据」: a day, but no ask
        raise WordingError(f"「{raw}」没看出要提醒什么：请说什么时候提醒你做什么，例如{EXAMPLES}")
    rest = raw[:when.start] + raw[(before.end() if before else when.end):]
    what = _what(rest, raw)
    if before:
        return _deadline(what, when, now)
    if when.past:
        raise WordingError(f"「{when.text}」（{when_label(when.at)}）已经过了，请换一个以后的时间")
    return Wording("once", what, [when.at], next_at=when.at)


def _recurring(raw: str, start: int, now: datetime) -> Wording:
    days = next((m for m in (p.match(raw, start) for p in RECUR_DAYS) if m), None)
    if days is None:
        raise WordingError(f"「{raw}」里的重复时间看不懂：请写每天、每周几或每月几号，例如「每周一早上9点」「每月5号」")
    clock = TIME_RE.match(raw, GAP.match(raw, days.end()).end())
    end = clock.end() if clock and clock.group(0) else days.end()
    try:
        rule = recurrence.parse(raw[start:end])
    except recurrence.RecurrenceError as e:
        raise WordingError(str(e)) from None
    what = _what(raw[:start] + raw[end:], raw)
    first = croniter(rule.cron, now).get_next(datetime)
    return Wording("recurring", what, cron=rule.cron, rule=rule.label, next_at=first)


def _deadline(what: str, when, now: datetime) -> Wording:
    deadline = when.at
    if deadline <= now:
        raise WordingError(f"截止时间「{when.text}」（{when_label(deadline)}）已经过了，请换一个以后的日子")
    day = deadline.replace(hour=AHEAD_AT.hour, minute=AHEAD_AT.minute)
    on_the_day = day if when.time_assumed or deadline - day >= timedelta(hours=1) else deadline - timedelta(hours=1)
    times = [t for t in (day - timedelta(days=1), on_the_day) if t > now]
    if not times:  # said on the day, after the morning reminder's hour: remind a minute from now
        times = [(now + timedelta(minutes=1)).replace(second=0, microsecond=0)]
    shown = deadline.replace(hour=23, minute=59) if when.time_assumed else deadline
    return Wording("deadline", what, times, deadline=shown, next_at=times[0])


def _what(rest: str, raw: str) -> str:
    what = EDGES.sub("", REMIND.sub("", rest, count=1)).strip()
    what = EDGES.sub("", what)
    if not what:
        raise WordingError(f"「{raw}」里没有说提醒什么事：请写上要做的事，例如{EXAMPLES}")
    if len(what) > WHAT_MAX:
        raise WordingError(f"要提醒的事不能超过{WHAT_MAX}个字")
    return what
