"""数电票 PDF: the custom document metadata the tax system writes first, the text layer second.

Metadata keys (``/InvoiceNumber``, ``/IssueTime``, ``/SellerIdNum``, ``/TotalAmWithoutTax``,
``/TotalTax-includedAmount``, ``/TotalTaxAm``) are structured data: confidence 1. Everything else (names,
the buyer's id, the kind, line items) comes from the text layer by the printed labels.
"""
from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from books.invoices import values
from books.invoices.from_text import TextLine, read_text
from books.invoices.limits import PDF_MAX_PAGES
from books.invoices.reading import LABELS, Field, InvoiceRefused, Line

METADATA = {
    "number": ("/InvoiceNumber", values.number),
    "date": ("/IssueTime", values.day),
    "seller_tax_id": ("/SellerIdNum", values.tax_id),
    "amount": ("/TotalAmWithoutTax", values.money),
    "total": ("/TotalTax-includedAmount", values.money),
    "tax": ("/TotalTaxAm", values.money),
}
TEXT_CONFIDENCE = 0.95
"""A text layer is exact, but which label a value belongs to is inferred from the layout."""


def read_pdf(data: bytes) -> tuple[dict[str, Field], list[Line], list[str]]:
    reader = _open(data)
    fields = _metadata(reader)
    texts = []
    for page in reader.pages[:PDF_MAX_PAGES]:
        try:
            texts.append(page.extract_text() or "")
        except Exception:  # a damaged content stream: the other pages and the metadata still count
            texts.append("")
    text = "\n".join(texts)
    if not fields and not text.strip():
        raise InvoiceRefused("file", "PDF里既没有发票信息（文档属性），也没有文字层（可能是扫描件或空白页）："
                             "请上传数电票原件（PDF/OFD/XML），或直接拍照上传", limit="需有文字层")
    found, lines, warnings = read_text([TextLine(t) for t in text.splitlines()], TEXT_CONFIDENCE)
    for key, field in found.items():
        fields.setdefault(key, field)
    if len(reader.pages) > PDF_MAX_PAGES:
        warnings.append(f"PDF共{len(reader.pages)}页，只读了前{PDF_MAX_PAGES}页")
    return fields, lines, warnings


def _open(data: bytes) -> PdfReader:
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged-but-readable files are common and fine
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InvoiceRefused("file", "PDF有打开密码，无法读取：请上传未加密的发票", limit="不能加密")
        if len(reader.pages) == 0:
            raise InvoiceRefused("file", "PDF没有任何页面", limit="至少1页")
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        if isinstance(e, InvoiceRefused):
            raise
        raise InvoiceRefused("file", "PDF文件已损坏或不完整，无法读取", limit="完整的PDF") from None
    return reader


def _metadata(reader: PdfReader) -> dict[str, Field]:
    try:
        info = reader.metadata or {}
    except Exception:
        return {}
    fields = {}
    for key, (name, parse) in METADATA.items():
        raw = info.get(name)
        value = parse(str(raw)) if raw else None
        if value is not None:
            fields[key] = Field(value, 1.0, LABELS[key])
    return fields
