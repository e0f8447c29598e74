"""The 数据看板 on a phone (390×844, real Chromium, a real web server): the totals and the 7- and 30-day changes
read off the page are those of the readings stored, the shop's orders and refunds are those of its orders, a
post's page shows its numbers and links the run that published it, each employee's work is counted from its
runs, and another workspace's numbers never show."""
from __future__ import annotations

import random
from contextlib import closing
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from api.auth import hash_password
from board.readings import readings_at
from core.db import transaction
from core.inbox import Conversation
from core.models import Account, Approval, Employee, Run, User, Workspace, utcnow
from core.effort import MINUTES_BY_HAND, NOT_COUNTED
from graphs import GRAPHS
from metrics.query import latest
from tests.board_fixtures import add_order, add_readings
from tests.metrics_fixtures import T0, add_points, metrics_db  # noqa: F401
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import log_in, no_sideways_scroll, phone  # noqa: F401
from tests.web_fixtures import Web, start_web_stack

TZ = ZoneInfo("Asia/Shanghai")
NOW_ISH = timedelta(minutes=1)
LIKES = {  # post -> (how long ago, the site's 点赞 count then)
    "65f0c1a2b3c4d5e6f7a8b901": [(timedelta(days=40), 10), (timedelta(days=10), 50), (timedelta(days=3), 80),
                                 (NOW_ISH, 100)],
    "65f0c1a2b3c4d5e6f7a8b902": [(timedelta(days=10), 5), (NOW_ISH, 25)],
    "65f0c1a2b3c4d5e6f7a8b903": [(timedelta(days=3), 7), (NOW_ISH, 12)],
}
FANS = [(timedelta(days=40), 1000), (timedelta(days=10), 1100), (timedelta(days=3), 1150), (NOW_ISH, 1200)]
ORDERS = [  # (order no, amount, status, refund status, how long ago)
    ("3901000000001", "19.90", "交易成功", None, timedelta(days=2)),
    ("3901000000002", "39.80", "买家已付款", "退款成功", timedelta(hours=3)),
    ("3901000000003", "100.00", "交易成功", None, timedelta(days=10)),
    ("3901000000004", "50.00", "等待买家付款", None, timedelta(days=1)),
    ("3901000000006", "19.90", "买家已付款", "退款中", timedelta(days=1)),
    ("3901000000005", "66.00", "交易成功", None, timedelta(days=45)),
]
OTHER_LIKES = 987654
"""Another workspace's note's 点赞: a number that must never show on the demo's board."""


def in_period(ago: timedelta, days: int) -> bool:
    """A reading's local day is one of the last ``days`` days (today included)."""
    now = datetime.now(TZ)
    return (now - ago).date() > now.date() - timedelta(days=days)


def expected_total_and_change(series: dict[str, list[tuple[timedelta, float]]], days: int) -> tuple[float, float]:
    total = sum(readings[-1][1] for readings in series.values())
    before = sum(next((v for ago, v in reversed(readings) if not in_period(ago, days)), 0)
                 for readings in series.values())
    return total, total - before


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    stack, password = start_web_stack(tmp_path_factory)
    yield Web(stack, password)
    stack.stop()


def _run(s, ws_id, account, employee, graph, status, ago=timedelta(hours=2), **kw) -> Run:
    run = Run(workspace_id=ws_id, account_id=account.id, employee_id=employee.id, graph=graph, site=account.site,
              mode="semi_auto", status=status, content=_note(kw.pop("title", "一篇笔记")),
              updated_at=utcnow() - ago, **kw)
    s.add(run)
    s.flush()
    return run


def _note(title: str) -> dict:
    return {"title": title, "body": "清香回甘。", "images": ["/data/uploads/a.jpg"], "video": None, "cover": None,
            "topics": [], "timing": {"mode": "now", "at": None}, "kind": "image"}


def _owner(s, ws: Workspace) -> tuple[str, str]:
    name = f"owner-{ws.id}"
    s.add(User(workspace_id=ws.id, username=name, password_hash=hash_password("Board@2026")))
    return name, "Board@2026"


