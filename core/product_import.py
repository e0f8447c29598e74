"""Products for Taobao from a spreadsheet the owner (or 销售助理) filled in: .csv or .xlsx, one row per product or
one row per SKU (rows sharing a 商家编码 become one product with a SKU table).

Every problem is reported at once with the row number the spreadsheet shows (header = row 1) and the column as
the file names it; the listing rules themselves are ``sites.taobao.limits``, mapped back to rows and columns.
A product with any error is left out of ``ImportResult.products``.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from sites.taobao.limits import limits as taobao_limits
from sites.taobao.product import Product, Sku

# Column key → headers accepted for it (first = the name we suggest). ``prop:`` keys are 类目属性 and ``dim:``
# keys SKU dimensions; any header ``属性:名称`` / ``规格:名称`` adds one more of those.
COLUMNS: dict[str, tuple[str, ...]] = {
    "category": ("类目", "类目关键词", "分类"),
    "category_path": ("类目路径",),
    "prop:品牌": ("品牌",),
    "prop:型号": ("型号",),
    "title": ("标题", "宝贝标题", "商品标题"),
    "main_images": ("主图", "商品主图", "主图图片"),
    "price": ("价格", "一口价", "售价"),
    "stock": ("库存", "数量", "总库存"),
    "dim:颜色分类": ("颜色分类", "颜色"),
    "dim:尺码": ("尺码",),
    "outer_id": ("商家编码", "商品编码"),
    "sku_outer_id": ("SKU编码", "SKU商家编码"),
    "desc_images": ("描述图", "详情图", "描述图片"),
    "shelf": ("上架方式",),
    "shelf_at": ("上架时间", "定时上架时间"),
}
REQUIRED = ("category", "prop:品牌", "title", "main_images", "price", "stock")
ALIASES = {alias: key for key, names in COLUMNS.items() for alias in names}
SHELF = {"立刻上架": "now", "立即上架": "now", "定时上架": "at", "放入仓库": "warehouse", "仓库中": "warehouse"}
# Product-level columns: in per-SKU rows they are filled once (or repeated identically).
PRODUCT_KEYS = ("category", "category_path", "title", "main_images", "desc_images", "shelf", "shelf_at")
# Where a rule's field (``sites.taobao.limits``) lives in the sheet.
FIELD_KEYS = {"category_keyword": "category", "title": "title", "main_images": "main_images",
              "desc_images": "desc_images", "price": "price", "stock": "stock", "shelf_at": "shelf_at",
              "shelf": "shelf", "outer_id": "outer_id"}
SKU_FIELD_KEYS = {"price": "price", "stock": "stock", "outer_id": "sku_outer_id"}
TIME = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[ T]*(\d{1,2})[:：时](\d{1,2})分?(?:[:：](\d{1,2}))?")


@dataclass
class RowError:
    row: int | None
    """The spreadsheet's row number (header = 1); None for the file as a whole."""
    column: str | None
    """The column's header as written in the file; None when no single column is at fault."""
    message: str
    limit: str = ""

    def as_detail(self) -> dict:
        """The API's ``{"field", "limit", "message"}`` shape, the place spelled out for the owner."""
        where = "".join([f"第{self.row}行" if self.row else "", f"「{self.column}」" if self.column else ""])
        message = f"{where}：{self.message}" if where else self.message
        return {"field": where or "file", "limit": self.limit, "message": message}


@dataclass
class ImportResult:
    """Products that passed every rule, and every problem found. Header notes (an unknown column, ignored) do
    not keep products out; any problem in a product's rows does."""

    products: list[Product] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class _Unreadable(Exception):
    """The file as a whole cannot be read; the message is for the owner."""


@dataclass
class _Group:
    """The rows of one product, with the spreadsheet row each value came from."""

    rows: list[tuple[int, dict[str, str | object]]]
    source: dict[str, int] = field(default_factory=dict)


MAX_ROWS = 2000
"""Rows of products (or SKUs) in one sheet, after the header."""
MAX_COLUMNS = 64
"""Columns read from a sheet: the template has about twenty; anything past this is ignored."""


