"""The approval queue: filled forms waiting for the owner, and the owner's decision on each."""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api import labels
from api.deps import DbDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.idempotency import IdempotencyKeyDep, busy
from api.routes.inbox import decide_reply_card
from api.scoped import approvals_with_status, owned_approval
from api.views import approval_view
from core import idempotency
from core.approvals import ONE_BY_ONE, ONE_BY_ONE_NOTE, TAKE_OVER_GRAPHS, AlreadyDecided, decide
from core.inbox import REPLY_GRAPH, NotAllowed
from core.models import Run
from core.queue import enqueue_resume, enqueue_run

router = APIRouter(prefix="/api/approvals", tags=["approvals"])


class Edits(BaseModel):
    title: str | None = Field(None, max_length=500)
    body: str | None = Field(None, max_length=5000)
    topics: list[str] | None = Field(None, max_length=50)


class Decision(BaseModel):
    approve: bool
    edits: Edits = Field(default_factory=Edits)
    reason: str | None = Field(None, max_length=500)
    override_reason: str = Field("", max_length=500)
    """仍要发布的理由 for 需确认 findings in the edited words (compliance.edits)."""
    take_over: bool = False
    """接管: the owner works the page herself from the phone (an errand's card), then hands it back."""


@router.get("")
def list_approvals(user: UserDep, ws: WorkspaceDep, s: DbDep, status: str = "pending") -> dict:
    rows = approvals_with_status(s, ws.id, status).limit(100).all()
    return {"approvals": [approval_view(s, a, ws.timezone) for a in rows]}


class ApproveAll(BaseModel):
    graph: str | None = Field(None, max_length=32)
    """Only this workflow's cards (``listing`` for a product batch); None: every pending card."""


@router.post("/approve-all")
def approve_all(body: ApproveAll, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    """Approve every pending card as it is: each one passed the checks and shows its filled form.
    Tax returns and payments are left for the owner to approve one by one; the answer says how many."""
    pending = approvals_with_status(s, ws.id, "pending").all()
    approved, left, held = [], 0, 0
    for approval in pending:
        run = s.get(Run, approval.run_id)
        if body.graph and run.graph != body.graph:
            continue
        if run.graph in ONE_BY_ONE:
            left += 1
            continue
        if run.mode == "auto":  # an auto run waits at a card only when compliance held it: read one by one
            held += 1
            continue
        if (approval.fields or {}).get("site_warning"):
            continue  # the site's 确定要提交吗？ is answered only on its own card, after she read it
        try:
            payload = None
            if run.graph == REPLY_GRAPH:  # as on its conversation: the history says she approved it
                decide_reply_card(s, settings, approval, True, None, None, owner.username)
            else:
                payload = decide(s, approval, approve=True, actor=owner.username)
            s.commit()
        except (AlreadyDecided, NotAllowed, FieldErrors):
            s.rollback()  # decided meanwhile on another phone (or its conversation was taken back): leave it
            continue
        _queue(settings, approval.run_id, payload)
        approved.append(approval.id)
    message = f"已批准{len(approved)}条"
    if left:
        message += f"；另有{left}条申报/缴款没有批准：{ONE_BY_ONE_NOTE}"
    if held:
        message += f"；另有{held}条全自动任务因合规检查被暂停，请逐条打开查看后再批准"
    return {"approved": len(approved), "ids": approved, "left_one_by_one": left + held, "message": message}


@router.get("/{approval_id}")
def get_approval(approval_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return approval_view(s, owned_approval(s, approval_id, ws.id), ws.timezone)


@router.post("/{approval_id}/decision")
def decide_approval(approval_id: str, body: Decision, owner: OwnerDep, ws: WorkspaceDep, s: DbDep,
                    settings: SettingsDep, idem_key: IdempotencyKeyDep) -> dict:
    approval = owned_approval(s, approval_id, ws.id)
    scope = f"approvals.decide:{approval.id}"
    if idempotency.recall(s, ws.id, scope, idem_key) is not None:
        # A retry of a decision already recorded. Read the card again: its twin with the same key may have
        # committed between the two reads above (each sees the newest commit), leaving ``approval`` pending.
        s.refresh(approval)
        return approval_view(s, approval, ws.timezone)
    if body.take_over and s.get(Run, approval.run_id).graph not in TAKE_OVER_GRAPHS:
        raise FieldErrors([field_error("take_over", "让员工去做的任务", "只有「让员工去做」的任务可以接管")])
    if not body.approve and not body.take_over and not (body.reason or "").strip():
        raise FieldErrors([field_error("reason", "必填", "驳回时请写明原因")])
    try:
        payload = None
        if s.get(Run, approval.run_id).graph == REPLY_GRAPH:  # a reply card: decided as on its conversation
            decide_reply_card(s, settings, approval, body.approve, body.edits.body,
                              (body.reason or "").strip() or None, owner.username)
        else:
            payload = decide(s, approval, approve=body.approve and not body.take_over,
                             edits=body.edits.model_dump(exclude_none=True),
                             reason=(body.reason or "").strip() or None, actor=owner.username,
                              override_reason=body.override_reason, storage=settings.storage,
                              take_over=body.take_over)
        idempotency.remember(s, ws.id, scope, idem_key, [approval.id])
        first = idempotency.commit(s, ws.id, scope, idem_key)
    except AlreadyDecided as e:
        s.rollback()
        s.refresh(approval)
        if idempotency.recall(s, ws.id, scope, idem_key) is not None:
            return approval_view(s, approval, ws.timezone)  # its twin with the same key decided it first
        what = ("这条任务已经取消，不会再提交" if approval.status == "cancelled"
                else f"这条审批已处理（{labels.APPROVAL_STATUS.get(approval.status, '已处理')}）")
        raise FieldErrors([field_error("approval", "待审批", what)], status=409) from None
    except NotAllowed as e:
        s.rollback()
        raise FieldErrors([field_error("approval", "待审批", str(e))], status=409) from None
    except idempotency.KeyBusy:
        raise busy() from None
    except BaseException:
        s.rollback()
        raise
    if first is not None:
        s.refresh(approval)
        return approval_view(s, approval, ws.timezone)
    _queue(settings, approval.run_id, payload)  # if Redis is away, the scheduler picks it up later
    return approval_view(s, approval, ws.timezone)


def _queue(settings, run_id: str, payload: dict | None) -> None:
    """A reply run is started (not resumed) once its card is decided: it never ran before the card."""
    if payload is None:
        enqueue_run(settings, run_id)
    else:
        enqueue_resume(settings, run_id, payload)
