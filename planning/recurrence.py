"""A repeating time in plain Chinese, as cron, and back.

``parse("每周一上午10点")`` is ``Recurrence(cron="0 10 * * 1", label="每周一 10:00")``; a five-field cron
expression is taken as it is. ``describe(cron)`` says any cron the owner could have typed in Chinese
words (a custom one reads 自定义规则). Covered:

- days: 每天 每日 天天; 工作日 (周一至周五); 周末; 每周一 每星期三 每礼拜五, several (每周一、三、五,
  每周一和周四) and ranges (每周一到周五, 周一至周五); 每月5号 每个月5日, several (每月1号和15号),
  每月最后一天 / 每月月底
- clock: whatever ``planning.when`` reads (上午10点, 晚上8点半, 20:30, 下午三点一刻); a period alone takes its
  usual hour, no clock at all is ``planning.when.DEFAULT_TIME``

Anything else is refused with ``RecurrenceError``, whose message tells the owner what can be written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from croniter import croniter

from planning.when import DEFAULT_TIME, TIME_RE, WEEKDAY_LABELS, WEEKDAYS, cn_int, resolve

EXAMPLES = "「每周一上午10点」「每天晚上8点」「每月5号上午9点」「工作日早上9点」"
CN_DAY = r"[一二三四五六日天1-7](?![\d:：点點时])"
"""A weekday; a digit that starts a clock (每周一 20:30, 每周一三点) is not one."""
WEEK = r"(?:周|星期|礼拜)"
JOIN = r"[、，,和及与跟]*"
DAY_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"

DAY_SPAN = re.compile(rf"(?P<a>{CN_DAY})(?:(?:到|至|~|-|—)(?P<b>{CN_DAY}))?")
DAILY = re.compile(r"每天|每日|天天")
WORKDAYS = re.compile(rf"(?:每个?)?(?:工作日|{WEEK}一(?:到|至|~|-|—){WEEK}?五)")
WEEKENDS = re.compile(rf"(?:每个?)?(?:周末|{WEEK}六{JOIN}{WEEK}?日)")
WEEKLY = re.compile(rf"每个?{WEEK}(?P<days>{CN_DAY}(?:(?:{JOIN}|到|至|~|-|—){WEEK}?{CN_DAY})*)")
MONTHLY = re.compile(rf"每个?月(?:的)?(?P<days>{DAY_NUM}\s*[号日](?:{JOIN}{DAY_NUM}\s*[号日])*)")
MONTH_END = re.compile(r"每个?月(?:的)?(?:最后一天|月底|月末)")
FILLER = re.compile(r"^[\s在]+|[\s的]+$|(?:发布?|发一[篇条次]|发帖|推送)$")


class RecurrenceError(ValueError):
    """The owner's words are not a repeating time this module reads; the message says what is."""


@dataclass(frozen=True)
class Recurrence:
    cron: str
    """Five fields, read in the workspace's time zone."""
    label: str
    """How the owner reads it back: ``每周一 10:00``."""


def parse(text: str) -> Recurrence:
    """The owner's rule (plain Chinese or cron) as a cron expression and its Chinese label."""
    raw = (text or "").strip()
    if not raw:
        raise RecurrenceError(f"请填写重复规则，例如{EXAMPLES}")
    if _is_cron(raw):
        return Recurrence(raw, describe(raw))
    words = FILLER.sub("", raw)
    day = _days(words)
    if day is None:
        raise RecurrenceError(f"重复规则「{raw}」看不懂：没有说每天、每周几还是每月几号。可以写{EXAMPLES}，"
                              "或 cron 表达式（如 0 10 * * 1）")
    (dom, dow), rest = day
    hour, minute = _clock(rest, raw)
    cron = f"{minute} {hour} {dom} * {dow}"
    return Recurrence(cron, describe(cron))


def _is_cron(text: str) -> bool:
    return len(text.split()) == 5 and croniter.is_valid(text)


