"""The owner's income records (one row per sale, as recorded in their books)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from core.models import Base, UTCDateTime, new_id, utcnow

INVOICES = ("special", "ordinary", "none")
"""special = 增值税专用发票 (专票); ordinary = 普通发票 incl. electronic (普票); none = 未开票."""
CATEGORIES = ("goods", "services")
"""goods = 货物及劳务; services = 服务、不动产和无形资产 (the return's two columns)."""
RATES = (Decimal("0"), Decimal("0.01"), Decimal("0.03"), Decimal("0.05"))
"""The rates a small-scale taxpayer records: 0 = 免税, 1% (3% reduced), 3%, 5%."""


class ExactDecimal(TypeDecorator):
    """Numeric on real databases; text on SQLite, which would otherwise round-trip money through float."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int):
        super().__init__(precision, scale)
        self.precision, self.scale = precision, scale

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(self.precision + 2))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value).quantize(Decimal(1).scaleb(-self.scale))
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(str(value))


class IncomeRecord(Base):
    """One sale. ``amount`` is stored exactly as recorded; ``tax_included`` says whether it contains the VAT.

    Owners usually write down what the customer paid, so imported amounts are tax-inclusive unless the
    column says 不含税; the return converts them (amount / (1 + rate), rounded to cents per record).
    """

    __tablename__ = "income_records"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    """The sale's date in the workspace's time zone."""
    amount: Mapped[Decimal] = mapped_column(ExactDecimal(14, 2))
    tax_included: Mapped[bool] = mapped_column(Boolean, default=True)
    invoice: Mapped[str] = mapped_column(String(16), default="none")
    """special | ordinary | none (see ``INVOICES``)"""
    category: Mapped[str] = mapped_column(String(16))
    """goods | services (see ``CATEGORIES``)"""
    rate: Mapped[Decimal] = mapped_column(ExactDecimal(5, 4))
    """The rate charged/invoiced: 0 (exempt), 0.01, 0.03 or 0.05."""
    note: Mapped[str] = mapped_column(Text, default="")
    counterparty: Mapped[str] = mapped_column(String(100), default="")
    """Who paid (客户 / 购买方), when recorded: part of what makes two records the same sale."""
    invoice_no: Mapped[str] = mapped_column(String(32), default="")
    """发票号码, when recorded."""
    source: Mapped[str] = mapped_column(String(200), default="manual")
    """The import file's name, or "manual"."""
    file_digest: Mapped[str] = mapped_column(String(64), default="")
    """sha256 of the imported file's bytes ("" for a record added by hand): the same file twice is known."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return (f"IncomeRecord({self.day} {self.amount} {'含税' if self.tax_included else '不含税'} "
                f"{self.invoice} {self.category} {self.rate})")

    @property
    def sale_key(self) -> tuple:
        """Two records with the same key are taken for the same sale recorded twice: date, amount,
        counterparty and invoice number (the last two compared only as recorded, empty included)."""
        return (self.day, Decimal(self.amount), (self.counterparty or "").strip(), (self.invoice_no or "").strip())


class QuarterFigures(Base):
    """What the owner types once per quarter for the business-income prepayment (the books hold income only).

    One row per workspace and quarter; the A表 sums the quarters of the year up to the one being filed.
    """

    __tablename__ = "pit_quarter_figures"
    __table_args__ = (UniqueConstraint("workspace_id", "period"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    period: Mapped[str] = mapped_column(String(8))
    """``2026Q1``"""
    costs: Mapped[Decimal] = mapped_column(ExactDecimal(14, 2), default=Decimal("0"))
    """成本费用 of the quarter"""
    loss_offset: Mapped[Decimal] = mapped_column(ExactDecimal(14, 2), default=Decimal("0"))
    """弥补以前年度亏损 claimed in the quarter"""
    special_deductions: Mapped[Decimal] = mapped_column(ExactDecimal(14, 2), default=Decimal("0"))
    """专项扣除 of the quarter"""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
