"""The books beyond the quarter: invoices uploaded and checked on the validation card, the month's income and
expense records (filters, edit, delete), the 月度报表 and 季度报表 with their chart and XLSX/PDF exports, and the records
behind one figure of a return (the approval card links here).

The quarter's returns and the income import stay in ``api.routes.books``.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.deps import DbDep, KeyDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.pages import _render
from api.routes.books import (CATEGORY_LABELS, INVOICE_LABELS, _quarter, _record, _taxpayer, own_tax_id, record_view,
                              refuse_duplicate_invoice)
from books import attachments, intake
from books.chart import report_svg
from books.entity import entity_of
from books.invoices.limits import MAX_BYTES as INVOICE_MAX_BYTES
from books.expenses import (FIELDS as EXPENSE_FIELDS, add_expense, delete_expense, get_expense, parse_expense,
                            update_expense)
from books.export import report_pdf, report_xlsx
from books.models import EXPENSE_CATEGORIES, ExpenseRecord, IncomeRecord, InvoiceUpload
from books.pit import compute_prepayment
from books.pit_store import TYPED_SOURCE, year_to_date
from books.periods import Quarter
from books.report import Month, Period, period_report
from books.store import ensure_table, records_in
from books.vat import compute_return
from books.vat_text import pct
from core.errors import BusinessError, ValidationFailed
from core.models import Workspace
from core.storage import StorageError

router = APIRouter(tags=["books"])
KINDS = {"income": "收入", "expense": "支出"}


def _month(text: str | None, tz: str) -> Month:
    if not text:
        return Month.of(datetime.now(ZoneInfo(tz)).date())
    try:
        month = Month.parse(text)
    except ValueError:
        raise FieldErrors([field_error("month", "YYYY-MM", f"月份“{text[:20]}”看不懂，应写成 2026-11（2026年11月）")]) from None
    if not 2000 <= month.year <= 2099:
        raise FieldErrors([field_error("month", "2000–2099年", f"月份{month.label}不在2000年到2099年之间")])
    return month


# -- records of a month ------------------------------------------------------------------------------------

def expense_view(rec: ExpenseRecord) -> dict:
    return {"id": rec.id, "kind": "expense", "kind_label": "支出", "day": rec.day.isoformat(), "amount": str(rec.amount),
            "tax": "" if rec.tax is None else str(rec.tax), "rate": "" if rec.rate is None else str(rec.rate),
            "rate_label": "" if rec.rate is None else ("免税" if rec.rate == 0 else pct(rec.rate)),
            "category": rec.category, "category_label": EXPENSE_CATEGORIES.get(rec.category, "其他支出"),
            "counterparty": rec.counterparty or "", "invoice_no": rec.invoice_no or "", "invoice": rec.invoice,
            "invoice_label": INVOICE_LABELS.get(rec.invoice, "未开票"), "note": rec.note or "",
            "source": _source(rec.source), "upload_id": rec.upload_id, "typed_costs": rec.source == TYPED_SOURCE}


def income_view(rec: IncomeRecord) -> dict:
    view = record_view(rec)
    return {**view, "kind": "income", "kind_label": "收入", "tax": "" if rec.tax is None else str(rec.tax),
            "source": _source(rec.source), "upload_id": rec.upload_id}


def _source(source: str) -> str:
    return {"manual": "手工添加", TYPED_SOURCE: "报税页填写的季度成本费用"}.get(source, source)


def month_records(s: Session, ws_id: str, start, end, kind: str | None = None, category: str | None = None,
                  ids: set[str] | None = None) -> list[dict]:
    """Income and expense records dated from ``start`` to ``end``, newest first, filtered as asked."""
    ensure_table(s)
    out = []
    if kind in (None, "", "income"):
        stmt = select(IncomeRecord).where(IncomeRecord.workspace_id == ws_id, IncomeRecord.day >= start,
                                          IncomeRecord.day <= end)
        out += [income_view(r) for r in s.scalars(stmt)]
    if kind in (None, "", "expense"):
        stmt = select(ExpenseRecord).where(ExpenseRecord.workspace_id == ws_id, ExpenseRecord.day >= start,
                                           ExpenseRecord.day <= end)
        out += [expense_view(r) for r in s.scalars(stmt)]
    attached = {r["upload_id"] for r in out if r["upload_id"]}
    if attached:  # which files are the owner's own attachments (the rest are invoices the records came from)
        attached = set(s.scalars(select(InvoiceUpload.id).where(InvoiceUpload.id.in_(attached),
                                                                InvoiceUpload.status == intake.ATTACHMENT)))
    for r in out:
        r["attachment"] = r["upload_id"] in attached
    if category:
        out = [r for r in out if r["category"] == category]
    if ids is not None:
        out = [r for r in out if r["id"] in ids]
    return sorted(out, key=lambda r: (r["day"], r["id"]), reverse=True)


def figure_sources(s: Session, ws: Workspace, quarter_text: str, figure: str) -> tuple[str, set[str], object]:
    """(what the figure is, in words; the ids of the records it sums; the period's date range) for
    ``vat-<line>-<column>`` or ``pit-<key>`` of the quarter's return, computed as the filing computes it."""
    quarter = _quarter(quarter_text, ws.timezone)
    parts = figure.split("-")
    try:
        if parts[0] == "vat" and len(parts) == 3:
            ret = compute_return(records_in(s, ws.id, quarter), quarter, taxpayer=_taxpayer(s, ws))
            line = ret.lines[(int(parts[1]), parts[2])]
            from books.lines import COLUMNS, LINE_NAMES

            name = f"{quarter.label}增值税申报表第{parts[1]}栏{LINE_NAMES.get(int(parts[1]), '')}（{COLUMNS[parts[2]]}）"
            return name, set(line.sources), (quarter.start, quarter.end)
        if parts[0] == "pit" and len(parts) == 2:
            from books.pit import LINES

            records, figures = year_to_date(s, ws.id, quarter)
            ret = compute_prepayment(records, quarter, figures,
                                     individual_business=entity_of(s, ws) == "individual_business")
            line = ret.lines[parts[1]]
            year_start = quarter.start.replace(month=1)
            return f"{quarter.label}经营所得A表「{LINES[parts[1]]}」（本年累计）", set(line.sources), (year_start, quarter.end)
    except (KeyError, ValueError, BusinessError):
        pass
    raise FieldErrors([field_error("figure", "申报表的一栏", f"找不到申报表的这一栏：{figure[:40]}")])


@router.get("/api/books/month")
def month_api(user: UserDep, ws: WorkspaceDep, s: DbDep, month: str | None = None, kind: str | None = None,
              category: str | None = None) -> dict:
    m = _month(month, ws.timezone)
    return {"month": str(m), "label": m.label,
            "records": month_records(s, ws.id, m.start, m.end, _kind(kind), category or None)}


def _kind(kind: str | None) -> str | None:
    if kind in (None, ""):
        return None
    if kind not in KINDS:
        raise FieldErrors([field_error("kind", "收入/支出", "收支请选择收入或支出")])
    return kind


@router.get("/books", include_in_schema=False)
def books_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep, month: str | None = None,
               kind: str | None = None, category: str | None = None, quarter: str | None = None,
               figure: str | None = None) -> HTMLResponse:
    """账本: the month's records (filters: 收入/支出, 类别), or the records behind one figure of a return."""
    m = _month(month, ws.timezone)
    figure_name = None
    if figure:
        figure_name, ids, (start, end) = figure_sources(s, ws, quarter or "", figure)
        records = month_records(s, ws.id, start, end, ids=ids)
    else:
        records = month_records(s, ws.id, m.start, m.end, _kind(kind), category or None)
    totals = {k: sum((Decimal(r["amount"]) for r in records if r["kind"] == k), Decimal("0.00")) for k in KINDS}
    return _render(request, "books.html", key, month=m, records=records, kind=kind or "", category=category or "",
                   figure_name=figure_name, totals=totals, kinds=KINDS, expense_categories=EXPENSE_CATEGORIES,
                   categories=CATEGORY_LABELS, invoices=INVOICE_LABELS,
                   this_month=Month.of(datetime.now(ZoneInfo(ws.timezone)).date()))


