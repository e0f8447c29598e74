"""Listings: one product from the phone's form, or a CSV/XLSX of products (one run per product, paced).

Everything is checked before anything is stored: the images (real pictures), the shop's rules for every
product, row and column for a file. One bad product in a file means no run is created at all.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from api import compose
from api.deps import DbDep, KeyDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.pages import _render
from api.views import account_view, employee_view, run_view
from core.errors import ValidationFailed
from core.models import Account, Employee, utcnow
from core.product_import import import_products
from core.queue import enqueue_run
from core.runs import create_listing_run, supports
from employees import MODES
from sites.taobao.product import Product

router = APIRouter(tags=["listings"])

Text = Annotated[str, Form(max_length=500)]
Files = Annotated[list[UploadFile], File()]
SHEET_MAX_BYTES = 5 * 1024 * 1024


def _target(s, ws_id: str, account_id: str, employee_id: str) -> tuple[Account, Employee]:
    accounts, employee = compose.targets(s, ws_id, [account_id], employee_id)
    if not supports(accounts[0].site, "listing"):
        raise FieldErrors([field_error("account_id", "店铺账号", "请选择淘宝店铺账号")])
    return accounts[0], employee


def _decimal(raw: str, field: str) -> Decimal | None:
    if not raw.strip():
        return None
    try:
        return Decimal(raw.strip())
    except InvalidOperation:
        raise FieldErrors([field_error(field, "数字", "请填写数字，例如 19.90")]) from None


def _shelf_at(shelf: str, raw: str, tz: str) -> datetime | None:
    if shelf != "at":
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=ZoneInfo(tz))
    except ValueError:
        raise FieldErrors([field_error("shelf_at", "YYYY-MM-DD HH:MM", "定时上架请填写上架时间")]) from None


@router.post("/api/listings", status_code=201)
async def create_listing(owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep,
                         account_id: Text, employee_id: Text, category_keyword: Text, title: Text,
                         brand: Text = "", model: Text = "", price: Text = "", stock: Text = "",
                         outer_id: Text = "", shelf: Text = "now", shelf_at: Text = "", mode: Text = "",
                         main_images: Files = (), desc_images: Files = ()) -> dict:
    account, employee = _target(s, ws.id, account_id, employee_id)
    if mode and mode not in MODES:
        raise FieldErrors([field_error("mode", "|".join(MODES), "模式只能是全自动、半自动或仅建议")])
    mains = await compose.read_images(list(main_images), "main_images")
    descs = await compose.read_images(list(desc_images), "desc_images")
    try:
        stock_n = int(stock) if stock.strip() else None
    except ValueError:
        raise FieldErrors([field_error("stock", "整数", "库存请填写整数")]) from None
    props = {k: v.strip() for k, v in (("品牌", brand), ("型号", model)) if v.strip()}
    product = Product(category_keyword=category_keyword.strip(), properties=props, title=title.strip(),
                      main_images=[n for n, _ in mains], price=_decimal(price, "price"), stock=stock_n,
                      outer_id=outer_id.strip() or None, desc_images=[n for n, _ in descs],
                      shelf=shelf if shelf in ("now", "at", "warehouse") else "now",
                      shelf_at=_shelf_at(shelf, shelf_at, ws.timezone))
    folder, paths = compose.stage(settings, mains + descs)
    try:
        product = product.model_copy(update={"main_images": paths[:len(mains)], "desc_images": paths[len(mains):]})
        run = create_listing_run(s, account=account, employee=employee, product=product, mode=mode or None)
        s.commit()
    except ValidationFailed as e:
        s.rollback()
        compose.discard(folder)
        raise FieldErrors(e.errors) from None
    except BaseException:
        s.rollback()
        compose.discard(folder)
        raise
    enqueue_run(settings, run.id)
    return run_view(s, run, ws.timezone)


@router.post("/api/listings/import", status_code=201)
async def import_listings(owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep,
                          account_id: Text, employee_id: Text, file: UploadFile, images: Files = ()) -> dict:
    """A sheet of products (one row per product or per SKU) and the pictures it names, by file name."""
    account, employee = _target(s, ws.id, account_id, employee_id)
    data = await file.read(SHEET_MAX_BYTES + 1)
    if len(data) > SHEET_MAX_BYTES:
        raise FieldErrors([field_error("file", f"≤ {SHEET_MAX_BYTES // 2**20} MB", "表格文件太大")])
    pictures = await compose.read_images(list(images), "images")
    folder, paths = compose.stage(settings, pictures)
    try:
        result = import_products(file.filename or "", data, ws.timezone,
                                 files={name: path for (name, _), path in zip(pictures, paths)})
        if result.errors:
            raise FieldErrors([e.as_detail() for e in result.errors])
        runs = []
        for i, product in enumerate(result.products):
            # Paced: a shop that lists fifty items in one minute looks like a bot to its risk control.
            runs.append(create_listing_run(s, account=account, employee=employee, product=product,
                                           not_before=utcnow() + timedelta(seconds=i * settings.listing_pace_s)))
        s.commit()
    except ValidationFailed as e:
        s.rollback()
        compose.discard(folder)
        raise FieldErrors(e.errors) from None
    except BaseException:
        s.rollback()
        compose.discard(folder)
        raise
    for run in runs:
        if run.status == "queued":
            enqueue_run(settings, run.id)  # later ones are started by the scheduler at their time
    return {"runs": [run_view(s, r, ws.timezone) for r in runs]}


@router.get("/listings/new", include_in_schema=False)
def listing_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep) -> HTMLResponse:
    accounts = [a for a in s.query(Account).filter_by(workspace_id=ws.id).order_by(Account.created_at)
                if supports(a.site, "listing")]
    employees = s.query(Employee).filter_by(workspace_id=ws.id).all()
    return _render(request, "listing.html", key, accounts=[account_view(s, a) for a in accounts],
                   employees=[employee_view(e) for e in employees], timezone=ws.timezone)
