"""A receipt or photo attached to a record the owner typed by hand, on a real web server (over HTTP, and on a
phone-sized browser): the books
page's 「添加附件」 form takes it, the record then shows 「打开附件」 opening the same bytes; it can be replaced and
removed, each change audited; a too-big or wrong-type file is refused in Chinese naming the field and the limit,
and nothing changes; another workspace's owner gets 404; a record saved from an invoice keeps its invoice."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from books.invoices.limits import MAX_BYTES
from books.models import ExpenseRecord, InvoiceUpload
from core.models import AuditLog
from tests.factories import make_image
from tests.invoice_fixtures import SAMPLES, xml_invoice
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import log_in, no_sideways_scroll, phone  # noqa: F401
from tests.web_fixtures import client, invited_owner, web  # noqa: F401  (module-scoped server, the owner's client)


def _expense(client, **fields) -> dict:
    r = client.post("/api/books/expenses", json=fields)
    assert r.status_code == 201, r.text
    return r.json()


def _row(client, month: str, record_id: str) -> str:
    """The record's row on the books page (its <details>)."""
    page = client.get("/books", params={"month": month})
    assert page.status_code == 200
    return page.text.split(f'id="rec-{record_id}"')[1].split("</details>")[0]


def _attach_form_api(row: str) -> str:
    (api,) = re.findall(r'<form class="record-attach" data-api="([^"]+)" data-method="POST" data-enc="multipart"', row)
    return api


def _audit(web, record_id: str) -> list[tuple[str, dict]]:
    with web.db() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.target == record_id).order_by(AuditLog.id)).all()
        return [(r.action, r.detail) for r in rows]


def test_a_photo_attached_to_a_typed_expense_opens_from_the_books_page_and_can_be_replaced_and_removed(client, web,
                                                                                                      tmp_path):
    rec = _expense(client, day="2025-06-03", amount="45.50", category="travel", counterparty="出租车")
    row = _row(client, "2025-06", rec["id"])
    assert "添加附件" in row and "打开附件" not in row
    api = _attach_form_api(row)
    assert api == f"/api/books/expenses/{rec['id']}/attachment"

    photo = make_image(tmp_path / "打车小票.jpg", size=(600, 900)).read_bytes()
    r = client.post(api, files={"attachment": ("打车小票.jpg", photo, "image/jpeg")})
    assert r.status_code == 201, r.text
    upload_id = r.json()["upload_id"]
    row = _row(client, "2025-06", rec["id"])
    assert f'<a href="/api/books/invoices/{upload_id}/file" target="_blank">打开附件</a>' in row
    assert "替换附件" in row and "删除附件" in row
    kept = client.get(f"/api/books/invoices/{upload_id}/file")
    assert kept.status_code == 200 and kept.content == photo and kept.headers["content-type"] == "image/jpeg"
    # the attachment is no invoice: it has no card, and cannot be saved into a second record
    card = client.get(f"/books/invoice?upload={upload_id}", follow_redirects=False)
    assert card.status_code == 303 and card.headers["location"] == f"/books?month=2025-06#rec-{rec['id']}"
    saved = client.post(f"/api/books/invoices/{upload_id}/save",
                        json={"direction": "expense", "category": "expense-travel"})
    assert saved.status_code == 409
    assert len(client.get("/api/books/month", params={"month": "2025-06"}).json()["records"]) == 1
    assert client.get("/api/books/invoices/quality").json()["sources"].get("photo") is None

    scan = make_image(tmp_path / "发票扫描.png", size=(500, 700), fmt="PNG").read_bytes()
    replaced = client.post(api, files={"attachment": ("发票扫描.png", scan, "image/png")})
    assert replaced.status_code == 201, replaced.text
    new_id = replaced.json()["upload_id"]
    assert client.get(f"/api/books/invoices/{new_id}/file").content == scan
    assert client.get(f"/api/books/invoices/{upload_id}/file").status_code == 404
    assert f"/api/books/invoices/{new_id}/file" in _row(client, "2025-06", rec["id"])

    removed = client.delete(api)
    assert removed.status_code == 200 and removed.json()["removed"] == "发票扫描.png"
    row = _row(client, "2025-06", rec["id"])
    assert "打开附件" not in row and "添加附件" in row
    assert client.get(f"/api/books/invoices/{new_id}/file").status_code == 404
    again = client.delete(api)
    assert again.status_code == 404 and again.json()["detail"][0]["message"] == "这条记录没有附件"
    assert [(a, d.get("filename"), d.get("replaced")) for a, d in _audit(web, rec["id"])] == [
        ("books.expense.attached", "打车小票.jpg", None), ("books.expense.attached", "发票扫描.png", "打车小票.jpg"),
        ("books.expense.attachment_removed", "发票扫描.png", None)]
    # the record itself did not change
    (after,) = client.get("/api/books/month", params={"month": "2025-06"}).json()["records"]
    assert (after["amount"], after["counterparty"], after["upload_id"]) == ("45.50", "出租车", None)


