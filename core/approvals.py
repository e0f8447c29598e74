"""The owner's decision on a filled form. Recorded here; the worker acts on it when the run resumes."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.content import Post
from core.errors import ValidationFailed
from core.models import Approval, Employee, Run, utcnow
from core.runs import audit, validate_post, validate_product
from core.storage import Storage

EDITABLE = {"publish": ("title", "body", "topics"), "listing": ("title",)}
"""What the owner may change on the approval card, per workflow."""
ONE_BY_ONE = frozenset({"tax_filing"})
"""Workflows whose cards (a tax return, a payment) are only ever approved one by one, never by 全部批准."""
ONE_BY_ONE_NOTE = "申报表和缴款涉及税款，需要逐条打开核对后审批，「全部批准」不会批准它们"
TAKEN_OVER = "taken_over"
"""A card the owner answered by taking the page over herself (an errand's, ``graphs.agent``)."""
TAKE_OVER_GRAPHS = frozenset({"agent"})
"""Workflows whose card she may answer with 接管: the employee goes on from the page as she leaves it."""


def decided_card(s: Session, run_id: str) -> Approval | None:
    """The decision a waiting run resumes with: its newest card, once decided. A run may have had several
    cards (the form, then the site's warning at submit, then a payment): an older decision never answers a
    newer card."""
    newest = (s.query(Approval).filter(Approval.run_id == run_id)
              .order_by(Approval.created_at.desc(), Approval.id.desc()).first())
    return newest if newest is not None and newest.status in ("approved", "rejected", TAKEN_OVER) else None


class AlreadyDecided(Exception):
    pass


def decide(s: Session, approval: Approval, *, approve: bool, edits: dict | None = None,
           reason: str | None = None, actor: str = "owner", override_reason: str = "",
           storage: Storage | None = None, take_over: bool = False) -> dict:
    """Record the decision and return the payload the resumed graph receives (``storage``: where the run's
    media are, for the site rules that read them when edits are re-validated).

    Edits are validated against the site's limits, then the compliance rules (``compliance.edits``: a
    需确认 finding in the new words needs ``override_reason``); on a bad edit nothing is saved.
    """
    if approval.status != "pending":
        raise AlreadyDecided(approval.status)
    run = s.get(Run, approval.run_id)
    edits = {k: v for k, v in (edits or {}).items() if k in EDITABLE.get(run.graph, ()) and v is not None}
    if approve and edits:
        # The form's fields are re-validated; what the run keeps beside them (its compliance record, the
        # owner's override, the plan it came from) stays. Raises before anything changes.
        content = _reviewed(s, run, {**run.content, **_edited(run, edits, storage)}, override_reason, actor)
        content["from_documents"] = [q for q in content.get("from_documents", [])
                                     if q["text"] in str(content.get(q["field"], ""))]  # quotes still there
        overridden = content.get("compliance_override") != run.content.get("compliance_override")
        run.content = content
        if overridden:
            audit(s, run.workspace_id, actor, "compliance.overridden", run.id,
                  {k: content["compliance_override"][k] for k in ("reason", "findings")})
    status = TAKEN_OVER if take_over else "approved" if approve else "rejected"
    # Compare-and-set: two taps (or two phones) at once record one decision; the other gets AlreadyDecided.
    won = s.execute(update(Approval).where(Approval.id == approval.id, Approval.status == "pending")
                    .values(status=status, edits=edits or None, reason=reason, decided_at=utcnow())
                    .execution_options(synchronize_session=False)).rowcount
    if not won:
        raise AlreadyDecided("decided")
    s.refresh(approval)
    _seen(run)
    audit(s, run.workspace_id, actor, f"approval.{approval.status}", run.id,
          {"edited": sorted(edits)} if edits else {})
    return {"approved": approve and not take_over, "edits": edits, "reason": reason, "approval_id": approval.id,
            "take_over": take_over}


def _seen(run: Run) -> None:
    """Why an auto run waited (``compliance.gate``) is no longer the run's reason once she has decided."""
    from compliance.gate import HELD_PREFIX  # the rules live above core

    if run.reason and run.reason.startswith(HELD_PREFIX):
        run.reason = None


def _reviewed(s: Session, run: Run, content: dict, reason: str, actor: str) -> dict:
    from compliance.edits import reviewed  # the rules and the owner's word lists live above core

    return reviewed(s.get(Employee, run.employee_id), run.content, content, reason, actor, utcnow())


def _edited(run: Run, edits: dict, storage: Storage | None = None) -> dict:
    """The content with the card's edits, checked against the site's rules. The time is not editable on the
    card: it was checked when the run was made, and by the approval it has usually come (``starting``)."""
    if run.graph == "listing":
        from sites.taobao.product import Product  # sites import playwright; keep core importable without it

        product = Product.model_validate({**run.content, **edits})
        validate_product(run.site, product, starting=True, storage=storage)
        return product.model_dump(mode="json")
    post = Post.model_validate({**run.content, **edits})
    validate_post(run.site, post, starting=True, storage=storage)
    return post.model_dump(mode="json")


__all__ = ["decide", "decided_card", "AlreadyDecided", "ValidationFailed", "EDITABLE", "ONE_BY_ONE", "ONE_BY_ONE_NOTE",
           "TAKEN_OVER", "TAKE_OVER_GRAPHS"]