# -- expenses by hand ---------------------------------------------------------------------------------------

class ExpenseIn(BaseModel):
    day: str | None = Field(None, max_length=40)
    amount: str | None = Field(None, max_length=40)
    tax: str | None = Field(None, max_length=40)
    rate: str | None = Field(None, max_length=10)
    category: str | None = Field(None, max_length=40)
    counterparty: str | None = Field(None, max_length=400)
    invoice_no: str | None = Field(None, max_length=100)
    invoice: str | None = Field(None, max_length=20)
    note: str | None = Field(None, max_length=1000)


def _expense_values(body: ExpenseIn, ws: Workspace) -> dict:
    values, errors = parse_expense(body.model_dump(), ws.timezone)
    if errors:
        raise FieldErrors(errors)
    return values


def _expense(s: Session, ws: Workspace, record_id: str) -> ExpenseRecord:
    rec = get_expense(s, ws.id, record_id)
    if rec is None:
        raise FieldErrors([field_error("id", "这个工作区的记录", "找不到这条支出记录（可能已经删除）")], 404)
    return rec


@router.post("/api/books/expenses", status_code=201)
def add_expense_api(body: ExpenseIn, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    values = _expense_values(body, ws)
    refuse_duplicate_invoice(s, ws, values.get("invoice_no"))
    rec = add_expense(s, ws.id, values)
    s.commit()
    return expense_view(rec)


@router.put("/api/books/expenses/{record_id}")
def edit_expense_api(record_id: str, body: ExpenseIn, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    rec = _expense(s, ws, record_id)
    values = _expense_values(body, ws)
    refuse_duplicate_invoice(s, ws, values.get("invoice_no"), rec.id)
    try:
        update_expense(s, rec, values, actor=owner.username)
        s.commit()
    except ValidationFailed as e:
        s.rollback()
        raise FieldErrors(e.errors) from None
    return expense_view(rec)


@router.delete("/api/books/expenses/{record_id}")
def delete_expense_api(record_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    rec = _expense(s, ws, record_id)
    delete_expense(s, rec, actor=owner.username)
    s.commit()
    return {"deleted": record_id}


# -- a record's attachment (a receipt or photo the owner adds herself) ------------------------------------------

async def _attach(s: Session, rec, kind: str, file: UploadFile, actor: str, settings) -> dict:
    data = await file.read(INVOICE_MAX_BYTES + 1)
    try:
        upload = attachments.attach(s, settings.storage, rec, kind, file.filename or "", data, actor)
        s.commit()
    except attachments.Refused as e:
        s.rollback()
        raise FieldErrors([e.error], e.status) from None
    except attachments.InvoiceFile as e:
        s.rollback()
        raise FieldErrors([field_error("attachment", "手工记录或导入的记录", e.message)], 409) from None
    except StorageError:
        s.rollback()
        raise FieldErrors([field_error("attachment", "文件存储", "附件暂时无法保存，请稍后再试")], 503) from None
    return {"id": rec.id, "kind": kind, "upload_id": upload.id, "filename": upload.filename,
            "file": f"/api/books/invoices/{upload.id}/file"}


def _detach(s: Session, rec, kind: str, actor: str) -> dict:
    try:
        removed = attachments.remove(s, rec, kind, actor)
    except attachments.InvoiceFile as e:
        raise FieldErrors([field_error("attachment", "手工记录或导入的记录", e.message)], 409) from None
    if removed is None:
        raise FieldErrors([field_error("attachment", "已有的附件", "这条记录没有附件")], 404)
    s.commit()
    return {"id": rec.id, "kind": kind, "removed": removed.filename}


@router.post("/api/books/expenses/{record_id}/attachment", status_code=201)
async def attach_expense(record_id: str, attachment: UploadFile, owner: OwnerDep, ws: WorkspaceDep, s: DbDep,
                         settings: SettingsDep) -> dict:
    """Attach a receipt or photo (JPG/PNG/WEBP, PDF/OFD/XML, within the invoice upload limits) to an expense,
    replacing the one it had; refused with the field and the limit before anything is kept."""
    return await _attach(s, _expense(s, ws, record_id), "expense", attachment, owner.username, settings)


@router.delete("/api/books/expenses/{record_id}/attachment")
def detach_expense(record_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return _detach(s, _expense(s, ws, record_id), "expense", owner.username)


@router.post("/api/books/records/{record_id}/attachment", status_code=201)
async def attach_income(record_id: str, attachment: UploadFile, owner: OwnerDep, ws: WorkspaceDep, s: DbDep,
                        settings: SettingsDep) -> dict:
    """Attach a file to an income record, as ``attach_expense`` does to an expense."""
    return await _attach(s, _record(s, ws, record_id), "income", attachment, owner.username, settings)


@router.delete("/api/books/records/{record_id}/attachment")
def detach_income(record_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    return _detach(s, _record(s, ws, record_id), "income", owner.username)


# -- invoices: upload, the validation card, save --------------------------------------------------------------

@router.post("/api/books/invoices", status_code=201)
async def upload_invoice(file: UploadFile, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    """Read an invoice (数电票 XML/PDF/OFD, or a photo) for the owner's check: nothing is in the books until she
    saves the card. A file that is no invoice is refused with the reason, and nothing is kept."""
    data = await file.read(INVOICE_MAX_BYTES + 1)
    if len(data) > INVOICE_MAX_BYTES:
        raise FieldErrors([field_error("file", f"≤ {INVOICE_MAX_BYTES // 2**20} MB",
                                       f"发票文件「{file.filename}」超过{INVOICE_MAX_BYTES // 2**20}MB，没有保存，请压缩后再上传")])
    tax_id = own_tax_id(s, ws)
    try:
        # Reading (OCR for a photo) is CPU work: in the thread pool, so the event loop keeps answering.
        upload = await run_in_threadpool(intake.receive, s, ws.id, settings.storage, file.filename or "", data,
                                         tax_id)
        s.commit()
    except intake.Refused as e:
        s.rollback()
        raise FieldErrors([field_error(e.field, "数电票XML/PDF/OFD或发票照片", e.message)]) from None
    return {"id": upload.id, "source": upload.source, "card": f"/books/invoice?upload={upload.id}"}


def _upload(s: Session, ws: Workspace, upload_id: str):
    upload = intake.get_upload(s, ws.id, upload_id)
    if upload is None:
        raise FieldErrors([field_error("upload", "这个工作区上传的发票", "找不到这张发票（可能已经删除）")], 404)
    return upload


class InvoiceCard(BaseModel):
    """The card as the owner saves it: every field as text, and which side of the invoice she is on."""

    direction: str | None = Field(None, max_length=10)
    category: str | None = Field(None, max_length=20)
    note: str | None = Field(None, max_length=1000)
    number: str | None = Field(None, max_length=40)
    date: str | None = Field(None, max_length=40)
    kind: str | None = Field(None, max_length=60)
    seller_name: str | None = Field(None, max_length=200)
    seller_tax_id: str | None = Field(None, max_length=40)
    buyer_name: str | None = Field(None, max_length=200)
    buyer_tax_id: str | None = Field(None, max_length=40)
    amount: str | None = Field(None, max_length=40)
    tax: str | None = Field(None, max_length=40)
    total: str | None = Field(None, max_length=40)
    rate: str | None = Field(None, max_length=20)


@router.post("/api/books/invoices/{upload_id}/save", status_code=201)
def save_invoice(upload_id: str, body: InvoiceCard, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The checked invoice becomes an income or expense record; an invoice number already in the books is
    refused (409) with a link to the record it repeats, and nothing is saved."""
    upload = _upload(s, ws, upload_id)
    try:
        kind, rec = intake.save(s, upload, body.model_dump(), ws.timezone)
        s.commit()
    except ValidationFailed as e:
        s.rollback()
        raise FieldErrors(e.errors) from None
    except intake.DuplicateInvoice as e:
        s.rollback()
        raise FieldErrors([{**field_error("number", "账本里没有的发票号码", e.message), "link": e.link}], 409) from None
    except BusinessError as e:
        s.rollback()
        raise FieldErrors([field_error("upload", "未保存的发票", e.message)], 409) from None
    view = income_view(rec) if kind == "income" else expense_view(rec)
    return {"id": rec.id, "kind": kind, "record": view, "books": f"/books?month={rec.day:%Y-%m}#rec-{rec.id}"}


@router.get("/books/invoice", include_in_schema=False)
def invoice_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep,
                 upload: str | None = None) -> Response:
    """Without ``upload``: the upload form. With it: the validation card (fields, the file, low ones marked)."""
    card = None
    if upload:
        up = _upload(s, ws, upload)
        if up.status == intake.ATTACHMENT:  # a record's attachment has no card: its record shows the file
            return RedirectResponse(_record_link(s, up.record_kind, up.record_id) or "/books", status_code=303)
        fields = intake.card_fields(up)
        number = next(f["value"] for f in fields if f["key"] == "number")
        repeat = intake.existing_invoice(s, ws.id, number) if up.status != "saved" else None
        duplicate = intake.DuplicateInvoice(number, *repeat) if repeat else None
        direction = up.record_kind or up.reading.get("direction") or ""
        card = {"id": up.id, "filename": up.filename, "source": up.source, "photo": up.mime.startswith("image/"),
                "fields": fields, "direction": direction, "warnings": up.reading.get("warnings", []),
                "lines": intake.card_lines(up), "saved": up.status == "saved",
                "record_link": _record_link(s, up.record_kind, up.record_id),
                "duplicate": duplicate, "low": sum(1 for f in fields if f["low"])}
    return _render(request, "invoice.html", key, card=card, directions=intake.DIRECTIONS,
                   expense_categories=EXPENSE_CATEGORIES, categories=CATEGORY_LABELS,
                   has_tax_id=bool(own_tax_id(s, ws)))


def _record_link(s: Session, kind: str | None, record_id: str | None) -> str | None:
    rec = s.get(IncomeRecord if kind == "income" else ExpenseRecord, record_id) if record_id else None
    return f"/books?month={rec.day:%Y-%m}#rec-{rec.id}" if rec is not None else None


@router.get("/api/books/invoices/{upload_id}/file")
def invoice_file(upload_id: str, user: UserDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> Response:
    """The uploaded file itself (the record's attachment), read through the service from wherever it is kept."""
    up = _upload(s, ws, upload_id)
    try:
        data = settings.storage.get(up.path)
    except StorageError:
        raise FieldErrors([field_error("upload", "保存着的发票文件", "这张发票的原文件已经不在了")], 404) from None
    return Response(data, media_type=up.mime, headers={"Cache-Control": "private, max-age=3600",
                                                       "Content-Disposition": f"inline; filename*=UTF-8''{quote(up.filename)}"})


@router.get("/api/books/invoices/quality")
def invoice_quality(user: UserDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """How often the owner corrected each field, per way of reading: the reader's quality on her invoices."""
    return {"sources": intake.correction_rates(s, ws.id)}


# -- the monthly and quarterly reports ---------------------------------------------------------------------------

def _period(month: str | None, quarter: str | None, tz: str) -> Period:
    """The quarter named (``2026Q3`` / ``2026年第3季度``), else the month (``_month``); 422 in Chinese otherwise."""
    if not quarter:
        return _month(month, tz)
    try:
        q = Quarter.parse(quarter)
    except ValueError:
        raise FieldErrors([field_error("quarter", "YYYYQn",
                                       f"季度“{quarter[:20]}”看不懂，季度格式应为2026Q3（2026年第3季度）")]) from None
    if not 2000 <= q.year <= 2099:
        raise FieldErrors([field_error("quarter", "2000–2099年", f"季度{q.label}不在2000年到2099年之间")])
    return q


def _report(s: Session, ws: Workspace, month: str | None, quarter: str | None = None):
    p = _period(month, quarter, ws.timezone)
    report, cached = period_report(s, ws.id, p)
    s.commit()
    return p, report, cached


@router.get("/api/books/report")
def report_api(user: UserDep, ws: WorkspaceDep, s: DbDep, month: str | None = None,
               quarter: str | None = None) -> dict:
    """The month's report, or with ``quarter`` (``2026Q3``) the quarter's; ``month`` holds the period's key."""
    p, report, cached = _report(s, ws, month, quarter)
    from dataclasses import asdict

    return {**asdict(report), "title": report.title, "cached": cached}


@router.get("/books/report", include_in_schema=False)
def report_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep,
                month: str | None = None, quarter: str | None = None) -> HTMLResponse:
    p, report, _ = _report(s, ws, month, quarter)
    is_quarter = isinstance(p, Quarter)
    # The switch: a month goes to its quarter, a quarter to its first month.
    switch = {"month": str(Month.of(p.start)), "quarter": str(Quarter.containing(p.start))}
    return _render(request, "report.html", key, period=p, param="quarter" if is_quarter else "month",
                   unit="季度" if is_quarter else "月", is_quarter=is_quarter, switch=switch,
                   first_month=Month.of(p.start), r=report, chart=report_svg(report))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/api/books/report.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
def report_xlsx_file(user: UserDep, ws: WorkspaceDep, s: DbDep, month: str | None = None,
                     quarter: str | None = None) -> Response:
    p, report, _ = _report(s, ws, month, quarter)
    data = report_xlsx(report, sorted(month_records(s, ws.id, p.start, p.end), key=lambda r: r["day"]))
    return _download(data, f"{p.label}收支报表.xlsx", XLSX)


@router.get("/api/books/report.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}})
def report_pdf_file(user: UserDep, ws: WorkspaceDep, s: DbDep, month: str | None = None,
                    quarter: str | None = None) -> Response:
    p, report, _ = _report(s, ws, month, quarter)
    return _download(report_pdf(report, ws.name), f"{p.label}收支报表.pdf", "application/pdf")


def _download(data: bytes, name: str, mime: str) -> Response:
    return Response(data, media_type=mime,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