def import_products(name: str, data: bytes, tz: tzinfo | str, *, now: datetime | None = None,
                    files: Mapping[str, str] | None = None) -> ImportResult:
    """Read a .csv/.xlsx into validated products. ``tz`` is the workspace zone the sheet's times are written in;
    ``files`` maps uploaded image names to staged paths (when given, every named image must be among them)."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    now = now or datetime.now(timezone.utc)
    try:
        table = [(n, cells) for n, cells in _read(name, data) if any(_text(c) for c in cells)]
    except _Unreadable as e:
        return ImportResult(errors=[RowError(None, None, str(e))])
    if not table:
        return ImportResult(errors=[RowError(None, None, "文件是空的：第1行应是表头（类目、品牌、标题、主图、价格、库存…）")])
    if table[0][0] != 1:
        return ImportResult(errors=[RowError(1, None, "第1行是空的：第1行应是表头（类目、品牌、标题、主图、价格、库存…）")])
    keys, headers, errors = _header(table[0][1])
    if any(e.row == 1 and e.limit == "必需列" for e in errors):
        return ImportResult(errors=errors)
    rows = [(n, {k: cells[i] for i, k in keys.items() if i < len(cells)}) for n, cells in table[1:]]
    if not rows:
        return ImportResult(errors=[*errors, RowError(None, None, "只有表头，没有商品行：请从第2行开始每行填一个商品或一个SKU")])
    result = ImportResult(errors=errors)
    for group in _groups(rows):
        product, problems = _product(group, headers, zone, files)
        # A cell that could not be read is reported once, not again as "missing" by the rules.
        unread = {(e.row, e.column) for e in problems}
        for e in taobao_limits.validate(product, now):
            row, column = _locate(e["field"], group, headers, product)
            if e["limit"] != "必填" or (row, column) not in unread:
                problems.append(RowError(row, column, e["message"], e["limit"]))
        result.errors += problems
        if not problems:
            result.products.append(product)
    return result


# -- reading the file ------------------------------------------------------------------------------
def _read(name: str, data: bytes) -> list[tuple[int, list]]:
    ext = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if ext == "csv":
        return _read_csv(data)
    if ext == "xlsx":
        return _read_xlsx(data)
    if ext in ("xls", "et", "numbers"):
        raise _Unreadable(f"不支持 .{ext} 文件：请在表格软件里另存为 .xlsx 或 .csv 再上传")
    raise _Unreadable(f"只支持 .xlsx 和 .csv 文件，收到的是「{name}」")


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    # Excel on a Chinese Windows saves CSV in GBK; gb18030 is its superset. UTF-8 (with or without BOM) first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _Unreadable("CSV 文件的编码无法识别：请用 UTF-8 或 GBK 保存")
    try:
        return _bounded((row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text, newline=""))))
    except csv.Error as e:
        raise _Unreadable(f"CSV 文件格式有误，无法读取（{e}）") from e


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises zip, XML and key errors alike for a broken file
        raise _Unreadable("无法打开这个 .xlsx 文件：文件可能已损坏，或不是 Excel 表格") from e
    try:
        # max_col: a sheet may declare its size as A1:XFD1048576; read_only mode would pad every row to it.
        return _bounded(book.active.iter_rows(values_only=True, max_col=MAX_COLUMNS))
    finally:
        book.close()


def _bounded(rows) -> list[tuple[int, list]]:
    table = []
    for number, cells in enumerate(rows, 1):
        if number > MAX_ROWS + 1:
            raise _Unreadable(f"表格超过{MAX_ROWS}行商品：请分成几个文件上传")
        table.append((number, list(cells)))
    return table


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 42 as 42.0
    return str(value).strip()


def _header(cells: list) -> tuple[dict[int, str], dict[str, str], list[RowError]]:
    """Column index → key, key → header as written, and the header's own problems (row 1)."""
    keys: dict[int, str] = {}
    headers: dict[str, str] = {}
    errors = []
    for i, cell in enumerate(cells):
        header = _text(cell)
        if not header:
            continue
        # Templates mark required columns as ``*标题`` or ``标题（必填）``.
        label = header.replace("（必填）", "").replace("(必填)", "").strip("*＊ ")
        key = ALIASES.get(label) or _extra_key(label)
        if key is None:
            errors.append(RowError(1, header, f"不认识的列「{header}」，已忽略（类目属性写成“属性:名称”，"
                                              f"销售规格写成“规格:名称”）", "已知列"))
        elif key in headers:
            errors.append(RowError(1, header, f"「{header}」和「{headers[key]}」是同一列，请只留一个", "不重复"))
        else:
            keys[i], headers[key] = key, header
    for key in REQUIRED:
        if key not in headers:
            errors.append(RowError(1, None, f"缺少「{COLUMNS[key][0]}」列", "必需列"))
    return keys, headers, errors


