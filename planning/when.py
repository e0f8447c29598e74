"""Chinese time expressions in an owner's request, resolved against a given ``now``.

``resolve("下周一上午10点在小红书发", now)`` finds the first time expression and returns a ``When``: the
aware datetime in ``now``'s time zone (the workspace's), the matched span, and what was assumed. Covered:

- days: 今天 明天 后天 大后天 今晚 明早; 下周一…下周日, 本周五/这周六, bare 周一/星期一 (the coming one);
  3天后, 一周后; 12月1日 / 12月1号 / 2026年12月1日 / 2026-12-01; 1号; 月底 月末 月初 月中, 下个月初, 12月底
- clock: 10点 10点半 10:30 下午3点一刻 8点10分; 上午/中午/下午/傍晚/晚上 shift the hour (晚上8点 = 20:00);
  a period alone (明天下午) takes its usual hour; a bare 1–6点 means the afternoon (nobody posts at 3 am)
- exact offsets: 两小时后 半小时后 30分钟后

A date without a clock gets ``DEFAULT_TIME`` and ``time_assumed``. Relative days resolve to
their next occurrence: a weekday of this week that is already over (这周五 said on a Sunday) is next
week's, with ``rolled_over`` set for the plan to say so; a time that is already past rolls forward where
the owner left the day open (a clock alone → tomorrow, today's weekday → next week). A day that is today
or named outright with a time already past (今天上午9点 at 15:00, 本周一 on a Monday afternoon) is
returned with ``past`` set: the plan asks for another time rather than guess.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

DEFAULT_TIME = time(10, 0)
NUM = r"(?:\d{1,2}|[零〇一二两三四五六七八九十]{1,3})"
DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5,
            **{str(i): i - 1 for i in range(1, 8)}}
WEEKDAY_LABELS = "一二三四五六日"

PERIOD = r"凌晨|清晨|早上|早晨|上午|中午|午间|下午|午后|傍晚|晚上|夜里|夜间|半夜"
PERIOD_HOURS = {"凌晨": 6, "清晨": 7, "早上": 8, "早晨": 8, "上午": 10, "中午": 12, "午间": 12, "下午": 15,
                "午后": 15, "傍晚": 18, "晚上": 20, "夜里": 21, "夜间": 21, "半夜": 23}
EVENING = {"下午", "午后", "傍晚", "晚上", "夜里", "夜间", "半夜"}
CLOCK = rf"(?:\d{{1,2}}\s*[:：]\s*\d{{2}}|{NUM}\s*[点點时](?:\s*半|\s*[一三]刻|\s*{NUM}\s*分?|整|钟)?)"
TIME_RE = re.compile(rf"(?P<period>{PERIOD})?\s*(?P<clock>{CLOCK})?")
CLOCK_RE = re.compile(rf"(?:(?P<hh>\d{{1,2}})\s*[:：]\s*(?P<mm>\d{{2}})|(?P<h>{NUM})\s*[点點时]"
                      rf"(?:\s*(?P<half>半)|\s*(?P<q>[一三])刻|\s*(?P<m>{NUM})\s*分?|整|钟)?)")
GAP = re.compile(r"[\s的]*")


def cn_int(text: str) -> int | None:
    """``12`` / ``十二`` / ``二十三`` / ``两`` as an int; None for what is not a number."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        return (DIGITS.get(tens, -99) if tens else 1) * 10 + (DIGITS.get(ones, -99) if ones else 0)
    return DIGITS.get(text) if len(text) == 1 else None


@dataclass(frozen=True)
class When:
    at: datetime
    """Aware, in the time zone of the ``now`` it was resolved against."""
    start: int
    end: int
    text: str
    """The matched words, e.g. ``下周一上午10点``."""
    time_assumed: bool = False
    """No clock was given: ``DEFAULT_TIME`` (or the period's usual hour) was used."""
    rolled_over: bool = False
    """The time had passed, and the day was open, so it moved to the next day/week."""
    past: bool = False
    """The owner named a day and time that is already over."""

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    def label(self) -> str:
        """How the owner sees it: ``11月30日 周一 10:00``."""
        return f"{self.at.month}月{self.at.day}日 周{WEEKDAY_LABELS[self.at.weekday()]} {self.at:%H:%M}"


@dataclass(frozen=True)
class _Day:
    start: int
    end: int
    day: date
    roll_days: int = 0
    period: str | None = None
    """A period the day word implies (今晚 → 晚上)."""
    moved: bool = False
    """The day the words name this week was already over, so the next one was taken (这周五 on a Sunday)."""


@dataclass(frozen=True)
class _Exact:
    start: int
    end: int
    at: datetime


