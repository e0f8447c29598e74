"""The owner's inbox settings for 客服代表, kept under ``Employee.settings["inbox"]`` (read with defaults, so
an employee saved before the inbox existed needs no migration)."""
from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, field_validator

HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class InboxSettings(BaseModel):
    enabled: bool = False
    """The owner switched the inbox on (客服 tab): only then are her accounts swept."""
    sweep_every_min: float = Field(5.0, ge=0.5, le=240)
    """How often each account's inbox is read (the scheduler adds up to a fifth of it at random)."""
    replies_per_hour: int = Field(20, ge=1, le=200)
    """At most this many replies per account in any hour."""
    spacing_s: tuple[int, int] = (20, 90)
    """Random wait between two replies of one account, seconds (a person does not answer in bursts)."""
    quiet_hours: str = "23:00-08:00"
    """No sweep and no reply in these hours (the workspace's time zone); empty: none."""
    confidence: float = Field(0.6, ge=0.0, le=1.0)
    """Auto mode posts only drafts grounded in a passage at least this sure (share of the question's words
    the passage covers)."""
    sensitive_words: list[str] = Field(default_factory=list)
    """A message containing one of these always goes to 转人工."""

    @field_validator("quiet_hours")
    @classmethod
    def _hours(cls, v: str) -> str:
        v = v.strip()
        if v and not HOURS.match(v):
            raise ValueError("免打扰时段请写成 23:00-08:00")
        return v

    def quiet_at(self, when: datetime, tz: str) -> bool:
        if not self.quiet_hours:
            return False
        start, end = (time.fromisoformat(p) for p in self.quiet_hours.split("-"))
        now = when.astimezone(ZoneInfo(tz)).time()
        return start <= now < end if start <= end else (now >= start or now < end)


def inbox_settings(employee) -> InboxSettings:
    stored = ((employee.settings or {}) if employee is not None else {}).get("inbox") or {}
    try:
        return InboxSettings.model_validate(stored)
    except ValueError:
        return InboxSettings()
