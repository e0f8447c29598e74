"""Knowledge-base tables. Only extracted text is stored: the uploaded bytes are never kept (no file to leak
or to forget on delete). Importing this module registers both tables on ``core.models.Base``."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, UTCDateTime, new_id, utcnow


class KnowledgeDoc(Base):
    __tablename__ = "kb_docs"
    __table_args__ = (UniqueConstraint("workspace_id", "sha256", name="uq_kb_doc_workspace_sha"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    """The file name as uploaded (without any folder part)."""
    kind: Mapped[str] = mapped_column(String(8))
    """txt | md | docx | pdf"""
    bytes: Mapped[int] = mapped_column(Integer)
    """Size of the uploaded file."""
    sha256: Mapped[str] = mapped_column(String(64))
    """Of the uploaded bytes: the same file uploaded twice to one workspace is stored once."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KnowledgeChunk(Base):
    """One passage of a document, with its search tokens (computed once, at upload)."""

    __tablename__ = "kb_chunks"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    doc_id: Mapped[str] = mapped_column(ForeignKey("kb_docs.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    """Copied from the document so a search filters on one column and never sees another workspace."""
    ord: Mapped[int] = mapped_column(Integer)
    """Position of the passage in its document, from 0."""
    text: Mapped[str] = mapped_column(Text)
    tokens: Mapped[list] = mapped_column(JSON, default=list)
