"""The ``Idempotency-Key`` request header, for the POSTs that create runs or record a decision."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from api.errors import FieldErrors, field_error
from core.idempotency import KEY_MAX_CHARS


def _idempotency_key(idempotency_key: Annotated[str | None, Header(description=(
        "A client key for this action (e.g. a random UUID per tap, the same on each retry): a retry with the "
        f"same key answers the first answer and creates nothing. 1–{KEY_MAX_CHARS} visible ASCII characters, "
        "kept 24 hours."))] = None) -> str | None:
    if idempotency_key is None:
        return None
    if not (0 < len(idempotency_key) <= KEY_MAX_CHARS and idempotency_key.isascii()
            and idempotency_key.isprintable() and idempotency_key.strip() == idempotency_key):
        raise FieldErrors([field_error("Idempotency-Key", f"1–{KEY_MAX_CHARS}个可见字符",
                                       f"请求标识（Idempotency-Key）须为1到{KEY_MAX_CHARS}个可见的英文字符")])
    return idempotency_key


IdempotencyKeyDep = Annotated[str | None, Depends(_idempotency_key)]

BUSY_MESSAGE = "同一请求正在处理，请稍后重试"


def busy() -> FieldErrors:
    """409 for ``core.idempotency.KeyBusy``: a request with this key is still being handled elsewhere."""
    return FieldErrors([field_error("Idempotency-Key", "同一请求只处理一次", BUSY_MESSAGE)], status=409)
