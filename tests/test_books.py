"""Importing the owner's income list (GBK CSV, XLSX) and storing it all-or-nothing."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from books.importer import RowError, import_records
from books.models import IncomeRecord
from books.periods import Quarter
from books.store import add_records, import_file, records_in
from books.vat import compute_return
from core.db import session_factory, transaction
from core.errors import ValidationFailed
from core.models import Workspace

GOOD_CSV = """日期,金额（元）,发票类型,类别,税率,备注
2024/4/3,"1,010.00",增值税专用发票,技术服务,1%,某科技公司 开发费
2024年5月6日,￥2060,电子普通发票,货物,0.03,网店订单
2024-06-30,500,未开票,劳务,免税,
2024-06-30T20:00:00+00:00,101,普票,服务,1,晚上收的款
"""


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def db(tmp_path):
    factory = session_factory(f"sqlite:///{tmp_path / 'books.db'}")
    with transaction(factory) as s:
        ws = Workspace(name="一人公司")
        s.add(ws)
        s.flush()
        return factory, ws.id


def count_records(factory) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(IncomeRecord))


def test_gbk_csv_with_chinese_headers_and_aliases_is_read_row_by_row():
    result = import_records("2024年收入.csv", GOOD_CSV.encode("gbk"), "Asia/Shanghai")

    assert result.ok, result.errors
    got = [(r.day, r.amount, r.tax_included, r.invoice, r.category, r.rate, r.note) for r in result.records]
    assert got == [
        (date(2024, 4, 3), D("1010.00"), True, "special", "services", D("0.01"), "某科技公司 开发费"),
        (date(2024, 5, 6), D("2060.00"), True, "ordinary", "goods", D("0.03"), "网店订单"),
        (date(2024, 6, 30), D("500.00"), True, "none", "goods", D("0"), ""),
        # 20:00 UTC on June 30 is July 1 in Shanghai: the sale belongs to the third quarter
        (date(2024, 7, 1), D("101.00"), True, "ordinary", "services", D("0.01"), "晚上收的款"),
    ]
    assert {r.source for r in result.records} == {"2024年收入.csv"}


def test_utf8_csv_with_bom_reads_the_same():
    result = import_records("income.csv", GOOD_CSV.encode("utf-8-sig"))
    assert result.ok and len(result.records) == 4 and result.records[0].invoice == "special"


def test_xlsx_with_a_title_row_dates_numbers_and_an_exclusive_amount_column():
    data = xlsx_bytes([
        ["2024年第二季度收入明细"],
        ["日期", "不含税金额", "票种", "征税项目", "征收率", "摘要"],
        [datetime(2024, 4, 8, 10, 30), 1234.56, "专票", "现代服务", 0.01, "咨询费"],
        [date(2024, 5, 9), 88, "未开票", "销售货物", "3%", None],
        [None, None, None, None, None, None],
    ])
    result = import_records("收入.xlsx", data, "Asia/Shanghai")

    assert result.ok, result.errors
    got = [(r.day, r.amount, r.tax_included, r.invoice, r.category, r.rate) for r in result.records]
    assert got == [(date(2024, 4, 8), D("1234.56"), False, "special", "services", D("0.01")),
                   (date(2024, 5, 9), D("88.00"), False, "none", "goods", D("0.03"))]


def test_every_bad_cell_is_reported_with_its_row_and_column_and_no_record_is_returned():
    csv = ("日期,金额,发票类型,类别,税率\n"
           "2024-04-01,100,普票,服务,1%\n"
           "2024-13-01,abc,普票,服务,1%\n"
           "2024-04-03,100,电子发票,,6%\n"
           "2024-04-04,12.345,专票,货物,3%\n")
    result = import_records("bad.csv", csv.encode("gbk"))

    assert result.records == []
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "日期"), (3, "金额"), (4, "发票类型"), (4, "类别"), (4, "税率"), (5, "金额")]
    assert "6%" in result.errors[4].message
    with pytest.raises(ValidationFailed) as caught:
        result.raise_errors()
    assert caught.value.errors[0]["message"].startswith("第3行「日期」：")


def test_a_missing_column_and_an_unreadable_file_are_reported():
    missing = import_records("a.csv", "日期,金额,发票类型,类别\n2024-04-01,100,普票,服务\n".encode())
    assert missing.errors == [RowError(1, "税率", "缺少这一列")]
    broken = import_records("a.xlsx", b"PK\x03\x04 not really a workbook")
    assert broken.records == [] and broken.errors[0].column == "文件"
    empty = import_records("a.csv", "日期,金额,发票类型,类别,税率\n".encode())
    assert empty.errors[0].message == "文件里没有收入记录"


def test_an_import_is_stored_all_or_nothing(db):
    factory, ws = db
    bad = GOOD_CSV + "2024-05-01,100,普票,服务,8%\n"
    with pytest.raises(ValidationFailed):
        with transaction(factory) as s:
            import_file(s, ws, "bad.csv", bad.encode("gbk"))
    assert count_records(factory) == 0

    good = import_records("ok.csv", GOOD_CSV.encode("gbk")).records
    odd = IncomeRecord(id="odd", day=date(2024, 4, 1), amount=D("5"), tax_included=True, invoice="普票",
                       category="services", rate=D("0.01"))
    with pytest.raises(ValidationFailed) as caught:
        with transaction(factory) as s:
            add_records(s, ws, good + [odd])
    assert caught.value.errors[0]["field"] == "第5条.invoice"
    assert count_records(factory) == 0

    with transaction(factory) as s:
        assert len(import_file(s, ws, "ok.csv", GOOD_CSV.encode("gbk")).added) == 4
    assert count_records(factory) == 4


def test_stored_records_read_back_exactly_and_feed_the_quarter_return(db):
    factory, ws = db
    rows = "日期,金额,发票类型,类别,税率\n" + "".join(
        f"2024-0{m}-15,{amount},{inv},服务,1%\n"
        for m, amount, inv in [(4, "101000.00", "普票"), (5, "202000.00", "未开票"), (6, "50500.00", "专票"),
                               (7, "0.01", "普票")])
    with transaction(factory) as s:
        import_file(s, ws, "q2.csv", rows.encode("gbk"))

    with factory() as s:
        q2 = records_in(s, ws, Quarter(2024, 2))
        assert [r.amount for r in q2] == [D("101000.00"), D("202000.00"), D("50500.00")]
        assert all(isinstance(r.rate, D) and r.rate == D("0.01") for r in q2)
        assert records_in(s, "another-workspace", Quarter(2024, 2)) == []
    ret = compute_return(q2, Quarter(2024, 2))
    assert ret.value(1, "services") == D("350000.00") and ret.value(22, "services") == D("3500.00")
    assert ret.lines[(2, "services")].sources == [q2[2].id]


def test_a_database_from_before_customers_and_invoice_numbers_gets_the_new_columns_on_first_use(tmp_path):
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:  # the table as the first version created it, with one record
        conn.execute(text("CREATE TABLE income_records (id VARCHAR(32) PRIMARY KEY, workspace_id VARCHAR(32), "
                          "day DATE, amount VARCHAR(16), tax_included BOOLEAN, invoice VARCHAR(16), "
                          "category VARCHAR(16), rate VARCHAR(7), note TEXT, source VARCHAR(200), created_at DATETIME)"))
        conn.execute(text("INSERT INTO income_records VALUES ('old', 'ws', '2024-05-01', '100.00', 1, 'none', "
                          "'goods', '0.0100', '', 'manual', '2024-05-01 00:00:00')"))
    with Session(engine) as s:
        (old,) = records_in(s, "ws", Quarter(2024, 2))
        assert (old.amount, old.counterparty, old.invoice_no) == (D("100.00"), "", "")
        import_file(s, "ws", "new.csv", b"\xef\xbb\xbf\xe6\x97\xa5\xe6\x9c\x9f,\xe9\x87\x91\xe9\xa2\x9d,"
                    + "发票类型,类别,税率,客户\n2024-05-02,50,普票,货物,1%,老王\n".encode())
        assert [r.counterparty for r in records_in(s, "ws", Quarter(2024, 2))] == ["", "老王"]