def _extra_key(label: str) -> str | None:
    match = re.fullmatch(r"(属性|规格)[:：]\s*(.+)", label)
    if not match:
        return None
    return ("prop:" if match[1] == "属性" else "dim:") + match[2].strip()


# -- rows into products ----------------------------------------------------------------------------
def _groups(rows: list[tuple[int, dict]]) -> list[_Group]:
    """Rows sharing a 商家编码 form one product (in order of first appearance); others stand alone."""
    groups: dict[str, _Group] = {}
    for n, values in rows:
        key = _text(values.get("outer_id")) or f"#row{n}"
        groups.setdefault(key, _Group(rows=[])).rows.append((n, values))
    return list(groups.values())


def _product(group: _Group, headers: dict[str, str], zone: tzinfo,
             files: Mapping[str, str] | None) -> tuple[Product, list[RowError]]:
    """The group's product and the problems found while reading its cells (the rules come after)."""
    errors: list[RowError] = []
    shared = _shared(group, headers, errors)
    dims = [k[4:] for k in headers if k.startswith("dim:") and any(_text(v.get(k)) for _, v in group.rows)]
    (first, top), cell = group.rows[0], _Cells(headers, errors)
    if not dims and len(group.rows) > 1:
        errors += [RowError(n, headers.get("outer_id"), f"商家编码「{_text(v.get('outer_id'))}」有多行，但没有用"
                            f"颜色分类/尺码等规格区分（每个SKU一行时请填规格）", "规格") for n, v in group.rows[1:]]
    skus = [Sku(options={d: _text(v.get(f"dim:{d}")) for d in dims}, price=cell.parse(n, v, "price", _decimal),
                stock=cell.parse(n, v, "stock", _integer), outer_id=_text(v.get("sku_outer_id")) or None)
            for n, v in group.rows] if dims else []
    product = Product(
        category_keyword=shared.get("category", ""), category_path=shared.get("category_path") or None,
        properties={k[5:]: v for k, v in shared.items() if k.startswith("prop:")},
        title=shared.get("title", ""), outer_id=_text(top.get("outer_id")) or None,
        main_images=cell.images(shared, "main_images", group.source.get("main_images", first), files),
        desc_images=cell.images(shared, "desc_images", group.source.get("desc_images", first), files),
        price=None if dims else cell.parse(first, top, "price", _decimal),
        stock=None if dims else cell.parse(first, top, "stock", _integer),
        skus=skus, sku_dimensions=dims, **cell.shelf(shared, group.source.get("shelf_at", first), zone))
    return product, errors


def _shared(group: _Group, headers: dict[str, str], errors: list[RowError]) -> dict[str, str]:
    """Product-level values: the first non-blank cell of each; a later different value is an error."""
    shared: dict[str, str] = {}
    keys = [k for k in headers if k in PRODUCT_KEYS or k.startswith("prop:")]
    for n, values in group.rows:
        for key in keys:
            value = _text(values.get(key))  # an Excel datetime reads as 2025-03-08 20:00:00
            if not value:
                continue
            if key not in shared:
                shared[key], group.source[key] = value, n
            elif shared[key] != value:
                errors.append(RowError(n, headers[key], f"同一商品的「{headers[key]}」与第{group.source[key]}行"
                                                        f"（{shared[key]}）不一致", "同一商品一致"))
    return shared


