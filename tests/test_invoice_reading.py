"""Reading invoices: every field of the tests' own XML/PDF/OFD invoices and photos, and bad files refused."""
from __future__ import annotations

import subprocess
import sys

import pytest

from books.invoices import LOW_CONFIDENCE, InvoiceRefused, read_invoice
from tests.invoice_fixtures import (OWN_TAX_ID, SAMPLES, entity_bomb, external_entity, invoice_set,
                                    xml_invoice)

INVOICES = invoice_set()


def _ids(rows):
    return [name for _, name, _, _ in rows]


XML = [row for row in INVOICES if row[0] == "xml"]


@pytest.mark.parametrize("source,name,data,truth", XML, ids=_ids(XML))
def test_an_xml_invoice_is_read_field_by_field_with_full_confidence(source, name, data, truth):
    reading = read_invoice(data, name, own_tax_id=OWN_TAX_ID)
    assert reading.source == "xml"
    assert {k: f.value for k, f in reading.fields.items()} == truth.expected()
    assert reading.unsure == [] and reading.warnings == []
    assert reading.direction == truth.direction
    assert [(line.name, line.amount, line.tax) for line in reading.lines] == \
        [(i.name, str(i.amount), str(i.tax)) for i in truth.items]


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
    assert any("10000.00 + 税额 310.00 ≠ 价税合计 10300.00" in w for w in reading.warnings)


def test_a_tax_id_with_a_wrong_check_digit_is_highlighted():
    data = xml_invoice(SAMPLES["brand_special"]).replace(b"91110108MA01RB7J5P", b"91110108MA01RB7J5Q")
    reading = read_invoice(data, "a.xml", own_tax_id=OWN_TAX_ID)
    assert reading.fields["buyer_tax_id"].confidence < LOW_CONFIDENCE
    assert reading.unsure == ["buyer_tax_id"]
    assert any("购买方纳税人识别号「91110108MA01RB7J5Q」校验位不符" == w for w in reading.warnings)


def test_an_xml_with_entity_expansion_is_refused_before_parsing():
    with pytest.raises(InvoiceRefused) as refused:
        read_invoice(entity_bomb(), "炸弹.xml", own_tax_id=OWN_TAX_ID)
    assert "DTD或实体" in refused.value.message and refused.value.field == "file"


def test_an_xml_that_asks_for_a_local_file_is_refused():
    with pytest.raises(InvoiceRefused) as refused:
        read_invoice(external_entity(), "外部实体.xml", own_tax_id=OWN_TAX_ID)
    assert "root:" not in str(refused.value) and "DTD或实体" in str(refused.value)


def test_an_empty_file_is_refused_naming_the_file():
    with pytest.raises(InvoiceRefused, match="发票文件「空.xml」是空的"):
        read_invoice(b"", "空.xml", own_tax_id=OWN_TAX_ID)


def test_importing_the_reader_and_reading_xml_does_not_load_onnxruntime():
    script = ("import sys; from books.invoices import read_invoice; from tests.invoice_fixtures import *; "
              "r = read_invoice(xml_invoice(SAMPLES['brand_special']), 'a.xml', own_tax_id=OWN_TAX_ID); "
              "assert r.fields['total'].value == '10300.00'; "
              "print(sorted(m for m in sys.modules if m.startswith(('onnxruntime', 'rapidocr', 'cv2'))))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
