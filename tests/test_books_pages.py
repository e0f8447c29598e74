"""The books page and the invoice card's neighbours over HTTP on a real web server: the month's records filtered
by 收支 and 类别, an expense edited and deleted with the owner named in the audit, an expense typed with an invoice
number already in the books refused with a link, the invoice file kept as the record's attachment, the owner's
corrections counted per way of reading, a 经营所得 A表 figure opening the expense records it sums, and the
finance page naming every deadline with its source."""
from __future__ import annotations

import re
from contextlib import closing

import pytest
from sqlalchemy import select

from core.models import AuditLog
from tests.invoice_fixtures import SAMPLES, xml_invoice
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server)


@pytest.fixture
def owner(web):
    with closing(web.client()) as c:
        yield c


def _expense(owner, **fields) -> dict:
    r = owner.post("/api/books/expenses", json=fields)
    assert r.status_code == 201, r.text
    return r.json()


def _record_ids(html: str) -> set[str]:
    return set(re.findall(r'data-record="(\w+)"', html))


def test_the_books_page_filters_the_month_by_income_or_expense_and_by_category(owner):
    office = _expense(owner, day="2025-03-02", amount="120.00", category="office", counterparty="文具店")
    rent = _expense(owner, day="2025-03-05", amount="3000", category="房租水电")
    sale = owner.post("/api/books/records", json={"day": "2025-03-08", "amount": "500", "invoice": "普票",
                                                  "category": "服务", "rate": "1%"}).json()["record"]
    whole = owner.get("/books", params={"month": "2025-03"}).text
    assert _record_ids(whole) == {office["id"], rent["id"], sale["id"]}
    assert "收入合计 ¥<span id=\"income-total\">500.00</span>" in whole
    assert _record_ids(owner.get("/books", params={"month": "2025-03", "kind": "expense"}).text) == {office["id"], rent["id"]}
    assert _record_ids(owner.get("/books", params={"month": "2025-03", "kind": "income"}).text) == {sale["id"]}
    rents = owner.get("/books", params={"month": "2025-03", "kind": "expense", "category": "rent"}).text
    assert _record_ids(rents) == {rent["id"]}
    assert '<option value="rent" selected>房租水电</option>' in rents
    listed = owner.get("/api/books/month", params={"month": "2025-03", "kind": "expense"}).json()
    assert [(r["day"], r["category_label"]) for r in listed["records"]] == [("2025-03-05", "房租水电"),
                                                                            ("2025-03-02", "办公用品")]
    # expenses by category, in the chart too; profit = 500 / 1.01 (495.05 before tax) - 3,120 = -2,624.95
    report = owner.get("/books/report", params={"month": "2025-03"}).text
    assert '<dd id="r-expenses">¥3120.00</dd>' in report and '<dd id="r-profit"><strong>-¥2624.95（亏损）</strong></dd>' in report
    assert "<dt>　其中：房租水电</dt><dd data-category=\"rent\">¥3000.00</dd>" in report
    assert "<dt>　其中：办公用品</dt><dd data-category=\"office\">¥120.00</dd>" in report
    assert "　房租水电：¥3,000.00" in report and "利润：-¥2,624.95（亏损）" in report
    bad = owner.get("/api/books/month", params={"month": "2025-03", "kind": "refund"})
    assert bad.status_code == 422 and bad.json()["detail"][0] == {
        "field": "kind", "limit": "收入/支出", "message": "收支请选择收入或支出"}


def test_an_expense_edited_and_deleted_on_the_books_page_changes_the_report_and_is_audited(owner, web):
    rec = _expense(owner, day="2025-04-10", amount="88.00", category="travel")
    assert owner.get("/api/books/report", params={"month": "2025-04"}).json()["expenses"] == "88.00"
    edited = owner.put(f"/api/books/expenses/{rec['id']}", json={**rec, "amount": "99.00", "rate": "", "tax": ""})
    assert edited.status_code == 200, edited.text
    assert owner.get("/api/books/report", params={"month": "2025-04"}).json()["expenses"] == "99.00"
    assert owner.delete(f"/api/books/expenses/{rec['id']}").json() == {"deleted": rec["id"]}
    assert owner.get("/api/books/report", params={"month": "2025-04"}).json()["expenses"] == "0.00"
    gone = owner.delete(f"/api/books/expenses/{rec['id']}")
    assert gone.status_code == 404 and gone.json()["detail"][0]["message"] == "找不到这条支出记录（可能已经删除）"
    with web.db() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.target == rec["id"]).order_by(AuditLog.id)).all()
    assert [(r.action, r.actor) for r in rows] == [("books.expense.edited", "owner"), ("books.expense.deleted", "owner")]
    assert rows[0].detail["before"]["amount"] == "88.00" and rows[1].detail["before"]["amount"] == "99.00"


