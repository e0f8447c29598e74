"""Reading invoices: every field of the tests' own XML/PDF/OFD invoices and photos, and bad files refused."""
from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from books.invoices import KEY_FIELDS, LABELS, LOW_CONFIDENCE, InvoiceRefused, read_invoice
from books.invoices.checks import check, china_today
from books.invoices.from_photo import rows
from books.invoices.ocr import Box
from tests.invoice_fixtures import (OWN_TAX_ID, SAMPLES, blank_pdf, entity_bomb, external_entity, field_accuracy,
                                    huge_photo, invoice_set, ofd_invoice, pixel_bomb, plain_zip, read_all,
                                    xml_invoice, zip_bomb_ofd, _zip)

INVOICES = invoice_set()
DOCUMENTS = [row for row in INVOICES if row[0] != "photo"]


def _ids(rows_):
    return [name for _, name, _, _ in rows_]


@pytest.fixture(scope="module")
def readings():
    """Every invoice of the set read once (the photos take a few seconds each)."""
    return read_all(INVOICES, read_invoice)


def test_the_set_has_every_kind_of_invoice_the_issue_asks_for():
    sources = [source for source, _, _, _ in INVOICES]
    assert len(INVOICES) >= 12
    assert {s: sources.count(s) for s in set(sources)} == {"xml": 5, "pdf": 4, "ofd": 2, "photo": 5}


