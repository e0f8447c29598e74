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
from books.store import import_file, records_in
from books.vat import compute_return
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


@router.post("/api/filings", status_code=201)
def start_filing(body: NewFiling, owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep) -> dict:
    account = owned(s, Account, body.account_id, ws.id)
    quarter = _quarter(body.period, ws.timezone)
    employee = s.query(Employee).filter_by(workspace_id=ws.id, role="finance").first()
    if employee is None:
        raise FieldErrors([field_error("employee", "财务助手", "工作区里没有财务助手")])
    try:
        run = create_filing_run(s, account=account, employee=employee, period=str(quarter),
                                taxpayer_kind=body.taxpayer_kind)
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
    accounts = [a for a in s.query(Account).filter_by(workspace_id=ws.id) if supports(a.site, "tax_filing")]
    return _render(request, "finance.html", key, s=summary(user, ws, s, period),
                   accounts=[account_view(s, a) for a in accounts])
