"""The books on a phone (390×844) against a real web server: the owner gives her tax id, uploads her November
invoices (数电票 files and a photo), checks each card (a field the reader is unsure of is marked 请核对 and she
corrects it), saves; the month's report shows the right totals and exports; the same invoice again is refused
with a link to the record; the return's figure on the finance page opens the records it sums."""
from __future__ import annotations

import dataclasses
import io
import re
from contextlib import closing

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from books.invoices.reading import LOW_CONFIDENCE
from books.models import InvoiceCorrection
from tests.invoice_fixtures import OWN_TAX_ID, SAMPLES, ofd_invoice, pdf_invoice, photo_invoice, xml_invoice_pinyin
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import log_in, no_sideways_scroll, phone  # noqa: F401
from tests.web_fixtures import Web, start_web_stack

WRONG_CHECK_DIGIT = "91320594MA1XK3NQ8B"
"""The office-supplies seller's 统一社会信用代码 with its last character wrong (the right one ends in A)."""


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    stack, password = start_web_stack(tmp_path_factory)
    yield Web(stack, password)
    stack.stop()


def _files(tmp_path) -> dict[str, object]:
    """November's invoices as files on the phone: she issued the brand one (a 数电票 PDF) and the video one (a
    paper copy she photographed); she bought the tripods (an OFD without its custom data) and the office paper
    (an older system's XML whose seller tax id was mistyped)."""
    paper = dataclasses.replace(SAMPLES["paper_ordinary"], seller=(SAMPLES["paper_ordinary"].seller[0], WRONG_CHECK_DIGIT))
    files = {"品牌策划.pdf": pdf_invoice(SAMPLES["brand_special"], metadata=True),
             "三脚架.ofd": ofd_invoice(SAMPLES["tripod_special"], custom_data=False),
             "办公用品.xml": xml_invoice_pinyin(paper),
             "IMG_2031.jpg": photo_invoice(SAMPLES["video_ordinary"], angle=1.5, noise=5, seed=3)}
    out = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        out[name] = tmp_path / name
    return out


def _check_against(card, truth: dict) -> None:
    """What the owner does with a photo's card: every field that does not match the paper, corrected."""
    for key, value in truth.items():
        box = card.locator(f"[data-field-row={key}]").get_by_role("textbox")
        if value is not None and box.count() and box.input_value() != value:
            box.fill(value)


def _upload(page, web: Web, path) -> None:
    page.goto(f"{web.url}/books/invoice")
    form = page.locator("#invoice-upload")
    form.get_by_label("发票文件或照片").set_input_files(str(path))
    # a photo is read by OCR (the model loads on the first one): slow on a busy machine
    with page.expect_navigation(url=re.compile(r"/books/invoice\?upload="), timeout=180_000):
        form.get_by_role("button", name="上传并识别").click()
    expect(page.get_by_role("heading", name="核对发票")).to_be_visible()
    no_sideways_scroll(page)


def _save(page) -> None:
    page.locator("#invoice-card").get_by_role("button", name="保存到账本").click()
    expect(page.locator("#saved")).to_contain_text("这张发票已经记入账本")