@dataclass(frozen=True)
class _Clock:
    start: int
    end: int
    hour: int | None
    minute: int
    period: str | None


def _relative_day(m: re.Match, now: datetime) -> _Day:
    word = m.group(0)
    offset = 3 if word.startswith("大后") else 2 if word.startswith("后") else 1 if word.startswith("明") else 0
    period = "晚上" if word.endswith("晚") else "早上" if word.endswith("早") else None
    return _Day(m.start(), m.end(), now.date() + timedelta(days=offset), period=period)


def _weekday(m: re.Match, now: datetime) -> _Day:
    target, today = WEEKDAYS[m.group("d")], now.weekday()
    monday = now.date() - timedelta(days=today)
    prefix = m.group("pre")
    if prefix:
        weeks = 2 if prefix.startswith("下下") else 1 if prefix.startswith("下") else 0
        day = monday + timedelta(weeks=weeks, days=target)
        if weeks == 0 and m.group("d") == "末" and today == 6:
            return _Day(m.start(), m.end(), now.date())  # 这周末 said on a Sunday: today
        if day < now.date():  # 这周五 said on a Sunday: nobody plans a post for two days ago
            return _Day(m.start(), m.end(), day + timedelta(weeks=1), moved=True)
        return _Day(m.start(), m.end(), day)
    ahead = (target - today) % 7
    return _Day(m.start(), m.end(), now.date() + timedelta(days=ahead), roll_days=7 if ahead == 0 else 0)


def _offset(m: re.Match, now: datetime) -> _Day | _Exact | None:
    n = 0.5 if m.group("n") == "半" else cn_int(m.group("n"))
    if n is None:
        return None
    unit = m.group("u")
    if unit in ("小时", "钟头", "分钟"):
        delta = timedelta(minutes=n) if unit == "分钟" else timedelta(hours=n)
        return _Exact(m.start(), m.end(), (now + delta).replace(second=0, microsecond=0))
    days = n * 7 if unit in ("周", "星期", "礼拜") else n
    return _Day(m.start(), m.end(), now.date() + timedelta(days=int(days)))


def _full_date(m: re.Match, now: datetime) -> _Day | None:
    month, day = cn_int(m.group("mo")), cn_int(m.group("d"))
    year = int(m.group("y")) if m.group("y") else now.year
    found = _date(year, month, day)
    if found and not m.group("y") and found < now.date():
        found = _date(year + 1, month, day)  # 1月5日 said in December is next year's
    return _Day(m.start(), m.end(), found) if found else None


def _month_day(m: re.Match, now: datetime) -> _Day | None:
    day = cn_int(m.group("d"))
    found = _date(now.year, now.month, day)
    if found and found < now.date():
        found = _date(*_add_months(now.year, now.month, 1), day)
    return _Day(m.start(), m.end(), found) if found else None


def _month_part(m: re.Match, now: datetime) -> _Day | None:
    which, part = m.group("which") or "", m.group("pos")
    year, month = now.year, now.month
    if m.group("mo"):
        month = cn_int(m.group("mo")) or 0
        if not 1 <= month <= 12:
            return None
        year += month < now.month
    elif which.startswith("下"):
        year, month = _add_months(year, month, 2 if which.startswith("下下") else 1)
    found = _part_of_month(year, month, part)
    if not (which or m.group("mo")) and found < now.date():
        found = _part_of_month(*_add_months(year, month, 1), part)  # 月初 said on the 5th: next month's
    return _Day(m.start(), m.end(), found)


def _part_of_month(year: int, month: int, part: str) -> date:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, {"底": last, "末": last, "初": 1, "中": 15}[part])


DAY_RULES = [
    (re.compile(r"大后天|后天|明天|明日|明早|明晚|今天|今日|今早|今晚|今儿"), _relative_day),
    (re.compile(r"(?P<pre>下下个?|下个?|本|这个?)?(?:周|星期|礼拜)(?P<d>[一二三四五六日天末1-7])"), _weekday),
    (re.compile(rf"(?P<n>{NUM}|半)\s*个?\s*(?P<u>天|日|小时|钟头|分钟|周|星期|礼拜)\s*(?:后|以后|之后)"), _offset),
    (re.compile(rf"(?:(?P<y>\d{{4}})\s*年\s*)?(?P<mo>{NUM})\s*月\s*(?P<d>{NUM})\s*(?:日|号|號)?"), _full_date),
    (re.compile(r"(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})"), _full_date),
    (re.compile(rf"(?<![\d零〇一二两三四五六七八九十月])(?P<d>{NUM})\s*(?:号|號|日)"), _month_day),
    (re.compile(rf"(?:(?P<mo>{NUM})|(?P<which>下下个?|下个?|本|这个?))?月(?P<pos>底|末|初|中)"), _month_part),
]


