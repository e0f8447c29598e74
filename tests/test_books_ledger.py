"""The books kept from invoices and by hand: an invoice read, checked and saved as income or expense by the
workspace's own tax id, a repeated invoice refused, the owner's corrections kept, edits audited, the month's
report computed and recomputed on change, and the quarter's returns computed from the records."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from books import intake
from books.expenses import add_expense, delete_expense, update_expense
from books.models import ExpenseRecord, IncomeRecord, InvoiceCorrection
from books.periods import Quarter
from books.pit import compute_prepayment
from books.pit_store import figures_of_year, set_figures, year_to_date
from books.report import Month, monthly_report
from books.store import records_in, update_record
from books.vat import compute_return
from core.db import transaction
from core.models import AuditLog
from tests.books_fixtures import books_db  # noqa: F401
from tests.invoice_fixtures import OWN_TAX_ID, SAMPLES, xml_invoice


def _card(upload) -> dict:
    """The card as the owner saves it untouched: every field as read, her side chosen for her."""
    data = {f["key"]: f["value"] for f in intake.card_fields(upload)}
    return {**data, "direction": upload.reading["direction"],
            "category": "services" if upload.reading["direction"] == "income" else "expense-office"}


def _upload(books_db, name: str):
    factory, ws, uploads = books_db
    with transaction(factory) as s:
        up = intake.receive(s, ws, uploads, f"{name}.xml", xml_invoice(SAMPLES[name]), OWN_TAX_ID)
        return up.id


def _save(books_db, upload_id: str, **changes):
    factory, ws, _ = books_db
    with transaction(factory) as s:
        up = intake.get_upload(s, ws, upload_id)
        kind, rec = intake.save(s, up, {**_card(up), **changes})
        return kind, rec.id


def test_an_invoice_she_issued_is_income_and_one_she_received_is_an_expense(books_db):
    factory, ws, _ = books_db
    kind, income_id = _save(books_db, _upload(books_db, "brand_special"))
    assert kind == "income"
    kind, expense_id = _save(books_db, _upload(books_db, "cloud_special"))
    assert kind == "expense"
    with factory() as s:
        income = s.get(IncomeRecord, income_id)
        assert (income.day, income.amount, income.tax, income.rate, income.invoice, income.invoice_no,
                income.counterparty) == (date(2026, 11, 3), D("10000.00"), D("300.00"), D("0.03"), "special",
                                         "26317000000123456781", "北京星河广告有限公司")
        assert income.tax_included is False  # the invoice's 金额 is the sale before tax
        expense = s.get(ExpenseRecord, expense_id)
        assert (expense.amount, expense.tax, expense.rate, expense.counterparty, expense.category) == (
            D("1802.00"), D("102.00"), D("0.06"), "深圳市云帆网络科技有限公司", "office")


def test_the_same_invoice_number_twice_is_refused_with_a_link_to_the_record_and_nothing_is_saved(books_db):
    factory, ws, _ = books_db
    _, first = _save(books_db, _upload(books_db, "brand_special"))
    again = _upload(books_db, "brand_special")
    with pytest.raises(intake.DuplicateInvoice) as refused:
        _save(books_db, again)
    assert "发票号码26317000000123456781已经在账本里了" in refused.value.message
    assert refused.value.link == f"/books?month=2026-11#rec-{first}"
    with factory() as s:
        assert len(records_in(s, ws, Quarter(2026, 4))) == 1
        assert intake.get_upload(s, ws, again).status == "pending"


def test_what_the_owner_corrects_is_kept_with_the_value_read_and_how_it_was_read(books_db):
    factory, ws, _ = books_db
    _, rec_id = _save(books_db, _upload(books_db, "paper_ordinary"), seller_name="苏州好印象办公用品有限公司")
    with factory() as s:
        fixes = s.scalars(select(InvoiceCorrection).where(InvoiceCorrection.workspace_id == ws)).all()
        assert [(c.field, c.original, c.corrected, c.source) for c in fixes] == [
            ("seller_name", "苏州市好印象办公用品有限公司", "苏州好印象办公用品有限公司", "xml")]
        assert s.get(ExpenseRecord, rec_id).counterparty == "苏州好印象办公用品有限公司"
        assert intake.correction_rates(s, ws) == {"xml": {"invoices": 1, "corrected": {"seller_name": 1}}}


def test_a_card_with_bad_fields_names_every_one_and_saves_nothing(books_db):
    factory, ws, _ = books_db
    up = _upload(books_db, "brand_special")
    with pytest.raises(Exception) as bad:
        _save(books_db, up, number="12-34", total="10300.5x", direction="")
    fields = [e["field"] for e in bad.value.errors]
    assert fields == ["direction", "number", "total"]
    with factory() as s:
        assert records_in(s, ws, Quarter(2026, 4)) == []


def test_the_quarters_vat_return_from_invoice_records_equals_the_hand_computed_one_and_follows_an_edit(books_db):
    """2026Q4, a 有限公司 under the 300,000 threshold: the 专票 (10,000 at 3%) is taxed at 3% on line 1/2; the
    普票 (3,800 at 1%) is exempt small sales on line 10 with 114.00 (3%) exempt tax on line 18. VAT 300.00,
    城建税 300 × 7% halved = 10.50, education surcharges exempt (sales ≤ 300,000): 310.50 due."""
    factory, ws, _ = books_db
    _, special = _save(books_db, _upload(books_db, "brand_special"))
    _save(books_db, _upload(books_db, "video_ordinary"))
    _save(books_db, _upload(books_db, "cloud_special"))  # an expense: no part of the VAT return
    q4 = Quarter(2026, 4)
    with factory() as s:
        ret = compute_return(records_in(s, ws, q4), q4)
    assert ret.value(1, "services") == ret.value(2, "services") == D("10000.00")
    assert ret.value(10, "services") == D("3800.00") and ret.value(18, "services") == D("114.00")
    assert ret.vat_due == D("300.00") and ret.value(23, "total") == D("10.50") and ret.tax_due == D("310.50")
    assert ret.lines[(1, "services")].sources == [special]
    with transaction(factory) as s:
        update_record(s, s.get(IncomeRecord, special), {"amount": D("20000.00")})
    with factory() as s:
        assert compute_return(records_in(s, ws, q4), q4).tax_due == D("621.00")  # 600 + 21.00 (42 halved)


def test_the_business_income_costs_are_the_expense_records_and_the_typed_figure_becomes_one(books_db):
    factory, ws, _ = books_db
    _save(books_db, _upload(books_db, "brand_special"))
    _save(books_db, _upload(books_db, "paper_ordinary"))  # 4×112 + 5×20 = 548 + 71.24 tax = 619.24 paid
    q4 = Quarter(2026, 4)
    with transaction(factory) as s:
        set_figures(s, ws, q4, {"costs": "1000", "special_deductions": "300"})
    with factory() as s:
        figures = figures_of_year(s, ws, 2026)
        assert figures[4].costs == D("1619.24") and figures[4].special_deductions == D("300.00")
        records, figures = year_to_date(s, ws, q4)
        ret = compute_prepayment(records, q4, figures)
    assert ret.value("costs") == D("1619.24") and len(ret.lines["costs"].sources) == 2
    assert ret.value("profit") == D("10000.00") - D("1619.24")
    with transaction(factory) as s:  # typing it again replaces the typed record, never adds a second
        set_figures(s, ws, q4, {"costs": "500"})
    with factory() as s:
        assert figures_of_year(s, ws, 2026)[4].costs == D("1119.24")


def test_the_month_report_sums_income_costs_and_expenses_by_category_and_is_recomputed_on_a_change(books_db):
    factory, ws, _ = books_db
    _save(books_db, _upload(books_db, "brand_special"))   # 10,000 + 300 tax
    _save(books_db, _upload(books_db, "video_ordinary"))  # 3,800 + 38 tax
    _save(books_db, _upload(books_db, "paper_ordinary"))  # office 619.24
    with transaction(factory) as s:
        rent = add_expense(s, ws, {"day": date(2026, 11, 1), "amount": D("3000.00"), "category": "rent"})
        stock = add_expense(s, ws, {"day": date(2026, 11, 5), "amount": D("2000.00"), "category": "cost"})
        rent_id = rent.id
    nov = Month(2026, 11)
    with transaction(factory) as s:
        report, cached = monthly_report(s, ws, nov)
    assert not cached
    assert (report.income, report.income_tax, report.costs, report.expenses, report.profit) == (
        "13800.00", "338.00", "2000.00", "3619.24", "8180.76")
    assert report.by_category == {"cost": "2000.00", "office": "619.24", "rent": "3000.00"}
    with transaction(factory) as s:
        assert monthly_report(s, ws, nov)[1] is True  # unchanged: from the cache
        update_expense(s, s.get(ExpenseRecord, rent_id), {"amount": D("3500.00")})
    with transaction(factory) as s:
        report, cached = monthly_report(s, ws, nov)
    assert not cached and report.expenses == "4119.24" and report.profit == "7680.76"


def test_edits_and_deletes_are_audited_with_what_the_record_was(books_db):
    factory, ws, _ = books_db
    _, income_id = _save(books_db, _upload(books_db, "brand_special"))
    with transaction(factory) as s:
        exp = add_expense(s, ws, {"day": date(2026, 11, 1), "amount": D("88.00"), "category": "travel"})
        update_record(s, s.get(IncomeRecord, income_id), {"note": "品牌策划一期"}, actor="owner")
        update_expense(s, exp, {"amount": D("99.00")}, actor="owner")
        delete_expense(s, exp, actor="owner")
    with factory() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.workspace_id == ws).order_by(AuditLog.id)).all()
    assert [r.action for r in rows] == ["books.income.edited", "books.expense.edited", "books.expense.deleted"]
    assert rows[0].detail["before"]["note"] == "" and rows[0].detail["after"]["note"] == "品牌策划一期"
    assert rows[1].detail["before"]["amount"] == "88.00" and rows[1].detail["after"]["amount"] == "99.00"
    assert rows[2].detail["before"]["amount"] == "99.00"


def test_the_report_exports_as_xlsx_and_pdf_with_its_figures(books_db):
    from books.export import report_pdf, report_xlsx

    factory, ws, _ = books_db
    _save(books_db, _upload(books_db, "brand_special"))
    with transaction(factory) as s:
        report, _ = monthly_report(s, ws, Month(2026, 11))
    sheet = load_workbook(io.BytesIO(report_xlsx(report, []))).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["收入（不含税）"] == 10000 and rows["利润"] == 10000
    pdf = report_pdf(report, "青禾文化")
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf


MIXED_CSV = """日期,收支,金额,发票类型,类别,税率,税额,对方,备注
2026-11-02,收入,1010,普票,服务,1%,,杭州某茶庄,设计费
2026-11-05,支出,3000,未开票,房租水电,,,王房东,11月房租
2026-11-09,支出,565,专票,进货成本,13%,65,义乌某包装厂,礼盒
"""


def test_a_sheet_with_a_income_or_expense_column_imports_both_and_a_bad_expense_row_is_named(books_db):
    from books.store import import_file

    factory, ws, _ = books_db
    with transaction(factory) as s:
        done = import_file(s, ws, "11月收支.csv", MIXED_CSV.encode("gbk"))
    assert len(done.added) == 3
    with factory() as s:
        spent = s.scalars(select(ExpenseRecord).where(ExpenseRecord.workspace_id == ws).order_by(ExpenseRecord.day)).all()
        assert [(e.category, e.amount, e.tax, e.rate, e.counterparty) for e in spent] == [
            ("rent", D("3000.00"), None, None, "王房东"), ("cost", D("565.00"), D("65.00"), D("0.13"), "义乌某包装厂")]
        assert [r.amount for r in records_in(s, ws, Quarter(2026, 4))] == [D("1010.00")]
    bad = MIXED_CSV.replace("房租水电,,", "房租水电,50%,")
    with transaction(factory) as s, pytest.raises(Exception) as refused:
        import_file(s, ws, "坏的.csv", bad.encode("gbk"), duplicates="import")
    assert any("第3行「税率」" in e["message"] and "0到17%" in e["message"] for e in refused.value.errors)


def test_a_sheet_imported_again_or_naming_an_invoice_already_saved_repeats_its_expenses_and_adds_nothing(books_db):
    from books.store import DuplicateRows, import_file

    factory, ws, _ = books_db
    with transaction(factory) as s:
        import_file(s, ws, "11月收支.csv", MIXED_CSV.encode("gbk"))
    with transaction(factory) as s, pytest.raises(DuplicateRows) as again:
        import_file(s, ws, "11月收支(1).csv", MIXED_CSV.encode("gbk"))
    assert [r.row for r in again.value.repeats] == [2, 3, 4]  # the sale and both expenses
    assert again.value.message.startswith("这个文件和之前导入的「11月收支.csv」是同一个文件，有3行已经在账本里了")
    _save(books_db, _upload(books_db, "paper_ordinary"))  # the office paper, saved from its invoice
    paper = "日期,收支,金额,类别,对方,发票号码\n2026-11-21,支出,619.24,办公用品,好印象,26322000000555501234\n" \
            "2026-11-22,支出,35,差旅交通,滴滴,\n"
    with transaction(factory) as s, pytest.raises(DuplicateRows) as invoiced:
        import_file(s, ws, "报销.csv", paper.encode("gbk"))
    (repeat,) = invoiced.value.repeats
    assert repeat.row == 2 and "和账本里从发票「paper_ordinary.xml」保存的记录相同" in invoiced.value.message
    with transaction(factory) as s:
        done = import_file(s, ws, "报销.csv", paper.encode("gbk"), duplicates="skip")
    assert [r["amount"] for r in done.added] == [D("35.00")] and [r.row for r in done.skipped] == [2]
    with factory() as s:
        assert s.query(ExpenseRecord).filter_by(workspace_id=ws).count() == 4  # 2 imported, the paper, the taxi


def test_the_reminders_name_each_deadline_with_its_source():
    from books.deadlines import deadlines

    company = deadlines(date(2026, 2, 10), files_business_income=False)
    assert [(d.key, d.due) for d in company] == [("vat", date(2026, 1, 20)), ("annual_report", date(2026, 6, 30))]
    business = deadlines(date(2026, 4, 2), files_business_income=True)
    assert [(d.key, d.due) for d in business] == [("vat", date(2026, 4, 20)), ("pit_business", date(2026, 4, 20)),
                                                   ("annual_report", date(2026, 6, 30)), ("pit_annual", date(2027, 3, 31))]
    assert business[-1].name == "2026年度经营所得汇算清缴（B表）" and "第十二条" in business[-1].source
    assert business[1].text(date(2026, 4, 2)) == "2026年第1季度经营所得预缴申报（A表）截止2026年04月20日，还有18天"
    assert "企业信息公示暂行条例" in business[2].source


@pytest.mark.parametrize("said, kind, href", [
    ("把这个月的发票录一下", "invoices", "/books/invoice"),
    ("出一下上个月的报表", "report", "/books/report?month=2026-11"),
    ("看看十月的报表", "report", "/books/report?month=2026-10"),
    ("把上季度增值税报了", None, None),
])
def test_book_keeping_asked_in_the_owners_words_points_to_the_page_where_it_is_done(said, kind, href):
    from books.asks import book_ask

    ask = book_ask(said, date(2026, 12, 6))
    assert (ask.kind, ask.href) == (kind, href) if kind else ask is None
