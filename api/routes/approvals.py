"""The approval queue: filled forms waiting for the owner, and the owner's decision on each."""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.scoped import approvals_with_status, owned_approval
from api.views import approval_view
from core.approvals import AlreadyDecided, decide
from core.models import Run
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


@router.get("")
def list_approvals(user: UserDep, ws: WorkspaceDep, s: DbDep, status: str = "pending") -> dict:
    rows = approvals_with_status(s, ws.id, status).limit(100).all()
    return {"approvals": [approval_view(s, a, ws.timezone) for a in rows]}


class ApproveAll(BaseModel):
    graph: str | None = Field(None, max_length=32)
    """Only this workflow's cards (``listing`` for a product batch); None: every pending card."""


@router.post("/approve-all")
def approve_all(body: ApproveAll, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    """Approve every pending card as it is: each one passed the checks and shows its filled form."""
    pending = approvals_with_status(s, ws.id, "pending").all()
    approved = []
    for approval in pending:
        if body.graph and s.get(Run, approval.run_id).graph != body.graph:
            continue
        if (approval.fields or {}).get("site_warning"):
            continue  # the site's 确定要提交吗？ is answered only on its own card, after she read it
        try:
            payload = decide(s, approval, approve=True, actor=owner.username)
            s.commit()
        except AlreadyDecided:
            s.rollback()  # decided meanwhile on another phone: leave it as it is
            continue
        enqueue_resume(settings, approval.run_id, payload)
        approved.append(approval.id)
    return {"approved": len(approved), "ids": approved}


@router.get("/{approval_id}")
def get_approval(approval_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return approval_view(s, owned_approval(s, approval_id, ws.id), ws.timezone)


@router.post("/{approval_id}/decision")
def decide_approval(approval_id: str, body: Decision, owner: OwnerDep, ws: WorkspaceDep, s: DbDep,
                    settings: SettingsDep) -> dict:
    approval = owned_approval(s, approval_id, ws.id)
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