def test_an_expense_typed_with_an_invoice_number_already_in_the_books_is_refused_with_a_link(owner):
    first = _expense(owner, day="2025-05-06", amount="565", category="cost", invoice="special",
                     invoice_no="25332000000111122223")
    again = owner.post("/api/books/expenses", json={"day": "2025-05-07", "amount": "565", "category": "cost",
                                                    "invoice_no": "25332000000111122223"})
    assert again.status_code == 409
    (error,) = again.json()["detail"]
    assert error["field"] == "invoice_no" and error["link"] == f"/books?month=2025-05#rec-{first['id']}"
    assert error["message"].startswith("发票号码25332000000111122223已经在账本里了") and "没有重复保存" in error["message"]
    assert len(owner.get("/api/books/month", params={"month": "2025-05"}).json()["records"]) == 1


def test_the_invoice_file_stays_as_the_records_attachment_and_corrections_are_counted_per_way_of_reading(owner):
    data = xml_invoice(SAMPLES["paper_ordinary"])
    up = owner.post("/api/books/invoices", files={"file": ("办公用品.xml", data, "text/xml")})
    assert up.status_code == 201, up.text
    upload_id = up.json()["id"]
    card = owner.get(up.json()["card"]).text
    assert 'value="13%"' in card, "the card shows the rate as printed on the invoice"
    assert "*纸制品*A4复印纸 70g/500张 · 4箱 × ¥112 · 金额 ¥448.00 · 税率 13% · 税额 ¥58.24" in card
    fields = dict(re.findall(r'<input name="(\w+)" value="([^"]*)"', card))
    saved = owner.post(f"/api/books/invoices/{upload_id}/save",
                       json={**fields, "direction": "expense", "category": "expense-office",
                             "seller_name": "苏州好印象办公用品有限公司"})
    assert saved.status_code == 201, saved.text
    record = saved.json()["record"]
    assert (record["upload_id"], record["rate_label"], record["counterparty"]) == (upload_id, "13%", "苏州好印象办公用品有限公司")
    books = owner.get("/books", params={"month": "2026-11"}).text
    assert f'<a href="/books/invoice?upload={upload_id}">发票原件</a>' in books
    kept = owner.get(f"/api/books/invoices/{upload_id}/file")
    assert kept.status_code == 200 and kept.content == data
    assert "%E5%8A%9E%E5%85%AC%E7%94%A8%E5%93%81.xml" in kept.headers["content-disposition"]  # 办公用品.xml
    quality = owner.get("/api/books/invoices/quality").json()
    assert quality == {"sources": {"xml": {"invoices": 1, "corrected": {"seller_name": 1}}}}


def test_a_business_income_cost_figure_opens_the_expense_records_it_sums(owner):
    assert owner.put("/api/books/taxpayer", json={"entity": "individual_business"}).status_code == 200
    try:
        paper = _expense(owner, day="2025-02-11", amount="619.24", category="office")
        stock = _expense(owner, day="2025-06-20", amount="1200.00", category="cost")
        later = _expense(owner, day="2025-07-01", amount="50.00", category="cost")  # the next quarter
        pit = owner.get("/api/books/pit", params={"period": "2025Q2"}).json()
        (costs,) = [r for r in pit["rows"] if r["figure"] == "pit-costs"]
        assert costs["records"] >= 2
        page = owner.get("/books", params={"quarter": "2025Q2", "figure": "pit-costs"})
        assert page.status_code == 200
        assert "2025年第2季度经营所得A表「成本费用」（本年累计）" in page.text
        shown = _record_ids(page.text)
        assert {paper["id"], stock["id"]} <= shown and later["id"] not in shown and len(shown) == costs["records"]
        bad = owner.get("/books", params={"quarter": "2025Q2", "figure": "pit-nothing"})
        assert bad.status_code == 422 and "找不到申报表的这一栏" in bad.text
    finally:
        owner.put("/api/books/taxpayer", json={"entity": "company"})


