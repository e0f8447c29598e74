"""Listings: one product from the phone's form (with an optional SKU table), or a CSV/XLSX of products
(one run per product, paced).

Everything is checked before anything is stored: the images (real pictures), the shop's rules for every
product, row and column for a file. A file's good products become runs and its bad rows come back as
row/column errors in the same answer; a file without a single good product is refused as a whole.
"""
from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api import compose, labels, resend
from api.deps import DbDep, KeyDep, OwnerDep, SettingsDep, UserDep, WorkspaceDep
from api.errors import FieldErrors, field_error
from api.idempotency import IdempotencyKeyDep, busy
from api.offload import OffloadDep
from api.pages import _render
from api.views import account_view, employee_view, run_view
from core import fairshare, idempotency
from core.accounts import default_account, live_accounts
from core.errors import ValidationFailed
from core.models import Account, Employee, Run, utcnow
from core.product_import import RowError, import_products
from core.queue import enqueue_run
from core.runs import create_listing_run, supports
from employees import MODES
from sites.taobao.categories import candidates
from sites.taobao.product import Product, Sku

router = APIRouter(tags=["listings"])

Text = Annotated[str, Form(max_length=500)]
LongText = Annotated[str, Form(max_length=2000)]
Column = Annotated[list[str], Form()]
"""One value per SKU row (or per dimension for ``sku_dims``): the phone's SKU table, column by column."""
Files = Annotated[list[UploadFile], File()]
Kept = Annotated[list[int], Form()]
"""Indexes of a run's stored pictures the owner kept (「改好再发」, ``api.resend``)."""
SHEET_MAX_BYTES = 5 * 1024 * 1024
SKU_ROWS_MAX = 100
"""GUESS: far above what a shop lists from a phone; the site's own cap was not found."""


def _target(s, ws_id: str, account_id: str, employee_id: str) -> tuple[Account, Employee]:
    accounts, employee = compose.targets(s, ws_id, [account_id], employee_id)
    if not supports(accounts[0].site, "listing"):
        raise FieldErrors([field_error("account_id", "店铺账号", "请选择淘宝店铺账号")])
    return accounts[0], employee


def _decimal(raw: str, field: str, what: str = "价格") -> Decimal | None:
    if not raw.strip():
        return None
    try:
        return Decimal(raw.strip())
    except InvalidOperation:
        raise FieldErrors([field_error(field, "数字", f"{what}请填写数字，例如 19.90")]) from None


def _integer(raw: str, field: str, what: str = "库存") -> int | None:
    if not raw.strip():
        return None
    try:
        return int(raw.strip())
    except ValueError:
        raise FieldErrors([field_error(field, "整数", f"{what}请填写整数")]) from None


def _shelf_at(shelf: str, raw: str, tz: str) -> datetime | None:
    if shelf != "at":
        return None
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=ZoneInfo(tz))
    except ValueError:
        raise FieldErrors([field_error("shelf_at", "YYYY-MM-DD HH:MM", "定时上架请填写上架时间")]) from None


def _properties(brand: str, model: str, extra: str) -> dict[str, str]:
    """品牌 and 型号 from their boxes, then any other 类目属性 written one per line as ``名称:值``."""
    props = {k: v.strip() for k, v in (("品牌", brand), ("型号", model)) if v.strip()}
    for n, line in enumerate(extra.splitlines(), 1):
        if not line.strip():
            continue
        name, sep, value = line.replace("：", ":").partition(":")
        if not sep or not name.strip() or not value.strip():
            raise FieldErrors([field_error("props", "名称:值", f"其他类目属性第{n}行「{line.strip()}」请写成“名称:值”，"
                                                            f"例如 货号:U1")])
        props[name.strip()] = value.strip()
    return props


def _skus(dims: list[str], first: list[str], second: list[str], prices: list[str],
          stocks: list[str]) -> tuple[list[str], list[Sku]]:
    """The SKU table as the phone sent it: dimension names, then one value per row in each column."""
    if max(len(dims), len(first), len(second), len(prices), len(stocks)) > SKU_ROWS_MAX:
        raise FieldErrors([field_error("skus", f"≤ {SKU_ROWS_MAX}", f"一个商品最多{SKU_ROWS_MAX}个SKU")])
    if not prices:
        return [], []
    named = [(i, d.strip()) for i, d in enumerate(dims[:2]) if d.strip()]
    if not named:
        raise FieldErrors([field_error("sku_dims", "必填", "有SKU时请填写规格名称，例如 颜色分类")])
    if len({name for _, name in named}) < len(named):
        raise FieldErrors([field_error("sku_dims", "不重复", "两个规格名称不能相同")])
    columns = (first, second)

    def cell(column: list[str], row: int) -> str:
        return column[row] if row < len(column) else ""  # a missing cell reads as blank

    skus = [Sku(options={name: cell(columns[i], row).strip() for i, name in named},
                price=_decimal(prices[row], f"skus.{row}.price", f"第{row + 1}个SKU的价格"),
                stock=_integer(cell(stocks, row), f"skus.{row}.stock", f"第{row + 1}个SKU的库存"))
            for row in range(len(prices))]
    return [name for _, name in named], skus