def resolve(text: str, now: datetime) -> When | None:
    """The first time expression in ``text`` resolved against ``now`` (aware); None when there is none."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (the workspace's zone)")
    anchor = _first_day(text, now)
    if isinstance(anchor, _Exact):
        return When(anchor.at, anchor.start, anchor.end, text[anchor.start:anchor.end])
    if anchor is None:
        clock = _first_standalone_clock(text)
        if clock is None:
            return None
        anchor = _Day(clock.start, clock.end, now.date(), roll_days=1)
    else:
        clock = _clock_at(text, GAP.match(text, anchor.end).end()) or _clock_before(text, anchor)
    return _combine(text, now, anchor, clock)


def _combine(text: str, now: datetime, day: _Day, clock: _Clock | None) -> When | None:
    period = (clock.period if clock else None) or day.period
    hour = clock.hour if clock else None
    assumed = hour is None
    if hour is None:
        hour = PERIOD_HOURS[period] if period else DEFAULT_TIME.hour
    minute = clock.minute if clock and clock.hour is not None else 0 if period else DEFAULT_TIME.minute
    hour = _shift(hour, period)
    if hour is None or not 0 <= minute < 60:
        return None
    at = datetime.combine(day.day, time(0), tzinfo=now.tzinfo) + timedelta(hours=hour, minutes=minute)
    rolled, past = day.moved, False
    if at <= now:
        if day.roll_days:
            at, rolled = at + timedelta(days=day.roll_days), True
        else:
            past = True
    start = min(day.start, clock.start) if clock else day.start
    end = max(day.end, clock.end) if clock else day.end
    return When(at, start, end, text[start:end], time_assumed=assumed, rolled_over=rolled, past=past)


def _shift(hour: int, period: str | None) -> int | None:
    """The 24-hour clock: 晚上8点 → 20, 中午1点 → 13, 晚上12点 → 24 (the midnight that ends the day),
    a bare 3点 → 15 (posts are not scheduled at 3 am)."""
    if period in EVENING:
        if hour < 12:
            hour += 12
        elif hour == 12 and period != "下午":
            hour = 24
    elif period in ("中午", "午间") and hour < 6:
        hour += 12
    elif period is None and 1 <= hour <= 6:
        hour += 12
    return hour if 0 <= hour <= 24 else None


def _first_day(text: str, now: datetime) -> _Day | _Exact | None:
    best: tuple[int, int, _Day | _Exact] | None = None
    for pattern, rule in DAY_RULES:
        for m in pattern.finditer(text):
            hit = rule(m, now)
            if hit is not None and (best is None or (hit.start, -hit.end) < best[:2]):
                best = (hit.start, -hit.end, hit)
                break
    return best[2] if best else None


def _clock_at(text: str, pos: int) -> _Clock | None:
    m = TIME_RE.match(text, pos)
    if not m or not (m.group("period") or m.group("clock")):
        return None
    hour, minute = _clock_value(m.group("clock")) if m.group("clock") else (None, 0)
    if m.group("clock") and hour is None:
        return None
    return _Clock(m.start(), m.end(), hour, minute, m.group("period"))


def _clock_before(text: str, day: _Day) -> _Clock | None:
    """``上午10点下周一``: a clock that ends right where the day word starts."""
    for m in TIME_RE.finditer(text, 0, day.start):
        if m.group(0) and GAP.fullmatch(text, m.end(), day.start):
            return _clock_at(text, m.start())
    return None


def _first_standalone_clock(text: str) -> _Clock | None:
    # Without a day word, a clock needs a period or digits: 「写得活泼一点」 is not 13:00.
    for m in TIME_RE.finditer(text):
        if m.group("period") or (m.group("clock") and re.match(r"\d", m.group("clock"))):
            clock = _clock_at(text, m.start())
            if clock:
                return clock
    return None


def _clock_value(clock: str) -> tuple[int | None, int]:
    m = CLOCK_RE.fullmatch(clock.strip())
    if not m:
        return None, 0
    if m.group("hh"):
        return int(m.group("hh")), int(m.group("mm"))
    minute = 30 if m.group("half") else 15 * (1 if m.group("q") == "一" else 3) if m.group("q") else 0
    if m.group("m"):
        minute = cn_int(m.group("m"))
    return cn_int(m.group("h")), minute if minute is not None else 99


def _date(year: int, month: int | None, day: int | None) -> date | None:
    try:
        return date(year, month or 0, day or 0)
    except ValueError:
        return None


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1
