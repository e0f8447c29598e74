"""What the owner hands a waiting worker from the phone: a code the site sent, or an action (tap, drag,
typed text) on the live page of a take-over."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.errors import FieldErrors, field_error
from rpa.handoff import Waiting, answer, pending_step, queue_action

MAX_QUEUED = 5
"""Actions that may wait for the worker at once: a finger is faster than a replayed drag, not faster
than five of them."""


class Code(BaseModel):
    code: str = Field(pattern=r"^[0-9A-Za-z]{4,8}$")


def hand_over(s: Session, who: Waiting, value: str, kind: str = "code") -> None:
    """Give the answer to the worker that waits for it; 409 when nothing waits for one any more."""
    step = pending_step(s, who)
    if step is None or step.kind != kind or not answer(s, step.id, value):
        field, what = {"code": ("code", "验证码"), "scan": ("step", "扫码")}.get(kind, ("points", "滑块操作"))
        raise FieldErrors([field_error(field, f"等待中的{what}", f"现在不需要{what}（可能已超时）")], status=409)
    s.commit()


def hand_action(s: Session, who: Waiting, action: dict) -> None:
    """Queue the owner's action for the worker that holds the page; 409 when no take-over waits for one
    (it passed, timed out, or never asked) or when too many actions are still waiting."""
    step = pending_step(s, who)
    # A hand-back only ends a take-over she chose (``takeover``), never a check the site put up (``drag``).
    kinds = ("takeover",) if action["kind"] == "back" else ("drag", "takeover")
    outcome = queue_action(s, step.id, action, MAX_QUEUED) if step is not None and step.kind in kinds else "closed"
    if outcome == "closed":
        raise FieldErrors([field_error("step", "等待中的接管", "现在没有需要你在手机上操作的页面（可能已通过或已超时）")],
                          status=409)
    if outcome == "busy":
        raise FieldErrors([field_error("step", f"最多{MAX_QUEUED}个待做的操作", "前面的操作员工还没做完，请稍等再试")],
                          status=409)
    s.commit()
