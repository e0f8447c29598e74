"""The monthly or quarterly report as a file the owner keeps or sends her accountant: XLSX (openpyxl) and PDF (reportlab).

The PDF uses reportlab's built-in Chinese CID font (STSong-Light, Adobe-GB1): the installed Noto CJK fonts are
OpenType with PostScript outlines, which reportlab cannot embed, and every PDF reader ships the Adobe-GB1 set.
"""
from __future__ import annotations

import io
from decimal import Decimal

from books.report import Report

ROWS = (("income", "收入（不含税）"), ("income_tax", "销项税额"), ("costs", "成本"), ("expenses", "费用"),
        ("profit", "利润"))


def _lines(report: Report) -> list[tuple[str, Decimal]]:
    rows = [(label, Decimal(getattr(report, key))) for key, label in ROWS]
    rows += [(f"  其中：{r['label']}", Decimal(r["value"])) for r in report.category_rows]
    return rows


def report_xlsx(report: Report, records: list[dict]) -> bytes:
    """Two sheets: 月度报表 or 季度报表 (the figures) and 明细 (every record of the period)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = report.title
    sheet.append([f"{report.label}收支报表"])
    sheet.append(["项目", "金额（元）"])
    for label, value in _lines(report):
        sheet.append([label, value])
        sheet.cell(sheet.max_row, 2).number_format = "#,##0.00"
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 16
    detail = book.create_sheet("明细")
    detail.append(["日期", "收支", "类别", "对方", "金额（元）", "税额（元）", "发票号码", "备注"])
    for r in records:
        detail.append([r["day"], r["kind_label"], r["category_label"], r["counterparty"], Decimal(r["amount"]),
                       Decimal(r["tax"]) if r["tax"] else None, r["invoice_no"], r["note"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_pdf(report: Report, workspace: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    title = ParagraphStyle("title", fontName="STSong-Light", fontSize=16, leading=22)
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10, leading=14)
    data = [["项目", "金额（元）"]] + [[label, f"{value:,.2f}"] for label, value in _lines(report)]
    table = Table(data, colWidths=[240, 140])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 11),
                               ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=f"{report.label}收支报表", author=workspace)
    doc.build([Paragraph(f"{workspace} · {report.label}收支报表", title), Spacer(1, 8),
               Paragraph(f"收入记录{report.income_records}条，支出记录{report.expense_records}条。"
                         "收入按不含税金额计；支出按实付金额（价税合计）计。", body), Spacer(1, 12), table])
    return out.getvalue()
