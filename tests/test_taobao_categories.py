"""Every leaf category of the Taobao replica lists one product through the adapter, in one Chromium.

Categories with sales attributes (颜色分类, 尺码) get a SKU table; the ones without (the tea leaves) have a
single 一口价 and 总库存, as on the real site. The replica's state is the proof of what the site received.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import ContentRejected
from core.settings import Settings
from sandbox.taobao.catalog import LEAVES, NO_BRAND, Leaf
from sites.taobao import TaobaoAdapter
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
