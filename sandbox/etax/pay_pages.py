"""HTML of 税费缴纳: the unpaid list (未缴款), the payment page under the 三方协议, and 缴款成功.

Layout, ids and classes GUESS (no public DOM of the new portal); texts follow real-sites.md §4.
"""
from __future__ import annotations

from html import escape

from sandbox.etax import vat
from sandbox.etax.config import mask_account
from sandbox.etax.pages import layout
from sandbox.etax.records import Filing, Payment


def unpaid_page(taxpayer: dict, filings: list[Filing]) -> str:
    rows = "".join(
        f'<tr data-serial="{f.serial}"><td class="period">{vat.period_text(f.period)}</td><td class="name">{f.title}</td>'
        f'<td class="serial">{f.serial}</td><td class="amount">{f.tax_due:.2f}</td><td class="deadline">{vat.deadline(f.period)}</td>'
        f'<td class="action"><a class="t-link" href="/portal/pay/confirm?serial={f.serial}">立即缴款</a></td></tr>'
        for f in filings)
    empty = "" if filings else '<tr class="empty"><td colspan="6">暂无未缴款信息</td></tr>'
    body = f"""<h2 class="page-title">税费缴纳</h2>
<div class="t-tabs" role="tablist"><span role="tab" aria-selected="true" class="active">未缴款</span></div>
<table class="t-table unpaid-list" aria-label="未缴款"><thead><tr><th>所属期</th><th>申报表名称</th><th>申报序号</th>
<th>应缴金额（元）</th><th>缴款期限</th><th>操作</th></tr></thead><tbody>{rows}{empty}</tbody></table>"""
    return layout("税费缴纳", body, taxpayer, side="税费缴纳")


def confirm_page(taxpayer: dict, filing: Filing) -> str:
    body = f"""<h2 class="page-title">税费缴纳</h2>
<section class="pay-info"><h3>缴款信息</h3><dl>
 <dt>申报表名称</dt><dd>{filing.title}</dd><dt>所属期</dt><dd>{vat.period_text(filing.period)}</dd>
 <dt>申报序号</dt><dd>{filing.serial}</dd>
 <dt>应缴金额</dt><dd><span id="pay-amount">{filing.tax_due:.2f}</span> 元</dd></dl></section>
<section class="agreement"><h3>缴款方式：三方协议缴款</h3><dl>
 <dt>开户银行</dt><dd id="agreement-bank">{escape(taxpayer["bank"])}</dd>
 <dt>缴款账号</dt><dd id="agreement-account">{mask_account(taxpayer["account"])}</dd>
 <dt>三方协议号</dt><dd id="agreement-no">{escape(taxpayer["agreement"])}</dd></dl></section>
<div class="actions"><button type="button" class="t-button t-button--theme-primary pay-submit">确认缴款</button>
<a class="t-button" href="/portal/pay/unpaid">返回</a></div>"""
    config = {"serial": filing.serial, "amount": f"{filing.tax_due:.2f}"}
    return layout("税费缴纳", body, taxpayer, side="税费缴纳", scripts=("pay.js",), config=config)


def paid_page(taxpayer: dict, payment: Payment) -> str:
    body = f"""<div class="result success"><div class="icon">✓</div><h2 class="result-title">缴款成功</h2>
<dl class="result-info"><dt>电子缴税凭证号</dt><dd id="pay-voucher">{payment.voucher}</dd>
<dt>缴款金额</dt><dd><span id="paid-amount">{payment.amount:.2f}</span> 元</dd>
<dt>扣款账户</dt><dd>{escape(payment.bank)} {payment.account_masked}</dd>
<dt>缴款时间</dt><dd>{payment.paid_at}</dd></dl>
<div class="actions"><a class="t-button" href="/portal/query/filed">查看申报信息</a></div></div>"""
    return layout("缴款成功", body, taxpayer, side="税费缴纳")
