"""运营管家 on the 派活 page: a sentence becomes a reminder or the daily brief's time, shown to the owner to
confirm; nothing is stored until she does.

    plan(text, now) -> {"kind": "reminder" | "brief", ..., "confirm_text"}   (WordingError: a Chinese reason)
    confirm(s, ws, employee, planned, actor, now) -> what was done, in Chinese

The plan keeps the times it was read with (UTC), so 「明天下午3点」 confirmed tomorrow morning is still today's
15:00, not the day after; a time that has passed by the confirmation is refused.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from butler import due
from butler.model_wording import read_with_model
from butler.models import Reminder
from butler.wording import RECUR_START, Wording, WordingError, read, when_label
from core.models import Employee, Workspace
from employees import EMPLOYEES
from employees.settings import settings_of
from llm.client import LLM

BRIEF_WORDS = re.compile(r"日报|简报|早报|晨报|(?:每日|每天)汇报|汇报(?:一下)?(?:昨天|每天)?的?数据")
CLOCK_WORDS = re.compile(r"\d|[点點:：]|早上|早晨|上午|中午|下午|傍晚|晚上")
BRIEF_FILLER = re.compile(r"(?:请|帮我|给我|把|发(?:一份|一下|送)?|推送|一份|的|到群里|到手机)")


def plan(text: str, now: datetime, llm: LLM | None = None) -> dict:
    """``llm``: the configured model, asked only to restate wordings the reader refuses."""
    if BRIEF_WORDS.search(text):
        return _brief(text, now)
    w = read_with_model(text, now, llm)
    return {"kind": "reminder", "text": text.strip(), "confirm_text": w.confirm_text(), "wording": _dump(w)}


def _brief(text: str, now: datetime) -> dict:
    words = BRIEF_FILLER.sub("", BRIEF_WORDS.sub("", text)).strip(" ，。,")
    if not CLOCK_WORDS.search(words):
        raise WordingError("没有说几点发日报：请写上时间，例如「每天早上8点给我发日报」")
    if not RECUR_START.search(words):
        words = "每天" + words
    try:
        w = read(f"{words}提醒我看日报", now)
    except WordingError:
        w = None
    if w is None or w.kind != "recurring" or w.cron.split()[2:] != ["*", "*", "*"]:
        raise WordingError("日报每天发一次：请说每天几点发，例如「每天早上8点给我发日报」")
    at = w.next_at
    today = at.replace(year=now.year, month=now.month, day=now.day)
    first = "第一份马上发" if today <= now <= today + due.BRIEF_LATE_MAX else f"第一份在 {when_label(at)}"
    return {"kind": "brief", "text": text.strip(), "time": f"{at:%H:%M}",
            "confirm_text": f"每天 {at:%H:%M} 发日报（昨天的数据、等你处理的事、今天的安排、截止日期、需要登录的账号），{first}"}


def _dump(w: Wording) -> dict:
    iso = (lambda t: t.astimezone(timezone.utc).isoformat() if t else None)
    return {"kind": w.kind, "what": w.what, "times": [iso(t) for t in w.times], "cron": w.cron, "rule": w.rule,
            "deadline": iso(w.deadline), "next_at": iso(w.next_at), "understood_as": w.understood_as}


def _load(d: dict, tz) -> Wording:
    at = (lambda x: datetime.fromisoformat(x).astimezone(tz) if x else None)
    return Wording(d["kind"], d["what"], [at(t) for t in d["times"]], d["cron"], d["rule"], at(d["deadline"]),
                   at(d["next_at"]), d.get("understood_as", ""))


def confirm(s: Session, ws: Workspace, employee: Employee, planned: dict, actor: str, now: datetime) -> str:
    """Store what was planned; flushes, the caller commits. WordingError when its time has passed."""
    if planned["kind"] == "brief":
        prefs = settings_of(EMPLOYEES[employee.role], employee.settings)
        employee.settings = prefs.model_copy(update={"brief_time": planned["time"]}).model_dump()
        return f"已设置：每天 {planned['time']} 发日报"
    from zoneinfo import ZoneInfo

    w = _load(planned["wording"], ZoneInfo(ws.timezone))
    if w.kind != "recurring":
        left = [t for t in w.times if t > now]
        if not left:
            raise WordingError(f"提醒时间 {when_label(w.times[-1])} 已经过了，请重新说一次时间")
        w = Wording(w.kind, w.what, left, w.cron, w.rule, w.deadline, left[0], w.understood_as)
    elif w.next_at <= now:
        w = read(w.understood_as or planned["text"], now.astimezone(ZoneInfo(ws.timezone)))
    r: Reminder = due.create(s, ws, w, planned["text"], actor)
    return f"已设好提醒：{w.confirm_text()}（提醒编号 {r.id[:8]}）"
