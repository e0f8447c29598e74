"""From an uploaded invoice to a record, with the owner's check in between (the validation card).

    receive()  the file is read (``books.invoices.read_invoice``), kept under the data dir, and an
               ``InvoiceUpload`` holds what was read with each field's confidence: nothing is in the books yet
    save()     what the owner checked becomes an income record (she is the seller) or an expense (she is the
               buyer); every field she changed is kept as an ``InvoiceCorrection``; an invoice number already in
               the books is refused with the record it repeats, and nothing is saved
"""
from __future__ import annotations

import dataclasses
import hashlib
import mimetypes
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from books import cells
from books.entry import INVOICE_NO
from books.expenses import add_expense, parse_expense, parse_rate
from books.models import CATEGORIES, EXPENSE_CATEGORIES, ExpenseRecord, IncomeRecord, InvoiceCorrection, InvoiceUpload
from books.invoices.reading import LABELS, LOW_CONFIDENCE
from books.store import add_records, ensure_table
from books.vat_text import pct
from core.errors import BusinessError, ValidationFailed
from core.storage import Storage

FIELDS = {key: label for key, label in LABELS.items() if key != "code"}
"""The card's fields in the invoice's own order, and their names on the card (发票代码 is empty on a 数电票 and
kept only in the reading)."""
ATTACHMENT = "attachment"
"""``InvoiceUpload.status`` of a file the owner attached to a record herself (not read, not an invoice)."""
DIRECTIONS = {"income": "收入（我是销售方）", "expense": "支出（我是购买方）"}


class Refused(BusinessError):
    """The file cannot be read as an invoice: nothing kept. ``field`` names what was wrong."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


class DuplicateInvoice(BusinessError):
    """The invoice number is already in the books: nothing saved; ``link`` opens the record it repeats."""

    def __init__(self, number: str, kind: str, record):
        self.number, self.kind, self.record = number, kind, record
        self.link = f"/books?month={record.day:%Y-%m}#rec-{record.id}"
        what = "收入" if kind == "income" else "支出"
        super().__init__(f"发票号码{number}已经在账本里了（{record.day.isoformat()}的{what}，{record.amount}元），"
                         "没有重复保存")


def existing_invoice(session: Session, workspace_id: str, number: str) -> tuple[str, object] | None:
    """("income" | "expense", the record) holding this invoice number, if any."""
    number = (number or "").strip()
    if not number:
        return None
    ensure_table(session)
    for kind, model in (("income", IncomeRecord), ("expense", ExpenseRecord)):
        rec = session.scalars(select(model).where(model.workspace_id == workspace_id, model.invoice_no == number)
                              .limit(1)).first()
        if rec is not None:
            return kind, rec
    return None


def _reading_dict(reading) -> dict:
    def plain(value):
        if dataclasses.is_dataclass(value):
            return {k: plain(v) for k, v in dataclasses.asdict(value).items()}
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)

    fields = {key: {"value": f.value, "confidence": float(f.confidence), "label": f.label}
              for key, f in reading.fields.items()}
    return {"fields": fields, "lines": plain(list(reading.lines or [])), "direction": reading.direction,
            "warnings": [str(w) for w in reading.warnings or []]}


def receive(session: Session, workspace_id: str, store: Storage, filename: str, data: bytes,
            own_tax_id: str | None) -> InvoiceUpload:
    """Read the invoice and keep it for the owner's check; ``Refused`` (nothing kept) when it cannot be read."""
    from books.invoices import InvoiceRefused, read_invoice  # the reader (and OCR) load only when an invoice comes

    try:
        reading = read_invoice(data, filename, own_tax_id=own_tax_id)
    except InvoiceRefused as e:
        raise Refused("file", e.errors[0]["message"]) from None
    ref, digest, mime = keep(store, workspace_id, filename, data)
    upload = InvoiceUpload(workspace_id=workspace_id, filename=filename[-200:] or "发票", mime=mime, path=ref,
                           digest=digest, source=reading.source, reading=_reading_dict(reading))
    session.add(upload)
    session.flush()
    return upload


def keep(store: Storage, workspace_id: str, filename: str, data: bytes,
         mime: str | None = None) -> tuple[str, str, str]:
    """Store a file the owner gave the books (an invoice, or a record's attachment) under the workspace's
    uploads, named by its digest: (the storage ref, the sha256, the mime type it is served as)."""
    digest = hashlib.sha256(data).hexdigest()
    suffix = Path(filename).suffix.lower()[:8] if Path(filename).suffix else ""
    mime = mime or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return store.put(f"uploads/invoices/{workspace_id}/{digest}{suffix}", data, mime), digest, mime


