"""HTML of the tpass login shell and the portal's pages (home, 申报清册, result, 申报信息查询, expiry).

The new portal has no public DOM: texts follow the real site where known (real-sites.md §4); ids,
classes and roles are GUESS, chosen so that role/label/text locators work. The VAT form is in
``form_page.py``, the payment pages in ``pay_pages.py``.
"""
from __future__ import annotations

import json
from html import escape

from sandbox.etax import pit, vat
from sandbox.etax.records import Filing

SITE = "国家税务总局上海市电子税务局"
SIDE = [("申报清册", "/portal/declare/list"), ("税费缴纳", "/portal/pay/unpaid"),
        ("申报信息查询", "/portal/query/filed")]


def config_tag(config: dict) -> str:
    data = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")  # safe inside <script>
    return f'<script id="sandbox-config" type="application/json">{data}</script>'


def document(title: str, body: str, scripts: tuple[str, ...], config: dict, cls: str = "") -> str:
    js = "".join(f'<script src="/static/{s}"></script>' for s in ("common.js", *scripts))
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<title>{escape(title)}</title><link rel="stylesheet" href="/static/style.css"></head>'
            f'<body class="{cls}">{body}{config_tag(config)}{js}</body></html>')


def menu() -> str:
    return """<nav class="top-menu" role="menubar">
 <a role="menuitem" class="menu-title" href="/portal/home">首页</a>
 <div class="menu-group"><span role="menuitem" class="menu-title" aria-haspopup="true" tabindex="0">我要办税</span>
  <div class="submenu" role="menu" aria-label="我要办税">
   <a role="menuitem" href="/portal/declare/list">税费申报及缴纳</a><a role="menuitem" href="#">发票业务</a>
   <a role="menuitem" href="#">综合信息报告</a><a role="menuitem" href="#">证明开具</a></div></div>
 <div class="menu-group"><span role="menuitem" class="menu-title" aria-haspopup="true" tabindex="0">我要查询</span>
  <div class="submenu" role="menu" aria-label="我要查询">
   <a role="menuitem" href="/portal/query/filed">申报信息查询</a><a role="menuitem" href="/portal/pay/unpaid">缴款信息查询</a></div></div>
 <span role="menuitem" class="menu-title" tabindex="0">互动中心</span>
 <span role="menuitem" class="menu-title" tabindex="0">公众服务</span>
</nav>"""


def layout(title: str, body: str, taxpayer: dict, *, scripts: tuple[str, ...] = (), config: dict | None = None,
           side: str = "") -> str:
    aside = ""
    if side:
        links = "".join(f'<a role="menuitem" class="side-item{" active" if name == side else ""}" href="{href}"'
                        f'{" aria-current=page" if name == side else ""}>{name}</a>' for name, href in SIDE)
        aside = f'<aside class="side-menu" role="menu" aria-label="税费申报及缴纳">{links}</aside>'
    head = (f'<header class="etax-header"><span class="logo">{SITE}</span><span class="user">'
            f'<span class="taxpayer-name">{escape(taxpayer["name"])}</span>'
            f'<span class="taxpayer-code">{escape(taxpayer["credit_code"])}</span>'
            '<button type="button" class="logout">退出</button></span></header>')
    body = f'{head}{menu()}<div class="etax-body">{aside}<main class="etax-main">{body}</main></div>'
    return document(f"{title} - {SITE}", body, scripts, config or {})


