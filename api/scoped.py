"""Rows the logged-in owner may see: everything is looked up within her workspace, and a row of another
workspace is answered exactly like a missing one (404), so ids reveal nothing."""
from __future__ import annotations

from typing import TypeVar

from fastapi import HTTPException
from sqlalchemy.orm import Query, Session

from core.models import Account, Approval, Employee, Run, Schedule

T = TypeVar("T", Account, Employee, Run, Schedule)

MISSING = {Account: "没有这个账号", Employee: "没有这位员工", Run: "没有这个任务", Schedule: "没有这个重复任务"}


def owned(s: Session, model: type[T], row_id: str, workspace_id: str) -> T:
    row = s.get(model, row_id)
    if row is None or row.workspace_id != workspace_id:
        raise HTTPException(404, MISSING[model])
    return row


def owned_approval(s: Session, approval_id: str, workspace_id: str) -> Approval:
    a = s.get(Approval, approval_id)
    if a is None or s.get(Run, a.run_id).workspace_id != workspace_id:
        raise HTTPException(404, "没有这条审批")
    return a


def approvals_with_status(s: Session, workspace_id: str, status: str = "pending") -> Query:
    """The workspace's approvals in one status, newest first."""
    return (s.query(Approval).join(Run, Run.id == Approval.run_id)
            .filter(Run.workspace_id == workspace_id, Approval.status == status)
            .order_by(Approval.created_at.desc()))