def test_invoices_checked_on_the_phone_make_the_months_books_and_report(web, phone, tmp_path):
    page = phone
    log_in(page, web)
    page.goto(f"{web.url}/finance")
    page.locator("#taxpayer-section > summary").click()
    page.get_by_label("纳税人识别号").fill(OWN_TAX_ID)
    with page.expect_navigation():  # the page reloads with the saved settings
        page.get_by_role("button", name="保存纳税人类型").click()
    expect(page.get_by_label("纳税人识别号")).to_have_value(OWN_TAX_ID)
    files = _files(tmp_path)

    _upload(page, web, files["品牌策划.pdf"])  # she is the seller: income, read from the PDF's metadata
    card = page.locator("#invoice-card")
    expect(card.get_by_label("这张发票是")).to_have_value("income")
    expect(card.get_by_label("价税合计")).to_have_value("10300.00")
    expect(card.locator("[data-low]")).to_have_count(0)
    card.get_by_label("类别").select_option(label="服务、不动产和无形资产")
    _save(page)

    _upload(page, web, files["三脚架.ofd"])  # she is the buyer: an expense, filed under 进货成本
    _check_against(page.locator("#invoice-card"), SAMPLES["tripod_special"].expected())
    card = page.locator("#invoice-card")
    expect(card.get_by_label("这张发票是")).to_have_value("expense")
    card.get_by_label("类别").select_option(label="进货成本")
    _save(page)

    _upload(page, web, files["办公用品.xml"])  # the seller's tax id fails its check digit: marked, corrected
    card = page.locator("#invoice-card")
    unsure = card.locator("[data-field-row=seller_tax_id]")
    expect(unsure).to_have_class(re.compile("check-field"))
    expect(unsure).to_contain_text("请核对")
    expect(page.locator("#low-count")).to_contain_text("请核对")
    unsure.get_by_role("textbox").fill("91320594MA1XK3NQ8A")
    card.get_by_label("类别").select_option(label="办公用品")
    _save(page)

    _upload(page, web, files["IMG_2031.jpg"])  # a photo: the image on the card, the owner checks it against paper
    expect(page.get_by_role("img", name="发票照片")).to_be_visible()
    card = page.locator("#invoice-card")
    _check_against(card, SAMPLES["video_ordinary"].expected())
    card.get_by_label("这张发票是").select_option("income")
    card.get_by_label("类别").select_option(label="服务、不动产和无形资产")
    _save(page)
    with web.db() as s:
        fixed = s.query(InvoiceCorrection).filter_by(field="seller_tax_id", source="xml").one()
        assert (fixed.original, fixed.corrected, fixed.source) == (WRONG_CHECK_DIGIT, "91320594MA1XK3NQ8A", "xml")
        assert fixed.confidence < LOW_CONFIDENCE

    page.goto(f"{web.url}/books/report?month=2026-11")
    # 10,000 + 3,800 income; tripods 1,720 + 223.60 tax = 1,943.60 cost; paper 548 + 71.24 = 619.24 office
    expect(page.locator("#r-income")).to_have_text("¥13800.00")
    expect(page.locator("#r-income-tax")).to_have_text("¥338.00")
    expect(page.locator("#r-costs")).to_have_text("¥1943.60")
    expect(page.locator("#r-expenses")).to_have_text("¥619.24")
    expect(page.locator("#r-profit")).to_have_text("¥11237.16")
    expect(page.get_by_role("img", name="2026年11月收支图")).to_be_visible()
    no_sideways_scroll(page)
    xlsx = page.request.get(f"{web.url}/api/books/report.xlsx?month=2026-11")
    rows = {r[0]: r[1] for r in load_workbook(io.BytesIO(xlsx.body())).active.iter_rows(min_row=3, values_only=True)}
    assert (rows["收入（不含税）"], rows["成本"], rows["利润"]) == (13800, 1943.6, 11237.16)
    assert page.request.get(f"{web.url}/api/books/report.pdf?month=2026-11").body().startswith(b"%PDF")

    _upload(page, web, files["品牌策划.pdf"])  # the same invoice again
    expect(page.locator("#duplicate")).to_contain_text("发票号码26317000000123456781已经在账本里了")
    page.locator("#invoice-card").get_by_label("类别").select_option(label="服务、不动产和无形资产")
    page.locator("#invoice-card").get_by_role("button", name="保存到账本").click()
    refusal = page.locator("#invoice-card .errors")
    expect(refusal).to_contain_text("没有重复保存")
    refusal.get_by_role("link", name="查看已有记录").click()
    expect(page).to_have_url(re.compile(r"/books\?month=2026-11#rec-"))
    expect(page.locator("#records details.record")).to_have_count(4)
    expect(page.locator("#income-total")).to_have_text("13800.00")

    page.goto(f"{web.url}/finance?period=2026Q4")  # the VAT return's figures link to the records they sum
    expect(page.locator("#vat-due")).to_have_text("¥310.50")  # 10,000 at 3% on the 专票 + 10.50 city tax
    page.locator("#vat details.lines > summary").click()
    page.get_by_role("link", name="查看这1笔记录").first.click()
    expect(page.locator("#figure")).to_contain_text("2026年第4季度增值税申报表第1栏")
    expect(page.locator("#records details.record")).to_have_count(1)
    expect(page.locator("#records")).to_contain_text("北京星河广告有限公司")
    record = page.locator("#records details.record").first  # changing the record changes the return
    record.locator("summary").click()
    record.get_by_label("金额（元）").fill("20000")
    with page.expect_navigation():
        record.get_by_role("button", name="保存修改").click()
    page.goto(f"{web.url}/finance?period=2026Q4")
    expect(page.locator("#vat-due")).to_have_text("¥621.00")


def test_a_file_that_is_no_invoice_is_refused_on_the_upload_form_and_nothing_is_kept(web, phone, tmp_path):
    page = phone
    log_in(page, web)
    empty = tmp_path / "空白.pdf"
    empty.write_bytes(b"")
    page.goto(f"{web.url}/books/invoice")
    form = page.locator("#invoice-upload")
    form.get_by_label("发票文件或照片").set_input_files(str(empty))
    form.get_by_role("button", name="上传并识别").click()
    expect(form.locator(".errors")).to_contain_text("是空的")
    expect(page).to_have_url(re.compile(r"/books/invoice$"))


def test_asking_the_finance_assistant_for_invoices_and_a_report_opens_those_pages(web, phone):
    from core.models import Employee

    with web.db() as s:
        finance = s.query(Employee).filter_by(role="finance").one().id
    page = phone
    log_in(page, web)
    with closing(web.client()) as owner:
        for said, lands in (("把这个月的发票录一下", "上传发票"), ("出一下上个月的报表", "收支报表")):
            r = owner.post("/api/tasks", json={"employee_id": finance, "text": said})
            assert r.status_code == 201, r.text
            assert r.json()["runs"] == [] and r.json()["unknown"] == []
            page.goto(f"{web.url}/tasks/{r.json()['id']}")
            page.locator("#books-link").click()
            expect(page.get_by_role("heading", name=re.compile(lands)).first).to_be_visible()


def test_bad_invoice_files_are_refused_with_the_reason_and_nothing_is_kept(web):
    from books.models import InvoiceUpload
    from tests.invoice_fixtures import blank_pdf, entity_bomb, huge_photo, zip_bomb_ofd

    with web.db() as s:
        before = s.query(InvoiceUpload).count()
    folder = web.settings.paths.uploads / "invoices"
    files_before = sorted(folder.rglob("*")) if folder.exists() else []
    bad = {"空白.pdf": (blank_pdf(), "PDF"), "发票.ofd": (zip_bomb_ofd(), "OFD"), "照片.jpg": (huge_photo(50), "MB"),
           "发票.xml": (entity_bomb(), "XML")}
    with closing(web.client()) as owner:
        for name, (data, named) in bad.items():
            r = owner.post("/api/books/invoices", files={"file": (name, data, "application/octet-stream")})
            assert r.status_code == 422, (name, r.text)
            message = r.json()["detail"][0]["message"]
            assert r.json()["detail"][0]["field"] == "file" and named in message, (name, message)
    with web.db() as s:
        assert s.query(InvoiceUpload).count() == before
    assert (sorted(folder.rglob("*")) if folder.exists() else []) == files_before
