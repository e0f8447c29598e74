"""Where each page of the seller back-end lives.

The real pages are spread over three hosts (real-sites.md §3); the replica serves every path from one
origin. ``SiteUrls`` builds a page's URL from the adapter's base URL: a ``*.taobao.com`` base means the
real site (each path on its own host, ``REAL_HOSTS``), anything else is the replica (every path on the
base URL).
"""
from __future__ import annotations

from urllib.parse import urlsplit

REAL_DOMAIN = "taobao.com"
REAL_HOSTS = {
    "login": "https://loginmyseller.taobao.com",   # seller login (the form sits in an iframe)
    "seller": "https://myseller.taobao.com",       # 千牛 workbench: home and the item lists
    "upload": "https://item.upload.taobao.com",    # category step, publish form, success page
}
PATHS = {
    "login": ("login", "/"),
    "home": ("seller", "/home.htm/QnworkbenchHome/"),
    "on_sale": ("seller", "/home.htm/SellManage/on_sale"),    # GUESS: no public source for the list paths
    "in_stock": ("seller", "/home.htm/SellManage/in_stock"),  # GUESS
    "category": ("upload", "/sell/ai/category.htm"),
    "publish": ("upload", "/sell/v2/publish.htm"),
    "success": ("upload", "/sell/v2/success.htm"),
    "reviews": ("seller", "/home.htm/comment-manage/list/rateWait4PC"),  # 评价管理 → 来自买家的评价
    "ask": ("seller", "/home.htm/comment-manage/ask-all"),               # 问大家
    "sold": ("seller", "/home.htm/trade-platform/tp/sold"),              # 已卖出的宝贝
    "refunds": ("seller", "/home.htm/trade-platform/refund-list"),       # 退款/售后
}
LOGIN_WALL_PATH = "/member/login.jhtml"
LOGIN_WALL_HOSTS = ("login.taobao.com", "passport.taobao.com", "loginmyseller.taobao.com")


class SiteUrls:
    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.real = (urlsplit(self.base_url).hostname or "").endswith(REAL_DOMAIN)

    def __call__(self, name: str) -> str:
        host, path = PATHS[name]
        return (REAL_HOSTS[host] if self.real else self.base_url) + path

    def path(self, name: str) -> str:
        return PATHS[name][1]


def on_login_wall(url: str) -> bool:
    """The URL a dead session is sent to (the seller login itself counts only on its real host)."""
    parts = urlsplit(url)
    return parts.path.startswith(LOGIN_WALL_PATH) or (parts.hostname or "") in LOGIN_WALL_HOSTS
