"""The books over the phone's API on a real web server: an import that repeats the books asks first, single
records are listed, added, edited and deleted with the quarter recomputed, the A表 only for taxpayers who
file it, and periods the books cannot show refused in Chinese (never a 500, never a raw 2026Q3)."""
from __future__ import annotations

import re
from contextlib import closing

import pytest

from tests.web_fixtures import web  # noqa: F401  (module-scoped web server)

INCOME = """日期,金额,发票类型,类别,税率,客户,发票号码
2025-01-10,101000,普票,货物,1%,杭州某茶庄,24332000000012345678
2025-02-20,50500,专票,服务,1%,上海某设计公司,24332000000012345679
"""


@pytest.fixture
def phone(web):
    with closing(web.client()) as c:
        yield c


def upload(phone, csv: str, name: str = "收入.csv", duplicates: str | None = None):
    data = {"duplicates": duplicates} if duplicates else None
    return phone.post("/api/books/import", files={"file": (name, csv.encode("gbk"), "text/csv")}, data=data)


def figures(phone, period: str) -> dict:
    r = phone.get(f"/api/books/summary?period={period}")
    assert r.status_code == 200, r.text
    return r.json()


def test_reimporting_the_same_file_lists_the_repeats_and_adds_nothing_until_the_owner_chooses(phone):
    assert upload(phone, INCOME).status_code == 201
    before = figures(phone, "2025Q1")
    assert before["records"] == 2

    again = upload(phone, INCOME, name="收入(1).csv")
    assert again.status_code == 409
    body = again.json()
    message = body["detail"][0]["message"]
    assert "同一个文件" in message and "第2行" in message and "第3行" in message and "没有导入任何记录" in message
    assert [d["row"] for d in body["duplicates"]] == [2, 3] and body["same_file"]
    assert figures(phone, "2025Q1")["records"] == 2  # nothing added

    skipped = upload(phone, INCOME, duplicates="skip")
    assert skipped.status_code == 201 and skipped.json() == {"added": 0, "skipped": 2}
    assert figures(phone, "2025Q1")["tax_due"] == before["tax_due"]

    anyway = upload(phone, INCOME, duplicates="import")
    assert anyway.status_code == 201 and anyway.json()["added"] == 2
    assert figures(phone, "2025Q1")["records"] == 4
    bad = upload(phone, INCOME, duplicates="maybe")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "duplicates"


def test_a_row_with_the_same_date_amount_customer_and_invoice_number_is_a_repeat_from_any_file(phone):
    assert upload(phone, "日期,金额,发票类型,类别,税率,客户,发票号码\n"
                         "2025-04-03,2000,普票,服务,1%,老王,11112222\n").status_code == 201
    other = ("日期,收入金额,票种,类别,税率,购买方,发票号\n"
             "2025/4/3,\"2,000.00\",电子普通发票,技术服务,1%,老王,11112222\n"  # the same sale, written differently
             "2025-04-03,2000,普票,服务,1%,老王,11112223\n")  # another invoice: another sale
    asked = upload(phone, other, name="四月流水.xlsx.csv")
    assert asked.status_code == 409
    assert [d["row"] for d in asked.json()["duplicates"]] == [2] and not asked.json()["same_file"]
    assert "只导入其余1行" in asked.json()["detail"][0]["message"]
    done = upload(phone, other, duplicates="skip")
    assert done.json() == {"added": 1, "skipped": 1}
    assert figures(phone, "2025Q2")["records"] == 2


