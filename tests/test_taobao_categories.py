"""Every leaf category of the Taobao replica lists one product through the adapter, in one Chromium.

Categories with sales attributes (颜色分类, 尺码) get a SKU table; the ones without (the tea leaves) have a
single 一口价 and 总库存, as on the real site. The replica's state is the proof of what the site received.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from core.errors import ContentRejected
from core.settings import Settings
from sandbox.taobao.catalog import LEAVES, NO_BRAND, Leaf, search as catalog_search
from sites.taobao import TaobaoAdapter
from sites.taobao.categories import KNOWN_LEAVES, candidates
from sites.taobao.errors import CategoryChoice
from sites.taobao.limits import limits as taobao_limits
from sites.taobao.product import Product, Sku
from tests.core_fixtures import wait_until
from tests.taobao_sandbox_fixtures import chromium, context, jpg, make_test_image, page, qr_token, replica, tb  # noqa: F401

ALL_WARNINGS = ("no_desc_images", "low_price", "no_outer_id")


@pytest.fixture
def adapter(replica):
    return TaobaoAdapter(replica.url, Settings(sandbox=True, upload_timeout_ms=20_000))


@pytest.fixture
def seller(adapter, page, tb):
    adapter.open_login(page)
    assert tb.scan(qr_token(adapter.login_qr(page)), "店小二").status_code == 200
    wait_until(lambda: adapter.logged_in(page), timeout=15, what="the seller home after the scan")
    return page


def product_for(leaf: Leaf, image) -> Product:
    """One product of the leaf: its required properties, and a SKU per sale attribute when it has any."""
    props = {p.name: (NO_BRAND if p.kind == "brand" else "X1") for p in leaf.props}
    base = dict(category_keyword=leaf.keywords[0], category_path=leaf.path, properties=props,
                title=f"测试宝贝 {leaf.cat_id}", main_images=[str(image)])
    if not leaf.sale_props:
        return Product(**base, price=Decimal("39"), stock=20)
    return Product(**base, sku_dimensions=list(leaf.sale_props),
                   skus=[Sku(options={d: "标准" for d in leaf.sale_props}, price=Decimal("29.9"), stock=8)])


def test_every_leaf_category_of_the_catalogue_lists_one_product(adapter, seller, tb, jpg):
    assert any(not leaf.sale_props for leaf in LEAVES) and any(leaf.sale_props for leaf in LEAVES)
    for n, leaf in enumerate(LEAVES, 1):
        product = product_for(leaf, jpg)
        fields = adapter.fill(seller, product)
        assert fields["category"] == leaf.path
        assert (fields["price"], fields["stock"]) == (("39.00", "20") if not leaf.sale_props else ("29.90", "8"))
        done = adapter.submit(seller, allowed=ALL_WARNINGS)
        items = tb.state()["items"]
        assert len(items) == n, leaf.path
        item = next(i for i in items if i["id"] == done.item_id)
        assert (item["catPath"], item["title"], item["price"], item["quantity"]) == (
            leaf.path, product.title, fields["price"], int(fields["stock"]))
        assert adapter.find_listed(seller, product, item_id=done.item_id).item_id == done.item_id


def test_a_sku_table_for_a_category_without_sales_attributes_is_refused_before_the_submit(adapter, seller, tb, jpg):
    tea = next(leaf for leaf in LEAVES if not leaf.sale_props)
    product = product_for(tea, jpg).model_copy(update={
        "price": None, "stock": None, "sku_dimensions": ["颜色分类"],
        "skus": [Sku(options={"颜色分类": "红"}, price=Decimal("9.9"), stock=1)]})
    with pytest.raises(ContentRejected, match="这个类目的销售规格是「无」"):
        adapter.fill(seller, product)
    assert tb.state()["submissions"] == 0


# -- a category word that fits several leaves is never guessed ----------------------------------------------
def test_the_services_known_categories_are_the_replicas_leaves():
    assert [leaf.path for leaf in KNOWN_LEAVES] == [leaf.path for leaf in LEAVES]
    for leaf in LEAVES:
        for word in leaf.keywords:
            assert candidates(word) == [hit.path for hit in catalog_search(word)], word


def test_a_category_word_with_several_leaves_is_refused_at_creation_naming_them_all(jpg):
    tea = Product(category_keyword="茶叶", properties={"品牌": NO_BRAND}, title="桂花乌龙冷泡茶", price=Decimal("39"),
                  stock=10, main_images=[str(jpg)])
    (problem,) = [e for e in taobao_limits.validate(tea, datetime.now(timezone.utc)) if e["field"] == "category_keyword"]
    assert problem["message"] == "类目「茶叶」对应多个淘宝类目，请选一个：茶>茶叶>绿茶、茶>茶叶>红茶、茶>茶叶>乌龙茶"
    for chosen in (tea.model_copy(update={"category_path": "茶>茶叶>乌龙茶"}),
                   tea.model_copy(update={"category_keyword": "茶>茶叶>乌龙茶"}),
                   tea.model_copy(update={"category_keyword": "乌龙茶"})):
        assert taobao_limits.validate(chosen, datetime.now(timezone.utc)) == []


def test_a_word_written_as_a_whole_path_searches_its_last_part_and_picks_that_path():
    assert Product(category_keyword="茶 > 茶叶 > 乌龙茶").category_query() == ("乌龙茶", "茶 > 茶叶 > 乌龙茶")
    assert Product(category_keyword="茶叶", category_path="茶>茶叶>红茶").category_query() == ("茶叶", "茶>茶叶>红茶")
    assert Product(category_keyword="手机壳").category_query() == ("手机壳", None)


def test_the_adapter_stops_when_the_sites_search_gives_several_leaves_and_lists_the_chosen_one(adapter, seller, tb, jpg):
    tea = Product(category_keyword="茶叶", properties={"品牌": NO_BRAND, "产地": "福建安溪"}, title="桂花乌龙冷泡茶 12包",
                  price=Decimal("39"), stock=10, main_images=[str(jpg)])
    with pytest.raises(CategoryChoice) as raised:
        adapter.fill(seller, tea)
    assert raised.value.paths == ["茶>茶叶>绿茶", "茶>茶叶>红茶", "茶>茶叶>乌龙茶"]
    assert "没有替你选" in raised.value.message and tb.state()["submissions"] == 0

    chosen = tea.model_copy(update={"category_keyword": "茶>茶叶>乌龙茶"})
    assert adapter.fill(seller, chosen)["category"] == "茶>茶叶>乌龙茶"
    done = adapter.submit(seller, allowed=["no_desc_images"])
    (item,) = tb.state()["items"]
    assert (item["id"], item["catPath"], item["price"], item["quantity"]) == (done.item_id, "茶>茶叶>乌龙茶", "39.00", 10)
