"""What the employees did in a period, per employee: runs done, failed and rejected, approvals asked and how
long they waited for the owner, replies sent, and the owner's minutes saved (``core.effort.MINUTES_BY_HAND`` per
finished run). Counted in SQL; only the decided approvals' waits come back row by row, for their median."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.effort import MINUTES_BY_HAND, NOT_COUNTED
from core.inbox import Conversation
from core.models import Approval, Employee, Run

DONE = ("published",)
"""A run that did its task on the site (published, listed, filed, replied, read the inbox)."""
ENDED = {"failed": "failed", "rejected": "rejected"}


@dataclass
class Work:
    employee_id: str
    name: str
    role: str
    done: int = 0
    failed: int = 0
    rejected: int = 0
    approvals: int = 0
    """Approvals asked in the period."""
    waiting: int = 0
    """Of those, still waiting for the owner."""
    median_wait_min: float | None = None
    """The median time from asking to the owner's decision, in minutes (None: none decided yet)."""
    replies: int = 0
    minutes_saved: int = 0
    by_graph: dict[str, int] = field(default_factory=dict)


def employees_work(s: Session, workspace_id: str, since: datetime, until: datetime) -> list[Work]:
    """Every employee of the workspace (in roster order as stored), with what it did in [since, until):
    runs by the time they last changed, approvals by when they were asked, replies by when they were sent."""
    employees = s.scalars(select(Employee).where(Employee.workspace_id == workspace_id)).all()
    work = {e.id: Work(e.id, e.name, e.role) for e in employees}
    in_period = (Run.workspace_id == workspace_id, Run.updated_at >= since, Run.updated_at < until)
    rows = s.execute(select(Run.employee_id, Run.graph, Run.status, func.count())
                     .where(*in_period, Run.status.in_([*DONE, *ENDED]),
                            Run.graph.notin_(NOT_COUNTED))
                     .group_by(Run.employee_id, Run.graph, Run.status))
    for employee_id, graph, status, n in rows:
        w = work.get(employee_id)
        if w is None:
            continue
        if status in DONE:
            w.done += n
            w.by_graph[graph] = w.by_graph.get(graph, 0) + n
            w.minutes_saved += n * MINUTES_BY_HAND.get(graph, 0)
        else:
            setattr(w, ENDED[status], getattr(w, ENDED[status]) + n)
    _approvals(s, workspace_id, since, until, work)
    replies = s.execute(select(Run.employee_id, func.count())
                        .select_from(Conversation).join(Run, Run.id == Conversation.reply_run_id)
                        .where(Conversation.workspace_id == workspace_id, Conversation.status == "replied",
                               Conversation.replied_by == "employee", Conversation.replied_at >= since,
                               Conversation.replied_at < until)
                        .group_by(Run.employee_id))
    for employee_id, n in replies:
        if employee_id in work:
            work[employee_id].replies = n
    return list(work.values())


def _approvals(s: Session, workspace_id: str, since: datetime, until: datetime, work: dict[str, Work]) -> None:
    asked = (Run.workspace_id == workspace_id, Approval.created_at >= since, Approval.created_at < until)
    counts = s.execute(select(Run.employee_id, Approval.status == "pending", func.count())
                       .select_from(Approval).join(Run, Run.id == Approval.run_id).where(*asked)
                       .group_by(Run.employee_id, Approval.status == "pending"))
    for employee_id, pending, n in counts:
        if employee_id in work:
            work[employee_id].approvals += n
            if pending:
                work[employee_id].waiting += n
    waits: dict[str, list[float]] = {}
    decided = s.execute(select(Run.employee_id, Approval.created_at, Approval.decided_at)
                        .select_from(Approval).join(Run, Run.id == Approval.run_id)
                        .where(*asked, Approval.decided_at.is_not(None), Approval.status.in_(("approved", "rejected"))))
    for employee_id, asked_at, decided_at in decided:
        waits.setdefault(employee_id, []).append((decided_at - asked_at).total_seconds() / 60)
    for employee_id, minutes in waits.items():
        if employee_id in work:
            work[employee_id].median_wait_min = median(minutes)