class _Cells:
    """Parses one cell at a time, recording a problem at its row and column instead of raising."""

    def __init__(self, headers: dict[str, str], errors: list[RowError]):
        self.headers, self.errors = headers, errors

    def parse(self, row: int, values: dict, key: str, convert):
        raw = _text(values.get(key))
        if not raw:
            return None  # the rules report a missing value with their own wording
        try:
            return convert(raw)
        except ValueError as e:
            self.errors.append(RowError(row, self.headers.get(key), str(e), "格式"))
            return None

    def images(self, shared: dict, key: str, row: int, files: Mapping[str, str] | None) -> list[str]:
        names = [s.strip() for s in re.split(r"[;|；｜\n]", str(shared.get(key, ""))) if s.strip()]
        if files is None:
            return names
        missing = [n for n in names if n not in files]
        if missing:
            self.errors.append(RowError(row, self.headers.get(key), f"图片{'、'.join(missing)}没有一起上传", "已上传"))
        return [files.get(n, n) for n in names]

    def shelf(self, shared: dict, row: int, zone: tzinfo) -> dict:
        raw, when = shared.get("shelf", ""), shared.get("shelf_at", "")
        mode = SHELF.get(raw) if raw else ("at" if when else "now")
        if mode is None:
            self.errors.append(RowError(row, self.headers.get("shelf"),
                                        f"上架方式「{raw}」不认识，请填 立刻上架、定时上架 或 放入仓库", "可选值"))
            return {}
        if mode != "at" or not when:
            return {"shelf": mode}
        try:
            return {"shelf": mode, "shelf_at": _when(when, zone)}
        except ValueError as e:
            self.errors.append(RowError(row, self.headers.get("shelf_at"), str(e), "时间格式"))
            return {"shelf": mode}


def _decimal(raw: str) -> Decimal:
    try:
        value = Decimal(raw.replace(",", "").replace("¥", "").replace("￥", "").removesuffix("元").strip())
    except InvalidOperation:
        raise ValueError(f"「{raw}」不是价格，请只填数字，例如 99.90") from None
    if not value.is_finite():
        raise ValueError(f"「{raw}」不是价格，请只填数字，例如 99.90")
    return value


def _integer(raw: str) -> int:
    try:
        number = _decimal(raw.removesuffix("件"))
    except ValueError:
        number = None
    if number is None or number != number.to_integral_value():
        raise ValueError(f"「{raw}」不是整数，库存请填件数，例如 100")
    return int(number)


def _when(text: str, zone: tzinfo) -> datetime:
    """A sheet time (``2025-03-08 20:00``, ``2025/3/8 20:00``, an Excel date cell) in the workspace zone, as UTC."""
    match = TIME.fullmatch(text)
    try:
        local = datetime(*(int(g or 0) for g in match.groups())) if match else None
    except ValueError:  # 2025-02-30
        local = None
    if local is None:
        raise ValueError(f"上架时间「{text}」看不懂，请写成 2025-03-08 20:00")
    return local.replace(tzinfo=zone).astimezone(timezone.utc)


def _locate(field_name: str, group: _Group, headers: dict[str, str], product: Product) -> tuple[int, str | None]:
    """The row and column a rule's field came from."""
    first = group.rows[0][0]
    parts = field_name.split(".")
    if parts[0] == "skus" and len(parts) == 3:
        row = group.rows[int(parts[1])][0]
        if parts[2] == "options":
            return row, "/".join(headers[f"dim:{d}"] for d in product.dimensions() if f"dim:{d}" in headers) or None
        return row, headers.get(SKU_FIELD_KEYS.get(parts[2], ""))
    key = f"prop:{parts[1]}" if parts[0] == "properties" else FIELD_KEYS.get(parts[0], "")
    return group.source.get(key, first), headers.get(key)
