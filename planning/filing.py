"""A filing task in the owner's words: which quarter (上季度, 第三季度, 2026Q3) and which return (增值税, 经营所得).

``quarter_of("把上季度增值税报了", now)`` reads the quarter the owner named, resolved against ``now`` in the
workspace zone; ``forms_of`` the returns. A filing plan has nothing to write: the figures come from the
books when the run starts, and the return waits for the owner's approval before it is submitted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from books.periods import Quarter
from planning.plan import FORM_LABELS
from planning.when import cn_int

QUARTER = re.compile(r"(?:(?P<y>\d{4})\s*年\s*|(?P<ly>去年|今年))?(?:(?P<rel>上个?|上一个?|本|这个?|当前)季度?"
                     r"|第?(?P<n>[一二三四1-4])\s*季度?|[Qq](?P<q>[1-4]))(?=\s*(?:的|季|增值税|经营所得|个税|报|申报|$|[，。,]))")
FORM_WORDS = {"pit_business": re.compile(r"经营所得|个人所得税|个税|[Aa]表"), "vat": re.compile(r"增值税|附加税")}


@dataclass(frozen=True)
class SaidQuarter:
    quarter: Quarter
    start: int
    end: int
    said: bool
    """False: the owner named no quarter and the last ended one is assumed."""

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


def quarter_of(text: str, now: datetime) -> SaidQuarter:
    """The quarter the owner named; the last ended quarter (the one due) when none was named."""
    current = Quarter.containing(now.date())
    m = QUARTER.search(text)
    if m is None:
        return SaidQuarter(current.previous(), 0, 0, said=False)
    year = int(m.group("y")) if m.group("y") else now.year - (m.group("ly") == "去年")
    if m.group("rel"):
        quarter = current.previous() if m.group("rel").startswith("上") else current
    else:
        quarter = Quarter(year, cn_int(m.group("n") or m.group("q")) or 1)
    return SaidQuarter(quarter, m.start(), m.end(), said=True)


def forms_of(text: str) -> list[str]:
    """The returns the owner named, in the order named; none named means the VAT return."""
    found = {form: m.start() for form, pattern in FORM_WORDS.items() if (m := pattern.search(text))}
    return sorted(found, key=found.get) or ["vat"]


def not_yet_due(quarter: Quarter, now: datetime) -> str:
    """Why a quarter cannot be filed yet (zh-CN), "" when it can: a return is filed after its quarter ends."""
    if quarter.end >= now.date():
        return f"{quarter.label}还没有结束，要到{quarter.next().start.month}月1日以后才能申报"
    return ""


def describe(quarter: Quarter, form: str) -> tuple[str, str]:
    """The plan's title and body for one return (what the owner reads on the plan)."""
    title = f"{quarter.label} {FORM_LABELS[form]}"
    body = (f"所属期 {quarter.start.month}月{quarter.start.day}日至{quarter.end.month}月{quarter.end.day}日。"
            f"确认后财务助手登录电子税务局，按账本里这个季度的记录填写申报表；提交前会把填好的表和截图发给你审批，"
            f"缴款也要你单独确认。")
    return title, body
