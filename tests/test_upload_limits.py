"""Uploads made to keep the server busy are refused with a clear reason, and never freeze the API:
the web server keeps answering while a large document is read and indexed."""
from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from contextlib import closing

import pytest
from docx import Document
from openpyxl import Workbook

from core.product_import import MAX_ROWS, import_products
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server)


def _docx(paragraphs: int) -> bytes:
    d = Document()
    d.add_heading("桂花乌龙", level=1)
    for i in range(paragraphs):
        d.add_paragraph(f"第{i}段")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _rewrite(data: bytes, member: str, change) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            dst.writestr(item, change(body) if item.filename == member else body)
    return out.getvalue()


def _upload(c, name: str, data: bytes):
    return c.post("/api/knowledge", files={"file": (name, data, "application/octet-stream")})


def test_a_word_file_of_thirty_thousand_paragraphs_is_refused_by_its_paragraph_count(web):  # noqa: F811
    with closing(web.client()) as c:
        r = _upload(c, "炸弹.docx", _docx(30_840))
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "file" and "段落太多" in r.json()["detail"][0]["message"]


def test_a_word_file_with_broken_xml_is_a_field_error_not_a_crash(web):  # noqa: F811
    broken = _rewrite(_docx(3), "word/document.xml", lambda body: body[: len(body) // 2])
    with closing(web.client()) as c:
        r = _upload(c, "坏了.docx", broken)
    assert r.status_code == 422
    assert "不是有效的 Word" in r.json()["detail"][0]["message"]


def test_the_server_keeps_answering_while_a_large_document_is_indexed(web):  # noqa: F811
    text = "\n".join(f"桂花乌龙冷泡茶第{i}批，清香回甘，冰镇后更加清爽，适合夏天送礼。" for i in range(7_000))
    done = threading.Event()
    answer = {}

    def upload():
        with closing(web.client()) as c:
            answer["r"] = _upload(c, "大文件.txt", text.encode())
        done.set()

    threading.Thread(target=upload, daemon=True).start()
    answered_meanwhile = 0
    with closing(web.client(login=False)) as probe:
        while not done.is_set():
            assert probe.get("/healthz").json() == {"ok": True}
            answered_meanwhile += not done.is_set()
            time.sleep(0.05)
    assert answer["r"].status_code == 201, answer["r"].text
    assert answered_meanwhile >= 3  # the loop was free while the document was read and indexed


def _sheet(rows: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["类目", "品牌", "标题", "主图", "价格", "库存"])
    for i in range(rows):
        ws.append(["茶叶", "山野", f"桂花乌龙{i}", "a.jpg", 39, 10])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_sheet_that_declares_sixteen_thousand_columns_is_read_within_bounds():
    claims = _rewrite(_sheet(0), "xl/worksheets/sheet1.xml",
                      lambda body: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', body))
    result = import_products("商品.xlsx", claims, "Asia/Shanghai")
    assert [e.message for e in result.errors] == ["只有表头，没有商品行：请从第2行开始每行填一个商品或一个SKU"]


def test_a_sheet_longer_than_the_row_limit_is_refused_whole():
    result = import_products("商品.xlsx", _sheet(MAX_ROWS + 1), "Asia/Shanghai")
    assert result.products == []
    assert result.errors[0].message == f"表格超过{MAX_ROWS}行商品：请分成几个文件上传"


def test_an_income_sheet_that_declares_sixteen_thousand_columns_is_read_within_bounds():
    from books.importer import MAX_ROWS as INCOME_ROWS, import_records

    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "金额", "发票类型", "类别", "税率"])
    buf = io.BytesIO()
    wb.save(buf)
    claims = _rewrite(buf.getvalue(), "xl/worksheets/sheet1.xml",
                      lambda body: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', body))
    assert import_records("收入.xlsx", claims).records == []
    too_long = "日期,金额,发票类型,类别,税率\n" + "2026-07-01,100,普票,货物,1%\n" * (INCOME_ROWS + 1)
    result = import_records("收入.csv", too_long.encode())
    assert result.records == [] and result.errors[0].message == f"一次最多导入{INCOME_ROWS}行"