def get_upload(session: Session, workspace_id: str, upload_id: str) -> InvoiceUpload | None:
    upload = session.get(InvoiceUpload, upload_id)
    return upload if upload is not None and upload.workspace_id == workspace_id else None


def card_fields(upload: InvoiceUpload) -> list[dict]:
    """The card's rows: every field with the value read, its confidence and whether it is highlighted."""
    read = upload.reading.get("fields", {})
    out = []
    for key, label in FIELDS.items():
        f = read.get(key) or {"value": None, "confidence": 0.0}
        value, confidence = f.get("value"), float(f.get("confidence") or 0)
        out.append({"key": key, "label": label, "value": _shown(key, value) or "", "confidence": confidence,
                    "low": confidence < LOW_CONFIDENCE})
    return out


def _shown(key: str, value: str | None) -> str | None:
    """A value as the invoice prints it: the reading's rate ``0.13`` is 13% (``0`` is 免税)."""
    if key != "rate" or value in (None, ""):
        return value
    try:
        rate = Decimal(value)
    except InvalidOperation:
        return value
    return "免税" if rate == 0 else pct(rate)


def card_lines(upload: InvoiceUpload) -> list[str]:
    """The invoice's line items as the owner reads them: 名称 规格 · 数量单位 × 单价 · 金额 · 税率 · 税额."""
    out = []
    for line in upload.reading.get("lines", []):
        if not isinstance(line, dict):
            out.append(str(line))
            continue
        parts = [" ".join(p for p in (line.get("name"), line.get("spec")) if p)]
        if line.get("quantity"):
            parts.append(f"{line['quantity']}{line.get('unit') or ''}" + (f" × ¥{line['price']}" if line.get("price") else ""))
        if line.get("amount"):
            parts.append(f"金额 ¥{line['amount']}")
        if line.get("rate") not in (None, ""):
            parts.append(f"税率 {_shown('rate', line['rate'])}")
        if line.get("tax"):
            parts.append(f"税额 ¥{line['tax']}")
        out.append(" · ".join(p for p in parts if p))
    return out


# -- saving what the owner checked -------------------------------------------------------------------------

def _same(key: str, before: str | None, after: str | None) -> bool:
    before, after = (before or "").strip(), (after or "").strip()
    if key == "rate":  # the card shows 13% for the 0.13 read
        try:
            return parse_rate(before) == parse_rate(after)
        except cells.CellError:
            return before == after
    if key in ("amount", "tax", "total"):
        try:
            return Decimal(before.replace(",", "")) == Decimal(after.replace(",", ""))
        except InvalidOperation:
            return before == after
    return before == after


def _money(data: dict, key: str, errors: list[dict], required: bool = True) -> Decimal | None:
    raw = (data.get(key) or "").strip()
    if not raw and not required:
        return None
    try:
        return cells.parse_amount(raw)
    except cells.CellError as e:
        errors.append({"field": key, "limit": "最多两位小数", "message": f"{FIELDS[key]}：{e}"})
        return None


