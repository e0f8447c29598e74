"""The owner's income records (one row per sale, as recorded in their books)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
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
    tax: Mapped[Decimal | None] = mapped_column(ExactDecimal(14, 2), nullable=True)
    """税额 as invoiced, when the record came from an invoice (the return computes its own from the rate)."""
    upload_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """The uploaded invoice the record was saved from (``InvoiceUpload``): its file is the attachment."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return (f"IncomeRecord({self.day} {self.amount} {'含税' if self.tax_included else '不含税'} "
                f"{self.invoice} {self.category} {self.rate})")

    @property
    def sale_key(self) -> tuple:
        return sale_key(self.day, self.amount, self.counterparty, self.invoice_no)


def sale_key(day: date, amount, counterparty: str | None, invoice_no: str | None) -> tuple:
    """Two records with the same key are taken for the same sale recorded twice: date, amount,
    counterparty and invoice number (the last two compared only as recorded, empty included). A function too,
    for an import's plain rows (``books.store.read_plain``)."""
    return (day, Decimal(amount), (counterparty or "").strip(), (invoice_no or "").strip())


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


# -- the books beyond sales: expenses, uploaded invoices, what the owner corrected, cached reports -------------

EXPENSE_CATEGORIES = {
    "cost": "进货成本", "office": "办公用品", "rent": "房租水电", "travel": "差旅交通", "marketing": "平台和推广费",
    "logistics": "快递物流", "services": "外包和服务费", "salary": "工资社保", "other": "其他支出",
}
"""Expense categories and their names on the page. ``cost`` is 成本 on the monthly report; the rest are 费用."""
COST_CATEGORIES = ("cost",)


class ExpenseRecord(Base):
    """One purchase or cost. ``amount`` is what was paid (价税合计): a small-scale taxpayer deducts no input
    VAT, so the whole of it is the cost the 经营所得 A表 counts. ``tax`` and ``rate`` are kept as invoiced."""

    __tablename__ = "expense_records"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal] = mapped_column(ExactDecimal(14, 2))
    """价税合计: what was paid."""
    tax: Mapped[Decimal | None] = mapped_column(ExactDecimal(14, 2), nullable=True)
    """税额 on the invoice, when there is one."""
    rate: Mapped[Decimal | None] = mapped_column(ExactDecimal(5, 4), nullable=True)
    category: Mapped[str] = mapped_column(String(16), default="other")
    """A key of ``EXPENSE_CATEGORIES``."""
    counterparty: Mapped[str] = mapped_column(String(100), default="")
    """Who was paid (销售方)."""
    invoice_no: Mapped[str] = mapped_column(String(32), default="", index=True)
    invoice: Mapped[str] = mapped_column(String(16), default="none")
    """special | ordinary | none (see ``INVOICES``)."""
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="manual")
    """manual | the import file's name | invoice (an uploaded invoice) | pit-figures (the A表's typed costs)."""
    upload_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """The uploaded invoice the record was saved from (``InvoiceUpload``): its file is the attachment."""
    file_digest: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InvoiceUpload(Base):
    """An invoice the owner uploaded, as read (fields with confidences) and, once she checked it, the record
    it became. The file itself stays under the data dir's uploads (the record's attachment)."""

    __tablename__ = "invoice_uploads"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(64), default="application/octet-stream")
    path: Mapped[str] = mapped_column(String(500))
    digest: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(8))
    """xml | pdf | ofd | photo: how it was read."""
    reading: Mapped[dict] = mapped_column(JSON, default=dict)
    """{"fields": {key: {value, confidence, label}}, "lines": [...], "direction": ..., "warnings": [...]}"""
    status: Mapped[str] = mapped_column(String(16), default="pending")
    """pending (waiting for the owner's check) | saved | attachment (a receipt or photo the owner attached to a
    record herself: not read, not an invoice; ``books.attachments``)"""
    record_kind: Mapped[str | None] = mapped_column(String(8), nullable=True)
    """income | expense, once saved"""
    record_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InvoiceCorrection(Base):
    """One field the owner changed on the validation card: what was read, what she saved, and how it was read
    (the measure of extraction quality over time, ``books.intake.correction_rates``)."""

    __tablename__ = "invoice_corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(32), index=True)
    upload_id: Mapped[str] = mapped_column(String(32), index=True)
    field: Mapped[str] = mapped_column(String(32))
    original: Mapped[str | None] = mapped_column(Text, nullable=True)
    corrected: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(String(8))
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportCache(Base):
    """A month's or quarter's report as last computed; dropped whenever a record of that period changes
    (``books.report``)."""

    __tablename__ = "book_report_cache"
    __table_args__ = (UniqueConstraint("workspace_id", "month"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(32), index=True)
    month: Mapped[str] = mapped_column(String(7))
    """The period's key: ``2026-11`` or ``2026Q3``"""
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
