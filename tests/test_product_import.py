"""Products read from the spreadsheets an owner actually saves: GBK CSV from Excel, UTF-8 CSV, and .xlsx."""
from __future__ import annotations

import io
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from openpyxl import Workbook
from PIL import Image

from core.product_import import import_products

NOW = datetime(2025, 3, 1, 4, 0, tzinfo=timezone.utc)  # 12:00 in Beijing
TZ = "Asia/Shanghai"
HEADER = "商家编码,类目,品牌,标题,主图,颜色分类,尺码,价格,库存"


def csv_bytes(*lines: str, encoding="utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(name, data, **kw):
    return import_products(name, data, TZ, now=NOW, **kw)


def where(result):
    return [(e.row, e.column) for e in result.errors]


def test_gbk_csv_with_one_row_per_sku_becomes_one_product_with_a_sku_table():
    data = csv_bytes(
        HEADER,
        "T100,男装>T恤,优衣库,纯棉短袖T恤 男款 夏季,t1.jpg;t2.jpg,黑色,M,59.90,10",
        "T100,,,,,黑色,L,59.90,8",
        "T100,,,,,白色,M,49.90,0",
        "M200,马克杯,敦煌,陶瓷马克杯 大容量,cup.png,,,35,100",
        encoding="gbk")
    result = run("商品.csv", data)
    assert result.errors == []
    shirt, cup = result.products
    assert shirt.outer_id == "T100" and shirt.title == "纯棉短袖T恤 男款 夏季"
    assert shirt.properties == {"品牌": "优衣库"} and shirt.main_images == ["t1.jpg", "t2.jpg"]
    assert shirt.sku_dimensions == ["颜色分类", "尺码"]
    assert [(s.label(), s.price, s.stock) for s in shirt.skus] == [
        ("黑色/M", Decimal("59.90"), 10), ("黑色/L", Decimal("59.90"), 8), ("白色/M", Decimal("49.90"), 0)]
    assert shirt.total_stock() == 18 and shirt.listed_price() == Decimal("49.90")
    assert (cup.price, cup.stock, cup.skus) == (Decimal("35"), 100, [])


def test_utf8_csv_with_a_bom_and_header_aliases_is_read():
    data = csv_bytes("类目关键词,品牌,宝贝标题,商品主图,一口价,数量,属性:材质", "雨伞,天堂,晴雨两用折叠伞,u.jpg,39,20,碰击布")
    result = run("a.csv", b"\xef\xbb\xbf" + data)
    assert result.errors == []
    (umbrella,) = result.products
    assert umbrella.properties == {"品牌": "天堂", "材质": "碰击布"} and umbrella.price == Decimal("39")


def test_xlsx_built_in_excel_with_typed_cells_is_read():
    data = xlsx_bytes([
        ["类目", "品牌", "型号", "标题", "主图", "价格", "库存", "上架方式", "上架时间", "描述图"],
        ["蓝牙耳机", "声宝", "X1", "声宝X1 真无线蓝牙耳机", "e1.jpg|e2.png", 199.9, 50, "定时上架",
         datetime(2025, 3, 8, 20, 0), "d1.jpg;d2.jpg"],
        ["充电宝", "声宝", None, "声宝 20000毫安 充电宝", "p.jpg", 89, 30, "放入仓库", None, None],
    ])
    result = run("商品.xlsx", data)
    assert result.errors == []
    earbuds, power = result.products
    assert earbuds.price == Decimal("199.9") and earbuds.stock == 50
    assert earbuds.properties == {"品牌": "声宝", "型号": "X1"}
    assert earbuds.shelf == "at" and earbuds.shelf_at == datetime(2025, 3, 8, 12, 0, tzinfo=timezone.utc)
    assert earbuds.desc_images == ["d1.jpg", "d2.jpg"]
    assert power.shelf == "warehouse" and power.shelf_at is None


def test_errors_name_the_row_and_column_and_keep_only_the_bad_products_out():
    data = xlsx_bytes([
        ["商家编码", "类目", "品牌", "宝贝标题", "主图", "颜色分类", "尺码", "价格", "库存"],
        ["A1", "男装>T恤", "优衣库", "中" * 31, "a.jpg", None, None, 59, 10],
        ["B2", "男装>T恤", "优衣库", "短袖", "b.jpg", "黑色", "M", 59, 10],
        ["B2", None, None, None, None, "黑色", "L", "abc", 10],
        ["B2", None, None, None, None, "黑色", "M", 59, 1.5],
        ["C3", "男装>T恤", "优衣库", "长袖", "c.jpg", None, None, 0.001, 5],
        ["D4", "男装>T恤", "优衣库", "背心", "d.jpg", None, None, 19, 5],
    ])
    result = run("list.xlsx", data)
    assert where(result) == [(2, "宝贝标题"), (4, "价格"), (5, "库存"), (5, "颜色分类/尺码"), (6, "价格")]
    assert [p.outer_id for p in result.products] == ["D4"]
    title = result.errors[0]
    assert title.limit == "≤ 60" and "62" in title.message
    assert result.errors[3].limit == "组合唯一"
    assert result.errors[0].as_detail()["field"] == "第2行「宝贝标题」"


def test_product_level_cells_that_disagree_within_one_product_are_reported():
    data = csv_bytes(HEADER, "T1,男装>T恤,优衣库,短袖,a.jpg,黑色,M,59,1", "T1,男装>T恤,优衣库,长袖,a.jpg,白色,M,59,1")
    result = run("x.csv", data)
    (err,) = result.errors
    assert (err.row, err.column) == (3, "标题") and "第2行" in err.message
    assert result.products == []


def test_rows_sharing_a_code_without_sku_options_are_reported():
    data = csv_bytes(HEADER, "T1,男装>T恤,优衣库,短袖,a.jpg,,,59,1", "T1,男装>T恤,优衣库,短袖,a.jpg,,,59,1")
    assert where(run("x.csv", data)) == [(3, "商家编码")]


def test_a_sku_missing_one_option_is_reported_on_its_row():
    data = csv_bytes(HEADER, "T1,男装>T恤,优衣库,短袖,a.jpg,黑色,M,59,1", "T1,,,,,白色,,59,1")
    (err,) = run("x.csv", data).errors
    assert (err.row, err.column) == (3, "颜色分类/尺码") and "尺码" in err.message


def test_shelf_times_are_read_in_the_workspace_zone():
    head = "类目,品牌,标题,主图,价格,库存,上架方式,上架时间"
    data = csv_bytes(head, "杯子,敦煌,马克杯,c.jpg,35,1,,2025/3/8 20:00",
                     "杯子,敦煌,马克杯二,c.jpg,35,1,定时上架,2025-04-30 20:00",
                     "杯子,敦煌,马克杯三,c.jpg,35,1,马上,",
                     "杯子,敦煌,马克杯四,c.jpg,35,1,定时上架,下周一")
    result = run("x.csv", data)
    assert result.products[0].shelf == "at"
    assert result.products[0].shelf_at == datetime(2025, 3, 8, 12, 0, tzinfo=timezone.utc)
    assert where(result) == [(3, "上架时间"), (4, "上架方式"), (5, "上架时间")]
    assert "14天" in result.errors[0].message


def test_unknown_columns_are_reported_and_ignored():
    data = csv_bytes("类目,品牌,标题,主图,价格,库存,运费模板", "杯子,敦煌,马克杯,c.jpg,35,1,包邮")
    result = run("x.csv", data)
    assert where(result) == [(1, "运费模板")] and len(result.products) == 1


def test_a_missing_required_column_is_reported_before_any_row():
    result = run("x.csv", csv_bytes("类目,标题,主图,价格,库存", "杯子,马克杯,c.jpg,35,1"))
    assert where(result) == [(1, None)] and "品牌" in result.errors[0].message
    assert result.products == []


@pytest.mark.parametrize("name,data", [("empty.csv", b""), ("blank.csv", b"\r\n ,, \r\n"),
                                       ("empty.xlsx", xlsx_bytes([]))], ids=["csv", "blank-csv", "xlsx"])
def test_an_empty_file_says_so(name, data):
    (err,) = run(name, data).errors
    assert err.row is None and "文件是空的" in err.message


@pytest.mark.parametrize("name,data", [("h.csv", csv_bytes(HEADER, encoding="gbk")),
                                       ("h.xlsx", xlsx_bytes([HEADER.split(",")]))], ids=["csv", "xlsx"])
def test_a_file_with_only_headers_says_so(name, data):
    result = run(name, data)
    assert result.products == [] and "只有表头" in result.errors[-1].message


def test_other_file_kinds_are_refused_clearly():
    assert ".xlsx" in run("old.xls", b"\xd0\xcf\x11\xe0").errors[0].message
    assert "无法打开" in run("broken.xlsx", b"not a zip").errors[0].message


def test_named_images_resolve_to_staged_files_and_are_checked_by_content(tmp_path):
    gif = tmp_path / "cup.jpg"
    Image.new("RGB", (8, 8), "red").save(gif, "GIF")
    data = csv_bytes("类目,品牌,标题,主图,价格,库存", "杯子,敦煌,马克杯,cup.jpg;lid.jpg,35,1")
    result = run("x.csv", data, files={"cup.jpg": str(gif)})
    assert where(result) == [(2, "主图"), (2, "主图")]
    assert "lid.jpg" in result.errors[0].message and "GIF" in result.errors[1].message
    lid = tmp_path / "lid.png"
    Image.new("RGB", (8, 8), "red").save(lid, "PNG")
    (ok,) = run("x.csv", data.replace(b"cup.jpg;", b""), files={"lid.jpg": str(lid)}).products
    assert ok.main_images == [str(lid)]


def test_a_category_that_fits_several_taobao_categories_is_a_row_error_naming_them_until_one_is_picked():
    data = csv_bytes("类目,类目路径,品牌,标题,主图,价格,库存", "茶叶,,无品牌/无注册商标,桂花乌龙冷泡茶,a.jpg,39,10",
                     "茶叶,茶>茶叶>乌龙茶,无品牌/无注册商标,桂花乌龙冷泡茶 礼盒,a.jpg,59,5")
    result = run("茶.csv", data)
    assert where(result) == [(2, "类目")]
    assert "茶>茶叶>绿茶、茶>茶叶>红茶、茶>茶叶>乌龙茶" in result.errors[0].message
    (picked,) = result.products
    assert picked.category_path == "茶>茶叶>乌龙茶"
