"""Importing the owner's income list (CSV or XLSX with Chinese headers) into income records, and expenses when
the sheet has a 收支 column (rows saying 支出 become expense records: 日期, 金额, 类别 such as 办公用品, and
optionally 税额, 税率, 发票类型, 对方, 发票号码, 备注).

Every bad cell is reported at once with its row (as the spreadsheet numbers it) and column; when any
row is bad no record is returned, so the caller stores all rows or none (``books.store.add_records``).
"""
from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from books import cells
from books.models import ExpenseRecord, IncomeRecord
from core.errors import ValidationFailed
from core.models import new_id

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 32
"""Columns read from a sheet: the template has about ten; anything past this is ignored."""

HEADERS = {
    "day": ("日期", "开票日期", "收入日期", "交易日期", "收款日期", "业务日期", "时间"),
    "amount": ("金额", "收入金额", "含税金额", "价税合计", "收款金额", "收入"),
    "amount_exclusive": ("不含税金额", "不含税销售额", "销售额"),
    "invoice": ("发票类型", "发票", "票种", "开票类型", "发票种类", "开票情况"),
    "category": ("类别", "项目类别", "业务类型", "征税项目", "收入类别", "类型"),
    "rate": ("税率", "征收率", "税率/征收率"),
    "note": ("备注", "摘要", "说明", "内容"),
    "counterparty": ("客户", "客户名称", "购买方", "购买方名称", "购方名称", "对方单位", "对方户名", "付款方", "交易对方", "对方", "收款方", "销售方名称"),
    "invoice_no": ("发票号码", "发票号", "数电票号码"),
    "tax_included": ("含税", "是否含税", "金额是否含税"),
    "kind": ("收支", "收支类型", "收入/支出", "收入或支出"),
    "tax": ("税额",),
}
"""Accepted column titles per field. An amount under a 不含税 title is stored as tax-exclusive."""
REQUIRED = ("day", "amount", "invoice", "category", "rate")
EXPENSE_WORDS = ("支出", "支", "费用", "成本", "付款")
INCOME_WORDS = ("收入", "收", "收款", "")
_ALIAS = {alias: key for key, aliases in HEADERS.items() for alias in aliases}


@dataclass(frozen=True)
class RowError:
    row: int
    """1-based, as the spreadsheet shows it (the header is a row too)."""
    column: str
    """The column's title in the file (or the expected title when it is missing)."""
    message: str

    def as_field_error(self) -> dict:
        return {"field": f"row{self.row}.{self.column}", "limit": self.column,
                "message": f"第{self.row}行「{self.column}」：{self.message}"}


