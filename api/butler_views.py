"""The JSON shapes of 运营管家's page. A group bot's address and secret are never in them (masked only)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from api import labels
from butler import channels
from butler.models import Bulletin, Channel, Reminder
from butler.wording import day_label, when_label
from core.models import Employee, Workspace
from employees.settings import of_employee

KIND_LABELS = {"once": "一次", "recurring": "重复", "deadline": "截止前提醒"}
STATUS_LABELS = {"active": "进行中", "done": "已提醒", "cancelled": "已取消"}
BULLETINS_SHOWN = 20


def reminder_view(r: Reminder, tz: str) -> dict:
    zone = ZoneInfo(tz)
    return {"id": r.id, "text": r.text, "what": r.what, "kind": r.kind, "kind_label": KIND_LABELS[r.kind],
            "status": r.status, "status_label": STATUS_LABELS.get(r.status, r.status),
            "next_label": when_label(r.next_at.astimezone(zone)) if r.next_at else "",
            "deadline_label": day_label(r.deadline_at.astimezone(zone)) if r.deadline_at else ""}


def channel_view(ch: Channel) -> dict:
    return {"id": ch.id, "kind": ch.kind, "kind_label": channels.KINDS[ch.kind], "name": ch.name,
            "address": ch.masked_url, "tail": ch.masked_url[-4:], "signed": ch.has_secret, "enabled": ch.enabled}


def bulletin_view(b: Bulletin, tz: str) -> dict:
    sent = sum(1 for v in (b.pushed or {}).values() if v == "sent")
    return {"id": b.id, "kind": b.kind, "title": b.title, "text": b.text, "at": labels.local_time(b.created_at, tz),
            "pushed_label": f"已发到{sent}个群" if sent else "只在应用里"}


def butler_view(s: Session, ws: Workspace) -> dict:
    employee = s.query(Employee).filter_by(workspace_id=ws.id, role="operations").first()
    reminders = (s.query(Reminder).filter_by(workspace_id=ws.id)
                 .order_by(Reminder.status != "active", Reminder.next_at, Reminder.created_at.desc()).limit(100))
    bulletins = (s.query(Bulletin).filter_by(workspace_id=ws.id).order_by(Bulletin.created_at.desc())
                 .limit(BULLETINS_SHOWN))
    bots = s.query(Channel).filter_by(workspace_id=ws.id).order_by(Channel.created_at)
    return {"employee_id": employee.id if employee else None,
            "brief_time": of_employee(employee).brief_time if employee else "",
            "reminders": [reminder_view(r, ws.timezone) for r in reminders],
            "bulletins": [bulletin_view(b, ws.timezone) for b in bulletins],
            "channels": [channel_view(c) for c in bots], "channel_kinds": channels.KINDS,
            "signed_kinds": sorted(channels.SIGNED), "timezone": labels.zone_label(ws.timezone)}