def test_the_finance_page_names_every_deadline_with_the_rule_that_sets_it(owner):
    company = owner.get("/finance").text
    assert 'data-deadline="vat"' in company and 'data-deadline="annual_report"' in company
    assert "工商年报截止" in company and "依据：《企业信息公示暂行条例》第八条" in company
    assert 'data-deadline="pit_annual"' not in company  # a 有限公司 files no 经营所得
    assert owner.put("/api/books/taxpayer", json={"entity": "individual_business"}).status_code == 200
    try:
        shop = owner.get("/finance").text
        assert 'data-deadline="pit_business"' in shop and 'data-deadline="pit_annual"' in shop
        assert "经营所得汇算清缴（B表）截止" in shop and "次年3月31日前办理汇算清缴" in shop
    finally:
        owner.put("/api/books/taxpayer", json={"entity": "company"})


def test_an_expense_sheet_imported_twice_on_the_books_page_is_asked_about_and_can_skip_the_repeats(owner):
    form = owner.get("/books", params={"month": "2025-08"}).text.split('id="import-expenses"')[1].split("</form>")[0]
    assert '<select name="duplicates">' in form and "跳过重复的，导入其余的" in form
    sheet = "日期,收支,金额,类别,对方\n2025-08-03,支出,3000,房租水电,王房东\n".encode("gbk")

    def send(choice: str):
        return owner.post("/api/books/import", files={"file": ("八月支出.csv", sheet, "text/csv")},
                          data={"duplicates": choice})

    assert send("ask").json() == {"added": 1, "skipped": 0}
    again = send("ask")
    assert again.status_code == 409 and [d["row"] for d in again.json()["duplicates"]] == [2]
    assert "同一个文件" in again.json()["detail"][0]["message"]
    assert send("skip").json() == {"added": 0, "skipped": 1}
    assert owner.get("/api/books/report", params={"month": "2025-08"}).json()["expenses"] == "3000.00"


def test_an_income_record_edited_and_deleted_is_audited_under_the_owners_own_user_name(web):
    from core import invites
    from core.admin import create_workspace
    from core.db import transaction

    with transaction(web.db) as s:
        token = invites.make(s, create_workspace(s, "丁的小店", "ding_owner"))
    with closing(web.client(login=False)) as ding:
        r = ding.post(f"/api/invites/{token}", json={"password": "丁的密码很长很长很长很长5678"})
        assert r.status_code == 200, r.text
        ding.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        rec = ding.post("/api/books/records", json={"day": "2025-09-01", "amount": "100", "invoice": "普票",
                                                    "category": "货物", "rate": "1%"}).json()["record"]
        assert ding.put(f"/api/books/records/{rec['id']}", json={**rec, "amount": "200"}).status_code == 200
        assert ding.delete(f"/api/books/records/{rec['id']}").status_code == 200
    with web.db() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.target == rec["id"]).order_by(AuditLog.id)).all()
    assert [(r.action, r.actor) for r in rows] == [("books.income.edited", "ding_owner"),
                                                   ("books.income.deleted", "ding_owner")]


def test_income_typed_by_hand_with_an_invoice_number_already_in_the_books_is_refused_with_a_link(owner):
    first = owner.post("/api/books/records", json={"day": "2025-10-09", "amount": "1010", "invoice": "专票",
                                                   "category": "服务", "rate": "1%",
                                                   "invoice_no": "25312000000999988887"}).json()["record"]
    again = owner.post("/api/books/records", json={"day": "2025-10-10", "amount": "1010", "invoice": "专票",
                                                   "category": "服务", "rate": "1%",
                                                   "invoice_no": "25312000000999988887"})
    assert again.status_code == 409
    (error,) = again.json()["detail"]
    assert error["field"] == "invoice_no" and error["link"] == f"/books?month=2025-10#rec-{first['id']}"
    assert "已经在账本里了" in error["message"]
    other = owner.post("/api/books/records", json={"day": "2025-10-11", "amount": "50", "invoice": "普票",
                                                   "category": "货物", "rate": "1%"}).json()["record"]
    taken = owner.put(f"/api/books/records/{other['id']}", json={**other, "invoice_no": "25312000000999988887"})
    assert taken.status_code == 409
    assert owner.put(f"/api/books/records/{first['id']}", json={**first, "note": "改备注"}).status_code == 200
    assert len(owner.get("/api/books/records", params={"period": "2025Q4"}).json()["records"]) == 2
