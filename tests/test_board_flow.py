"""The board after real work: two notes published on the 小红书 replica, its numbers grown, collected twice by
运营管家; the owner's phone (390×844, real Chromium) shows each number's total as the site shows it, the change
over 7 days, the account's fans and their change between the two collections, and each note's own page."""
from __future__ import annotations

from contextlib import closing
from datetime import timedelta

from playwright.sync_api import expect

from core.content import Post
from core.models import utcnow
from tests.collect_fixtures import PASSWORD, env, pin_clock, studio, truth  # noqa: F401
from tests.collect_fixtures import phone as owners_client
from tests.factories import make_image
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import PHONE, no_sideways_scroll

LABELS = {"views": "观看", "likes": "点赞", "collects": "收藏", "comments": "评论", "shares": "分享", "fans_gained": "涨粉"}


def _collect(env, studio) -> None:
    with closing(owners_client(env, studio)) as p:
        r = p.post("/api/collections", json={"account_id": studio["xhs"]})
        assert r.status_code == 201, r.text
        run_id = r.json()["run"]["id"]
    run = env.wait_status(run_id, "published", "failed", timeout=180)
    assert run.status == "published", run.reason


def test_the_board_shows_what_two_collections_read_from_the_site(env, studio, chromium, tmp_path):
    images = [str(make_image(tmp_path / f"n{i}.jpg", text=str(i))) for i in range(2)]
    notes = {}
    for title in ("桂花乌龙冷泡茶上新", "冷泡茶的三种喝法"):
        run_id = env.start_run(studio["xhs"], studio["marketing"], Post(title=title, body="清香回甘。", images=images),
                               mode="auto")
        run = env.wait_status(run_id, "published", "failed", timeout=180)
        assert run.status == "published", run.reason
        notes[run.external_id] = (run_id, title)
    xhs = env.replicas["xiaohongshu"]
    pin_clock(xhs, utcnow() + timedelta(hours=30))
    _collect(env, studio)
    first = truth(xhs, studio["xhs_user"])
    pin_clock(xhs, utcnow() + timedelta(hours=78))
    _collect(env, studio)
    seen = truth(xhs, studio["xhs_user"])
    assert seen["fans"] != first["fans"], "the replica's fans grew between the collections"

    ctx = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                               timezone_id="Asia/Shanghai")
    try:
        url = env.stack.web_url
        r = ctx.request.post(f"{url}/api/session",
                             data={"username": f"owner{studio['workspace']}", "password": PASSWORD})
        assert r.ok, r.text()
        page = ctx.new_page()
        page.goto(f"{url}/")
        card = page.locator(f"[data-account='{studio['xhs']}']")
        for metric, label in LABELS.items():
            total = sum(seen["posts"][note][metric] for note in notes)
            tile = card.locator(f"[data-metric={metric}]")
            expect(tile).to_contain_text(label)
            expect(tile.locator(".total")).to_have_text(f"{total:,.0f}")
            # both notes were first read this week: all of their numbers are this week's
            expect(tile.locator(".change")).to_have_text(f"+{total:,.0f}" if total else "0")
        fans = card.locator("[data-metric=fans]")
        expect(fans.locator(".total")).to_have_text(f"{seen['fans']:,.0f}")
        grown = seen["fans"] - first["fans"]
        expect(fans.locator(".change")).to_have_text(f"{'+' if grown > 0 else ''}{grown:,.0f}")
        no_sideways_scroll(page)
        page.screenshot(path=tmp_path / "board.png", full_page=True)

        best = sorted(notes, key=lambda n: (-seen["posts"][n]["views"], n))[0]  # the board ranks by 观看 first
        card.locator("ol.best li").first.get_by_role("link").click()
        expect(page.get_by_text(f"笔记ID：{best}")).to_be_visible()
        for metric in LABELS:
            expect(page.locator(f"[data-metric={metric}] .total")).to_have_text(f"{seen['posts'][best][metric]:,.0f}")
        page.locator("#post-run").get_by_role("link").click()
        expect(page).to_have_url(f"{url}/runs/{notes[best][0]}")
    finally:
        ctx.close()