@dataclass
class ImportResult:
    records: list[IncomeRecord | ExpenseRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    """The row of each record, as the spreadsheet numbers it (for messages about that record)."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationFailed([e.as_field_error() for e in self.errors])


def import_records(name: str, data: bytes, tz: str | ZoneInfo = "Asia/Shanghai") -> ImportResult:
    """Records from an uploaded file, or every problem in it (and no records)."""
    tz = ZoneInfo(tz) if isinstance(tz, str) else tz
    if len(data) > MAX_BYTES:
        return ImportResult(errors=[RowError(0, "文件", f"文件超过{MAX_BYTES // 1024 // 1024}MB")])
    try:
        rows = _xlsx_rows(data) if _is_xlsx(name, data) else _csv_rows(data)
    except _Unreadable as e:
        return ImportResult(errors=[RowError(0, "文件", str(e))])
    return _records(name, rows, tz)


class _Unreadable(Exception):
    pass


def _is_xlsx(name: str, data: bytes) -> bool:
    return name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged or non-xlsx file
        raise _Unreadable(f"无法读取Excel文件（{type(e).__name__}），请另存为 .xlsx 或 .csv") from None
    try:
        # max_col: a sheet may declare A1:XFD1048576, and read_only mode would pad every row to it.
        return _bounded(book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS))
    finally:
        book.close()


def _csv_rows(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _Unreadable("文件编码无法识别，请保存为 UTF-8 或 GBK 编码的 CSV")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        return _bounded(row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:  # a stray carriage return or NUL inside a field: not a table we can read
        raise _Unreadable("文件不是可读取的 CSV 表格，请用 Excel 另存为 CSV 或 XLSX") from None


def _bounded(rows) -> list[list]:
    """At most one row past the limit (the header and MAX_ROWS records), so the limit is reported without
    reading, or holding, a sheet of a million rows."""
    return [list(r) for r in itertools.islice(rows, MAX_ROWS + 2)]


def _title(cell) -> str:
    text = re.sub(r"\s", "", "" if cell is None else str(cell))
    return re.sub(r"[（(](元|人民币|%|％)[)）]$", "", text)


def _header(rows: list[list]) -> tuple[int, dict[str, int], list[RowError]]:
    """The header row's index and the column of each field: the first of the top 10 rows naming a date and
    an amount (owners often put a title row above)."""
    for i, row in enumerate(rows[:10]):
        fields = [_ALIAS.get(_title(c)) for c in row]
        if "day" in fields and ({"amount", "amount_exclusive"} & set(fields)):
            cols, errors = {}, []
            for j, key in enumerate(fields):
                if key is None:
                    continue
                slot = "amount" if key == "amount_exclusive" else key
                if slot in cols:
                    errors.append(RowError(i + 1, _title(row[j]), "与前面的列重复（同一内容只能有一列）"))
                cols[slot] = j
                if key == "amount_exclusive":
                    cols["exclusive"] = j
            required = ("day", "amount") if "kind" in cols else REQUIRED  # a 收支 sheet: checked per row
            missing = [HEADERS[k][0] for k in required if k not in cols]
            errors += [RowError(i + 1, m, "缺少这一列") for m in missing]
            return i, cols, errors
    return 0, {}, [RowError(1, "表头", "找不到表头：需要“日期”“金额”“发票类型”“类别”“税率”这几列")]


def _records(name: str, rows: list[list], tz: ZoneInfo) -> ImportResult:
    head, cols, errors = _header(rows)
    if errors:
        return ImportResult(errors=errors)
    titles = {key: _title(rows[head][j]) for key, j in cols.items()}
    records, numbers = [], []
    body = [(n, r) for n, r in enumerate(rows[head + 1:], head + 2) if any(_title(c) for c in r)]
    if len(body) > MAX_ROWS:
        return ImportResult(errors=[RowError(0, "文件", f"一次最多导入{MAX_ROWS}行")])
    for n, row in body:
        rec = _record(n, row, cols, titles, tz, errors)
        if rec is not None:
            rec.source = name[-200:]
            records.append(rec)
            numbers.append(n)
    if not body:
        errors.append(RowError(head + 2, titles["day"], "文件里没有收入记录"))
    return ImportResult(errors=errors) if errors else ImportResult(records=records, rows=numbers)


def _record(n: int, row: list, cols: dict[str, int], titles: dict[str, str], tz: ZoneInfo,
            errors: list[RowError]) -> IncomeRecord | None:
    def cell(key):
        j = cols.get(key)
        return row[j] if j is not None and j < len(row) else None

    kind = re.sub(r"\s", "", "" if cell("kind") is None else str(cell("kind")))
    if kind in EXPENSE_WORDS:
        return _expense(n, cell, titles, tz, errors)
    if kind not in INCOME_WORDS:
        errors.append(RowError(n, titles["kind"], f"收支看不懂：{kind}（请写 收入 或 支出）"))
        return None
    parsers = {
        "day": lambda: cells.parse_day(cell("day"), tz),
        "amount": lambda: cells.parse_amount(cell("amount")),
        "invoice": lambda: cells.parse_invoice(cell("invoice")),
        "category": lambda: cells.parse_category(cell("category")),
        "rate": lambda: cells.parse_rate(cell("rate")),
        "tax_included": lambda: cells.parse_included(cell("tax_included"), "exclusive" not in cols),
    }
    values, before = {}, len(errors)
    for key, parse in parsers.items():
        try:
            values[key] = parse()
        except cells.CellError as e:
            errors.append(RowError(n, titles.get(key, HEADERS[key][0]), str(e)))
    if len(errors) > before:
        return None
    def text(key: str, limit: int) -> str:
        value = cell(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a spreadsheet number (an invoice number typed as one) without ".0"
        return ("" if value is None else str(value).strip())[:limit]

    return IncomeRecord(id=new_id(), note=text("note", 2000), counterparty=text("counterparty", 100),
                        invoice_no=text("invoice_no", 32), **values)


def _expense(n: int, cell, titles: dict[str, str], tz: ZoneInfo, errors: list[RowError]) -> ExpenseRecord | None:
    """An expense row, checked as the books page checks a typed expense (``books.expenses.parse_expense``)."""
    from books.expenses import parse_expense

    columns = {"day": "day", "amount": "amount", "tax": "tax", "rate": "rate", "category": "category",
               "counterparty": "counterparty", "invoice_no": "invoice_no", "invoice": "invoice", "note": "note"}
    raw = {key: cell(col) for key, col in columns.items()}
    if isinstance(raw["invoice_no"], float) and raw["invoice_no"].is_integer():
        raw["invoice_no"] = int(raw["invoice_no"])
    values, problems = parse_expense(raw, tz)
    for p in problems:
        errors.append(RowError(n, titles.get(p["field"], HEADERS.get(p["field"], (p["field"],))[0]),
                               p["message"].split("：", 1)[-1]))
    return None if problems else ExpenseRecord(id=new_id(), **values)