@pytest.fixture(scope="module")
def board(web):
    """The demo workspace with a 小红书 account's readings, a shop's orders and a month of its employees' runs;
    another workspace with its own note, runs and owner; a third with nothing read yet."""
    with transaction(web.db) as s:
        ws = s.query(Workspace).one()
        xhs = s.query(Account).filter_by(workspace_id=ws.id, site="xiaohongshu").one()
        shop = Account(workspace_id=ws.id, site="taobao", name="淘宝小店", status="active")
        s.add(shop)
        s.flush()
        staff = {e.role: e for e in s.query(Employee).filter_by(workspace_id=ws.id)}
        first = _run(s, ws.id, xhs, staff["marketing"], "publish", "published", external_id=next(iter(LIKES)),
                     title="桂花乌龙已上线")
        for ago in (timedelta(days=2), timedelta(days=10)):  # the second counts in the 30 days only
            _run(s, ws.id, xhs, staff["marketing"], "publish", "published", ago)
        _run(s, ws.id, xhs, staff["marketing"], "publish", "published", timedelta(days=40))  # before both
        _run(s, ws.id, xhs, staff["marketing"], "publish", "failed")
        for _ in range(2):
            _run(s, ws.id, xhs, staff["marketing"], "publish", "rejected")
        _run(s, ws.id, shop, staff["sales"], "listing", "published")
        _run(s, ws.id, shop, staff["sales"], "listing", "failed")
        _run(s, ws.id, xhs, staff["marketing"], "publish", "awaiting_approval")
        asked = utcnow() - timedelta(hours=5)
        for minutes, status in ((10, "approved"), (50, "rejected"), (30, "approved"), (None, "pending")):
            s.add(Approval(run_id=first.id, fields={}, status=status, created_at=asked,
                           decided_at=asked + timedelta(minutes=minutes) if minutes else None))
        for i in range(2):
            reply = _run(s, ws.id, shop, staff["service"], "inbound_reply", "published")
            s.add(Conversation(workspace_id=ws.id, account_id=shop.id, site="taobao", item_id=f"q{i}",
                               kind="question", author="买家", text="有货吗？", at=utcnow() - timedelta(hours=6),
                               status="replied", replied_by="employee", replied_at=utcnow() - timedelta(hours=1),
                               reply_run_id=reply.id, replied_text="有货的"))
        for post, readings in LIKES.items():
            add_readings(s, xhs, "post", post, "likes", readings, first.id if post == first.external_id else None)
        add_readings(s, xhs, "account", "", "fans", FANS)
        for no, amount, status, refund, ago in ORDERS:
            add_order(s, shop, no, "742000000123", "桂花图案手机壳", amount, status, ago, refund)

        other = Workspace(name="别人的工作区")
        empty = Workspace(name="还没有数据的工作区")
        s.add_all([other, empty])
        s.flush()
        other_staff = Employee(workspace_id=other.id, role="marketing", name="别家的营销专员")
        other_xhs = Account(workspace_id=other.id, site="xiaohongshu", name="别人的号", status="active")
        s.add_all([other_staff, other_xhs])
        s.flush()
        for _ in range(5):
            _run(s, other.id, other_xhs, other_staff, "publish", "published")
        add_readings(s, other_xhs, "post", "otherpost0000001", "likes", [(timedelta(days=1), OTHER_LIKES)])
        logins = {"other": _owner(s, other), "empty": _owner(s, empty)}
        return {"xhs": xhs.id, "shop": shop.id, "first_run": first.id, "staff": {k: e.id for k, e in staff.items()},
                "logins": logins}


def _client(web: Web, login: tuple[str, str]):
    c = web.client(login=False)
    r = c.post("/api/session", json={"username": login[0], "password": login[1]})
    r.raise_for_status()
    return c


