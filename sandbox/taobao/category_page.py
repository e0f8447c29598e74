"""The category step (``/sell/ai/category.htm``), after the real page's structure.

Search ``input[placeholder*="类目关键词"]`` (React-style controlled; Enter searches), results as
``.sell-component-general-category-result-cate.result-item`` with the path ``A>B>C`` in
``.sell-component-general-category-result-cate-path``, the required properties panel
(``.sell-catProp-item-common`` with ``.label.required``; 品牌 is a combobox), and the footer
``.sell-component-general-category-footer-cate .bottom-path`` (``类目: A>B>C``) with ``确认，下一步``.
Behaviour in ``static/category.js`` (+ ``combobox.js``).
"""
from __future__ import annotations

PLACEHOLDER = "请输入类目关键词，如：手机壳、连衣裙"


def category_page() -> str:
    return f"""
<div class="sell-component-general-category qn-card">
 <h2 class="category-title">选择类目</h2>
 <div class="category-search">
  <span class="next-input next-large"><input type="text" class="category-search-input" placeholder="{PLACEHOLDER}"
    autocomplete="off" aria-label="类目搜索"></span>
  <p class="search-tip">输入关键词后按回车搜索</p>
 </div>
 <div class="sell-component-general-category-result" hidden>
  <div class="result-cate-title">类目</div>
  <div class="result-loading" hidden>搜索中…</div>
  <div class="result-empty" hidden>未找到相关类目，请换个关键词试试</div>
  <ul class="result-list"></ul>
 </div>
 <div class="category-props" hidden>
  <h3 class="props-title">类目属性 <small>（带 * 为必填）</small></h3>
  <div class="props-list"></div>
 </div>
 <div class="sell-component-general-category-footer">
  <div class="sell-component-general-category-footer-cate"><span class="bottom-path">类目: 未选择</span></div>
  <button type="button" class="next-btn next-btn-primary next-btn-large confirm-next" disabled>确认，下一步</button>
 </div>
</div>"""