def test_a_pdf_attached_to_a_typed_income_record_opens_from_the_books_page(client):
    sale = client.post("/api/books/records", json={"day": "2025-07-08", "amount": "800", "invoice": "未开票",
                                                  "category": "服务", "rate": "1%"}).json()["record"]
    api = _attach_form_api(_row(client, "2025-07", sale["id"]))
    assert api == f"/api/books/records/{sale['id']}/attachment"
    contract = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    r = client.post(api, files={"attachment": ("服务合同.pdf", contract, "application/pdf")})
    assert r.status_code == 201, r.text
    assert "打开附件" in _row(client, "2025-07", sale["id"])
    kept = client.get(r.json()["file"])
    assert kept.content == contract and kept.headers["content-type"] == "application/pdf"


def _state(web, record_id: str) -> tuple:
    with web.db() as s:
        rec = s.get(ExpenseRecord, record_id)
        return (rec.upload_id, s.scalar(select(func.count()).select_from(InvoiceUpload)),
                s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.target == record_id)))


def test_a_too_big_or_wrong_type_file_is_refused_in_chinese_naming_the_field_and_the_limit(client, web, tmp_path):
    rec = _expense(client, day="2025-08-04", amount="12.00", category="office")
    api = f"/api/books/expenses/{rec['id']}/attachment"
    before = _state(web, rec["id"])
    big = b"\xff\xd8\xff\xe0" + b"\0" * MAX_BYTES
    r = client.post(api, files={"attachment": ("超大照片.jpg", big, "image/jpeg")})
    assert r.status_code == 413
    assert r.json()["detail"] == [{"field": "attachment", "limit": "≤ 20MB",
                                   "message": "附件「超大照片.jpg」超过20MB上限，没有保存，请压缩后再上传"}]
    gif = make_image(tmp_path / "动图.gif", size=(100, 100), fmt="GIF").read_bytes()
    for name, data, mime in (("动图.gif", gif, "image/gif"), ("说明.txt", "不是发票".encode(), "text/plain"),
                             ("压缩包.ofd", b"PK\x03\x04not really a zip", "application/zip")):
        r = client.post(api, files={"attachment": (name, data, mime)})
        assert r.status_code == 422, (name, r.text)
        (error,) = r.json()["detail"]
        assert error["field"] == "attachment" and error["limit"] == "JPG/PNG/WEBP照片，或PDF/OFD/XML文件"
        assert error["message"] == f"附件「{name}」不是支持的格式，没有保存。请上传JPG/PNG/WEBP照片，或PDF/OFD/XML文件"
    empty = client.post(api, files={"attachment": ("空.jpg", b"", "image/jpeg")})
    assert empty.status_code == 422 and empty.json()["detail"][0]["message"] == "附件「空.jpg」是空的（0字节），没有保存"
    assert _state(web, rec["id"]) == before
    assert "打开附件" not in _row(client, "2025-08", rec["id"])