@pytest.mark.parametrize("source,name,data,truth", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_an_xml_pdf_or_ofd_invoice_is_read_field_by_field_and_nothing_is_left_unsure(source, name, data, truth):
    reading = read_invoice(data, name, own_tax_id=OWN_TAX_ID)
    assert reading.source == source
    assert {k: f.value for k, f in reading.fields.items()} == truth.expected()
    assert reading.unsure == [] and reading.warnings == []
    assert reading.direction == truth.direction
    assert [(line.name, line.quantity, line.amount, line.rate, line.tax) for line in reading.lines] == \
        [(i.name, i.quantity, str(i.amount), str(float(i.rate)).rstrip("0").rstrip("."), str(i.tax))
         for i in truth.items]
    assert all(f.label == LABELS[k] for k, f in reading.fields.items())


def test_field_accuracy_meets_the_goals_per_source(readings):
    every = field_accuracy(readings, lambda source: LABELS)
    key = field_accuracy(readings, lambda source: KEY_FIELDS)
    for source in ("xml", "pdf", "ofd"):
        right, total = every[source]
        assert right == total, f"{source}: {right}/{total} fields"
    right, total = key["photo"]
    assert right / total >= 0.90, f"photo key fields: {right}/{total}"


def test_a_photo_decides_income_or_expense_like_the_original(readings):
    photos = [(truth, reading) for source, _, truth, reading, _ in readings if source == "photo"]
    assert [r.direction for _, r in photos] == [t.direction for t, _ in photos]
    assert {r.direction for _, r in photos} == {"income", "expense"}


def test_a_photo_field_that_fails_a_check_is_highlighted_and_the_rest_are_not(readings):
    for source, name, truth, reading, _ in readings:
        if source != "photo":
            continue
        expected = truth.expected()
        for key in KEY_FIELDS:
            field = reading.fields[key]
            if field.value != expected[key] and field.value is not None:
                assert field.unsure, f"{name}: wrong {key} {field.value!r} not highlighted"


def test_the_workspace_tax_id_decides_income_expense_or_neither():
    data = xml_invoice(SAMPLES["brand_special"])
    assert read_invoice(data, "a.xml", own_tax_id=OWN_TAX_ID).direction == "income"
    buyer = SAMPLES["brand_special"].buyer[1]
    assert read_invoice(data, "a.xml", own_tax_id=buyer.lower()).direction == "expense"
    stranger = read_invoice(data, "a.xml", own_tax_id="91330106MA2KQ8LP3N")
    assert stranger.direction is None
    assert any("都不是本店" in w for w in stranger.warnings)
    assert read_invoice(data, "a.xml", own_tax_id=None).direction is None


def test_a_total_that_is_not_amount_plus_tax_is_highlighted():
    data = xml_invoice(SAMPLES["brand_special"]).replace(b"<TotalTaxAm>300.00", b"<TotalTaxAm>310.00")
    reading = read_invoice(data, "a.xml", own_tax_id=OWN_TAX_ID)
    assert {"amount", "tax", "total"} <= set(reading.unsure)
    assert "金额 10000.00 + 税额 310.00 ≠ 价税合计 10300.00，请核对这三项" in reading.warnings


def test_a_tax_id_with_a_wrong_check_digit_is_highlighted():
    data = xml_invoice(SAMPLES["brand_special"]).replace(b"91110108MA01RB7J5P", b"91110108MA01RB7J5Q")
    reading = read_invoice(data, "a.xml", own_tax_id=OWN_TAX_ID)
    assert reading.fields["buyer_tax_id"].confidence < LOW_CONFIDENCE
    assert reading.unsure == ["buyer_tax_id"]
    assert "购买方纳税人识别号「91110108MA01RB7J5Q」校验位不符" in reading.warnings


def test_a_rate_that_does_not_give_the_tax_is_highlighted():
    data = xml_invoice(SAMPLES["brand_special"]).replace(b"<TaxRate>0.03", b"<TaxRate>0.01")
    reading = read_invoice(data, "a.xml", own_tax_id=OWN_TAX_ID)
    assert reading.unsure == ["rate"]
    assert reading.warnings == ["税率 1% 与金额、税额不符（10000.00 × 1% ≠ 300.00）"]


def test_an_invoice_dated_today_in_beijing_is_not_called_later_than_today_on_a_server_running_on_utc():
    # 07:30 on 7 December in Beijing is still 6 December on a UTC clock: the invoice of that morning is today's.
    assert china_today(datetime(2026, 12, 6, 23, 30, tzinfo=timezone.utc)) == date(2026, 12, 7)
    assert china_today(datetime(2026, 12, 6, 15, 59, tzinfo=timezone.utc)) == date(2026, 12, 6)
    fields = read_invoice(xml_invoice(SAMPLES["brand_special"]), "a.xml", own_tax_id=OWN_TAX_ID).fields
    tomorrow = china_today() + timedelta(days=1)
    for day, doubted in ((china_today(), False), (tomorrow, True)):
        checked = {**fields, "date": replace(fields["date"], value=day.isoformat())}
        warnings: list[str] = []
        check(checked, [], warnings)
        assert (checked["date"].confidence < LOW_CONFIDENCE) is doubted, (day, warnings)


def test_a_tilted_photo_still_puts_the_buyer_on_the_left_before_the_seller():
    def box(x, y, w, text, turn):  # a 30 px high box at (x, y), the page turned by ``turn`` radians
        corners = [(x, y), (x + w, y), (x + w, y + 30), (x, y + 30)]
        c, s = math.cos(turn), math.sin(turn)
        return Box(tuple((px * c - py * s, px * s + py * c) for px, py in corners), text, 0.99)

    turn = math.radians(-4)  # right side higher: OCR lists the seller's box first
    boxes = [box(1000, 200, 600, "名称：深圳市云帆网络科技有限公司", turn), box(100, 200, 600, "名称：上海青禾文化传播有限公司", turn),
             box(100, 260, 300, "合计", turn)]
    lines = rows(sorted(boxes, key=lambda b: b.points[0][1]))
    assert [(line.text, line.row_end) for line in lines] == [
        ("名称：上海青禾文化传播有限公司", False), ("名称：深圳市云帆网络科技有限公司", True), ("合计", True)]


# -- bad files ------------------------------------------------------------------------------------------

def _refused(data: bytes, name: str) -> InvoiceRefused:
    with pytest.raises(InvoiceRefused) as refused:
        read_invoice(data, name, own_tax_id=OWN_TAX_ID)
    assert refused.value.field == "file" and refused.value.limit
    assert refused.value.errors == [{"field": "file", "limit": refused.value.limit, "message": refused.value.message}]
    return refused.value


def test_an_empty_pdf_is_refused_saying_it_has_no_invoice_in_it():
    assert "PDF里既没有发票信息（文档属性），也没有文字层" in _refused(blank_pdf(), "空白.pdf").message
    assert _refused(b"", "空.pdf").message == "发票文件「空.pdf」是空的（0字节）"
    assert _refused(b"%PDF-1.7\n1 0 obj\n<<", "坏.pdf").message == "PDF文件已损坏或不完整，无法读取"


def test_a_zip_bomb_disguised_as_an_ofd_is_refused():
    assert _refused(zip_bomb_ofd(), "发票.ofd").message == "OFD文件解压后超过50MB上限（可能是压缩炸弹），拒绝读取"


def test_an_ofd_part_that_unpacks_a_hundred_times_its_size_is_refused():
    bomb = _zip({"OFD.xml": "<OFD/>", "Doc_0/Pages/Page_0/Content.xml": b"<a>" + b" " * 5_000_000 + b"</a>"})
    assert "压缩比超过100倍" in _refused(bomb, "发票.ofd").message


def test_a_zip_that_is_not_an_ofd_or_has_too_many_parts_is_refused():
    assert _refused(plain_zip(), "发票.ofd").message == "这个压缩包不是OFD发票（没有OFD.xml）"
    many = _zip({"OFD.xml": "<OFD/>", **{f"Doc_0/Res/{n}.xml": "<a/>" for n in range(600)}})
    assert _refused(many, "发票.ofd").message == "OFD文件有601个部件，超过500个上限"


def test_a_50_mb_photo_is_refused_before_decoding():
    refused = _refused(huge_photo(50), "IMG_9999.jpg")
    assert refused.message == "发票文件「IMG_9999.jpg」有50MB，超过20MB上限" and refused.limit == "≤ 20MB"


def test_a_small_photo_claiming_too_many_pixels_is_refused_before_decoding():
    assert _refused(pixel_bomb(9000), "IMG_8888.png").message == \
        "照片有9000×9000像素，超过40百万像素上限（可能是解压炸弹），请缩小后再上传"
    assert _refused(pixel_bomb(30000), "IMG_7777.png").message == \
        "照片有上亿像素，超过40百万像素上限（可能是解压炸弹），请缩小后再上传"


def test_an_xml_with_entity_expansion_is_refused():
    assert _refused(entity_bomb(), "炸弹.xml").message == "XML文件含有DTD或实体声明（发票XML不会有），为安全起见拒绝读取"


def test_an_xml_that_asks_for_a_local_file_is_refused():
    refused = _refused(external_entity(), "外部实体.xml")
    assert "root:" not in str(refused) and "含有DTD或实体声明" in str(refused)


def test_an_external_entity_hidden_from_the_byte_scan_in_utf16_without_a_bom_is_refused_by_the_parsers_check():
    """The declaration scan reads bytes (and UTF-16 only when a BOM says so); libxml2 still detects UTF-16 by the
    first '<' and parses it, with entities off, and the parsed DTD is refused: the file is never read in."""
    hidden = external_entity().decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16-le")
    assert b"<!DOCTYPE" not in hidden and not hidden.startswith(b"\xff\xfe")
    refused = _refused(hidden, "外部实体.xml")
    assert "root:" not in str(refused) and "含有DTD或实体声明" in refused.message


def test_a_broken_xml_and_a_file_of_no_known_format_are_refused_in_chinese():
    assert _refused(b"<EInvoice><Header>", "坏.xml").message == "XML文件不是完整的XML，第1行无法读取"
    assert "不是可识别的发票格式（扩展名：TXT）" in _refused("发票号码 123".encode(), "发票.txt").message


def test_a_document_with_no_invoice_in_it_is_refused():
    assert _refused(b"<html><body>hello</body></html>", "page.xml").message == \
        "XML文件里没有找到任何发票信息（发票号码、开票日期、金额等），不像是发票"
    assert _refused(_zip({"OFD.xml": "<ofd:OFD xmlns:ofd='x'/>"}), "合同.ofd").message.startswith("OFD文件里没有找到任何发票信息")


def test_an_ofd_with_a_broken_ofd_xml_is_refused_naming_the_part():
    broken = _zip({"OFD.xml": "<ofd:OFD", "Doc_0/Document.xml": "<a/>"})
    assert _refused(broken, "发票.ofd").message.startswith("OFD文件的OFD.xml不是完整的XML")


def test_importing_the_reader_and_reading_xml_pdf_and_ofd_does_not_load_onnxruntime():
    script = ("import sys; from books.invoices import read_invoice; from tests.invoice_fixtures import *; "
              "s = SAMPLES['cloud_special']; "
              "rs = [read_invoice(d, n, own_tax_id=OWN_TAX_ID) for d, n in ((xml_invoice(s), 'a.xml'), "
              "(pdf_invoice(s, metadata=True), 'a.pdf'), (ofd_invoice(s), 'a.ofd'))]; "
              "assert [r.fields['total'].value for r in rs] == ['1802.00'] * 3; "
              "print(sorted(m for m in sys.modules if m.startswith(('onnxruntime', 'rapidocr', 'cv2'))))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


NO_NETWORK = """
import socket
tried = []
def refuse(*args, **kwargs):
    tried.append(repr(args[1:] if args and isinstance(args[0], socket.socket) else args)[:80])
    raise OSError("network is off in this test")
socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse
from books.invoices import read_invoice
from tests.invoice_fixtures import OWN_TAX_ID, SAMPLES, ofd_invoice, pdf_invoice, photo_invoice, xml_invoice
s = SAMPLES['cloud_special']
files = ((xml_invoice(s), 'a.xml'), (pdf_invoice(s, metadata=False), 'a.pdf'), (ofd_invoice(s), 'a.ofd'),
         (photo_invoice(s, angle=1.0, noise=4, seed=7), 'IMG_1.jpg'))
print([read_invoice(d, n, own_tax_id=OWN_TAX_ID).fields['total'].value for d, n in files], tried)
"""


def test_reading_every_kind_of_invoice_including_the_first_photo_makes_no_network_call():
    """In a fresh interpreter whose sockets refuse to connect: the OCR model loads from the wheel, not a download."""
    out = subprocess.run([sys.executable, "-c", NO_NETWORK], capture_output=True, text=True, check=True, timeout=600)
    assert out.stdout.strip() == "['1802.00', '1802.00', '1802.00', '1802.00'] []"
