"""The 季度报表: the same report as the month's, over a quarter, computed from the records, cached per quarter and
recomputed when a record of any of its months changes, exported as XLSX and PDF, and a bad quarter refused in
Chinese."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D
from urllib.parse import unquote

from openpyxl import load_workbook

from books import intake
from books.expenses import add_expense, update_expense
from books.models import ExpenseRecord, IncomeRecord
from books.periods import Quarter
from books.report import Month, period_report
from books.store import add_records
from core.db import transaction
from tests.books_fixtures import books_db  # noqa: F401
from tests.invoice_fixtures import OWN_TAX_ID, SAMPLES, xml_invoice
from tests.web_fixtures import client, web  # noqa: F401

FIGURES = ("income", "income_tax", "costs", "expenses", "profit")
Q4 = Quarter(2026, 4)


def _save_invoice(books_db, name: str, category: str):
    factory, ws, uploads = books_db
    with transaction(factory) as s:
        up = intake.receive(s, ws, uploads, f"{name}.xml", xml_invoice(SAMPLES[name]), OWN_TAX_ID)
        card = {f["key"]: f["value"] for f in intake.card_fields(up)}
        return intake.save(s, up, {**card, "direction": up.reading["direction"], "category": category})[1].id


def _three_months_of_records(books_db) -> str:
    """October, November and December 2026: income by hand and from an invoice, costs and expenses; the id of
    November's rent."""
    factory, ws, _ = books_db
    _save_invoice(books_db, "brand_special", "services")        # income 2026-11-03: 10,000 + 300 tax
    _save_invoice(books_db, "paper_ordinary", "expense-office")  # expense in November: office 619.24
    with transaction(factory) as s:
        add_records(s, ws, [
            IncomeRecord(day=date(2026, 10, 9), amount=D("2020.00"), tax_included=True, invoice="ordinary",
                         category="services", rate=D("0.01")),
            IncomeRecord(day=date(2026, 12, 20), amount=D("5000.00"), tax_included=False, invoice="none",
                         category="goods", rate=D("0.01"))])
        add_expense(s, ws, {"day": date(2026, 10, 1), "amount": D("3000.00"), "category": "rent"})
        add_expense(s, ws, {"day": date(2026, 12, 5), "amount": D("1200.00"), "category": "cost"})
        rent = add_expense(s, ws, {"day": date(2026, 11, 1), "amount": D("3000.00"), "category": "rent"})
        return rent.id


def _sum_of_months(factory, ws) -> dict:
    with transaction(factory) as s:
        months = [period_report(s, ws, Month(2026, m))[0] for m in (10, 11, 12)]
    return {f: str(sum((D(getattr(r, f)) for r in months), D("0.00"))) for f in FIGURES}


def test_a_quarters_report_is_the_sum_of_its_three_months_reports(books_db):
    factory, ws, _ = books_db
    _three_months_of_records(books_db)
    with transaction(factory) as s:
        report, cached = period_report(s, ws, Q4)
    assert not cached and report.label == "2026年第4季度" and report.title == "季度报表"
    assert {f: getattr(report, f) for f in FIGURES} == _sum_of_months(factory, ws)
    assert (report.income, report.costs, report.expenses) == ("17000.00", "1200.00", "6619.24")
    assert report.by_category == {"cost": "1200.00", "office": "619.24", "rent": "6000.00"}
    assert (report.income_records, report.expense_records) == (3, 4)


def test_changing_a_record_of_the_quarters_second_month_recomputes_the_quarter(books_db):
    factory, ws, _ = books_db
    rent_id = _three_months_of_records(books_db)
    with transaction(factory) as s:
        before = period_report(s, ws, Q4)[0]
    with transaction(factory) as s:
        assert period_report(s, ws, Q4)[1] is True  # unchanged: from the cache
        update_expense(s, s.get(ExpenseRecord, rent_id), {"amount": D("3500.00")})
    with transaction(factory) as s:
        after, cached = period_report(s, ws, Q4)
        other = period_report(s, ws, Quarter(2026, 3))[0]
    assert not cached
    assert D(after.expenses) - D(before.expenses) == D("500.00") and D(after.profit) == D(before.profit) - 500
    assert {f: getattr(after, f) for f in FIGURES} == _sum_of_months(factory, ws)
    assert other.income_records == other.expense_records == 0


def test_a_quarters_exports_carry_the_quarters_totals(web, client):
    for day, amount in (("2026-10-08", "100.00"), ("2026-11-08", "200.00"), ("2026-12-08", "300.00")):
        r = client.post("/api/books/expenses", json={"day": day, "amount": amount, "category": "travel"})
        assert r.status_code == 201, r.text
    report = client.get("/api/books/report", params={"quarter": "2026Q4"}).json()
    months = [client.get("/api/books/report", params={"month": m}).json() for m in ("2026-10", "2026-11", "2026-12")]
    assert report["label"] == "2026年第4季度"
    assert D(report["expenses"]) == sum(D(m["expenses"]) for m in months) >= D("600.00")
    xlsx = client.get("/api/books/report.xlsx", params={"quarter": "2026年第4季度"})
    assert xlsx.status_code == 200
    assert unquote(xlsx.headers["content-disposition"]).endswith("2026年第4季度收支报表.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book["季度报表"]
    assert sheet["A1"].value == "2026年第4季度收支报表"
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert D(str(rows["费用"])) == D(report["expenses"]) and D(str(rows["利润"])) == D(report["profit"])
    assert D(str(rows["收入（不含税）"])) == D(report["income"])
    days = [r[0] for r in book["明细"].iter_rows(min_row=2, values_only=True)]
    assert "2026-10-08" in days and "2026-12-08" in days
    pdf = client.get("/api/books/report.pdf", params={"quarter": "2026Q4"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = client.get("/books/report", params={"quarter": "2026Q4"}).text
    assert report["profit"].startswith("-")  # this quarter is a loss: the page says so in words
    assert "2026年第4季度收支报表" in page and f"-¥{report['profit'][1:]}（亏损）" in page
    assert "/books/report?quarter=2026Q3" in page and "/books/report?quarter=2027Q1" in page
    assert "/books/report?month=2026-10" in page and "report.xlsx?quarter=2026Q4" in page


def test_a_bad_quarter_is_refused_in_chinese_naming_the_field(client):
    for bad in ("2026Q5", "2026-13", "abc", "1999Q1"):
        for path in ("/api/books/report", "/api/books/report.xlsx", "/api/books/report.pdf", "/books/report"):
            r = client.get(path, params={"quarter": bad})
            assert r.status_code == 422, (path, bad, r.text)
    r = client.get("/api/books/report", params={"quarter": "2026Q5"})
    error = r.json()["detail"][0]
    assert error["field"] == "quarter" and "季度格式应为2026Q3" in error["message"]
    r = client.get("/api/books/report", params={"quarter": "1999Q1"})
    assert r.json()["detail"][0]["message"] == "季度1999年第1季度不在2000年到2099年之间"
