"""Taobao's listing rules, checked at and just over each limit with real image files."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from PIL import Image

from core.errors import ValidationFailed
from sites.taobao.limits import TaobaoLimits, limits, taobao_len, validate
from sites.taobao.product import Product, Sku

NOW = datetime(2025, 3, 1, 4, 0, tzinfo=timezone.utc)  # 12:00 in Beijing


@pytest.fixture
def image(tmp_path):
    def make(name="a.jpg", fmt="JPEG", size=(8, 8), padding=0):
        path = tmp_path / name
        Image.new("RGB", size, "red").save(path, fmt)
        with open(path, "ab") as f:
            f.write(b"\0" * padding)  # a real image that is bigger on disk
        return str(path)
    return make


@pytest.fixture
def product(image):
    def make(**kw):
        kw.setdefault("category_keyword", "蓝牙耳机")
        kw.setdefault("properties", {"品牌": "声宝", "型号": "X1"})
        kw.setdefault("title", "声宝X1 真无线蓝牙耳机 降噪长续航")
        kw.setdefault("main_images", [image()])
        if "skus" not in kw:
            kw.setdefault("price", Decimal("199.00"))
            kw.setdefault("stock", 50)
        return Product(**kw)
    return make


def errors(p, now=NOW, rules=limits):
    return rules.validate(p, now)


def fields(p, now=NOW, rules=limits):
    return [e["field"] for e in errors(p, now, rules)]


def sku(color, size, price="99", stock=10):
    return Sku(options={"颜色分类": color, "尺码": size}, price=Decimal(price), stock=stock)


def test_a_complete_product_passes(product):
    assert errors(product()) == []
    assert validate(product(), NOW) is None


def test_title_counts_a_cjk_character_or_full_width_mark_as_two():
    assert taobao_len("abc") == 3
    assert taobao_len("中文") == 4
    assert taobao_len("耳机，降噪！") == 12
    assert taobao_len("Ａ") == 2  # full-width Latin letter
    assert taobao_len("é") == 1  # Latin-1 is single-byte


def test_title_of_30_cjk_passes_and_31_is_refused(product):
    assert fields(product(title="中" * 30)) == []
    (err,) = errors(product(title="中" * 31))
    assert err["field"] == "title" and err["limit"] == "≤ 60" and "62" in err["message"]


def test_mixed_title_is_counted_to_the_character(product):
    assert fields(product(title="中" * 29 + "ab")) == []
    assert fields(product(title="中" * 29 + "abc")) == ["title"]
    assert fields(product(title="中" * 29 + "，")) == []
    assert fields(product(title="中" * 29 + "，a")) == ["title"]


def test_blank_title_is_refused(product):
    (err,) = errors(product(title="  "))
    assert err["field"] == "title" and err["limit"] == "必填"


@pytest.mark.parametrize("price", ["0.01", "10000000", "1.10", "99.9"])
def test_prices_in_range_with_two_decimals_pass(product, price):
    assert fields(product(price=Decimal(price))) == []


@pytest.mark.parametrize("price,limit", [("0", "0.01–10,000,000"), ("10000000.01", "0.01–10,000,000"),
                                         ("-5", "0.01–10,000,000"), ("1.001", "≤ 2位小数")])
def test_prices_out_of_range_or_finer_than_a_cent_are_refused(product, price, limit):
    (err,) = errors(product(price=Decimal(price)))
    assert err["field"] == "price" and err["limit"] == limit


def test_missing_price_is_refused(product):
    assert fields(product(price=None)) == ["price"]


@pytest.mark.parametrize("stock,ok", [(0, True), (100_000_000, True), (100_000_001, False), (-1, False), (None, False)])
def test_stock_is_an_integer_from_0_to_100_million(product, stock, ok):
    assert fields(product(stock=stock)) == ([] if ok else ["stock"])


def test_with_skus_total_stock_is_the_sum_and_price_the_lowest(product):
    p = product(skus=[sku("黑色", "M", "129.5", 5), sku("黑色", "L", "99", 7), sku("白色", "M", "109", 0)])
    assert errors(p) == []
    assert p.total_stock() == 12 and p.listed_price() == Decimal("99")
    assert p.dimensions() == ["颜色分类", "尺码"]


def test_a_product_stock_that_is_not_the_sku_sum_is_refused(product):
    skus = [sku("黑色", "M", stock=5), sku("白色", "M", stock=7)]
    assert fields(product(skus=skus, stock=12)) == []
    (err,) = errors(product(skus=skus, stock=10))
    assert err["field"] == "stock" and "12" in err["message"]


def test_a_repeated_sku_combination_is_refused(product):
    (err,) = errors(product(skus=[sku("黑色", "M"), sku("白色", "M"), sku("黑色", "M")]))
    assert err["field"] == "skus.2.options" and err["limit"] == "组合唯一"
    assert "第1个" in err["message"]


def test_each_sku_needs_its_price_and_stock(product):
    bare = Sku(options={"颜色分类": "黑色", "尺码": "M"})
    assert fields(product(skus=[bare])) == ["skus.0.price", "skus.0.stock"]
    assert fields(product(skus=[sku("黑色", "M", price="0.001")])) == ["skus.0.price"]


def test_sku_options_must_come_from_the_given_dimensions(product):
    odd = Sku(options={"颜色分类": "黑色", "尺码": "M", "套餐": "标配"}, price=Decimal("9"), stock=1)
    (err,) = errors(product(skus=[sku("黑色", "L"), odd], sku_dimensions=["颜色分类", "尺码"]))
    assert err["field"] == "skus.1.options" and "套餐" in err["message"]
    (err,) = errors(product(skus=[sku("黑色", "")]))
    assert err["field"] == "skus.0.options" and "尺码" in err["message"]


def test_a_gif_is_refused_by_content_even_when_named_jpg(product, image):
    (err,) = errors(product(main_images=[image("fake.jpg", "GIF")]))
    assert err["field"] == "main_images" and "fake.jpg" in err["message"]
    assert fields(product(main_images=[image("real.png", "PNG")])) == []


def test_an_image_over_3_mb_is_refused(product, image):
    assert fields(product(main_images=[image("ok.jpg", padding=3 * 1024 * 1024 - 2000)])) == []
    (err,) = errors(product(main_images=[image("big.jpg", padding=3 * 1024 * 1024)]))
    assert err["limit"] == "≤ 3 MB" and "big.jpg" in err["message"]


def test_one_to_five_main_images(product, image):
    five = [image(f"{i}.jpg") for i in range(5)]
    assert fields(product(main_images=five)) == []
    (err,) = errors(product(main_images=[*five, image("5.jpg")]))
    assert err["limit"] == "1–5" and "6张" in err["message"]
    assert fields(product(main_images=[])) == ["main_images"]


def test_an_image_that_is_only_a_name_is_checked_by_extension(product):
    assert fields(product(main_images=["主图1.JPG", "主图2.png"])) == []
    assert fields(product(main_images=["动图.gif"])) == ["main_images"]


def test_description_images_must_be_480_to_1500_pixels_wide(product, image):
    assert fields(product(desc_images=[image("d1.jpg", size=(750, 20))])) == []
    (err,) = errors(product(desc_images=[image("d2.jpg", size=(300, 20))]))
    assert err["field"] == "desc_images" and "300" in err["message"]


@pytest.mark.parametrize("ahead,ok", [(timedelta(minutes=5), True), (timedelta(days=14), True),
                                      (timedelta(days=14, minutes=1), False), (timedelta(0), False),
                                      (-timedelta(hours=1), False)])
def test_a_timed_shelf_is_in_the_future_within_14_days(product, ahead, ok):
    assert fields(product(shelf="at", shelf_at=NOW + ahead)) == ([] if ok else ["shelf_at"])


def test_a_timed_shelf_needs_a_time_and_the_others_do_not(product):
    (err,) = errors(product(shelf="at"))
    assert err["field"] == "shelf_at" and err["limit"] == "必填"
    assert fields(product(shelf="warehouse")) == []


def test_brand_is_required_and_a_category_hook_can_require_more(product):
    (err,) = errors(product(properties={"型号": "X1"}))
    assert err["field"] == "properties.品牌" and "品牌" in err["message"]
    by_category = TaobaoLimits(extra_required=lambda p: ["型号", "颜色"] if "耳机" in p.category_keyword else [])
    assert fields(product(), rules=by_category) == ["properties.颜色"]
    assert fields(product(category_keyword="手机壳"), rules=by_category) == []


def test_every_problem_is_reported_at_once(product, image):
    bad = product(title="中" * 40, price=Decimal("0"), stock=-3, properties={},
                  main_images=[image("x.jpg", "GIF")], shelf="at", shelf_at=NOW - timedelta(days=1))
    with pytest.raises(ValidationFailed) as caught:
        validate(bad, NOW)
    assert [e["field"] for e in caught.value.errors] == [
        "properties.品牌", "title", "price", "stock", "main_images", "shelf_at"]
    assert caught.value.site == "taobao"
    assert all(e["limit"] and e["message"] for e in caught.value.errors)
