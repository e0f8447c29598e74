"""The owner's books and the quarterly return: import income records (repeats found and asked about), list,
add, edit and delete single records, see the quarter, start a filing.

The finance assistant reminds on the dashboard (``GET /api/books/summary``: the return due, its deadline,
due soon / overdue), computes the return from the records, and files it only through a run that waits
for the owner's approval twice (the return, then the payment). Which returns she files depends on her
纳税人类型 (``books.entity``): a 有限公司 never sees the 经营所得 A表.
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.deps import DbDep, KeyDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.offload import OffloadDep
from api.pages import _render
from api.scoped import owned
from api.views import account_view, run_view
from books import intake
from books.compare import compare
from books.entity import ENTITIES, entity_of, files_business_income, not_filed_message, vat_taxpayer_kind
from books.entry import parse_entry
from books.models import IncomeRecord
from books.periods import Quarter
from books.pit import LINES as PIT_LINES, OWNER_TYPED, Figures, compute_prepayment
from books.pit_store import set_figures, typed_costs, year_to_date
from books.reminders import due_return, filed, upcoming
from books.rules import Taxpayer
from books.store import (DUPLICATE_CHOICES, DuplicateRows, delete_record, get_record, import_file, read_plain, records_in,
                         update_record, add_records)
from books.vat import compute_return
from books.vat_text import pct
from core.accounts import live_accounts
from core.errors import BusinessError, ValidationFailed
from core.models import Account, Employee, Workspace
from core.queue import enqueue_run
from core.runs import create_filing_run, supports

router = APIRouter(tags=["books"])
MAX_SHEET_BYTES = 5 * 1024 * 1024
YEARS = (2000, 2099)
"""Quarters the API reads at all; whether the books can compute one is the rules' say (2019–2027 now)."""
INVOICE_LABELS = {"special": "专票", "ordinary": "普票", "none": "未开票"}
CATEGORY_LABELS = {"goods": "货物及劳务", "services": "服务、不动产和无形资产"}


# -- periods and the taxpayer --------------------------------------------------------------------------------

def _quarter(text: str | None, tz: str) -> Quarter:
    """The quarter named (``2026Q3`` / ``2026年第3季度``), or the one that ended last; 422 in Chinese otherwise."""
    if not text:
        return Quarter.containing(datetime.now(ZoneInfo(tz)).date()).previous()
    try:
        quarter = Quarter.parse(text)
    except ValueError:
        raise FieldErrors([field_error("period", "YYYYQn", f"所属期“{text[:20]}”看不懂，应写成 2026Q3（2026年第3季度）")]) from None
    if not YEARS[0] <= quarter.year <= YEARS[1]:
        raise FieldErrors([field_error("period", f"{YEARS[0]}–{YEARS[1]}年",
                                       f"所属期{quarter.label}不在{YEARS[0]}年到{YEARS[1]}年之间")])
    return quarter


def _refused(quarter: Quarter, e: BusinessError) -> FieldErrors:
    """A quarter the books have no rule for (e.g. before 2019): a 422 naming it, not a 500."""
    return FieldErrors([field_error("period", "有适用规则的季度", f"{quarter.label}无法计算：{e.message}")])


def _finance(s: Session, ws: Workspace) -> Employee:
    employee = s.query(Employee).filter_by(workspace_id=ws.id, role="finance").first()
    if employee is None:
        raise FieldErrors([field_error("employee", "财务助手", "工作区里没有财务助手")])
    return employee


def own_tax_id(s: Session, ws: Workspace) -> str | None:
    """The owner's 纳税人识别号 (统一社会信用代码): an invoice naming it as seller is income, as buyer an expense."""
    employee = s.query(Employee).filter_by(workspace_id=ws.id, role="finance").first()
    return (employee.settings or {}).get("tax_id") if employee else None


def _taxpayer(s: Session, ws: Workspace) -> Taxpayer:
    return Taxpayer(kind=vat_taxpayer_kind(entity_of(s, ws)))


def _refuse_business_income(s: Session, ws: Workspace) -> None:
    entity = entity_of(s, ws)
    if not files_business_income(entity):
        raise FieldErrors([field_error("form", "个体工商户、个人独资企业、合伙企业", not_filed_message(entity))], 409)


class TaxpayerKind(BaseModel):
    entity: str = Field(max_length=32)
    tax_id: str | None = Field(None, max_length=40)
    """纳税人识别号; absent leaves the stored one, empty clears it."""


TAX_ID = re.compile(r"^[0-9A-Z]{15,20}$")
"""统一社会信用代码 (18) or an older 纳税人识别号 (15, 17, 20): digits and capitals."""


