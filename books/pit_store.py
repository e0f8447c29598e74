"""The owner's per-quarter figures for the business-income prepayment: validated, stored, read per year.

成本费用 come from the books' expense records. What the owner types as the quarter's costs on the finance page
is kept as one expense record of its own (source ``pit-figures``, dated the quarter's last day, replaced when
she types again), so the A表 has a single source: the records."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from books.expenses import add_expense, delete_expense, expenses_between
from books.models import ExpenseRecord, IncomeRecord, QuarterFigures
from books.periods import Quarter
from books.pit import OWNER_TYPED, Figures
from books.store import records_in
from core.errors import ValidationFailed

LABELS = {"costs": "成本费用", "loss_offset": "弥补以前年度亏损", "special_deductions": "专项扣除"}
MAX = Decimal("1e12")
LIMIT = "≥ 0，最多两位小数，小于1万亿"


def parse_figures(raw: dict) -> Figures:
    """Figures from what the owner typed (missing = 0), or ``ValidationFailed`` naming every bad field."""
    values, errors = {}, []
    for key in OWNER_TYPED:
        text = str(raw.get(key) if raw.get(key) not in (None, "") else "0").replace(",", "").strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0 or value >= MAX or value != value.quantize(Decimal("0.01")):
            errors.append({"field": key, "limit": LIMIT,
                           "message": f"{LABELS[key]}应为不小于0、最多两位小数的金额：{raw.get(key)}"})
            continue
        values[key] = value.quantize(Decimal("0.01"))
    if errors:
        raise ValidationFailed(errors)
    return Figures(**values)


def ensure_table(session: Session) -> None:
    QuarterFigures.__table__.create(session.connection(), checkfirst=True)


def set_figures(session: Session, workspace_id: str, period: Quarter, raw: dict) -> Figures:
    """Store the quarter's figures (replacing earlier ones); the caller commits."""
    figures = parse_figures(raw)
    ensure_table(session)
    row = session.scalars(select(QuarterFigures).where(QuarterFigures.workspace_id == workspace_id,
                                                       QuarterFigures.period == str(period))).first()
    if row is None:
        row = QuarterFigures(workspace_id=workspace_id, period=str(period))
        session.add(row)
    row.costs, row.loss_offset, row.special_deductions = (
        figures.costs, figures.loss_offset, figures.special_deductions)
    typed = typed_costs(session, workspace_id, period)
    if typed is not None and figures.costs != typed.amount:
        delete_expense(session, typed)
        typed = None
    if typed is None and figures.costs:
        add_expense(session, workspace_id, {"day": period.end, "amount": figures.costs, "category": "cost",
                                            "note": f"{period.label}成本费用（在报税页填写）"}, source=TYPED_SOURCE)
    session.flush()
    return figures


TYPED_SOURCE = "pit-figures"


def typed_costs(session: Session, workspace_id: str, period: Quarter) -> ExpenseRecord | None:
    """The expense record holding what the owner typed as the quarter's costs, if any."""
    return session.scalars(select(ExpenseRecord).where(
        ExpenseRecord.workspace_id == workspace_id, ExpenseRecord.source == TYPED_SOURCE,
        ExpenseRecord.day >= period.start, ExpenseRecord.day <= period.end)).first()


def figures_of_year(session: Session, workspace_id: str, year: int) -> dict[int, Figures]:
    """``{quarter number: Figures}`` for the quarters of ``year`` the owner filled in."""
    ensure_table(session)
    rows = {Quarter.parse(r.period).q: r for r in session.scalars(select(QuarterFigures).where(
        QuarterFigures.workspace_id == workspace_id, QuarterFigures.period.like(f"{year}Q%")))}
    out = {}
    for q in range(1, 5):
        quarter = Quarter(year, q)
        spent = expenses_between(session, workspace_id, quarter.start, quarter.end)
        row = rows.get(q)
        if row is None and not spent:
            continue
        costs = sum((Decimal(e.amount) for e in spent), Decimal("0")).quantize(Decimal("0.01"))
        out[q] = Figures(costs, row.loss_offset if row else Decimal("0.00"),
                         row.special_deductions if row else Decimal("0.00"), tuple(e.id for e in spent))
    return out


def year_to_date(session: Session, workspace_id: str, period: Quarter) -> tuple[list[IncomeRecord], dict[int, Figures]]:
    """What the A表 of ``period`` is computed from: the year's records to the quarter's end, the typed figures."""
    records = [r for q in range(1, period.q + 1) for r in records_in(session, workspace_id, Quarter(period.year, q))]
    return records, figures_of_year(session, workspace_id, period.year)
