"""HTML of the replica's pages, written anew after the real pages' paths, texts, placeholders and classes.

Only what an adapter locates (and what a person reads) follows the real site; everything else is plain.
The publish form is in ``publish_page.py``.
"""
from __future__ import annotations

import json
from html import escape

from sandbox.xiaohongshu.state import Note

MENU = [("首页", "/new/home"), ("笔记管理", "/new/note-manager"), ("数据看板", "/new/home#data"),
        ("活动中心", "/new/home#activity"), ("笔记灵感", "/new/home#inspiration"),
        ("创作学院", "/new/home#school"), ("创作百科", "/new/home#wiki")]


def layout(title: str, body: str, *, script: str = "", menu: bool = True) -> str:
    js = f'<script src="/static/{script}"></script>' if script else ""
    side = ""
    if menu:
        items = "".join(f'<a class="menu-item" href="{href}">{name}</a>' for name, href in MENU)
        side = (f'<div class="menu-container"><a class="btn red publish-video" '
                f'href="/publish/publish?source=official">发布笔记</a>{items}</div>')
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<title>{escape(title)}</title><link rel="stylesheet" href="/static/style.css"></head><body>'
            '<div class="header"><span class="logo">小红书</span><span class="name">创作服务平台</span></div>'
            f'<div class="layout">{side}<main class="main-container">{body}</main></div>{js}</body></html>')


def login_page(qr: str, token: str, poll_ms: int) -> str:
    data = json.dumps({"token": token, "poll": poll_ms})
    return layout("小红书创作服务平台", f"""
<div class="login-container"><div class="login-box-container">
 <div class="login-box" data-config='{escape(data)}'>
  <div class="title">APP扫一扫登录</div>
  <div class="qrcode">
   <img class="qrcode-img" alt="登录二维码" src="{qr}">
   <div class="qrcode-expired" hidden><p>二维码已过期</p><button type="button" class="refresh">点击刷新</button></div>
  </div>
  <p class="tip">打开<b>小红书App</b>，点击左上角 ☰ 扫一扫</p>
 </div>
</div></div>""", script="login.js", menu=False)


def home_page(user: str) -> str:
    return layout("首页 - 小红书创作服务平台", f"""
<h2 class="user-name">你好，{escape(user)}</h2>
<p>欢迎来到创作服务平台</p>
<a class="btn red" href="/publish/publish?source=official">发布笔记</a>""")


def success_page(back_s: float) -> str:
    back_ms = int(back_s * 1000)
    return layout("发布成功 - 小红书创作服务平台", f"""
<div class="content-title">发布笔记</div>
<div class="success-container" data-back-ms="{back_ms}">
 <div class="icon">✓</div>
 <div class="success-title">发布成功</div>
 <div class="success-tip"><span class="seconds">{max(1, round(back_s))}</span> 秒后自动返回发布页</div>
 <button type="button" class="back">立即返回</button>
</div>
<script>
(function () {{
  var box = document.querySelector(".success-container"), left = parseInt(box.dataset.backMs, 10);
  var back = function () {{ location.href = "/publish/publish?source="; }};
  box.querySelector(".back").addEventListener("click", back);
  var tick = setInterval(function () {{
    left -= 1000;
    box.querySelector(".seconds").textContent = Math.max(0, Math.ceil(left / 1000));
  }}, 1000);
  setTimeout(function () {{ clearInterval(tick); back(); }}, left);
}})();
</script>""")


def explore_page(n: Note) -> str:
    return layout(f"{n.title} - 小红书", f'<h2 class="title">{escape(n.title)}</h2>'
                  f'<div class="desc" style="white-space:pre-wrap">{escape(n.body)}</div>')