def shell(config: dict) -> str:
    """The tpass single-page shell at ``/``: ``static/login.js`` renders ``#/login`` from the template."""
    return document(f"统一身份认证 - {SITE}", f"""
<div class="tpass-header"><span class="logo">{SITE}</span><span class="sub">统一身份认证平台</span></div>
<div id="app" class="tpass-app"></div>
<template id="tpl-login">
<div class="login-box">
 <div class="login-tabs" role="tablist"><span role="tab" aria-selected="true" class="active">企业业务</span>
  <span role="tab" aria-selected="false">自然人业务</span></div>
 <form class="login-form" novalidate>
  <div class="form-item"><label for="creditCode">统一社会信用代码/纳税人识别号</label>
   <input id="creditCode" name="creditCode" autocomplete="off" placeholder="统一社会信用代码/纳税人识别号"></div>
  <div class="form-item"><label for="account">居民身份证号码/手机号码/用户名</label>
   <input id="account" name="account" autocomplete="off" placeholder="居民身份证号码/手机号码/用户名"></div>
  <div class="form-item"><label for="password">个人用户密码</label>
   <input id="password" name="password" type="password" autocomplete="off" placeholder="个人用户密码"></div>
  <div class="slide-verify" hidden><div class="slide-track"><div class="slide-fill"></div>
   <span class="slide-text">请按住滑块，拖动到最右边</span>
   <div class="slide-knob" role="slider" aria-label="拖动滑块" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"
    tabindex="0">&raquo;</div></div></div>
  <div class="form-error" role="alert"></div>
  <button type="submit" class="login-btn">登录</button>
 </form>
 <div class="sms-step" hidden><h3>短信验证</h3><p>验证码将发送至 <span class="sms-phone"></span></p>
  <div class="form-item"><label for="smsCode">短信验证码</label>
   <input id="smsCode" maxlength="6" autocomplete="off" placeholder="请输入短信验证码">
   <button type="button" class="sms-send">获取验证码</button></div>
  <div class="form-error" role="alert"></div>
  <button type="button" class="sms-submit login-btn">确定</button></div>
 <div class="face-step" hidden><h3>身份验证</h3><p class="face-tip">请使用电子税务局APP扫码进行人脸识别</p>
  <div class="face-qr"><img alt="人脸识别二维码" src="">
   <div class="qr-expired" role="button" tabindex="0" hidden>二维码已失效，点击刷新</div></div></div>
</div>
</template>""", ("login.js",), config, cls="tpass")


def expired_page(bounce_s: float) -> str:
    """What a portal page shows for a dead session: the expiry text, then the login (after ``bounce_s``)."""
    body = (f'<div class="tpass-header"><span class="logo">{SITE}</span></div>'
            '<div class="session-expired" role="alertdialog" aria-label="提示"><p class="msg">身份认证已失效，请重新登录</p>'
            '<a class="t-button t-button--theme-primary" href="/#/login">重新登录</a></div>')
    return document(f"提示 - {SITE}", body, (), {"bounceMs": int(bounce_s * 1000)})


def home_page(taxpayer: dict, notices: int) -> str:
    texts = ["关于做好2026年第三季度增值税申报工作的通知：请纳税人在申报期内按时完成申报。",
             "关于推行全面数字化的电子发票的公告：请关注发票业务相关变化。",
             "系统升级公告：电子税务局将于周日凌晨进行系统维护。"]
    pops = "".join(
        f'<div class="notice-ctx" data-index="{i}"{" hidden" if i else ""}><div class="t-dialog__mask"></div>'
        f'<div class="t-dialog notice-dialog" role="dialog" aria-modal="true" aria-label="通知公告">'
        f'<div class="t-dialog__header">通知公告<button type="button" class="t-dialog__close" aria-label="关闭">×</button></div>'
        f'<div class="t-dialog__body">{escape(texts[i % len(texts)])}</div>'
        f'<div class="t-dialog__footer"><button type="button" class="t-button t-button--theme-primary notice-ok">我知道了</button>'
        '</div></div></div>' for i in range(notices))
    body = f"""
<section class="welcome"><h2>欢迎您，{escape(taxpayer["name"])}</h2>
 <p>纳税人识别号：{escape(taxpayer["credit_code"])}</p></section>
<section class="quick"><h3>常用功能</h3>
 <a class="quick-item" href="/portal/declare/list">税费申报及缴纳</a>
 <a class="quick-item" href="/portal/query/filed">申报信息查询</a></section>{pops}"""
    return layout("首页", body, taxpayer, scripts=("notice.js",))


