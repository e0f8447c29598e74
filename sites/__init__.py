"""Site adapters by name. Adding a site: one folder under ``sites/`` and one line here."""
from __future__ import annotations

from core.settings import Settings
from sites.base import SiteAdapter
from sites.douyin import DouyinAdapter
from sites.etax import EtaxAdapter
from sites.taobao import TaobaoAdapter
from sites.xiaohongshu import XiaohongshuAdapter

SITES: dict[str, type[SiteAdapter]] = {
    "xiaohongshu": XiaohongshuAdapter,
    "douyin": DouyinAdapter,
    "taobao": TaobaoAdapter,
    "etax": EtaxAdapter,
}


def adapter_for(site: str, settings: Settings) -> SiteAdapter:
    """The site's adapter on the configured base URL (the real site, or its replica in sandbox mode)."""
    return SITES[site](settings.site_base_url(site), settings)
