"""The 月度报表 and 季度报表: a month's or a quarter's income, costs, expenses by category and profit, computed
from the records and kept in ``book_report_cache`` (keyed ``2026-11`` or ``2026Q3``) until a record of the period
changes (the stores call ``report_cache.forget``, which drops the day's month and quarter).

Income is counted tax-exclusive (the VAT on a sale is the state's, not the shop's: ``books.vat.exclusive_amount``);
expenses as paid (a small-scale taxpayer deducts no input VAT, so it is all cost).
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from books.expenses import expenses_between
from books.models import COST_CATEGORIES, EXPENSE_CATEGORIES, IncomeRecord, ReportCache
from books.periods import Quarter
from books.report_cache import month_key
from books.store import ensure_table
from books.vat import ZERO, cents, exclusive_amount
from core.models import utcnow


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        """``2026-11`` / ``2026年11月``; ValueError otherwise."""
        import re

        m = re.fullmatch(r"\s*(\d{4})\s*(?:-|年)\s*(\d{1,2})\s*月?\s*", text or "")
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"not a month: {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.month, monthrange(self.year, self.month)[1])

    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> "Month":
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    def __str__(self) -> str:
        return month_key(self.start)


Period = Month | Quarter
"""What a report covers: both have ``start``, ``end``, ``label``, ``previous()``/``next()`` and a key as ``str``."""


@dataclass
class Report:
    month: str
    """The period's key: ``2026-11`` for a month, ``2026Q3`` for a quarter (the name kept for cached rows)."""
    label: str
    income: str
    """Tax-exclusive sales."""
    income_tax: str
    """VAT on the sales as recorded (amount − tax-exclusive amount)."""
    costs: str
    expenses: str
    by_category: dict[str, str] = field(default_factory=dict)
    """Expense category key → sum (costs included, under ``cost``)."""
    profit: str = "0.00"
    income_records: int = 0
    expense_records: int = 0

    @property
    def title(self) -> str:
        return "季度报表" if "Q" in self.month else "月度报表"

    @property
    def category_rows(self) -> list[dict]:
        return [{"key": k, "label": EXPENSE_CATEGORIES[k], "value": v} for k, v in self.by_category.items()]


def compute(session: Session, workspace_id: str, month: Period) -> Report:
    ensure_table(session)
    sales = list(session.scalars(select(IncomeRecord).where(
        IncomeRecord.workspace_id == workspace_id, IncomeRecord.day >= month.start, IncomeRecord.day <= month.end)))
    spent = expenses_between(session, workspace_id, month.start, month.end)
    income = sum((exclusive_amount(r) for r in sales), ZERO)
    tax = sum((_output_tax(r) for r in sales), ZERO)
    by_category: dict[str, Decimal] = {}
    for rec in spent:
        by_category[rec.category] = by_category.get(rec.category, ZERO) + Decimal(rec.amount)
    costs = sum((v for k, v in by_category.items() if k in COST_CATEGORIES), ZERO)
    expenses = sum((v for k, v in by_category.items() if k not in COST_CATEGORIES), ZERO)
    ordered = {k: str(by_category[k]) for k in EXPENSE_CATEGORIES if k in by_category}
    return Report(str(month), month.label, str(income), str(tax), str(costs), str(expenses), ordered,
                  str(income - costs - expenses), len(sales), len(spent))


def _output_tax(rec: IncomeRecord) -> Decimal:
    """The VAT on a sale: what the invoice says, else what the recorded amount holds or implies at its rate."""
    if rec.tax is not None:
        return Decimal(rec.tax)
    if rec.tax_included:
        return Decimal(rec.amount) - exclusive_amount(rec)
    return cents(Decimal(rec.amount) * Decimal(rec.rate))


def period_report(session: Session, workspace_id: str, month: Period) -> tuple[Report, bool]:
    """(the month's or quarter's report, whether it came from the cache). The caller commits (a fresh one is
    stored)."""
    row = session.scalars(select(ReportCache).where(ReportCache.workspace_id == workspace_id,
                                                    ReportCache.month == str(month))).first()
    if row is not None:
        return Report(**row.data), True
    report = compute(session, workspace_id, month)
    try:
        with session.begin_nested():  # two readers computing the same period at once: the second keeps its own
            session.add(ReportCache(workspace_id=workspace_id, month=str(month), data=asdict(report),
                                    computed_at=utcnow()))
    except IntegrityError:
        pass
    return report, False


monthly_report = period_report
