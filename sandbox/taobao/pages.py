"""HTML of the replica's shell, login pages, seller home, success page and item lists, written anew.

Only what an adapter locates (and what a person reads) follows the real site: texts, ids, roles and
the class names public automation code relies on. The category step is in ``category_page.py``, the
publish form in ``publish_page.py``, the iframes (material picker, slider) in ``frames.py``.
"""
from __future__ import annotations

import json
from html import escape


HOME = "/home.htm/QnworkbenchHome/"
ON_SALE, IN_STOCK = "/home.htm/SellManage/on_sale", "/home.htm/SellManage/in_stock"
CATEGORY = "/sell/ai/category.htm"
MENU = [("首页", HOME), ("发布宝贝", CATEGORY), ("出售中的宝贝", ON_SALE), ("仓库中的宝贝", IN_STOCK),
        ("评价管理", "/home.htm/comment-manage/list/rateWait4PC")]


def config_tag(config: dict | None) -> str:
    data = json.dumps(config or {}, ensure_ascii=False).replace("<", "\\u003c")  # safe inside <script>
    return f'<script id="sandbox-config" type="application/json">{data}</script>'


def document(title: str, body: str, *, scripts: tuple[str, ...] = (), config: dict | None = None,
             body_class: str = "") -> str:
    js = "".join(f'<script src="/static/{s}"></script>' for s in scripts)
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<link rel="stylesheet" href="/static/style.css"></head><body class="{body_class}">{body}'
            f'{config_tag(config)}{js}</body></html>')


def seller(title: str, body: str, user: str, *, scripts: tuple[str, ...] = (), config: dict | None = None,
           menu: bool = True) -> str:
    """A 千牛 seller page: top bar, side menu, content; ``config["baxia"]`` makes baxia.js show the slider."""
    nav = "".join(f'<li class="qn-menu-item"><a href="{href}">{name}</a></li>' for name, href in MENU)
    side = f'<aside class="qn-side"><ul class="qn-menu" role="menu">{nav}</ul></aside>' if menu else ""
    top = (f'<header class="qn-header"><span class="qn-logo">千牛</span><span class="qn-name">卖家工作台</span>'
           f'<span class="qn-user">{escape(user)}</span><a class="qn-logout" href="/member/logout.jhtml">退出</a></header>')
    return document(title, f'{top}<div class="qn-body">{side}<main class="qn-main">{body}</main></div>',
                    scripts=("common.js", "baxia.js") + scripts, config=config)


def login_box(qr: str, token: str, poll_ms: int, redirect: str) -> str:
    """The login box: 扫码登录 (QR that expires) and 密码登录 (account + password, then an SMS step)."""
    cfg = escape(json.dumps({"token": token, "poll": poll_ms, "redirect": redirect}), quote=True)
    return f"""
<div id="login" class="login-box" data-config="{cfg}">
 <div class="login-tabs" role="tablist">
  <div class="login-tab active" role="tab" data-tab="qr">扫码登录</div>
  <div class="login-tab" role="tab" data-tab="password">密码登录</div>
 </div>
 <div class="qrcode-login" data-pane="qr">
  <div class="qrcode-img"><img alt="二维码" src="{qr}"></div>
  <div class="qrcode-error" hidden><p class="error-msg">二维码已失效</p><button type="button" class="refresh">点击刷新</button></div>
  <p class="qrcode-tip">打开 <b>千牛App</b> 或 <b>手机淘宝</b> 扫一扫登录</p>
 </div>
 <form class="password-login" data-pane="password" hidden autocomplete="off">
  <div class="fm-field"><input id="fm-login-id" name="fm-login-id" type="text" placeholder="账号名/邮箱/手机号"></div>
  <div class="fm-field"><input id="fm-login-password" name="fm-login-password" type="password" placeholder="请输入登录密码"></div>
  <div class="login-error-msg" role="alert"></div>
  <button type="submit" class="fm-button fm-submit password-login">登录</button>
 </form>
 <form class="sms-check" data-pane="sms" hidden autocomplete="off">
  <p class="sms-title">为了你的账号安全，请进行短信验证</p>
  <p class="sms-phone">验证码将发送至 <span class="phone"></span></p>
  <div class="fm-field"><input id="fm-sms-code" type="text" maxlength="6" placeholder="请输入6位短信验证码">
   <button type="button" class="send-sms">获取验证码</button></div>
  <div class="sms-error-msg" role="alert"></div>
  <button type="submit" class="fm-button fm-submit sms-login">确定</button>
 </form>
</div>"""


def seller_login_page(box_src: str) -> str:
    """``/`` (loginmyseller): the login form lives in an iframe, as on the real seller login."""
    body = f"""
<div class="seller-login"><header class="qn-header"><span class="qn-logo">千牛</span><span class="qn-name">卖家中心</span></header>
 <div class="seller-login-main"><div class="seller-login-intro"><h1>千牛卖家工作台</h1><p>一站式经营，生意更简单</p></div>
  <iframe id="alibaba-login-box" title="登录" src="{escape(box_src, quote=True)}" scrolling="no"></iframe></div></div>"""
    return document("千牛卖家中心", body)


def member_login_page(box: str, mini: bool) -> str:
    """``/member/login.jhtml``: the bare box (``style=mini``, inside the iframe) or the full login wall page."""
    if mini:
        return document("登录", box, scripts=("login.js",), body_class="mini")
    body = f'<div class="member-login"><h2 class="login-title">亲，请登录</h2>{box}</div>'
    return document("淘宝网 - 亲，请登录", body, scripts=("login.js",))


def home_page(user: str, counts: dict) -> str:
    return f"""
<div class="qn-card"><h2 class="qn-hello">你好，{escape(user)}</h2><p>欢迎使用千牛卖家工作台</p>
 <a class="next-btn next-btn-primary publish-entry" href="/sell/ai/category.htm">发布宝贝</a>
 <ul class="qn-stats"><li><a href="{ON_SALE}">出售中 <b>{counts["on_sale"]}</b></a></li>
  <li><a href="{IN_STOCK}">仓库中 <b>{counts["in_stock"]}</b></a></li></ul></div>"""


def success_page(item_id: str, cat_id: str) -> str:
    return f"""
<div class="qn-card success-card"><h2 class="success-title">商品提交成功</h2>
 <p class="success-id">商品ID: <span class="item-id">{escape(item_id)}</span></p>
 <p><a href="/item.htm?id={escape(item_id)}">查看宝贝</a> · <a href="{CATEGORY}">继续发布</a> ·
  <a href="{ON_SALE}">出售中的宝贝</a> · <a href="{IN_STOCK}">仓库中的宝贝</a></p>
 <input type="hidden" id="success-cat-id" value="{escape(cat_id)}"></div>"""


def list_tabs(shelf: str) -> str:
    return "".join(f'<a class="list-tab{" active" if key == shelf else ""}" role="tab" href="{href}">{name}</a>'
                   for key, name, href in (("on_sale", "出售中", ON_SALE), ("in_stock", "仓库中", IN_STOCK)))
