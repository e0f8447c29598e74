"""What the finance assistant tells the owner on the dashboard: the return due, its deadline, overdue."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from books.deadlines import REMIND_DAYS, deadlines, reminder
from books.entity import entity_of, files_business_income
from books.periods import Quarter
from core.accounts import live_accounts
from core.models import Run, Workspace
from core.runs import supports


def tax_reminder(s: Session, ws: Workspace, now: datetime | None = None) -> dict | None:
    """None for a workspace that files no taxes here (no tax-bureau account)."""
    accounts = live_accounts(s, ws.id).all()
    return due_return(s, ws, now) if any(supports(a.site, "tax_filing") for a in accounts) else None


def filed(s: Session, ws_id: str, quarter: Quarter, form: str = "vat") -> bool:
    """Whether the quarter's return ``form`` was filed here (runs from before forms existed are VAT)."""
    runs = s.query(Run).filter_by(workspace_id=ws_id, graph="tax_filing", status="published")
    return any(r.content.get("period") == str(quarter) and r.content.get("form", "vat") == form for r in runs)


def due_return(s: Session, ws: Workspace, now: datetime | None = None) -> dict:
    """The return due now (the quarter that ended last) and how its deadline stands."""
    today = (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(ws.timezone)).date()
    r = reminder(today, filed(s, ws.id, Quarter.containing(today).previous()))
    return {"text": r.text, "state": r.state, "deadline": r.deadline.isoformat(), "days_left": r.days_left,
            "period": str(r.quarter)}


def upcoming(s: Session, ws: Workspace, now: datetime | None = None) -> list[dict]:
    """Every deadline the finance assistant reminds of, soonest first, each with its source; the quarter's
    returns already filed here are left out. The 经营所得 A表 only for those who file it (``books.entity``)."""
    today = (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(ws.timezone)).date()
    quarter = Quarter.containing(today).previous()
    done = {"vat": filed(s, ws.id, quarter), "pit_business": filed(s, ws.id, quarter, "pit_business")}
    return [{"key": d.key, "text": d.text(today), "due": d.due.isoformat(), "source": d.source,
             "soon": (d.due - today).days <= REMIND_DAYS}
            for d in deadlines(today, files_business_income(entity_of(s, ws))) if not done.get(d.key)]
