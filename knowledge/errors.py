"""The one error the knowledge base raises for a file it will not take."""
from __future__ import annotations

from core.errors import ValidationFailed


class KnowledgeError(ValidationFailed):
    """A refused upload, as one field error (``api.errors`` already answers ValidationFailed with 422)."""

    def __init__(self, field: str, limit: str, message: str):
        self.field, self.limit = field, limit
        super().__init__([{"field": field, "limit": limit, "message": message}])
