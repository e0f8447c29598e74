"""What is due for 运营管家 at a tick, and how a fired reminder moves on.

    due_reminders(db, now) -> [(reminder id, its time)]      active reminders whose time has come
    advance(s, reminder_id, slot, now) -> bool                the compare-and-set that fires a time once
    due_briefs(db, now) -> [(workspace id, local date, due)]  workspaces whose brief time has come today
    create(s, ws, wording, text, actor) -> Reminder           a confirmed reminder, stored in UTC

A recurring reminder that missed several times while nothing ran fires once, for its latest missed time, and
moves to its next time after now (as a recurring schedule does); a once or deadline reminder fires each of
its times, each once, late if need be.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from croniter import croniter
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from butler.models import Bulletin, Reminder
from butler.wording import Wording
from core.models import Employee, Workspace
from employees.settings import of_employee

UTC = timezone.utc
BRIEF_LATE_MAX = timedelta(hours=3)
"""A brief not made at its time (nothing ran) is made late, within this; after it, that day has none (the
next day's comes at its time). A brief time set just after today's passed gives today's brief at once."""


def due_reminders(db: sessionmaker[Session], now: datetime) -> list[tuple[str, datetime]]:
    with db() as s:
        rows = s.execute(select(Reminder.id, Reminder.next_at).where(
            Reminder.status == "active", Reminder.next_at.is_not(None), Reminder.next_at <= now)).all()
    return [(rid, _latest_missed(db, rid, at, now)) for rid, at in rows]


def _latest_missed(db: sessionmaker[Session], reminder_id: str, at: datetime, now: datetime) -> datetime:
    """A recurring reminder is told once for the newest of the times it missed."""
    with db() as s:
        r = s.get(Reminder, reminder_id)
        if r.kind != "recurring":
            return at
        slots = croniter(r.cron, at.astimezone(ZoneInfo(r.timezone)))
        latest = at
        while (nxt := slots.get_next(datetime)) <= now:
            latest = nxt.astimezone(UTC)
        return latest


def after(r: Reminder, slot: datetime) -> datetime | None:
    """The reminder's next time after ``slot`` (UTC); None when it has none left."""
    if r.kind == "recurring":
        return croniter(r.cron, slot.astimezone(ZoneInfo(r.timezone))).get_next(datetime).astimezone(UTC)
    later = [t for t in (datetime.fromisoformat(x) for x in r.times or []) if t > slot]
    return min(later) if later else None


def advance(s: Session, reminder_id: str, slot: datetime, now: datetime) -> bool:
    """Move the reminder past ``slot``, unless another scheduler already did (then False)."""
    r = s.get(Reminder, reminder_id)
    if r is None or r.status != "active":
        return False
    seen = r.next_at
    if seen is None or seen > slot:
        return False
    nxt = after(r, max(slot, now) if r.kind == "recurring" else slot)
    values = {"next_at": nxt} if nxt else {"next_at": None, "status": "done"}
    return s.execute(update(Reminder).where(Reminder.id == reminder_id, Reminder.next_at == seen)
                     .values(**values)).rowcount == 1


def brief_time(employee: Employee | None) -> time | None:
    raw = of_employee(employee).brief_time if employee else ""
    return time.fromisoformat(raw) if raw else None


def due_briefs(db: sessionmaker[Session], now: datetime) -> list[tuple[str, date, datetime]]:
    out = []
    with db() as s:
        for ws, employee in s.execute(select(Workspace, Employee).join(Employee, Employee.workspace_id == Workspace.id)
                                      .where(Employee.role == "operations")).all():
            at = brief_time(employee)
            if at is None:
                continue
            local = now.astimezone(ZoneInfo(ws.timezone))
            due = datetime.combine(local.date(), at, ZoneInfo(ws.timezone))
            if not due <= local <= due + BRIEF_LATE_MAX:
                continue
            told = s.scalar(select(Bulletin.id).where(Bulletin.workspace_id == ws.id,
                                                      Bulletin.key == f"brief:{local.date().isoformat()}"))
            if told is None:
                out.append((ws.id, local.date(), due.astimezone(UTC)))
    return out


def create(s: Session, ws: Workspace, wording: Wording, text: str, actor: str) -> Reminder:
    """Store a confirmed reminder (times in UTC); flushes, the caller commits."""
    r = Reminder(workspace_id=ws.id, text=text, what=wording.what, kind=wording.kind, cron=wording.cron,
                 timezone=ws.timezone, times=[t.astimezone(UTC).isoformat() for t in wording.times],
                 deadline_at=wording.deadline.astimezone(UTC) if wording.deadline else None,
                 next_at=wording.next_at.astimezone(UTC), created_by=actor)
    s.add(r)
    s.flush()
    return r
