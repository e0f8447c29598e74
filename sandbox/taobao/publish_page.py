"""The publish form (``/sell/v2/publish.htm?catId=``), after the real component schema.

Each field sits in ``div#struct-<id>`` (``catProp``, ``title``, ``sku``, ``price``, ``quantity``, ``outerId``,
``mainImagesGroup``, ``desc``, ``startTime``); the primary inputs carry the bare id (``input#title``,
``input#price``, ``input#quantity``, ``input#outerId``). Errors show in ``.next-form-item-help`` of the field.
Buttons in ``#float-bottom.sell-float-bottom > #struct-buttons``: ``button[_id="button-submit"]``
``提交宝贝信息`` and ``button[_id="draft-btn"]``. Behaviour in ``static/publish.js`` (+ ``sku.js``,
``images.js``, ``combobox.js``).
"""
from __future__ import annotations

from html import escape

from sandbox.taobao.catalog import Leaf

TITLE_PLACEHOLDER = "最多允许输入30个汉字（60字符）"


def field(fid: str, label: str, inner: str, required: bool = True, hidden: bool = False) -> str:
    star = '<span class="required-star">*</span>' if required else ""
    return (f'<div id="struct-{fid}" class="sell-component sell-field sell-field-{fid}" data-field="{fid}"'
            f'{" hidden" if hidden else ""}><div class="sell-field-label">{star}<label>{label}</label></div>'
            f'<div class="sell-field-content">{inner}<div class="next-form-item-help" role="alert"></div></div></div>')


def cat_prop(leaf: Leaf) -> str:
    items = "".join(f'<div class="sell-catProp-item-common" data-prop="{escape(p.name)}" data-kind="{p.kind}">'
                    f'<div class="label required">{escape(p.name)}</div><div class="prop-control"></div></div>'
                    for p in leaf.props)
    return (f'<div class="cat-path">当前类目：<b>{escape(leaf.path)}</b> <a href="/sell/ai/category.htm">切换类目</a></div>'
            f'<div class="catProp-list">{items}</div>')


def sku_block(leaf: Leaf) -> str:
    groups = "".join(f'<div class="sku-group" data-sale-prop="{escape(name)}"><div class="sku-group-name">{escape(name)}</div>'
                     f'<div class="sku-values"></div><span class="next-input"><input type="text" class="sku-value-input" '
                     f'placeholder="请输入{escape(name)}" aria-label="{escape(name)}"></span>'
                     f'<button type="button" class="next-btn sku-add">添加</button></div>' for name in leaf.sale_props)
    return f'{groups}<div class="sku-table-wrap" hidden><table class="sku-table"><thead></thead><tbody></tbody></table></div>'


def main_images() -> str:
    return ('<div class="image-list"></div><div class="image-empty dashed main-content medium" role="button" tabindex="0">'
            '<span class="upload-icon">+</span><span>上传图片</span></div>'
            '<p class="image-tip">已上传 <span class="image-count">0</span>/5 张，支持jpg、png格式，大小不超过3M，建议800×800以上</p>')


def start_time() -> str:
    radios = "".join(f'<label class="next-radio-wrapper{" checked" if v == "now" else ""}"><input type="radio" '
                     f'name="startTime" value="{v}"{" checked" if v == "now" else ""}><span>{t}</span></label>'
                     for v, t in (("now", "立刻上架"), ("timed", "定时上架"), ("warehouse", "放入仓库")))
    return (f'<div class="next-radio-group" role="radiogroup">{radios}</div>'
            '<span class="next-input start-time-picker" hidden><input type="text" class="start-time-input" '
            'placeholder="请选择上架时间，如 2025-01-01 10:00" aria-label="上架时间"></span>')


def publish_page(leaf: Leaf) -> str:
    blocks = [
        field("catProp", "类目属性", cat_prop(leaf)),
        field("title", "宝贝标题", f'<span class="next-input title-input"><input type="text" id="title" '
                                  f'placeholder="{TITLE_PLACEHOLDER}" autocomplete="off"></span>'
                                  '<span class="title-count">0/60</span>'),
        field("sku", "销售规格", sku_block(leaf), required=False,
              hidden=not leaf.sale_props),
        field("price", "一口价", '<span class="next-input"><input type="text" id="price" aria-label="一口价" '
                                 'autocomplete="off"></span><span class="unit">元</span>'),
        field("quantity", "总库存", '<span class="next-input"><input type="text" id="quantity" aria-label="总库存" '
                                   'autocomplete="off"></span><span class="unit">件</span>'),
        field("outerId", "商家编码", '<span class="next-input"><input type="text" id="outerId" aria-label="商家编码" '
                                    'autocomplete="off"></span>', required=False),
        field("mainImagesGroup", "1:1主图", main_images()),
        field("desc", "描述", '<textarea id="desc" class="desc-text" aria-label="宝贝描述" rows="5" '
                             'placeholder="请输入宝贝描述"></textarea><div class="desc-images"></div>'
                             '<button type="button" class="next-btn desc-add-image">添加图片</button>'
                             '<p class="image-tip">详情图片宽度480~1500像素</p>', required=False),
        field("startTime", "上架时间", start_time()),
    ]
    lock = ('<div class="promotion-lock-tip" role="note">商品正在参加营销活动，价格和库存不可修改</div>')
    return f"""
<form id="publish-form" class="sell-publish-form" data-cat-id="{leaf.cat_id}" autocomplete="off" novalidate>
 <h2 class="publish-title">发布宝贝</h2>
 <div class="promotion-lock-slot" hidden>{lock}</div>
 {''.join(blocks)}
 <div id="float-bottom" class="sell-float-bottom"><div id="struct-buttons" class="com-struct">
  <button type="button" _id="draft-btn" id="draft-btn" class="next-btn">保存草稿</button>
  <button type="button" _id="button-submit" id="button-submit" name="button-submit"
    class="next-btn next-btn-primary next-btn-large">提交宝贝信息</button>
 </div></div>
</form>"""
