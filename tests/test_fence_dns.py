"""The fence at packet level: a fenced page, in real mode and in sandbox mode, makes Chromium look up no name
but its site's and send nothing off the machine, whatever the page tries (resource hints, subresources, a
frame, fetch, a WebSocket, a beacon, WebRTC with a STUN server by name, a navigation).

The browser runs in a network namespace of the test's own (tests/netns_fixtures.py): its resolver records
every DNS query, and its only way out is watched frame by frame. The watchers are proved in the same run: a
name the probe itself looks up and a packet it sends must show."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.fence_probe import CANARY, SITE
from tests.netns_fixtures import in_namespace, main_env, namespaces_work

ROOT = Path(__file__).resolve().parents[1]
CONTROL_NAME, CONTROL_FRAME = f"control.{CANARY}", "udp 192.0.2.2 -> 198.51.100.7:9"

pytestmark = pytest.mark.skipif(not namespaces_work(), reason="this machine allows no user and network namespaces")


def _probe(mode: str, data_dir: Path) -> dict:
    done = in_namespace([sys.executable, "-m", "tests.fence_probe", mode, str(data_dir)], timeout=120,
                        env=main_env())
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("mode", ["real", "sandbox"])
def test_a_fenced_page_makes_the_browser_look_up_and_send_nothing_off_its_site(mode, tmp_path):
    seen = _probe(mode, tmp_path)
    # The watchers work: the probe's own lookup and packet were seen.
    assert CONTROL_NAME in seen["queries"] and CONTROL_FRAME in seen["frames"], seen
    # The page did try: what it asked of foreign hosts went, unresolved, to the fence's proxy and was refused.
    assert {f"{kind}.{CANARY}" for kind in ("fetch", "ws", "img", "script", "frame", "beacon", "navigation")} \
        <= set(seen["blocked"]), seen["blocked"]
    assert {"fetch refused", "ws refused"} <= set(seen["tries"]), seen["tries"]
    browsers = [q for q in seen["queries"] if q != CONTROL_NAME]
    if mode == "real":
        # The real site's host is looked up (its traffic goes direct, as on a real machine); nothing else is,
        # not the page's foreign names, not Chromium's own (Google's update and sign-in hosts before the fix).
        assert SITE in browsers
        assert set(browsers) <= set(seen["allowed"]), sorted(set(browsers) - set(seen["allowed"]))
    else:
        assert browsers == []  # a replica is on loopback by address
    assert seen["frames"] == [CONTROL_FRAME]  # nothing else left the machine: no DNS, no STUN, no IGMP
