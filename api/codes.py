"""The code the site sent to the owner's phone, typed on the phone page for the waiting worker."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.errors import FieldErrors, field_error
from rpa.handoff import Waiting, answer, pending_step


class Code(BaseModel):
    code: str = Field(pattern=r"^[0-9A-Za-z]{4,8}$")


def hand_over(s: Session, who: Waiting, code: str) -> None:
    """Give the code to the worker that waits for it; 409 when nothing waits any more."""
    step = pending_step(s, who)
    if step is None or not answer(s, step.id, code):
        raise FieldErrors([field_error("code", "等待中的验证码", "现在不需要验证码（可能已超时）")], status=409)
    s.commit()