def test_another_workspaces_owner_gets_404_for_the_records_attachment(client, web, tmp_path):
    rec = _expense(client, day="2025-09-02", amount="66.00", category="logistics")
    api = f"/api/books/expenses/{rec['id']}/attachment"
    photo = make_image(tmp_path / "快递单.jpg").read_bytes()
    assert client.post(api, files={"attachment": ("快递单.jpg", photo, "image/jpeg")}).status_code == 201
    before = _state(web, rec["id"])
    with invited_owner(web, "戊的小店", "wu_owner", "戊的密码很长很长很长很长4321") as wu:
        other = wu.post(api, files={"attachment": ("换掉.jpg", photo, "image/jpeg")})
        assert other.status_code == 404 and other.json()["detail"][0]["message"] == "找不到这条支出记录（可能已经删除）"
        assert wu.delete(api).status_code == 404
        assert wu.get(f"/api/books/invoices/{before[0]}/file").status_code == 404
    assert _state(web, rec["id"]) == before


def test_a_record_saved_from_an_invoice_keeps_the_invoice_as_its_file(client):
    data = xml_invoice(SAMPLES["paper_ordinary"])
    up = client.post("/api/books/invoices", files={"file": ("办公用品.xml", data, "text/xml")})
    assert up.status_code == 201, up.text
    card = client.get(up.json()["card"]).text
    fields = dict(re.findall(r'<input name="(\w+)" value="([^"]*)"', card))
    saved = client.post(f"/api/books/invoices/{up.json()['id']}/save",
                       json={**fields, "direction": "expense", "category": "expense-office"})
    assert saved.status_code == 201, saved.text
    rec = saved.json()["record"]
    row = _row(client, rec["day"][:7], rec["id"])
    assert "发票原件" in row and 'class="record-attach"' not in row
    r = client.post(f"/api/books/expenses/{rec['id']}/attachment",
                   files={"attachment": ("照片.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100, "image/jpeg")})
    assert r.status_code == 409 and "发票原件" in r.json()["detail"][0]["message"]
    assert client.delete(f"/api/books/expenses/{rec['id']}/attachment").status_code == 409
    assert client.get(f"/api/books/invoices/{up.json()['id']}/file").content == data


def test_on_the_phone_the_owner_attaches_a_receipt_photo_to_a_typed_expense_and_removes_it(client, web, phone,
                                                                                          tmp_path):
    rec = _expense(client, day="2025-10-14", amount="230.00", category="office", counterparty="打印店")
    page = phone
    log_in(page, web)
    page.goto(f"{web.url}/books?month=2025-10")
    row = page.locator(f"#rec-{rec['id']}")
    row.locator("summary").click()
    wrong = tmp_path / "说明.txt"
    wrong.write_text("不是照片", encoding="utf-8")
    row.get_by_label(re.compile("附件（小票")).set_input_files(str(wrong))
    row.get_by_role("button", name="添加附件").click()
    expect(row.get_by_role("alert").filter(has_text="附件「说明.txt」不是支持的格式")).to_be_visible()
    expect(row.get_by_role("link", name="打开附件")).to_have_count(0)

    photo = make_image(tmp_path / "打印小票.jpg", size=(900, 1200))
    row.get_by_label(re.compile("附件（小票")).set_input_files(str(photo))
    with page.expect_navigation():
        row.get_by_role("button", name="添加附件").click()
    link = page.locator(f"#rec-{rec['id']}").get_by_role("link", name="打开附件")
    expect(link).to_be_visible()
    no_sideways_scroll(page)
    assert client.get(link.get_attribute("href")).content == photo.read_bytes()

    with page.expect_navigation():
        page.locator(f"#rec-{rec['id']}").get_by_role("button", name="删除附件").click()
    row = page.locator(f"#rec-{rec['id']}")
    expect(row.get_by_role("button", name="添加附件")).to_be_visible()
    expect(row.get_by_role("link", name="打开附件")).to_have_count(0)
