"""What an errand's run did, step by step, for the run page."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, UTCDateTime, new_id, utcnow


class AgentStep(Base):
    """One step of the browser agent: where it was, what it made of the page, what it decided and did."""

    __tablename__ = "agent_steps"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), index=True)
    n: Mapped[int] = mapped_column(Integer)
    """The step's number in the run (1, 2 …), across the stretches before and after approvals."""
    url: Mapped[str] = mapped_column(Text, default="")
    """Host and path only: a query may carry tokens."""
    saw: Mapped[str] = mapped_column(Text, default="")
    """The agent's own words on the page and the last step (asked for in Chinese)."""
    decided: Mapped[str] = mapped_column(Text, default="")
    did: Mapped[list] = mapped_column(JSON, default=list)
    """The actions taken, in the owner's words (``rpa.agent_guard.describe``)."""
    screenshot_id: Mapped[str | None] = mapped_column(ForeignKey("artifacts.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
