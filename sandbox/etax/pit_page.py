"""HTML of the 经营所得 A表 (``/portal/declare/pit?period=2026Q3``): one row per field, 本年累计 amounts.

Inputs carry the field's name as their accessible name (``收入总额``) and ids ``pit-<key>`` (GUESS, like
every part of this page). Computed fields are read-only and kept live by ``static/pit.js``; 税率 shows as
``10%``. 已缴税额 is the portal's own record of the year's earlier A表, as the real portal pre-fills it.
"""
from __future__ import annotations

from datetime import datetime
from html import escape

from sandbox.etax import pit, vat
from sandbox.etax.pages import layout
from sandbox.common.world import SITE_TZ


def shown(key: str, value) -> str:
    return f"{int(value)}%" if key == "rate" else f"{value:.2f}"


def row(n: int, field: pit.Field, value) -> str:
    attrs = ' readonly tabindex="-1" class="cell computed"' if field.computed else ' class="cell" inputmode="decimal"'
    return (f'<tr data-key="{field.key}"><td class="item">{field.name}</td><td class="line-no">{n}</td>'
            f'<td><input id="pit-{field.key}" data-key="{field.key}" aria-label="{field.name}" autocomplete="off"'
            f' value="{shown(field.key, value)}"{attrs}></td></tr>')


def form_page(taxpayer: dict, period: str, paid: float) -> str:
    start = pit.compute({}, paid)
    rows = "".join(row(n, f, start[f.key]) for n, f in enumerate(pit.FIELDS, 1))
    today = datetime.now(SITE_TZ).strftime("%Y-%m-%d")
    body = f"""<h1 class="form-title">{pit.TITLE}</h1>
<div class="form-meta"><span>纳税人识别号（统一社会信用代码）：<b class="meta-code">{escape(taxpayer["credit_code"])}</b></span>
<span>纳税人名称：<b class="meta-name">{escape(taxpayer["name"])}</b></span>
<span>税款所属期：<b class="meta-period">{vat.period_text(period)}</b></span><span>填表日期：{today}</span>
<span class="unit">金额单位：元（列至角分）；本年累计</span></div>
<table class="pit-form" aria-label="{pit.TITLE}"><thead><tr><th>项目</th><th>行次</th><th>金额/比例</th></tr></thead>
<tbody>{rows}</tbody></table>
<div class="form-actions"><a class="t-button" href="/portal/declare/list">返回</a>
<button type="button" class="t-button t-button--theme-primary submit-btn">提交申报</button></div>"""
    config = {"period": period, "paid": f"{paid:.2f}", "inputKeys": pit.INPUTS,
              "bands": [[str(u) if u is not None else None, r, str(q)] for u, r, q in pit.BANDS],
              "submitUrl": "/api/declare/pit/submit"}
    return layout(pit.TITLE, body, taxpayer, side="申报清册", scripts=("pit.js",), config=config)