def _days(words: str) -> tuple[tuple[str, str], str] | None:
    """(day-of-month, day-of-week) and the words after them (the clock)."""
    for pattern, fields in ((MONTH_END, lambda m: ("L", "*")), (MONTHLY, lambda m: (_month_days(m), "*")),
                            (WORKDAYS, lambda m: ("*", "1-5")), (WEEKENDS, lambda m: ("*", "0,6")),
                            (WEEKLY, lambda m: ("*", _week_days(m))), (DAILY, lambda m: ("*", "*"))):
        m = pattern.match(words)
        if m:
            got = fields(m)
            if None in got:
                raise RecurrenceError(f"重复规则「{words}」里的「{m.group(0)}」没有这样的日子："
                                      "星期写一到日，日期写1到31号")
            return got, words[m.end():]
    return None


def _week_days(m: re.Match) -> str | None:
    """``一、三、五`` / ``一三五`` → ``1,3,5``; ``一到三`` → ``1,2,3``; Sunday is cron's 0."""
    days: set[int] = set()
    for d in DAY_SPAN.finditer(re.sub(WEEK, "", m.group("days"))):
        first, last = (WEEKDAYS[x] for x in (d.group("a"), d.group("b") or d.group("a")))
        # 周五到周一 runs over the weekend: count forward from the first day.
        days |= {(first + i + 1) % 7 for i in range((last - first) % 7 + 1)}
    return ",".join(str(d) for d in sorted(days)) or None


def _month_days(m: re.Match) -> str | None:
    days = [cn_int(d) for d in re.findall(DAY_NUM, m.group("days"))]
    if any(d is None or not 1 <= d <= 31 for d in days):
        return None
    return ",".join(str(d) for d in sorted(set(days)))


def _clock(rest: str, raw: str) -> tuple[int, int]:
    """The clock words after the days, read by ``planning.when`` (one place knows 晚上8点 is 20:00)."""
    rest = rest.strip(" 的")
    if not rest:
        return DEFAULT_TIME.hour, DEFAULT_TIME.minute
    # Read as "today at <clock>" on a fixed day: the planner's own reading of the words, on no particular date.
    day = datetime(2026, 1, 5, tzinfo=timezone.utc)
    m = TIME_RE.fullmatch(rest)
    when = resolve(f"今天{rest}", day) if m and m.group(0) else None
    if when is None or when.text != f"今天{rest}":
        raise RecurrenceError(f"重复规则「{raw}」里的时间「{rest}」看不懂，例如「上午10点」「晚上8点半」「20:30」")
    if when.at.date() != day.date():  # 晚上12点 is the next day's 0点: the weekday would be off by one
        raise RecurrenceError(f"重复规则「{raw}」里的时间「{rest}」是第二天的0点：请写「0点」，日子写第二天")
    return when.at.hour, when.at.minute


def describe(cron: str) -> str:
    """The rule as the owner reads it, e.g. ``每周一、三 10:00``; a rule beyond words is 自定义规则."""
    fields = cron.split()
    if len(fields) != 5:
        return f"自定义规则（{cron}）"
    minute, hour, dom, month, dow = fields
    if not (minute.isdigit() and hour.isdigit()) or month != "*" or (dom != "*" and dow != "*"):
        return f"自定义规则（{cron}）"
    clock = f"{int(hour):02d}:{int(minute):02d}"
    if dom == "L":
        return f"每月最后一天 {clock}"
    if dom != "*":
        days = dom.split(",")
        if not all(d.isdigit() for d in days):
            return f"自定义规则（{cron}）"
        note = "（没有这一天的月份不发）" if any(int(d) > 28 for d in days) else ""
        return f"每月{'、'.join(f'{int(d)}日' for d in days)} {clock}{note}"
    if dow == "*":
        return f"每天 {clock}"
    names = _dow_names(dow)
    if names is None:
        return f"自定义规则（{cron}）"
    if names == "一二三四五":
        return f"工作日（周一至周五） {clock}"
    if names == "六日":
        return f"周末（周六、周日） {clock}"
    return f"每周{'、'.join(names)} {clock}"


def _dow_names(dow: str) -> str | None:
    """cron's day-of-week (0 or 7 = Sunday) as 一…日 in the week's order."""
    days: set[int] = set()
    for part in dow.split(","):
        ends = part.split("-")
        if not all(e.isdigit() and int(e) <= 7 for e in ends) or len(ends) > 2:
            return None
        first, last = int(ends[0]), int(ends[-1])
        days |= {d % 7 for d in range(first, last + 1)}
    return "".join(WEEKDAY_LABELS[(d - 1) % 7] for d in sorted(days, key=lambda d: (d - 1) % 7))