def _values(upload: InvoiceUpload, data: dict, tz: ZoneInfo) -> tuple[str, dict]:
    """("income" | "expense", the record's values) from the card, or ``ValidationFailed`` naming every field."""
    errors: list[dict] = []
    direction = data.get("direction")
    if direction not in DIRECTIONS:
        errors.append({"field": "direction", "limit": "收入/支出",
                       "message": "请选择这张发票是收入（我是销售方）还是支出（我是购买方）"})
    number = (data.get("number") or "").strip()
    if not INVOICE_NO.match(number):
        errors.append({"field": "number", "limit": "8–20位数字", "message": f"发票号码应为8到20位数字：{number}"})
    try:
        day = cells.parse_day(data.get("date"), tz)
    except cells.CellError as e:
        errors.append({"field": "date", "limit": "YYYY-MM-DD", "message": f"开票日期：{e}"})
        day = None
    amount, tax, total = _money(data, "amount", errors), _money(data, "tax", errors, False), _money(data, "total", errors)
    if amount is not None and total is not None and tax is not None and amount + tax != total:
        errors.append({"field": "total", "limit": "金额 + 税额", "message":
                       f"价税合计应等于金额加税额：{amount} + {tax} = {amount + tax}，现在是{total}"})
    kind = "special" if "专" in (data.get("kind") or "") else "ordinary"
    values: dict = {}
    if direction == "income":
        try:
            rate = cells.parse_rate(data.get("rate"))
        except cells.CellError as e:
            errors.append({"field": "rate", "limit": "免税/1%/3%/5%", "message": f"税率：{e}"})
            rate = None
        category = data.get("category")
        if category not in CATEGORIES:
            errors.append({"field": "category", "limit": "货物及劳务/服务", "message": "类别请选择货物及劳务或服务"})
        values = {"day": day, "amount": amount, "tax_included": False, "invoice": kind, "category": category,
                  "rate": rate, "counterparty": (data.get("buyer_name") or "").strip()[:100], "invoice_no": number,
                  "tax": tax, "note": (data.get("note") or "").strip()[:200]}
    elif direction == "expense":
        category = (data.get("category") or "").removeprefix("expense-")
        if category in CATEGORIES and category not in EXPENSE_CATEGORIES:  # an income category left selected
            errors.append({"field": "category", "limit": "支出类别", "message": "支出请选择支出类别（如办公用品、进货成本）"})
        values, more = parse_expense({"day": day, "amount": total, "tax": tax, "rate": data.get("rate"),
                                      "category": category, "invoice": kind,
                                      "counterparty": (data.get("seller_name") or "").strip()[:100],
                                      "invoice_no": number, "note": data.get("note")}, tz)
        errors += [e for e in more if e["field"] not in ("day", "amount", "invoice_no")]
    if errors:
        raise ValidationFailed(errors)
    return direction, values


def save(session: Session, upload: InvoiceUpload, data: dict, tz: str = "Asia/Shanghai"):
    """The checked invoice as a record (returned with its kind), and what the owner corrected. The caller commits."""
    if upload.status == "saved":
        raise BusinessError("这张发票已经保存到账本了")
    if upload.status == ATTACHMENT:
        raise BusinessError("这是一条记录的附件，不是待核对的发票")
    direction, values = _values(upload, data, ZoneInfo(tz))
    repeat = existing_invoice(session, upload.workspace_id, values["invoice_no"])
    if repeat is not None:
        raise DuplicateInvoice(values["invoice_no"], *repeat)
    source = f"发票「{upload.filename}」"[:200]
    if direction == "income":
        rec = IncomeRecord(source=source, upload_id=upload.id, **values)
        add_records(session, upload.workspace_id, [rec])
    else:
        rec = add_expense(session, upload.workspace_id, values, source=source, upload_id=upload.id)
    read = upload.reading.get("fields", {})
    for key in FIELDS:
        original = (read.get(key) or {}).get("value")
        if key in data and not _same(key, original, data.get(key)):
            session.add(InvoiceCorrection(workspace_id=upload.workspace_id, upload_id=upload.id, field=key,
                                          original=original, corrected=(data.get(key) or "").strip(),
                                          source=upload.source, confidence=(read.get(key) or {}).get("confidence")))
    if upload.reading.get("direction") and upload.reading["direction"] != direction:
        session.add(InvoiceCorrection(workspace_id=upload.workspace_id, upload_id=upload.id, field="direction",
                                      original=upload.reading["direction"], corrected=direction,
                                      source=upload.source, confidence=None))
    upload.status, upload.record_kind, upload.record_id = "saved", direction, rec.id
    session.flush()
    return direction, rec


def correction_rates(session: Session, workspace_id: str) -> dict[str, dict]:
    """Per source (xml/pdf/ofd/photo): invoices saved and fields the owner corrected, per field: how good
    the reading is on this owner's invoices, over time."""
    saved = Counter(dict(session.execute(select(InvoiceUpload.source, func.count()).where(
        InvoiceUpload.workspace_id == workspace_id, InvoiceUpload.status == "saved").group_by(InvoiceUpload.source)).all()))
    fixed: dict[str, Counter] = {}
    for source, field in session.execute(select(InvoiceCorrection.source, InvoiceCorrection.field).where(
            InvoiceCorrection.workspace_id == workspace_id)):
        fixed.setdefault(source, Counter())[field] += 1
    return {src: {"invoices": n, "corrected": dict(fixed.get(src, {}))} for src, n in saved.items()}
