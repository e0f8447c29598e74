"""What the owner hands a waiting worker from the phone: a code the site sent, or a slider drag."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.errors import FieldErrors, field_error
from rpa.handoff import Waiting, answer, pending_step


class Code(BaseModel):
    code: str = Field(pattern=r"^[0-9A-Za-z]{4,8}$")


def hand_over(s: Session, who: Waiting, value: str, kind: str = "code") -> None:
    """Give the answer to the worker that waits for it; 409 when nothing waits for one any more."""
    step = pending_step(s, who)
    if step is None or step.kind != kind or not answer(s, step.id, value):
        field, what = ("code", "验证码") if kind == "code" else ("points", "滑块操作")
        raise FieldErrors([field_error(field, f"等待中的{what}", f"现在不需要{what}（可能已超时）")], status=409)
    s.commit()