def test_every_workflow_says_how_long_its_task_takes_by_hand():
    assert set(GRAPHS) <= set(MINUTES_BY_HAND)
    assert all(m > 0 for name, m in MINUTES_BY_HAND.items() if name not in NOT_COUNTED)


def test_the_board_on_a_phone_shows_the_readings_totals_and_changes_over_7_and_30_days(web, board, phone, tmp_path):
    log_in(phone, web)
    card = phone.locator(f"[data-account='{board['xhs']}']")
    for days in (7, 30):
        if days == 30:
            phone.get_by_role("link", name="近30天").first.click()
        for metric, series in (("likes", LIKES), ("fans", {"": FANS})):
            total, change = expected_total_and_change(series, days)
            tile = card.locator(f"[data-metric={metric}]")
            expect(tile.locator(".total")).to_have_text(f"{total:,.0f}")
            expect(tile.locator(".change")).to_have_text(f"+{change:,.0f}")
        no_sideways_scroll(phone)
        phone.screenshot(path=tmp_path / f"board-{days}.png", full_page=True)
        assert (tmp_path / f"board-{days}.png").stat().st_size > 10_000
    # the chart is by 点赞 once she picks it; today's column is today's gain over every note
    card.get_by_role("link", name="点赞", exact=True).click()
    card = phone.locator(f"[data-account='{board['xhs']}']")
    today = datetime.now(TZ)
    gained = _today_gain(LIKES)
    last = card.locator("svg.chart rect").last.evaluate("e => e.querySelector('title').textContent")
    assert last == f"{today.month}月{today.day}日：{gained:,.0f}"
    best = card.locator("ol.best li")
    expect(best).to_have_count(3)
    expect(best.first).to_contain_text("桂花乌龙已上线")
    expect(best.first).to_contain_text("100")

    shop = phone.locator(f"[data-account='{board['shop']}']")
    placed = [o for o in ORDERS if in_period(o[4], 30)]  # the page is still on the 30 days
    revenue = sum(float(o[1]) for o in placed if o[2] != "等待买家付款")
    refunded = sum(float(o[1]) for o in placed if o[3] == "退款成功")
    expect(shop.locator("[data-metric=orders] .total")).to_have_text(str(len(placed)))
    expect(shop.locator("[data-metric=revenue] .total")).to_have_text(f"¥{revenue:,.2f}")
    expect(shop.locator("[data-metric=refunds] .total")).to_have_text(str(sum(1 for o in placed if o[3] == "退款成功")))
    expect(shop.locator("[data-metric=refund_amount] .total")).to_have_text(f"¥{refunded:,.2f}")


def _today_gain(series: dict[str, list[tuple[timedelta, float]]]) -> float:
    """Today's gain of the readings: each post's reading now minus its last reading before today."""
    now = datetime.now(TZ)
    gain = 0.0
    for readings in series.values():
        earlier = [v for ago, v in readings if (now - ago).date() < now.date()]
        gain += readings[-1][1] - (earlier[-1] if earlier else 0)
    return gain


def test_tapping_a_post_shows_its_numbers_and_the_run_that_published_it(web, board, phone):
    log_in(phone, web)
    card = phone.locator(f"[data-account='{board['xhs']}']")
    card.get_by_role("link", name="点赞", exact=True).click()
    phone.locator(f"[data-account='{board['xhs']}'] ol.best li").first.get_by_role("link").click()
    post = next(iter(LIKES))
    total, change = expected_total_and_change({post: LIKES[post]}, 7)
    likes = phone.locator("[data-metric=likes]")
    expect(likes.locator(".total")).to_have_text(f"{total:,.0f}")
    expect(likes.locator(".change")).to_have_text(f"+{change:,.0f}")
    expect(phone.get_by_text(f"笔记ID：{post}")).to_be_visible()
    no_sideways_scroll(phone)
    phone.locator("#post-run").get_by_role("link").click()
    expect(phone).to_have_url(f"{web.url}/runs/{board['first_run']}")
    expect(phone.get_by_text("桂花乌龙已上线").first).to_be_visible()


