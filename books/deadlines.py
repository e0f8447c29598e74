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


# -- every deadline the books remind of --------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    key: str
    """vat | pit_business | pit_annual | annual_report"""
    name: str
    """What is due, as the owner reads it."""
    due: date
    source: str
    """The rule that sets the date (shown next to the reminder)."""

    def text(self, today: date) -> str:
        days = (self.due - today).days
        when = f"已逾期{-days}天" if days < 0 else "今天截止" if days == 0 else f"还有{days}天"
        return f"{self.name}截止{self.due:%Y年%m月%d日}，{when}"


VAT_SOURCE = "《增值税暂行条例》第二十三条：以季度为纳税期的，自期满之日起15日内申报；遇节假日按税务总局申报日历顺延"
PIT_QUARTER_SOURCE = "《个人所得税法》第十二条：经营所得在季度终了后15日内报送纳税申报表并预缴税款"
PIT_ANNUAL_SOURCE = "《个人所得税法》第十二条：经营所得在取得所得的次年3月31日前办理汇算清缴"
ANNUAL_REPORT_SOURCE = ("《企业信息公示暂行条例》第八条、《个体工商户年度报告暂行办法》：每年1月1日至6月30日"
                        "通过国家企业信用信息公示系统报送上一年度年度报告")


def deadlines(today: date, files_business_income: bool) -> list[Deadline]:
    """What is due next, soonest first: the quarter's VAT return (and A表 for an individual business, a sole
    proprietorship or a partnership), the 经营所得 汇算 by 31 March, the 工商年报 by 30 June."""
    quarter = Quarter.containing(today).previous()
    due = filing_deadline(quarter)
    out = [Deadline("vat", f"{quarter.label}增值税申报", due, VAT_SOURCE)]
    if files_business_income:
        out.append(Deadline("pit_business", f"{quarter.label}经营所得预缴申报（A表）", due, PIT_QUARTER_SOURCE))
        year = today.year if today <= date(today.year, 3, 31) else today.year + 1
        out.append(Deadline("pit_annual", f"{year - 1}年度经营所得汇算清缴（B表）", date(year, 3, 31), PIT_ANNUAL_SOURCE))
    year = today.year if today <= date(today.year, 6, 30) else today.year + 1
    out.append(Deadline("annual_report", f"{year - 1}年度工商年报", date(year, 6, 30), ANNUAL_REPORT_SOURCE))
    return sorted(out, key=lambda d: d.due)