def test_single_records_are_listed_added_edited_and_deleted_with_the_quarter_recomputed(phone):
    added = phone.post("/api/books/records", json={"day": "2025-07-08", "amount": "10100", "invoice": "专票",
                                                  "category": "服务", "rate": "1%", "counterparty": "某书店"})
    assert added.status_code == 201, added.text
    rec = added.json()["record"]
    assert (rec["invoice_label"], rec["category_label"], rec["rate_label"], rec["source"]) == (
        "专票", "服务、不动产和无形资产", "1%", "手工添加")
    (q3,) = added.json()["quarters"]
    assert q3["label"] == "2025年第3季度" and q3["tax_due"] == "103.50"  # 100 VAT + 3.50 city tax, halved

    listed = phone.get("/api/books/records?period=2025Q3").json()
    assert [r["id"] for r in listed["records"]] == [rec["id"]] and listed["label"] == "2025年第3季度"

    edited = phone.put(f"/api/books/records/{rec['id']}", json={**rec, "amount": "20200"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["quarters"][0]["tax_due"] == "207.00"
    assert figures(phone, "2025Q3")["tax_due"] == "207.00"

    moved = phone.put(f"/api/books/records/{rec['id']}", json={**rec, "amount": "20200", "day": "2025-10-01"})
    assert [q["label"] for q in moved.json()["quarters"]] == ["2025年第3季度", "2025年第4季度"]
    assert figures(phone, "2025Q3")["records"] == 0 and figures(phone, "2025Q4")["records"] == 1

    gone = phone.delete(f"/api/books/records/{rec['id']}")
    assert gone.status_code == 200 and gone.json()["quarters"][0]["tax_due"] == "0.00"
    assert figures(phone, "2025Q4")["records"] == 0
    assert phone.delete(f"/api/books/records/{rec['id']}").status_code == 404


def test_bad_record_fields_are_refused_in_chinese_naming_each_field_and_nothing_is_saved(phone):
    r = phone.post("/api/books/records", json={"day": "2025-13-40", "amount": "12万", "invoice": "电子发票",
                                              "category": "", "rate": "8%", "invoice_no": "12ab"})
    assert r.status_code == 422
    errors = {e["field"]: e["message"] for e in r.json()["detail"]}
    assert set(errors) == {"day", "amount", "invoice", "category", "rate", "invoice_no"}
    assert errors["day"].startswith("日期：") and errors["amount"].startswith("金额：")
    assert errors["invoice"].startswith("发票类型：") and errors["invoice_no"].startswith("发票号码：")
    assert all(re.search(r"[\u4e00-\u9fff]", m) for m in errors.values())
    assert phone.get("/api/books/records?period=2025Q4").json()["records"] == []
    r = phone.put("/api/books/records/nope", json={"day": "2025-10-01", "amount": "1", "invoice": "普票",
                                                  "category": "货物", "rate": "1%"})
    assert r.status_code == 404 and "找不到" in r.json()["detail"][0]["message"]


def test_a_company_is_not_offered_the_business_income_return_until_its_taxpayer_kind_says_so(phone):
    assert figures(phone, "2025Q1")["taxpayer"]["entity"] == "company"
    for r in (phone.get("/api/books/pit?period=2025Q1"),
              phone.put("/api/books/pit-figures", json={"period": "2025Q1", "costs": "100"}),
              phone.post("/api/filings", json={"account_id": "x", "period": "2025Q1", "form": "pit_business"})):
        assert r.status_code == 409, r.text
        assert "不申报个人所得税经营所得（A表）" in r.json()["detail"][0]["message"]
    page = phone.get("/finance?period=2025Q1").text
    assert 'id="pit"' not in page and "经营所得预缴申报" not in page

    assert phone.put("/api/books/taxpayer", json={"entity": "个体户"}).status_code == 422
    r = phone.put("/api/books/taxpayer", json={"entity": "sole_proprietorship"})
    assert r.status_code == 200 and r.json()["label"] == "个人独资企业"
    assert phone.get("/api/books/pit?period=2025Q1").status_code == 200
    assert 'id="pit"' in phone.get("/finance?period=2025Q1").text
    phone.put("/api/books/taxpayer", json={"entity": "company"})


@pytest.mark.parametrize("period", ["2018Q4", "9999Q4", "0000Q1", "2026Q5", "abc"])
def test_a_period_the_books_cannot_show_is_refused_in_chinese_not_with_a_500(phone, period):
    phone.put("/api/books/taxpayer", json={"entity": "individual_business"})
    urls = ["/api/books/summary", "/api/books/pit"] + (["/api/books/records"] if period != "2018Q4" else [])
    for url in urls:  # 2018's records can be listed; only its return has no rule to compute it with
        r = phone.get(f"{url}?period={period}")
        assert r.status_code == 422, (url, r.status_code, r.text)
        (error,) = r.json()["detail"]
        assert error["field"] == "period" and re.search(r"[\u4e00-\u9fff]", error["message"])
    page = phone.get(f"/finance?period={period}")
    assert page.status_code == 200 and 'id="period-notice"' in page.text and "上一个已结束的季度" in page.text
    phone.put("/api/books/taxpayer", json={"entity": "company"})


def test_the_finance_page_shows_periods_as_the_owner_reads_them(phone):
    html = phone.get("/finance?period=2025Q1").text
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))
    assert "2025年第1季度" in text
    assert not re.search(r"\d{4}Q\d", text), re.findall(r".{20}\d{4}Q\d.{20}", text)
