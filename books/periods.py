"""Quarters: the small-scale VAT return's filing period, and its deadline."""
from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Collection


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    q: int
    """1..4"""

    def __post_init__(self):
        if self.q not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1..4, got {self.q}")

    @classmethod
    def containing(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """``2024Q2`` / ``2024-Q2`` / ``2024年第2季度``."""
        m = re.fullmatch(r"\s*(\d{4})\s*(?:-?[Qq]|年第)\s*([1-4])\s*(?:季度)?\s*", text)
        if not m:
            raise ValueError(f"not a quarter: {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        month = 3 * self.q
        return date(self.year, month, monthrange(self.year, month)[1])

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.q == 1 else Quarter(self.year, self.q - 1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)

    def deadline(self, days_off: Collection[date] = ()) -> date:
        """The 15th of the month after the quarter, moved past weekends and the given days off.

        Limitation: the tax bureau also extends the month's deadline by the length of a holiday of three
        or more days inside days 1-15 (National Day, Spring Festival) and publishes the result as its
        filing calendar; pass those days in ``days_off`` or read the date from the portal's 申报清册.
        """
        nxt = self.next().start
        day = date(nxt.year, nxt.month, 15)
        while day.weekday() >= 5 or day in days_off:
            day += timedelta(days=1)
        return day

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.q}季度"

    def __str__(self) -> str:
        return f"{self.year}Q{self.q}"
