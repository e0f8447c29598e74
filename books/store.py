"""Storing income records all-or-nothing, finding repeats of records already in the books, reading one
quarter back, and changing single records."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from books.importer import import_records
from books.models import CATEGORIES, INVOICES, RATES, ExpenseRecord, IncomeRecord, sale_key
from books.periods import Quarter
from books.report_cache import forget
from core.errors import BusinessError, ValidationFailed
from core.runs import audit

DUPLICATE_CHOICES = ("ask", "skip", "import")
"""What an import does with rows already in the books: ask (nothing added), skip them, or import anyway."""


def ensure_table(session: Session) -> None:
    """Create ``income_records`` if the engine was set up before ``books.models`` was imported. Columns added
    since the table first shipped come with the engine's migrations (``core.db.create_schema``)."""
    IncomeRecord.__table__.create(session.connection(), checkfirst=True)


def record_errors(rec: IncomeRecord, label: str) -> list[dict]:
    """What is wrong with one record, as field errors (empty when it can be stored)."""
    errors = []
    if rec.day is None:
        errors.append(("day", "日期", "缺少日期"))
    if rec.amount is None or Decimal(rec.amount) == 0:
        errors.append(("amount", "≠ 0", "金额不能为空或为0"))
    if rec.invoice not in INVOICES:
        errors.append(("invoice", "/".join(INVOICES), f"发票类型不对：{rec.invoice}"))
    if rec.category not in CATEGORIES:
        errors.append(("category", "/".join(CATEGORIES), f"类别不对：{rec.category}"))
    if rec.rate is None or Decimal(rec.rate) not in RATES:
        errors.append(("rate", "0/1%/3%/5%", f"税率不对：{rec.rate}"))
    return [{"field": f"{label}.{f}", "limit": limit, "message": f"{label}：{msg}"}
            for f, limit, msg in errors]


def add_records(session: Session, workspace_id: str, records: Iterable[IncomeRecord]) -> list[IncomeRecord]:
    """Add every record to the workspace, or none: any bad record raises ``ValidationFailed`` first.

    The caller owns the transaction (``core.db.transaction``), so a later failure rolls all of them back.
    """
    records = list(records)
    errors = [e for i, r in enumerate(records, 1) for e in record_errors(r, f"第{i}条")]
    if errors:
        raise ValidationFailed(errors)
    ensure_table(session)
    for r in records:
        r.workspace_id = workspace_id
    session.add_all(records)
    session.flush()
    forget(session, workspace_id, {r.day for r in records})
    return records


# -- importing a file, and its repeats --------------------------------------------------------------------

@dataclass(frozen=True)
class Repeat:
    """A row of the file that is already in the books."""

    row: int
    """The row as the spreadsheet numbers it."""
    record: dict
    """The file's record, as a plain row (``read_plain``)."""
    existing: Any
    """The record already in the books it repeats (its ``id`` and ``source``)."""

    def as_dict(self) -> dict:
        r, e = self.record, self.existing
        return {"row": self.row, "day": r["day"].isoformat(), "amount": str(r["amount"]),
                "counterparty": r["counterparty"], "invoice_no": r["invoice_no"], "existing_id": e.id,
                "existing_source": _source_text(e)}

    def text(self) -> str:
        r = self.record
        who = f"，{r['counterparty']}" if r["counterparty"] else ""
        no = f"，发票号码{r['invoice_no']}" if r["invoice_no"] else ""
        return f"第{self.row}行（{r['day'].isoformat()}，{r['amount']}元{who}{no}）和账本里{_source_text(self.existing)}的记录相同"


def _source_text(rec) -> str:
    if rec.source == "manual":
        return "手工添加"
    return f"从{rec.source}保存" if rec.source.startswith("发票「") else f"从「{rec.source}」导入"  # intake's source


class DuplicateRows(BusinessError):
    """The file repeats records already in the books and the owner has not said what to do: nothing added."""

    def __init__(self, repeats: list[Repeat], same_file: str | None, new_rows: int):
        self.repeats, self.same_file, self.new_rows = repeats, same_file, new_rows
        head = f"这个文件和{same_file}是同一个文件，" if same_file else ""
        shown = "；".join(r.text() for r in repeats[:5]) + (f"；等共{len(repeats)}行" if len(repeats) > 5 else "")
        super().__init__(f"{head}有{len(repeats)}行已经在账本里了：{shown}。没有导入任何记录。"
                         f"请选择“跳过重复的”（只导入其余{new_rows}行）或“仍然全部导入”后再导入一次")


