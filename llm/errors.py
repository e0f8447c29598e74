"""The language model's failures, placed on the project's one error tree (``core.errors``).

    TransientError
    └── ModelUnavailable     timeout, connection error, 429 or 5xx after our own bounded retries
    BusinessError
    ├── ModelRefused         a 4xx answer (bad key, unknown model, bad request): retrying cannot help
    └── ModelReplyInvalid    the model answered, but not in the shape we asked for (JSON, tool call)

Messages are zh-CN because they reach the owner's phone; they never carry the API key.
"""
from __future__ import annotations

from core.errors import BusinessError, TransientError


class ModelUnavailable(TransientError):
    pass


class ModelRefused(BusinessError):
    def __init__(self, message: str, *, status: int | None = None, **kw):
        self.status = status
        super().__init__(message, **kw)


class ModelReplyInvalid(BusinessError):
    pass
