"""The browser really runs with the features Playwright and we turn off.

Chromium keeps only the last ``--disable-features`` on its command line. Playwright passes its own list first
and ours comes after, so ours must carry Playwright's list too: this reads both off the live browsers' helper
processes, so a Playwright upgrade that adds a feature fails here instead of silently coming back on."""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from core.settings import OUR_DISABLED_FEATURES, Settings
from rpa.runtime import BrowserRuntime, chromium_args
from sites import reachable_hosts
from tests.stack_fixtures import descendants


def _disabled_features() -> set[str]:
    """The features the running browser disables, as it hands them to its network service.

    The browser process shows every --disable-features it was given; its helpers are started with the one
    list it resolved (helpers rewrite their command line into one string, hence the split on spaces)."""
    for pid in descendants(os.getpid()):
        try:
            words = Path(f"/proc/{pid}/cmdline").read_bytes().decode().replace("\0", " ").split(" ")
        except OSError:
            continue  # a helper that exited meanwhile
        if "--utility-sub-type=network.mojom.NetworkService" in words:
            return {f for w in words if w.startswith("--disable-features=") for f in w.split("=", 1)[1].split(",")}
    raise AssertionError("no Chromium network service under this test")


def _playwrights_own_list() -> set[str]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=Settings().chromium_path)
        try:
            browser.new_page().goto("data:text/html,<p>hi</p>")  # the network service starts with a page
            disabled = _disabled_features()
        finally:
            browser.close()
    assert disabled, "Playwright no longer disables any feature: re-read its chromiumSwitches"
    return disabled


def test_the_workers_browser_keeps_playwrights_disabled_features_and_ours(tmp_path):
    playwrights = _playwrights_own_list()
    rt = BrowserRuntime(Settings(data_dir=tmp_path, sandbox=True)).start()
    try:
        rt.browser.new_page().goto("data:text/html,<p>hi</p>")
        disabled = _disabled_features()
        assert playwrights <= disabled, f"dropped by our flag: {sorted(playwrights - disabled)}"
        assert set(OUR_DISABLED_FEATURES) <= disabled
        # What the WebUIOmnibox* features save: the address bar's drop-down pages, rendered otherwise at every
        # launch and, for the AI-mode one, in every context (every run) again.
        context = rt.browser.new_context()
        context.new_page().goto("data:text/html,<p>run</p>")
        cdp = rt.browser.new_browser_cdp_session()
        urls = [t["url"] for t in cdp.send("Target.getTargets")["targetInfos"]]
        assert not [u for u in urls if u.startswith("chrome://omnibox-popup")], urls
        assert {"data:text/html,<p>hi</p>", "data:text/html,<p>run</p>"} <= set(urls)
    finally:
        rt.stop()


def test_in_real_mode_the_browser_may_look_up_the_sites_hosts_and_no_other_name():
    # One browser serves every site's runs, so its resolver rule carries all four sites' hosts, and the fence's
    # proxy by address; tests/test_fence_dns.py shows at packet level what the rule keeps in.
    settings = Settings(sandbox=False)
    rules = [a for a in chromium_args(settings) if a.startswith("--host-resolver-rules=")]
    assert len(rules) == 1 and rules[0].startswith("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ")
    excluded = set(re.findall(r"EXCLUDE ([^,]+)", rules[0]))
    assert excluded == {urlsplit("//" + h).hostname for h in reachable_hosts(settings)} | {"127.0.0.1"}
    assert {"creator.xiaohongshu.com", "creator.douyin.com", "item.upload.taobao.com", "etax.chinatax.gov.cn",
            "tpass.chinatax.gov.cn"} <= excluded
    assert "localhost" not in excluded