@dataclass
class Imported:
    added: list[dict] = field(default_factory=list)
    """The rows stored (income and expenses), as plain rows."""
    skipped: list[Repeat] = field(default_factory=list)


@dataclass
class PlainRows:
    """An income sheet read and checked, as plain rows (column name → value) rather than ORM objects.

    Why plain: the web server stores what its parse process read (``core.offload``). 2,000 ORM objects
    unpickled and then flushed one by one through the unit of work were ~1 s of pure Python in the web
    process (profiled: unpickling 0.16 s, ``add_all`` + ``flush`` 0.65 s, loaded machine), and /healthz
    waited for the GIL meanwhile (p99 150–166 ms, docs/reliability.md). Plain rows unpickle mostly in C
    and are written with one executemany."""

    income: list[dict] = field(default_factory=list)
    income_rows: list[int] = field(default_factory=list)
    """The row of each income record, as the spreadsheet numbers it."""
    spent: list[dict] = field(default_factory=list)
    spent_rows: list[int] = field(default_factory=list)
    """The row of each expense, likewise."""


def _plain(rec: IncomeRecord | ExpenseRecord) -> dict:
    """The record's columns, each missing value that has a fixed default filled in (every row has the same
    keys, as an executemany needs); ``created_at`` is left to the insert, row by row."""
    values = {}
    for column in type(rec).__table__.columns:
        if column.key in ("workspace_id", "created_at"):
            continue
        value = getattr(rec, column.key)
        if value is None and column.default is not None and column.default.is_scalar:
            value = column.default.arg
        values[column.key] = value
    return values


def read_plain(name: str, data: bytes, tz: str = "Asia/Shanghai") -> PlainRows:
    """Read and check an income sheet (in the parse process): every row, or ``ValidationFailed`` with every
    error (the importer's, then ``record_errors`` as ``add_records`` checks them)."""
    result = import_records(name, data, tz)
    result.raise_errors()
    sales = [(r, n) for r, n in zip(result.records, result.rows) if isinstance(r, IncomeRecord)]
    errors = [e for i, (r, _) in enumerate(sales, 1) for e in record_errors(r, f"第{i}条")]
    if errors:
        raise ValidationFailed(errors)
    spent = [(r, n) for r, n in zip(result.records, result.rows) if not isinstance(r, IncomeRecord)]
    return PlainRows(income=[_plain(r) for r, _ in sales], income_rows=[n for _, n in sales],
                     spent=[_plain(r) for r, _ in spent], spent_rows=[n for _, n in spent])


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def repeats_of(session: Session, workspace_id: str, records: list[dict], rows: list[int],
               model: type = IncomeRecord) -> list[Repeat]:
    """The rows that repeat a record of ``model`` already in the workspace's books (same ``sale_key``), or
    whose invoice number is already in the books as income or expense (one invoice, one record)."""
    ensure_table(session)
    days = {r["day"] for r in records}
    if not days:
        return []
    # Plain rows, not ORM objects: a second sheet of the same days meets thousands of records here.
    stmt = (select(model.id, model.source, model.day, model.amount, model.counterparty, model.invoice_no)
            .where(model.workspace_id == workspace_id, model.day.in_(days)))
    known = {}
    for rec in session.execute(stmt):
        known.setdefault(sale_key(rec.day, rec.amount, rec.counterparty, rec.invoice_no), rec)
    numbers = {(r["invoice_no"] or "").strip() for r in records} - {""}
    invoiced = {}
    for other in (IncomeRecord, ExpenseRecord) if numbers else ():
        for rec in session.execute(select(other.id, other.source, other.invoice_no).where(
                other.workspace_id == workspace_id, other.invoice_no.in_(numbers))):
            invoiced.setdefault(rec.invoice_no, rec)
    out = []
    for r, n in zip(records, rows):
        existing = known.get(sale_key(r["day"], r["amount"], r["counterparty"], r["invoice_no"])) \
            or invoiced.get((r["invoice_no"] or "").strip())
        if existing is not None:
            out.append(Repeat(n, r, existing))
    return out


