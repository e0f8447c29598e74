"""Site adapters by name. Adding a site: one folder under ``sites/`` and one line here."""
from __future__ import annotations

from sites.base import SiteAdapter
from sites.xiaohongshu import XiaohongshuAdapter

SITES: dict[str, type[SiteAdapter]] = {
    "xiaohongshu": XiaohongshuAdapter,
}


def adapter_for(site: str, base_url: str) -> SiteAdapter:
    return SITES[site](base_url)
