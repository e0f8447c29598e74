"""Reading invoices: 数电票 XML, PDF and OFD, and photos of paper invoices, into checked fields.

    reading.py    Reading, Field, Line, InvoiceRefused; LABELS (the Chinese names), LOW_CONFIDENCE
    reader.py     read_invoice(data, filename, own_tax_id=...): sniff the format, read, check, direction
    values.py     normalising printed text: money 1030.00, dates 2026-11-03, rates 0.03, kinds
    checks.py     统一社会信用代码 check digit, number formats, amount + tax = total (lowering confidence)
    safe_xml.py   lxml without DTDs, entities, network or huge trees
    from_xml.py   数电票 XML by published element names, then legacy pinyin names
    from_pdf.py   PDF: custom document metadata first, the text layer second
    from_ofd.py   OFD (a zip of XML): CustomData, an embedded invoice XML, then the page text
    from_text.py  fields from an invoice's text (PDF/OFD text layer, OCR lines) by their printed labels
    from_photo.py photos: size/pixel limits, OCR (ocr.py, loaded on first use), then from_text
    limits.py     file, pixel and zip limits

Never makes a network call. Importing this package and reading XML/PDF/OFD never loads onnxruntime.
"""
from books.invoices.reader import read_invoice
from books.invoices.reading import KEY_FIELDS, LABELS, LOW_CONFIDENCE, Field, InvoiceRefused, Line, Reading

__all__ = ["read_invoice", "Reading", "Field", "Line", "InvoiceRefused", "LABELS", "KEY_FIELDS",
           "LOW_CONFIDENCE"]