def import_file(session: Session, workspace_id: str, name: str, data: bytes,
                tz: str = "Asia/Shanghai", duplicates: str = "ask", read=read_plain) -> Imported:
    """Import an uploaded income list: every row, or ``ValidationFailed`` with every error. Rows already in the
    books raise ``DuplicateRows`` (nothing added) unless ``duplicates`` says to skip them or import anyway."""
    if duplicates not in DUPLICATE_CHOICES:
        raise ValueError(f"duplicates must be one of {DUPLICATE_CHOICES}")
    rows = read(name, data, tz)  # read_plain, or the web server's call of it in its parse process
    sha = digest(data)
    repeats = sorted(repeats_of(session, workspace_id, rows.income, rows.income_rows)
                     + repeats_of(session, workspace_id, rows.spent, rows.spent_rows, ExpenseRecord),
                     key=lambda r: r.row)
    if repeats and duplicates == "ask":
        raise DuplicateRows(repeats, _imported_before(session, workspace_id, sha),
                            len(rows.income) + len(rows.spent) - len(repeats))
    skip = {id(r.record) for r in repeats} if duplicates == "skip" else set()
    income = [r for r in rows.income if id(r) not in skip]
    spent = [r for r in rows.spent if id(r) not in skip]
    for r in income:
        r.update(workspace_id=workspace_id, file_digest=sha)
    for r in spent:  # expenses: checked row by row already
        r.update(workspace_id=workspace_id, file_digest=sha, source=name[-200:])
    ensure_table(session)
    for model, batch in ((IncomeRecord, income), (ExpenseRecord, spent)):
        if batch:  # one executemany each; ``created_at`` comes from the column's default, row by row
            session.execute(insert(model.__table__), batch)
    forget(session, workspace_id, {r["day"] for r in income} | {r["day"] for r in spent})
    return Imported(income + spent, repeats if skip else [])


def _imported_before(session: Session, workspace_id: str, sha: str) -> str | None:
    """How the owner knows the earlier import of the same bytes ("2026-12-06导入的「收入.csv」"), if any."""
    for model in (IncomeRecord, ExpenseRecord):  # an expense-only sheet too
        first = session.scalars(select(model).where(model.workspace_id == workspace_id, model.file_digest == sha)
                                .order_by(model.created_at).limit(1)).first()
        if first is not None:
            return f"之前导入的「{first.source}」"
    return None


# -- reading and changing records ---------------------------------------------------------------------------

def records_in(session: Session, workspace_id: str, quarter: Quarter) -> list[IncomeRecord]:
    """The workspace's records dated inside the quarter, oldest first."""
    ensure_table(session)
    stmt = (select(IncomeRecord)
            .where(IncomeRecord.workspace_id == workspace_id,
                   IncomeRecord.day >= quarter.start, IncomeRecord.day <= quarter.end)
            .order_by(IncomeRecord.day, IncomeRecord.created_at, IncomeRecord.id))
    return list(session.scalars(stmt))


def get_record(session: Session, workspace_id: str, record_id: str) -> IncomeRecord | None:
    """The workspace's record, or None (also for another workspace's record)."""
    ensure_table(session)
    rec = session.get(IncomeRecord, record_id)
    return rec if rec is not None and rec.workspace_id == workspace_id else None


def update_record(session: Session, rec: IncomeRecord, values: dict, actor: str = "owner") -> IncomeRecord:
    """Replace the record's fields with ``values`` (already checked, ``books.entry``); re-checked before the flush.
    The audit log keeps what it was and what it became."""
    from books.expenses import snapshot

    before, was = snapshot(rec), rec.day
    for key, value in values.items():
        setattr(rec, key, value)
    errors = record_errors(rec, "这条记录")
    if errors:
        raise ValidationFailed(errors)
    session.flush()
    forget(session, rec.workspace_id, {was, rec.day})
    audit(session, rec.workspace_id, actor, "books.income.edited", rec.id, {"before": before, "after": snapshot(rec)})
    return rec


def delete_record(session: Session, rec: IncomeRecord, actor: str = "owner") -> None:
    from books.expenses import snapshot

    audit(session, rec.workspace_id, actor, "books.income.deleted", rec.id, {"before": snapshot(rec)})
    forget(session, rec.workspace_id, {rec.day})
    session.delete(rec)
    session.flush()
