"""A workspace's employees: every role present (missing ones added, idempotently) and what each can do
now. Roles whose workflows are not built yet say so (``Role.coming_soon``) instead of pretending."""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.models import Employee
from employees import EMPLOYEES
from employees.base import Role


def ensure_roster(s: Session, workspace_id: str) -> list[Employee]:
    """Add the roles the workspace lacks (flushes, the caller commits); returns all its employees in
    registry order."""
    rows = s.query(Employee).filter_by(workspace_id=workspace_id).all()
    have = {e.role for e in rows}
    for role in EMPLOYEES.values():
        if role.key not in have:
            e = Employee(workspace_id=workspace_id, role=role.key, name=role.name, mode=role.default_mode,
                         settings={})
            s.add(e)
            rows.append(e)
    s.flush()
    order = {key: i for i, key in enumerate(EMPLOYEES)}
    return sorted(rows, key=lambda e: order.get(e.role, len(order)))


def available_workflows(role: Role | None) -> list[str]:
    """The role's workflows that exist in ``graphs.GRAPHS`` today."""
    if role is None:
        return []
    from graphs import GRAPHS  # imports LangGraph; only when asked

    return [w for w in role.workflows if w in GRAPHS]


def unavailable_notice(role: Role | None) -> str:
    """What the phone shows when the employee cannot take tasks yet ("" when it can)."""
    if role is None:
        return "这个岗位已不存在"
    if available_workflows(role):
        return ""
    return role.coming_soon or f"{role.name}的功能即将推出"
