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


def reachable_hosts(settings: Settings) -> list[str]:
    """Every host some site's pages reach directly (the union of the fence's allowlists): the only names a
    worker's browser may look up (``Settings.chromium_args``)."""
    return sorted({host for site in SITES for host in adapter_for(site, settings).allowed_hosts()})
