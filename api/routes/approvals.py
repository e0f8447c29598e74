"""The approval queue: filled forms waiting for the owner, and the owner's decision on each."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.views import approval_view
from core.approvals import AlreadyDecided, decide
from core.models import Approval, Run
from core.queue import enqueue_resume

router = APIRouter(prefix="/api/approvals", tags=["approvals"])


class Edits(BaseModel):
    title: str | None = Field(None, max_length=500)
    body: str | None = Field(None, max_length=5000)
    topics: list[str] | None = Field(None, max_length=50)


class Decision(BaseModel):
    approve: bool
    edits: Edits = Field(default_factory=Edits)
    reason: str | None = Field(None, max_length=500)


def _get(s, ws_id: str, approval_id: str) -> Approval:
    a = s.get(Approval, approval_id)
    if a is None or s.get(Run, a.run_id).workspace_id != ws_id:
        raise HTTPException(404, "没有这条审批")
    return a


@router.get("")
def list_approvals(user: UserDep, ws: WorkspaceDep, s: DbDep, status: str = "pending") -> dict:
    rows = (s.query(Approval).join(Run, Run.id == Approval.run_id)
            .filter(Run.workspace_id == ws.id, Approval.status == status)
            .order_by(Approval.created_at.desc()).limit(100).all())
    return {"approvals": [approval_view(s, a, ws.timezone) for a in rows]}


@router.get("/{approval_id}")
def get_approval(approval_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return approval_view(s, _get(s, ws.id, approval_id), ws.timezone)


@router.post("/{approval_id}/decision")
def decide_approval(approval_id: str, body: Decision, owner: OwnerDep, ws: WorkspaceDep, s: DbDep,
                    settings: SettingsDep) -> dict:
    approval = _get(s, ws.id, approval_id)
    if not body.approve and not (body.reason or "").strip():
        raise FieldErrors([field_error("reason", "必填", "驳回时请写明原因")])
    try:
        payload = decide(s, approval, approve=body.approve, edits=body.edits.model_dump(exclude_none=True),
                         reason=(body.reason or "").strip() or None, actor=owner.username)
        s.commit()
    except AlreadyDecided as e:
        s.rollback()
        raise FieldErrors([field_error("approval", "待审批", f"这条审批已处理（{e}）")], status=409) from None
    except BaseException:
        s.rollback()
        raise
    enqueue_resume(settings, approval.run_id, payload)  # if Redis is away, the scheduler picks it up later
    return approval_view(s, approval, ws.timezone)
