"""HTML of the small-scale VAT return form (``/portal/declare/vat?period=2026Q3``).

One row per line (栏次 1–25): the item text, inputs for 本期数 × (货物及劳务, 服务、不动产和无形资产),
and 本年累计 read-only (earlier filed quarters of the year plus this quarter, kept live by ``vat.js``).
Computed lines (9, 20, 22, 23–25) are read-only inputs. Ids ``r<line>_<col>``, ``r<line>_<col>_ytd``,
``r23``…``r25`` and aria-labels ``第N栏 <column> 本期数`` are GUESS.
"""
from __future__ import annotations

from datetime import datetime
from html import escape

from sandbox.etax import vat
from sandbox.etax.pages import layout
from sandbox.common.world import SITE_TZ


def cell(key: str, label: str, value: float, computed: bool, colspan: int = 1) -> str:
    ident = "r" + key.replace(".", "_")
    attrs = ' readonly tabindex="-1" class="cell computed"' if computed else ' class="cell" inputmode="decimal"'
    span = f' colspan="{colspan}"' if colspan > 1 else ""
    return (f'<td{span}><input id="{ident}" data-key="{key}" aria-label="{label} 本期数" autocomplete="off"'
            f' value="{value:.2f}"{attrs}></td>')


def ytd(key: str, label: str, value: float, colspan: int = 1) -> str:
    span = f' colspan="{colspan}"' if colspan > 1 else ""
    ident = "r" + key.replace(".", "_") + "_ytd"
    return f'<td{span} class="ytd" id="{ident}" data-key="{key}" aria-label="{label} 本年累计">{value:.2f}</td>'


def row(line: vat.Line, current: dict, prior: dict) -> str:
    item = (f'<td class="item"><span class="prefix">{line.prefix}</span><span class="item-text">{line.item}</span></td>'
            f'<td class="line-no">{line.no}</td>')
    if line.no in vat.SURTAX_RATES:
        key, label = str(line.no), f"第{line.no}栏"
        cells = cell(key, label, current[key], True, 2) + ytd(key, label, prior[key] + current[key], 2)
    else:
        keys = [(f"{line.no}.{c}", f"第{line.no}栏 {name}") for c, name in vat.COLS.items()]
        cells = "".join(cell(k, lab, current[k], line.computed) for k, lab in keys)
        cells += "".join(ytd(k, lab, prior[k] + current[k]) for k, lab in keys)
    section = (f'<tr class="section"><th colspan="6">{vat.SECTIONS[line.no]}</th></tr>'
               if line.no in vat.SECTIONS else "")
    return f'{section}<tr data-line="{line.no}">{item}{cells}</tr>'


def form_page(taxpayer: dict, period: str, prefill: dict, prior: dict, threshold: float, reduction_rule: bool,
              edu_exempt_up_to: float = vat.EDU_EXEMPT_UP_TO) -> str:
    current = vat.as_numbers(vat.compute(prefill, edu_exempt_up_to))
    rows = "".join(row(line, current, prior) for line in vat.LINES)
    today = datetime.now(SITE_TZ).strftime("%Y-%m-%d")
    body = f"""<h1 class="form-title">{vat.TITLE}</h1>
<div class="form-meta"><span>纳税人识别号（统一社会信用代码）：<b class="meta-code">{escape(taxpayer["credit_code"])}</b></span>
<span>纳税人名称：<b class="meta-name">{escape(taxpayer["name"])}</b></span>
<span>税款所属期：<b class="meta-period">{vat.period_text(period)}</b></span><span>填表日期：{today}</span>
<span class="unit">金额单位：元（列至角分）</span></div>
<table class="vat-form" aria-label="{vat.TITLE}"><thead>
<tr><th rowspan="2">项目</th><th rowspan="2">栏次</th><th colspan="2">本期数</th><th colspan="2">本年累计</th></tr>
<tr><th>货物及劳务</th><th>服务、不动产和无形资产</th><th>货物及劳务</th><th>服务、不动产和无形资产</th></tr>
</thead><tbody>{rows}</tbody></table>
<div class="form-actions"><a class="t-button" href="/portal/declare/list">返回</a>
<button type="button" class="t-button t-button--theme-primary submit-btn">提交申报</button></div>"""
    config = {"period": period, "prior": prior, "messages": vat.messages(threshold), "threshold": threshold,
              "reductionRule": reduction_rule, "cols": vat.COLS, "inputKeys": vat.input_keys(),
              "items": {line.no: line.item for line in vat.LINES},
              "surtax": {str(n): int(r * 1000) for n, r in vat.SURTAX_RATES.items()},
              "surtaxRelief": int(vat.SURTAX_RELIEF * 100), "eduExempt": [str(n) for n in vat.EDU_EXEMPT_LINES],
              "eduExemptUpTo": edu_exempt_up_to,
              "submitUrl": "/api/declare/vat/submit"}
    return layout(vat.TITLE, body, taxpayer, side="申报清册", scripts=("vat.js",), config=config)
