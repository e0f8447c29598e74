"""A plan waiting for the owner's confirmation (``task_plans``). Importing this module registers the table.

The plan (``planning.plan.Plan`` as JSON) is stored as the employee proposed it, then edited by the
owner; nothing is queued until ``status`` moves from ``pending`` to ``confirmed`` in one compare-and-set,
together with the runs it created.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, UTCDateTime, new_id, utcnow


class TaskPlan(Base):
    __tablename__ = "task_plans"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    employee_id: Mapped[str] = mapped_column(ForeignKey("employees.id"))
    request: Mapped[str] = mapped_column(Text)
    """What the owner typed."""
    plan: Mapped[dict] = mapped_column(JSON)
    """``Plan.model_dump(mode="json")``: runs (site, account, time, draft, citations), unknown, notes,
    author, usage."""
    passages: Mapped[dict] = mapped_column(JSON, default=dict)
    """chunk id -> {"doc_name", "text"}: the knowledge the drafts were grounded in, as it was then (a
    document deleted later does not change what this plan cited)."""
    status: Mapped[str] = mapped_column(String(16), default="pending")
    """pending | confirmed"""
    run_ids: Mapped[list] = mapped_column(JSON, default=list)
    """The runs created on confirmation, in plan order."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
