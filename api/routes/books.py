"""The owner's books and the quarterly return: import income records, see the quarter, start a filing.

The finance assistant reminds on the dashboard (``GET /api/books/summary``: the return due, its deadline,
due soon / overdue), computes the return from the records, and files it only through a run that waits
for the owner's approval twice (the return, then the payment).
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from api.deps import DbDep, KeyDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.pages import _render
from books.reminders import due_return, filed
from api.scoped import owned
from api.views import account_view, run_view
from books.compare import compare
from books.periods import Quarter
from books.pit import LINES as PIT_LINES, Figures, compute_prepayment
from books.pit_store import set_figures, year_to_date
from books.store import import_file, records_in
from books.vat import compute_return
from core.accounts import live_accounts
from core.errors import ValidationFailed
from core.models import Account, Employee
from core.queue import enqueue_run
from core.runs import create_filing_run, supports

router = APIRouter(tags=["books"])
MAX_SHEET_BYTES = 5 * 1024 * 1024


def _quarter(text: str | None, tz: str) -> Quarter:
    if not text:
        return Quarter.containing(datetime.now(ZoneInfo(tz)).date()).previous()
    try:
        return Quarter.parse(text)
    except ValueError:
        raise FieldErrors([field_error("period", "YYYYQn", "所属期写法应为 2026Q3")]) from None


@router.post("/api/books/import", status_code=201)
async def import_records(file: UploadFile, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """Every row, or none: a bad row is named with its row and column and nothing is added."""
    data = await file.read(MAX_SHEET_BYTES + 1)
    if len(data) > MAX_SHEET_BYTES:
        raise FieldErrors([field_error("file", f"≤ {MAX_SHEET_BYTES // 2**20} MB", "表格文件太大")])
    try:
        added = import_file(s, ws.id, file.filename or "", data, ws.timezone)
        s.commit()
    except ValidationFailed as e:
        s.rollback()
        raise FieldErrors(e.errors) from None
    return {"added": len(added)}


@router.get("/api/books/summary")
def summary(user: UserDep, ws: WorkspaceDep, s: DbDep, period: str | None = None) -> dict:
    quarter = _quarter(period, ws.timezone)
    records = records_in(s, ws.id, quarter)
    ret = compute_return(records, quarter)
    rows = [{"line": r.line, "column": r.column_name, "item": r.item, "value": str(r.books), "rule": r.rule}
            for r in compare(ret, {})]
    last_ended = _quarter(None, ws.timezone)
    return {"reminder": due_return(s, ws), "period": str(quarter), "label": quarter.label, "records": len(records), "rows": rows,
            "tax_due": str(ret.tax_due), "warnings": list(ret.warnings), "filed": filed(s, ws.id, quarter),
            "previous": str(quarter.previous()), "next": str(quarter.next()) if quarter < last_ended else None}


class NewFiling(BaseModel):
    account_id: str = Field(max_length=32)
    period: str = Field(max_length=16)
    taxpayer_kind: str = Field("enterprise", pattern="^(enterprise|individual)$")
    form: str = Field("vat", pattern="^(vat|pit_business)$")
    """vat: 增值税（小规模）; pit_business: 个人所得税经营所得 A表"""
    individual_business: bool = True
    """A表 only: 个体工商户 (the halving applies) rather than 个人独资企业 / partnership."""


class PitFigures(BaseModel):
    period: str = Field(max_length=16)
    costs: str = Field("0", max_length=20)
    loss_offset: str = Field("0", max_length=20)
    special_deductions: str = Field("0", max_length=20)


@router.put("/api/books/pit-figures")
def put_pit_figures(body: PitFigures, owner: OwnerDep, ws: WorkspaceDep, s: DbDep) -> dict:
    """The quarter's 成本费用, 弥补以前年度亏损 and 专项扣除 (the books hold income only); replaces earlier ones."""
    quarter = _quarter(body.period, ws.timezone)
    try:
        figures = set_figures(s, ws.id, quarter, body.model_dump(exclude={"period"}))
        s.commit()
    except ValidationFailed as e:
        s.rollback()
        raise FieldErrors(e.errors) from None
    return {"period": str(quarter), **{k: str(v) for k, v in figures.__dict__.items()}}


@router.get("/api/books/pit")
def pit_summary(user: UserDep, ws: WorkspaceDep, s: DbDep, period: str | None = None) -> dict:
    """The quarter's A表 as the books compute it (已缴税额 from the books' earlier quarters)."""
    quarter = _quarter(period, ws.timezone)
    records, figures = year_to_date(s, ws.id, quarter)
    ret = compute_prepayment(records, quarter, figures)
    mine = figures.get(quarter.q, Figures())
    return {"period": str(quarter), "label": quarter.label, "tax_due": str(ret.tax_due), "warnings": ret.warnings,
            "figures": {k: str(v) for k, v in mine.__dict__.items()},
            "rows": [{"item": PIT_LINES[k], "value": f"{line.value:.0%}" if k == "rate" else str(line.value),
                      "rule": line.rule} for k, line in ret.lines.items()]}


@router.post("/api/filings", status_code=201)
def start_filing(body: NewFiling, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    account = owned(s, Account, body.account_id, ws.id)
    quarter = _quarter(body.period, ws.timezone)
    employee = s.query(Employee).filter_by(workspace_id=ws.id, role="finance").first()
    if employee is None:
        raise FieldErrors([field_error("employee", "财务助手", "工作区里没有财务助手")])
    try:
        run = create_filing_run(s, account=account, employee=employee, period=str(quarter),
                                taxpayer_kind=body.taxpayer_kind, form=body.form,
                                individual_business=body.individual_business)
        s.commit()
    except ValidationFailed as e:
        s.rollback()
        raise FieldErrors(e.errors) from None
    enqueue_run(settings, run.id)
    return run_view(s, run, ws.timezone)


@router.get("/finance", include_in_schema=False)
def finance_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep,
                 period: str | None = None) -> HTMLResponse:
    """The quarter that ended last, or an earlier one the owner stepped back to (a late or corrected return)."""
    accounts = [a for a in live_accounts(s, ws.id) if supports(a.site, "tax_filing")]
    return _render(request, "finance.html", key, s=summary(user, ws, s, period), pit=pit_summary(user, ws, s, period),
                   accounts=[account_view(s, a) for a in accounts])