def test_each_employees_work_is_counted_from_its_runs(web, board, phone):
    with closing(web.client()) as c:
        work = {w["employee_id"]: w for w in c.get("/api/board", params={"days": 30}).json()["work"]}
        week = {w["employee_id"]: w for w in c.get("/api/board", params={"days": 7}).json()["work"]}
    staff = board["staff"]
    marketing, sales, service = work[staff["marketing"]], work[staff["sales"]], work[staff["service"]]
    assert (marketing["done"], marketing["failed"], marketing["rejected"]) == (3, 1, 2)
    assert week[staff["marketing"]]["done"] == 2  # the run 10 days ago is not this week's
    assert marketing["minutes_saved"] == 3 * MINUTES_BY_HAND["publish"]
    assert (marketing["approvals"], marketing["waiting"], marketing["median_wait_min"]) == (4, 1, 30)
    assert (sales["done"], sales["failed"], sales["minutes_saved"]) == (1, 1, MINUTES_BY_HAND["listing"])
    assert (service["done"], service["replies"]) == (2, 2)
    assert set(work) == set(staff.values())  # the other workspace's employee is not listed

    log_in(phone, web)
    row = phone.locator(f"tr[data-employee='{staff['marketing']}']")
    expect(row.locator(".done")).to_have_text("2")
    expect(row.locator(".failed")).to_have_text("1")
    expect(row.locator(".rejected")).to_have_text("2")
    expect(phone.locator(f"tr[data-employee='{staff['service']}'] .replies")).to_have_text("2")
    minutes = 2 * MINUTES_BY_HAND["publish"] + MINUTES_BY_HAND["listing"] + 2 * MINUTES_BY_HAND["inbound_reply"]
    expect(phone.locator("#work-saved")).to_have_text(f"{minutes // 60}小时{minutes % 60}分钟")


def test_another_workspaces_numbers_never_show(web, board):
    with closing(web.client()) as c:
        home, api = c.get("/").text, c.get("/api/board", params={"days": 30}).text
        assert str(OTHER_LIKES) not in home and f"{OTHER_LIKES:,}" not in home and str(OTHER_LIKES) not in api
        assert c.get("/board/posts/otherpost0000001").status_code == 404
        assert c.get("/api/board/posts/otherpost0000001").status_code == 404
        assert c.get(f"/api/board/posts/{next(iter(LIKES))}").status_code == 200
    with closing(_client(web, board["logins"]["other"])) as c:  # its own owner sees it, and nothing of the demo's
        r = c.get("/api/board/posts/otherpost0000001")
        assert r.status_code == 200 and r.json()["tiles"][0]["total"] == OTHER_LIKES
        assert c.get(f"/api/board/posts/{next(iter(LIKES))}").status_code == 404
        assert [w["done"] for w in c.get("/api/board").json()["work"]] == [5]


def test_a_workspace_with_nothing_read_yet_is_told_what_to_do(web, board):
    with closing(_client(web, board["logins"]["empty"])) as c:
        html = c.get("/").text
    assert "还没有从平台读到数据" in html and "登录小红书、抖音或淘宝账号" in html


def test_the_boards_readings_by_seeks_agree_with_the_metrics_stores_latest(metrics_db):
    """``board.readings`` answers what ``metrics.query.latest`` answers, at any time, for every post."""
    db, ws, acc = metrics_db
    rng = random.Random(16)
    rows = [("post", f"note{p}", m, float(rng.randint(0, 500)), rng.uniform(0, 40))
            for p in range(6) for m in ("likes", "views") for _ in range(rng.randint(1, 12))]
    add_points(db, ws, acc, rows)
    with db() as s:
        account = s.get(Account, acc)
        for days in (-1, 0, 3.5, 10, 20, 41):
            at = T0 + timedelta(days=days)
            got = readings_at(s, account, "post", ["likes", "views"], [at])
            for m in ("likes", "views"):
                assert {k: v[0] for k, v in got[m].items() if v[0] is not None} == latest(s, ws, acc, "post", m, at)