def declare_row(n: int, title: str, period: str, filing: Filing | None, href: str) -> str:
    status = "已申报" if filing else "未申报"
    action = ('<a class="t-link" href="/portal/query/filed">查看</a>' if filing else
              f'<a class="t-link" href="{href}?period={period}">填写申报表</a>')
    return (f'<tr data-period="{period}"><td>{n}</td><td class="name">{title}</td><td class="period">'
            f'{vat.period_text(period)}</td><td class="deadline">{vat.deadline(period)}</td>'
            f'<td class="status">{status}</td><td class="action">{action}</td></tr>')


def declare_list_page(taxpayer: dict, period: str, filing: Filing | None, pit_filing: Filing | None = None) -> str:
    """The VAT return, then the A表 for an individual business (``pit_business``), then a return not offered."""
    rows = declare_row(1, vat.TITLE, period, filing, "/portal/declare/vat")
    if taxpayer.get("pit_business"):
        rows += declare_row(2, pit.TITLE, period, pit_filing, "/portal/declare/pit")
    rows += (f'<tr data-period="{period}-fs"><td>{2 + bool(taxpayer.get("pit_business"))}</td>'
             '<td class="name">财务报表报送与信息采集（小企业会计准则）</td>'
             f'<td class="period">{vat.period_text(period)}</td><td class="deadline">{vat.deadline(period)}</td>'
             '<td class="status">未申报</td><td class="action"><a class="t-link unavailable" href="#">填写申报表</a></td></tr>')
    body = f"""<h2 class="page-title">申报清册</h2>
<p class="tip">按期应申报：以下为本期应申报的税费，请在申报期限内完成申报。</p>
<table class="t-table declare-list" aria-label="申报清册"><thead><tr><th>序号</th><th>申报表名称</th><th>所属期</th>
<th>申报期限</th><th>申报状态</th><th>操作</th></tr></thead><tbody>{rows}</tbody></table>"""
    return layout("申报清册", body, taxpayer, side="申报清册")


def result_page(taxpayer: dict, filing: Filing) -> str:
    pay = (f'<a class="t-button t-button--theme-primary" href="/portal/pay/confirm?serial={filing.serial}">立即缴款</a>'
           if filing.pay_status == "未缴款" else "")
    body = f"""<div class="result success"><div class="icon">✓</div><h2 class="result-title">申报成功</h2>
<dl class="result-info"><dt>申报表名称</dt><dd>{filing.title}</dd>
<dt>所属期</dt><dd>{vat.period_text(filing.period)}</dd>
<dt>申报序号</dt><dd id="declare-serial">{filing.serial}</dd>
<dt>应补（退）税额</dt><dd><span id="tax-due">{filing.tax_due:.2f}</span> 元</dd>
<dt>申报时间</dt><dd>{filing.filed_at}</dd></dl>
<div class="actions">{pay}<a class="t-button" href="/portal/declare/list">返回申报清册</a></div></div>"""
    return layout("申报成功", body, taxpayer, side="申报清册")


def filed_page(taxpayer: dict, filings: list[Filing]) -> str:
    rows = "".join(
        f'<tr data-serial="{f.serial}"><td class="period">{vat.period_text(f.period)}</td><td class="name">{f.title}</td>'
        f'<td class="serial">{f.serial}</td><td class="filed-at">{f.filed_at}</td><td class="tax-due">{f.tax_due:.2f}</td>'
        f'<td class="pay-status">{f.pay_status}</td></tr>' for f in filings)
    empty = "" if filings else '<tr class="empty"><td colspan="6">暂无数据</td></tr>'
    body = f"""<h2 class="page-title">申报信息查询</h2>
<div class="t-tabs" role="tablist"><span role="tab" aria-selected="true" class="active">已申报</span></div>
<table class="t-table filed-list" aria-label="已申报"><thead><tr><th>所属期</th><th>申报表名称</th><th>申报序号</th>
<th>申报日期</th><th>应补（退）税额</th><th>缴款状态</th></tr></thead><tbody>{rows}{empty}</tbody></table>"""
    return layout("申报信息查询", body, taxpayer, side="申报信息查询")