@router.post("/api/listings", status_code=201)
async def create_listing(owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep,
                         idem_key: IdempotencyKeyDep,
                         account_id: Text, employee_id: Text, category_keyword: Text, title: Text,
                         category_path: Text = "",
                         brand: Text = "", model: Text = "", props: LongText = "", price: Text = "",
                         stock: Text = "", outer_id: Text = "", shelf: Text = "now", shelf_at: Text = "",
                         mode: Text = "", sku_dims: Column = (), sku_value_1: Column = (), sku_value_2: Column = (),
                         sku_price: Column = (), sku_stock: Column = (),
                         main_images: Files = (), desc_images: Files = (), from_run: Text = "",
                         keep_main_images: Kept = (), keep_desc_images: Kept = ()) -> dict:
    """One product; with ``from_run`` (「改好再发」) that run's kept pictures come before the new ones."""
    if (first := idempotency.recall(s, ws.id, "listings.create", idem_key)) is not None:
        return run_view(s, s.get(Run, first["ids"][0]), ws.timezone)
    account, employee = _target(s, ws.id, account_id, employee_id)
    if mode and mode not in MODES:
        raise FieldErrors([field_error("mode", "|".join(MODES), "模式只能是全自动、半自动或仅建议")])
    source = resend.source_run(s, from_run, ws.id, "listing") if from_run else None
    mains = (resend.kept_images(settings, source, "main_images", list(keep_main_images), "main_images")
             + await compose.read_images(list(main_images), "main_images"))
    descs = (resend.kept_images(settings, source, "desc_images", list(keep_desc_images), "desc_images")
             + await compose.read_images(list(desc_images), "desc_images"))
    dims, skus = _skus(list(sku_dims), list(sku_value_1), list(sku_value_2), list(sku_price), list(sku_stock))
    product = Product(category_keyword=category_keyword.strip(), category_path=category_path.strip() or None,
                      properties=_properties(brand, model, props),
                      title=title.strip(), main_images=[n for n, _ in mains], price=_decimal(price, "price"),
                      stock=_integer(stock, "stock"), skus=skus, sku_dimensions=dims,
                      outer_id=outer_id.strip() or None, desc_images=[n for n, _ in descs],
                      shelf=shelf if shelf in ("now", "at", "warehouse") else "now",
                      shelf_at=_shelf_at(shelf, shelf_at, ws.timezone))
    folder, paths = compose.stage(settings, mains + descs, ws.id)
    try:
        product = product.model_copy(update={"main_images": paths[:len(mains)], "desc_images": paths[len(mains):]})
        run = create_listing_run(s, account=account, employee=employee, product=product, mode=mode or None,
                                 storage=settings.storage)
        s.flush()
        idempotency.remember(s, ws.id, "listings.create", idem_key, [run.id])
        first = idempotency.commit(s, ws.id, "listings.create", idem_key)
    except idempotency.KeyBusy:
        compose.discard(folder)
        raise busy() from None
    except ValidationFailed as e:
        s.rollback()
        compose.discard(folder)
        raise FieldErrors(e.errors) from None
    except BaseException:
        s.rollback()
        compose.discard(folder)
        raise
    if first is not None:  # the same key's other request, at the same moment, made the run
        compose.discard(folder)
        return run_view(s, s.get(Run, first["ids"][0]), ws.timezone)
    enqueue_run(settings, run.id)
    return run_view(s, run, ws.timezone)


def _local_copies(folder: Path, pictures: list[tuple[str, bytes]]) -> list[str]:
    out = []
    for i, (name, data) in enumerate(pictures, 1):
        path = folder / f"{i:02d}" / compose.own_name(name, f"{i:02d}.img")
        path.parent.mkdir()
        path.write_bytes(data)
        out.append(str(path))
    return out


def _row_error(e: RowError) -> dict:
    """A sheet problem for the API: the usual field error plus the row and column on their own."""
    return {**e.as_detail(), "row": e.row, "column": e.column}


