"""The owner's decision on a filled form. Recorded here; the worker acts on it when the run resumes."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.content import Post
from core.errors import ValidationFailed
from core.models import Approval, Run, utcnow
from core.runs import audit, validate_post, validate_product

EDITABLE = {"publish": ("title", "body", "topics"), "listing": ("title",)}
"""What the owner may change on the approval card, per workflow."""


class AlreadyDecided(Exception):
    pass


def decide(s: Session, approval: Approval, *, approve: bool, edits: dict | None = None,
           reason: str | None = None, actor: str = "owner") -> dict:
    """Record the decision and return the payload the resumed graph receives.

    Edits are validated against the site's limits first; on a bad edit nothing is saved.
    """
    if approval.status != "pending":
        raise AlreadyDecided(approval.status)
    run = s.get(Run, approval.run_id)
    edits = {k: v for k, v in (edits or {}).items() if k in EDITABLE.get(run.graph, ()) and v is not None}
    if approve and edits:
        run.content = _edited(run, edits)  # raises ValidationFailed before anything changes
    status = "approved" if approve else "rejected"
    # Compare-and-set: two taps (or two phones) at once record one decision; the other gets AlreadyDecided.
    won = s.execute(update(Approval).where(Approval.id == approval.id, Approval.status == "pending")
                    .values(status=status, edits=edits or None, reason=reason, decided_at=utcnow())
                    .execution_options(synchronize_session=False)).rowcount
    if not won:
        raise AlreadyDecided("decided")
    s.refresh(approval)
    audit(s, run.workspace_id, actor, f"approval.{approval.status}", run.id,
          {"edited": sorted(edits)} if edits else {})
    return {"approved": approve, "edits": edits, "reason": reason, "approval_id": approval.id}


def _edited(run: Run, edits: dict) -> dict:
    """The content with the card's edits, checked against the site's rules. The time is not editable on the
    card: it was checked when the run was made, and by the approval it has usually come (``starting``)."""
    if run.graph == "listing":
        from sites.taobao.product import Product  # sites import playwright; keep core importable without it

        product = Product.model_validate({**run.content, **edits})
        validate_product(run.site, product, starting=True)
        return product.model_dump(mode="json")
    post = Post.model_validate({**run.content, **edits})
    validate_post(run.site, post, starting=True)
    return post.model_dump(mode="json")


__all__ = ["decide", "AlreadyDecided", "ValidationFailed", "EDITABLE"]
