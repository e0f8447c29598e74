"""HTML of the replica's shell, login and home pages, written anew after the real pages.

Only what an adapter locates (and what a person reads) follows the real site: texts, placeholders,
ids and the class names seen in the saved real DOM (hash suffixes included). The upload page is in
``upload_page.py``, the publish forms in ``form_page.py``.
"""
from __future__ import annotations

import json
from html import escape


NAV = "douyin-creator-master-navigation"
MENU = [("home", "首页", "/creator-micro/home"), ("content", "内容管理", "/creator-micro/content/manage"),
        ("interaction", "互动管理", "/creator-micro/interactive/comment"), ("cash", "变现中心", "#"), ("create", "创作中心", "#"),
        ("market", "服务市场", "#"), ("help", "帮助中心", "#")]


def layout(body: str, *, scripts: tuple[str, ...] = (), config: dict | None = None, menu: bool = True) -> str:
    js = "".join(f'<script src="/static/{s}"></script>' for s in scripts)
    data = json.dumps(config or {}).replace("<", "\\u003c")  # safe inside <script>
    cfg = f'<script id="sandbox-config" type="application/json">{data}</script>'
    side = ""
    if menu:
        items = "".join(f'<li role="menuitem" tabindex="0" class="{NAV}-item" id="douyin-creator-master-menu-nav-{key}">'
                        f'<a href="{href}"><span class="{NAV}-item-text">{name}</span></a></li>'
                        for key, name, href in MENU)
        side = (f'<aside class="sider-EdbKED douyin-creator-master-layout-sider"><div id="douyin-creator-master-side-upload-wrap">'
                f'<a class="douyin-creator-master-button header-button-KP2xn1" href="/creator-micro/content/upload">'
                f'<span id="douyin-creator-master-side-upload">发布视频</span></a></div>'
                f'<ul role="menu" class="{NAV}-list">{items}</ul></aside>')
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>抖音创作者中心</title>'
            '<link rel="stylesheet" href="/static/style.css"></head><body><div id="root"><div class="container-box">'
            f'{side}<div class="content-qNoE6N"><div class="header-wrapper-ae4W6l"><span class="logo">抖音</span>'
            f'<span class="name">创作者中心</span></div><main class="micro-LlzqtC">{body}</main></div></div></div>'
            f'{cfg}{js}</body></html>')


def login_page(qr: str, token: str, poll_ms: int, after: str) -> str:
    """The QR login box. Shown at ``/`` and, for a dead session, in place on every creator page."""
    config = {"token": token, "poll": poll_ms, "after": after}
    return layout(f"""
<div class="login-pannel-QAbjid">
 <div class="account-qrcode-QvXsyS">
  <div class="tabs-Eyd8Fm"><div class="tab-item active" data-tab="qr">扫码登录</div>
   <div class="tab-item" data-tab="phone">手机号登录</div></div>
  <div class="scan_qrcode_login_content-HO3lHA" data-pane="qr">
   <div id="animate_qrcode_container" class="qrcode-vz0gH7">
    <img class="qrcode_img-NPVTJs" aria-label="二维码" src="{qr}">
    <div class="qrcode-expired-mask" role="button" tabindex="0" hidden><p>二维码失效</p><p class="refresh">点击刷新</p></div>
   </div>
   <p class="tip">打开<b>抖音App</b>，点击左上角 ☰ 扫一扫登录</p>
  </div>
  <div class="phone-login" data-pane="phone" hidden>
   <input class="semi-input" type="text" placeholder="请输入手机号">
   <input class="semi-input" type="text" placeholder="请输入验证码"><button type="button">获取验证码</button>
   <p class="tip">沙盒中请用抖音App扫一扫</p>
  </div>
 </div>
</div>""", scripts=("common.js", "overlays.js", "login.js"), config=config, menu=False)


def home_page(user: str, fans: int = 0) -> str:
    return layout(f"""
<div class="card-gkf5WW"><h2 class="user-name">你好，{escape(user)}</h2><p>欢迎来到抖音创作者中心</p>
<div class="home-counts"><span>关注 <b id="guide_home_following">0</b></span> <span>粉丝 <b id="guide_home_fans">{fans}</b></span></div>
<a class="douyin-creator-master-button" href="/creator-micro/content/upload">发布视频</a></div>""")
