"""The replica's small category tree: leaf categories with their catId, required properties and sale props.

Paths, ids and brand lists are GUESSES shaped like the real ones (numeric ids, ``A>B>C`` paths, 品牌 as a
pick-from-list property, ``无品牌/无注册商标`` always offered).
"""
from __future__ import annotations

from dataclasses import dataclass

NO_BRAND = "无品牌/无注册商标"
BRANDS_3C = ["Apple/苹果", "华为/HUAWEI", "小米/MI", "倍思/Baseus", "绿联/UGREEN", NO_BRAND]
BRANDS_WEAR = ["优衣库/UNIQLO", "ZARA", "太平鸟", "森马", NO_BRAND]
BRANDS_TEA = ["西湖牌", "八马", "大益", "竹叶青", NO_BRAND]
COLORS_SIZES = ("颜色分类", "尺码")


@dataclass(frozen=True)
class Prop:
    name: str
    kind: str  # "brand" (pick from options) | "text"
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Leaf:
    cat_id: int
    path: str
    keywords: tuple[str, ...]
    props: tuple[Prop, ...]
    sale_props: tuple[str, ...] = ()
    """Sale properties that build the SKU table (``颜色分类`` and maybe ``尺码``); empty: no SKU table, the
    item has one 一口价 and one 总库存 (the tea leaves)."""

    def public(self) -> dict:
        return {"catId": self.cat_id, "path": self.path, "saleProps": list(self.sale_props),
                "props": [{"name": p.name, "kind": p.kind, "options": list(p.options), "required": True}
                          for p in self.props]}


def _brand(options: list[str]) -> Prop:
    return Prop("品牌", "brand", tuple(options))


LEAVES = [
    Leaf(50012342, "手机>手机配件>手机壳", ("手机壳", "保护套", "手机套"), (_brand(BRANDS_3C), Prop("型号", "text")),
         ("颜色分类",)),
    Leaf(50012356, "手机>手机配件>数据线", ("数据线", "充电线", "快充线"), (_brand(BRANDS_3C), Prop("型号", "text")),
         ("颜色分类",)),
    Leaf(50000671, "女装/女士精品>T恤", ("T恤", "t恤", "短袖"), (_brand(BRANDS_WEAR), Prop("货号", "text")), COLORS_SIZES),
    Leaf(50000436, "男装>T恤", ("T恤", "t恤", "短袖", "男士"), (_brand(BRANDS_WEAR), Prop("货号", "text")), COLORS_SIZES),
    Leaf(50010850, "女装/女士精品>连衣裙", ("连衣裙", "裙子"), (_brand(BRANDS_WEAR), Prop("货号", "text")), COLORS_SIZES),
    Leaf(50017087, "茶>茶叶>绿茶", ("茶叶", "绿茶", "龙井"), (_brand(BRANDS_TEA), Prop("产地", "text"))),
    Leaf(50017089, "茶>茶叶>红茶", ("茶叶", "红茶"), (_brand(BRANDS_TEA), Prop("产地", "text"))),
    Leaf(50017091, "茶>茶叶>乌龙茶", ("茶叶", "乌龙茶", "乌龙", "铁观音"), (_brand(BRANDS_TEA), Prop("产地", "text"))),
]
BY_ID = {leaf.cat_id: leaf for leaf in LEAVES}


def search(keyword: str) -> list[Leaf]:
    """Leaves whose path or keywords contain ``keyword`` (case-insensitive); empty keyword: nothing."""
    word = keyword.strip().lower()
    if not word:
        return []
    return [leaf for leaf in LEAVES if word in leaf.path.lower() or any(word in k.lower() for k in leaf.keywords)]


def leaf(cat_id) -> Leaf | None:
    try:
        return BY_ID.get(int(cat_id))
    except (TypeError, ValueError):
        return None