@router.put("/api/books/taxpayer")
def put_taxpayer(body: TaxpayerKind, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The owner's 纳税人类型: decides whether the 经营所得 A表 is offered, and line 10 or 11 of the VAT return."""
    if body.entity not in ENTITIES:
        raise FieldErrors([field_error("entity", "/".join(ENTITIES.values()),
                                       "纳税人类型请选择：" + "、".join(ENTITIES.values()))])
    employee = _finance(s, ws)
    settings = {**(employee.settings or {}), "entity": body.entity}
    if body.tax_id is not None:
        tax_id = body.tax_id.strip().upper()
        if tax_id and not TAX_ID.match(tax_id):
            raise FieldErrors([field_error("tax_id", "15–20位数字或大写字母",
                                           f"纳税人识别号应为15到20位数字或大写字母（统一社会信用代码18位）：{body.tax_id[:40]}")])
        settings["tax_id"] = tax_id
    employee.settings = settings
    s.commit()
    return _taxpayer_view(body.entity, settings.get("tax_id") or "")


def _taxpayer_view(entity: str, tax_id: str = "") -> dict:
    return {"entity": entity, "label": ENTITIES[entity], "files_business_income": files_business_income(entity),
            "tax_id": tax_id, "choices": [{"value": k, "label": v} for k, v in ENTITIES.items()]}


# -- importing --------------------------------------------------------------------------------------------

@router.post("/api/books/import", status_code=201)
async def import_records(file: UploadFile, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, pool: OffloadDep,
                         duplicates: str = Form("ask")):
    """Every row, or none: a bad row is named with its row and column and nothing is added. Rows already in the
    books (the same file again, or the same date, amount, 客户 and 发票号码) are listed with 409 and nothing is
    added, until the owner calls again with ``duplicates=skip`` (import the rest) or ``import`` (all of them)."""
    if duplicates not in DUPLICATE_CHOICES:
        raise FieldErrors([field_error("duplicates", "ask/skip/import", "重复记录的处理方式请选择：先问我、跳过重复的或仍然全部导入")])
    data = await file.read(MAX_SHEET_BYTES + 1)
    if len(data) > MAX_SHEET_BYTES:
        raise FieldErrors([field_error("file", f"≤ {MAX_SHEET_BYTES // 2**20} MB", "表格文件太大")])
    try:
        # Reading the sheet is CPU work: in the parse process (bounded in time); the rows are stored here.
        done = await run_in_threadpool(_import_and_commit, s, ws.id, file.filename or "", data, ws.timezone,
                                       duplicates, read=partial(pool.run, read_plain))
    except ValidationFailed as e:
        s.rollback()
        raise FieldErrors(e.errors) from None
    except DuplicateRows as e:
        s.rollback()
        return JSONResponse(status_code=409, content={
            "detail": [field_error("duplicates", "跳过重复的/仍然全部导入", e.message)],
            "duplicates": [r.as_dict() for r in e.repeats], "same_file": e.same_file, "new_rows": e.new_rows})
    return {"added": len(done.added), "skipped": len(done.skipped)}


def _import_and_commit(s, *args, **kwargs):
    # The commit too, off the event loop: it writes up to 2,000 rows.
    done = import_file(s, *args, **kwargs)
    s.commit()
    return done


# -- single records ------------------------------------------------------------------------------------------

def record_view(rec: IncomeRecord) -> dict:
    return {"id": rec.id, "day": rec.day.isoformat(), "amount": str(rec.amount), "tax_included": rec.tax_included,
            "invoice": rec.invoice, "invoice_label": INVOICE_LABELS[rec.invoice], "category": rec.category,
            "category_label": CATEGORY_LABELS[rec.category], "rate": str(rec.rate),
            "rate_label": "免税" if rec.rate == 0 else pct(rec.rate), "counterparty": rec.counterparty or "",
            "invoice_no": rec.invoice_no or "", "note": rec.note or "",
            "source": "手工添加" if rec.source == "manual" else rec.source}


class RecordIn(BaseModel):
    """One record as typed: the owner's words (专票, 货物, 1%) or the codes (special, goods, 0.01)."""

    day: str | None = Field(None, max_length=40)
    amount: str | None = Field(None, max_length=40)
    tax_included: bool | str = True
    invoice: str | None = Field(None, max_length=20)
    category: str | None = Field(None, max_length=40)
    rate: str | None = Field(None, max_length=10)
    counterparty: str | None = Field(None, max_length=400)
    invoice_no: str | None = Field(None, max_length=100)
    note: str | None = Field(None, max_length=1000)


def refuse_duplicate_invoice(s: Session, ws: Workspace, number: str | None, own_id: str | None = None) -> None:
    """An invoice number already in the books (income or expense, other than ``own_id``): 409 with a link to
    that record, before anything is saved (one invoice, one record)."""
    found = intake.existing_invoice(s, ws.id, number or "")
    if found is not None and found[1].id != own_id:
        e = intake.DuplicateInvoice(number, *found)
        raise FieldErrors([{**field_error("invoice_no", "账本里没有的发票号码", e.message), "link": e.link}], 409)


def _entry(body: RecordIn, ws: Workspace) -> dict:
    values, errors = parse_entry(body.model_dump(), ws.timezone)
    if errors:
        raise FieldErrors(errors)
    return values


def _changed(s: Session, ws: Workspace, rec: IncomeRecord, *quarters: Quarter) -> dict:
    """The record and the figures of every quarter the change touched, recomputed."""
    out = {"record": record_view(rec) if rec is not None else None, "quarters": []}
    for q in dict.fromkeys(quarters):
        try:
            out["quarters"].append(_quarter_figures(s, ws, q))
        except BusinessError:
            out["quarters"].append({"period": str(q), "label": q.label, "tax_due": None})
    return out


def _quarter_figures(s: Session, ws: Workspace, quarter: Quarter) -> dict:
    records = records_in(s, ws.id, quarter)
    ret = compute_return(records, quarter, taxpayer=_taxpayer(s, ws))
    return {"period": str(quarter), "label": quarter.label, "records": len(records), "tax_due": str(ret.tax_due),
            "filed": filed(s, ws.id, quarter)}


@router.get("/api/books/records")
def list_records(user: UserDep, ws: WorkspaceDep, s: DbDep, period: str | None = None) -> dict:
    quarter = _quarter(period, ws.timezone)
    return {"period": str(quarter), "label": quarter.label,
            "records": [record_view(r) for r in records_in(s, ws.id, quarter)]}


@router.post("/api/books/records", status_code=201)
def add_record(body: RecordIn, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    values = _entry(body, ws)
    refuse_duplicate_invoice(s, ws, values.get("invoice_no"))
    rec = IncomeRecord(source="manual", **values)
    try:
        add_records(s, ws.id, [rec])
        s.commit()
    except ValidationFailed as e:
        s.rollback()
        raise FieldErrors(e.errors) from None
    return _changed(s, ws, rec, Quarter.containing(rec.day))


def _record(s: Session, ws: Workspace, record_id: str) -> IncomeRecord:
    rec = get_record(s, ws.id, record_id)
    if rec is None:
        raise FieldErrors([field_error("id", "这个工作区的记录", "找不到这条收入记录（可能已经删除）")], 404)
    return rec


@router.put("/api/books/records/{record_id}")
def edit_record(record_id: str, body: RecordIn, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    rec = _record(s, ws, record_id)
    before = Quarter.containing(rec.day)
    values = _entry(body, ws)
    refuse_duplicate_invoice(s, ws, values.get("invoice_no"), rec.id)
    try:
        update_record(s, rec, values, actor=owner.username)
        s.commit()
    except ValidationFailed as e:
        s.rollback()
        raise FieldErrors(e.errors) from None
    return _changed(s, ws, rec, before, Quarter.containing(rec.day))


@router.delete("/api/books/records/{record_id}")
def remove_record(record_id: str, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    rec = _record(s, ws, record_id)
    quarter = Quarter.containing(rec.day)
    delete_record(s, rec, actor=owner.username)
    s.commit()
    return {**_changed(s, ws, None, quarter), "deleted": record_id}


# -- the quarter ----------------------------------------------------------------------------------------------

@router.get("/api/books/summary")
def summary(user: UserDep, ws: WorkspaceDep, s: DbDep, period: str | None = None) -> dict:
    quarter = _quarter(period, ws.timezone)
    records = records_in(s, ws.id, quarter)
    try:
        ret = compute_return(records, quarter, taxpayer=_taxpayer(s, ws))
    except BusinessError as e:
        raise _refused(quarter, e) from None
    rows = [{"line": r.line, "column": r.column_name, "item": r.item, "value": str(r.books), "rule": r.rule,
             "records": len(ret.lines[(r.line, r.column)].sources), "figure": f"vat-{r.line}-{r.column}"}
            for r in compare(ret, {})]
    last_ended = _quarter(None, ws.timezone)
    entity = entity_of(s, ws)
    return {"reminder": due_return(s, ws), "reminders": upcoming(s, ws), "period": str(quarter), "label": quarter.label, "records": len(records),
            "rows": rows, "tax_due": str(ret.tax_due), "warnings": list(ret.warnings),
            "filed": filed(s, ws.id, quarter), "previous": str(quarter.previous()),
            "next": str(quarter.next()) if quarter < last_ended else None,
            "taxpayer": _taxpayer_view(entity, own_tax_id(s, ws) or "")}


class NewFiling(BaseModel):
    account_id: str = Field(max_length=32)
    period: str = Field(max_length=16)
    form: str = Field("vat", pattern="^(vat|pit_business)$")
    """vat: 增值税（小规模）; pit_business: 个人所得税经营所得 A表 (not for a 有限公司)"""


class PitFigures(BaseModel):
    period: str = Field(max_length=16)
    costs: str = Field("0", max_length=20)
    loss_offset: str = Field("0", max_length=20)
    special_deductions: str = Field("0", max_length=20)


@router.put("/api/books/pit-figures")
def put_pit_figures(body: PitFigures, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The quarter's 成本费用, 弥补以前年度亏损 and 专项扣除 (the books hold income only); replaces earlier ones."""
    quarter = _quarter(body.period, ws.timezone)
    _refuse_business_income(s, ws)
    try:
        figures = set_figures(s, ws.id, quarter, body.model_dump(exclude={"period"}))
        s.commit()
    except ValidationFailed as e:
        s.rollback()
        raise FieldErrors(e.errors) from None
    return {"period": str(quarter), **{k: str(getattr(figures, k)) for k in OWNER_TYPED}}


@router.get("/api/books/pit")
def pit_summary(user: UserDep, ws: WorkspaceDep, s: DbDep, period: str | None = None) -> dict:
    """The quarter's A表 as the books compute it (已缴税额 from the books' earlier quarters)."""
    quarter = _quarter(period, ws.timezone)
    _refuse_business_income(s, ws)
    records, figures = year_to_date(s, ws.id, quarter)
    try:
        ret = compute_prepayment(records, quarter, figures,
                                 individual_business=entity_of(s, ws) == "individual_business")
    except BusinessError as e:
        raise _refused(quarter, e) from None
    mine = figures.get(quarter.q, Figures())
    typed = typed_costs(s, ws.id, quarter)
    shown = {k: str(getattr(mine, k)) for k in OWNER_TYPED} | {"costs": str(typed.amount if typed else "0.00")}
    return {"period": str(quarter), "label": quarter.label, "tax_due": str(ret.tax_due), "warnings": ret.warnings,
            "figures": shown, "book_costs": str(mine.costs),
            "rows": [{"item": PIT_LINES[k], "value": f"{line.value:.0%}" if k == "rate" else str(line.value),
                      "records": len(line.sources), "figure": f"pit-{k}",
                      "rule": line.rule} for k, line in ret.lines.items()]}


@router.post("/api/filings", status_code=201)
def start_filing(body: NewFiling, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    quarter = _quarter(body.period, ws.timezone)
    if body.form == "pit_business":
        _refuse_business_income(s, ws)
    account = owned(s, Account, body.account_id, ws.id)
    employee = _finance(s, ws)
    entity = entity_of(s, ws)
    try:
        run = create_filing_run(s, account=account, employee=employee, period=str(quarter),
                                taxpayer_kind=vat_taxpayer_kind(entity), form=body.form,
                                individual_business=entity == "individual_business")
        s.commit()
    except ValidationFailed as e:
        s.rollback()
        raise FieldErrors(e.errors) from None
    enqueue_run(settings, run.id)
    return run_view(s, run, ws.timezone)


@router.get("/finance", include_in_schema=False)
def finance_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep,
                 period: str | None = None) -> HTMLResponse:
    """The quarter that ended last, or an earlier one the owner stepped back to (a late or corrected return).
    A period the books cannot show gives the last ended quarter with a note saying why."""
    accounts = [a for a in live_accounts(s, ws.id) if supports(a.site, "tax_filing")]
    notice = None
    try:
        summed = summary(user, ws, s, period)
    except FieldErrors as e:
        notice = e.errors[0]["message"] + "，下面显示的是上一个已结束的季度"
        summed = summary(user, ws, s, None)
    pit = None
    if summed["taxpayer"]["files_business_income"]:
        pit = pit_summary(user, ws, s, summed["period"])
    records = [record_view(r) for r in records_in(s, ws.id, Quarter.parse(summed["period"]))]
    return _render(request, "finance.html", key, s=summed, pit=pit, notice=notice, records=records,
                   accounts=[account_view(s, a) for a in accounts],
                   invoices=INVOICE_LABELS, categories=CATEGORY_LABELS)
