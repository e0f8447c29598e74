"""When the quarterly return is due, and what the owner is told about it.

The rule is the 15th of the month after the quarter, moved past weekends (``Quarter.deadline``). Each
year the tax bureau publishes its filing calendar (国家税务总局办公厅关于合理安排某年纳税申报期限的通知),
which also moves a month's deadline for long holidays (Spring Festival, National Day). Those published
dates are data here: one line per month. A month missing from the table falls back to the rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from books.periods import Quarter

OFFICIAL_DEADLINES: dict[str, date] = {
    # GUESS until checked against the bureau's published 2026 calendar (no network here): the months
    # a quarterly return falls in, with the usual holiday extensions.
    "2026-01": date(2026, 1, 20),
    "2026-04": date(2026, 4, 20),
    "2026-07": date(2026, 7, 15),
    "2026-10": date(2026, 10, 26),
}
REMIND_DAYS = 7
"""How many days before the deadline the dashboard starts reminding."""


def filing_deadline(quarter: Quarter) -> date:
    first = quarter.next().start
    return OFFICIAL_DEADLINES.get(f"{first.year}-{first.month:02d}") or quarter.deadline()


@dataclass(frozen=True)
class Reminder:
    quarter: Quarter
    deadline: date
    days_left: int
    state: str
    """filed | upcoming (filing window not near) | due_soon | overdue"""

    @property
    def text(self) -> str:
        label = self.quarter.label
        if self.state == "filed":
            return f"{label}增值税已申报"
        if self.state == "overdue":
            return f"{label}增值税申报已逾期{-self.days_left}天（截止{self.deadline:%m月%d日}），请尽快申报"
        return f"{label}增值税申报截止{self.deadline:%m月%d日}，还有{self.days_left}天"


def reminder(today: date, filed: bool, days_before: int = REMIND_DAYS) -> Reminder:
    """The return due now: the quarter that ended last, as of ``today``."""
    quarter = Quarter.containing(today).previous()
    deadline = filing_deadline(quarter)
    days_left = (deadline - today).days
    if filed:
        state = "filed"
    elif days_left < 0:
        state = "overdue"
    elif days_left <= days_before:
        state = "due_soon"
    else:
        state = "upcoming"
    return Reminder(quarter, deadline, days_left, state)
