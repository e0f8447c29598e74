"""What an errand's run did, step by step, for the run page."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text
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
    cost: Mapped[float | None] = mapped_column(Float, nullable=True)
    """Yuan the run's model calls cost up to this step; None when the model has no price (nothing shown)."""


class Skill(Base):
    """A 技能: an errand that went well, kept as its steps with the owner's values turned into parameters
    (「改价：价格={价格}」), replayed without the model (``errands.skills``)."""

    __tablename__ = "skills"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    employee_id: Mapped[str] = mapped_column(ForeignKey("employees.id"))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    site: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    params: Mapped[list] = mapped_column(JSON, default=list)
    """Parameter names, in order (价格, 商品 …)."""
    errand: Mapped[dict] = mapped_column(JSON)
    """The errand (goal, done_when …) with ``{参数}`` where the owner's values were."""
    steps: Mapped[list] = mapped_column(JSON)
    """The recorded steps (``rpa.agent_guard`` trail entries and ``press`` markers) with ``{参数}`` in typed text."""
    from_run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