@router.post("/api/listings/import", status_code=201)
async def import_listings(owner: OwnerDep, ws: WorkspaceDep, s: DbDep, settings: SettingsDep,
                          pool: OffloadDep, account_id: Text, employee_id: Text, file: UploadFile,
                          images: Files = (), idem_key: IdempotencyKeyDep = None) -> dict:
    """A sheet of products (one row per product or per SKU) and the pictures it names, by file name.

    Answers ``{"runs": [...], "errors": [...]}``: a run per good product, and every bad row's problems with
    its row and column, so the owner fixes only those rows. No good product at all: 422 with the errors."""
    if (first := idempotency.recall(s, ws.id, "listings.import", idem_key)) is not None:
        return _imported(s, ws, first)
    account, employee = _target(s, ws.id, account_id, employee_id)
    data = await file.read(SHEET_MAX_BYTES + 1)
    if len(data) > SHEET_MAX_BYTES:
        raise FieldErrors([field_error("file", f"≤ {SHEET_MAX_BYTES // 2**20} MB", "表格文件太大")])
    pictures = await compose.read_images(list(images), "images")
    folder, paths = compose.stage(settings, pictures, ws.id)
    try:
        # Parsing a sheet is CPU work: in the parse process (bounded in time), waited for from the thread pool.
        # Its rules read the pictures as files: stored objects are given to it as local copies for the parse.
        with tempfile.TemporaryDirectory(prefix="opc-import-") as tmp:
            local = _local_copies(Path(tmp), pictures) if settings.storage.shared else paths
            result = await run_in_threadpool(pool.run, import_products, file.filename or "", data, ws.timezone,
                                             files={name: path for (name, _), path in zip(pictures, local)})
        stored = dict(zip(local, paths))
        errors = [_row_error(e) for e in result.errors]
        if not result.products:
            raise FieldErrors(errors or [field_error("file", "≥ 1", "表格里没有可以上架的商品")])
        runs = []
        for i, product in enumerate(result.products):
            product = product.model_copy(update={f: [stored.get(p, p) for p in getattr(product, f)]
                                                 for f in ("main_images", "desc_images")})
            # Paced: a shop that lists fifty items in one minute looks like a bot to its risk control.
            runs.append(create_listing_run(s, account=account, employee=employee, product=product,
                                           not_before=utcnow() + timedelta(seconds=i * settings.listing_pace_s),
                                           storage=settings.storage))
        s.flush()
        idempotency.remember(s, ws.id, "listings.import", idem_key, [r.id for r in runs], errors=errors)
        first = idempotency.commit(s, ws.id, "listings.import", idem_key)
    except idempotency.KeyBusy:
        compose.discard(folder)
        raise busy() from None
    except ValidationFailed as e:
        s.rollback()
        compose.discard(folder)
        raise FieldErrors(e.errors) from None
    except BaseException:
        s.rollback()
        compose.discard(folder)
        raise
    if first is not None:  # the same key's other request, at the same moment, made the runs
        compose.discard(folder)
        return _imported(s, ws, first)
    # later ones are started by the scheduler at their time; queued ones beyond the workspace's share too
    fairshare.enqueue_new(settings, s, ws.id, [r.id for r in runs if r.status == "queued"])
    return {"runs": [run_view(s, r, ws.timezone) for r in runs], "errors": errors}


def _imported(s, ws, first: dict) -> dict:
    """The answer to the import that made the runs, for a retry (or a twin) with its key."""
    return {"runs": [run_view(s, s.get(Run, i), ws.timezone) for i in first["ids"]], "errors": first["errors"]}


@router.get("/api/listings/categories")
def category_candidates(user: UserDep, keyword: str = "") -> dict:
    """The known Taobao leaf categories a category word fits; several: the owner picks one on the form."""
    return {"keyword": keyword.strip(), "candidates": candidates(keyword[:100])}


@router.get("/listings/new", include_in_schema=False)
def listing_page(request: Request, user: UserDep, ws: WorkspaceDep, s: DbDep, key: KeyDep, settings: SettingsDep,
                 from_run: Annotated[str | None, Query(alias="from", max_length=32)] = None) -> HTMLResponse:
    """The listing form; ``?from=<run>`` (「改好再发」) fills it from a failed, rejected or cancelled listing."""
    accounts = [account_view(s, a) for a in live_accounts(s, ws.id) if supports(a.site, "listing")]
    draft = resend.listing_draft(settings, resend.source_run(s, from_run, ws.id, "listing")) if from_run else None
    chosen = default_account(accounts)
    if draft and any(a["id"] == draft["account_id"] and a["status"] == "active" for a in accounts):
        chosen = draft["account_id"]
    employees = s.query(Employee).filter_by(workspace_id=ws.id).all()
    return _render(request, "listing.html", key, accounts=accounts, default_account=chosen, draft=draft,
                   employees=[employee_view(e) for e in employees], timezone=labels.zone_label(ws.timezone))
