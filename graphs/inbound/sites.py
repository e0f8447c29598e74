"""Which sites have an inbox, and their inbound adapters (``sites.inbound.InboundAdapter``)."""
from __future__ import annotations

from core.errors import PageChanged
from core.settings import Settings

INBOUND_SITES = ("douyin", "xiaohongshu", "taobao")


def inbound_adapter(site: str, settings: Settings):
    """The site's adapter, which reads its inbox and replies (``sites.inbound``)."""
    from sites import adapter_for  # sites import playwright: only when a run needs one

    adapter = adapter_for(site, settings)
    if not hasattr(adapter, "read_inbox"):
        raise PageChanged(f"{adapter.label}的消息页面还不能读取")
    return adapter


def site_label(site: str) -> str:
    from sites import SITES

    return SITES[site].label if site in SITES else site
