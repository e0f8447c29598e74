"""``read_stats`` on the Xiaohongshu and Douyin replicas in real Chromium: every post's numbers as the data pages
show them, page after page; a nightly read stops at the page that reaches back past its cutoff, so it opens
fewer pages than a full one; and a dead session is said to be one."""
from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from core.errors import LoginRequired
from core.models import utcnow
from core.settings import Settings
from sites.douyin import DouyinAdapter
from sites.xiaohongshu import XiaohongshuAdapter
from tests.collect_fixtures import add_history, runtime, scan_in, truth  # noqa: F401
from tests.sandbox_fixtures import running_replica

SITES = {"xiaohongshu": (XiaohongshuAdapter, "sandbox.xiaohongshu", "fans_gained"),
         "douyin": (DouyinAdapter, "sandbox.douyin", "plays")}


@pytest.fixture(scope="module", params=sorted(SITES))
def site(request):
    adapter_cls, module, metric = SITES[request.param]
    with running_replica(module) as control:
        yield adapter_cls(control.url, Settings(sandbox=True, browser_timeout_ms=15_000)), control, metric


@pytest.fixture
def page(runtime, site):
    adapter, control, _metric = site
    control.reset()
    with runtime.context(adapter.allowed_hosts()) as ctx:
        page = ctx.new_page()
        scan_in(adapter, page, control.url, "demo")
        yield page


def test_a_full_read_gives_every_posts_numbers_as_the_data_pages_show_them(site, page):
    adapter, control, metric = site
    add_history(control.url, "demo", 25, days=60)
    control.faults(stats_now=(utcnow() + timedelta(hours=5)).timestamp())
    got = adapter.read_stats(page, None)
    shown = truth(control, "demo")
    read = {}
    for r in got.readings:
        read.setdefault((r.subject, r.subject_id), {})[r.metric] = r.value
    assert {k[1] for k in read if k[0] == "post"} == set(shown["posts"])  # all 25, over 3 pages
    assert all(read[("post", pid)] == nums for pid, nums in shown["posts"].items())
    assert read[("account", "")] == {"fans": shown["fans"]}
    assert metric in next(iter(shown["posts"].values()))
    assert got.pages >= 4  # the list's three pages and the fans


def test_a_nightly_read_stops_at_the_page_past_its_cutoff(site, page):
    adapter, control, _metric = site
    add_history(control.url, "demo", 25, days=50)  # one every two days: ten days fit on the first page
    full = adapter.read_stats(page, None)
    recent = adapter.read_stats(page, utcnow() - timedelta(days=10))
    assert recent.pages < full.pages
    posts = {r.subject_id for r in recent.readings if r.subject == "post"}
    assert 5 <= len(posts) <= 10 and any(r.subject == "account" for r in recent.readings)


def test_a_dead_session_is_said_to_need_a_login(site, page):
    adapter, control, _metric = site
    control.expire_sessions()
    with pytest.raises(LoginRequired):
        adapter.read_stats(page, None)
    assert httpx.get(f"{control.url}/__sandbox__/changes", timeout=10).json()["changes"] == 0
