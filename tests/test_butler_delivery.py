"""运营管家 tells the owner once: the daily brief at her time and each reminder at its time, in the app and to
each group bot in the bot's own format (企业微信 markdown, 钉钉 signed markdown, 飞书 signed card); a bot that
fails is tried again without the others being told twice; a bot's address is never logged."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from butler import due, wording
from butler.channels import WorkspaceBots
from butler.models import Bulletin, Reminder
from core import notify
from core.db import session_factory, transaction
from core.models import Notice, Workspace
from rpa.vault import Vault
from scheduler import _butler
from tests.butler_fixtures import SIGNING, add_channel, bots, brief_fixture, butler_workspace  # noqa: F401

SH = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 12, 7, tzinfo=SH)  # a Monday


def _three_bots(db, settings, ws_id, bots):  # noqa: F811 - the fixture's value
    for kind in ("wecom", "dingtalk", "feishu"):
        add_channel(db, settings, ws_id, kind, bots.url(kind), SIGNING.get(kind, ""))


def test_the_daily_brief_reaches_each_kind_of_group_bot_once_at_the_owners_time(core_settings, bots, caplog):
    db = session_factory(core_settings.db_url)
    ws = butler_workspace(db, brief_time="08:00")
    brief_fixture(db, ws, TODAY.astimezone(timezone.utc))
    _three_bots(db, core_settings, ws, bots)
    _butler(core_settings, db, (TODAY + timedelta(hours=7, minutes=59)).astimezone(timezone.utc))
    assert all(not got for got in bots.received.values())  # not before her time
    for minute in (0, 0, 1):  # two schedulers on one tick, then the next tick
        _butler(core_settings, db, (TODAY + timedelta(hours=8, minutes=minute)).astimezone(timezone.utc))
    assert bots.received["wecom"][0]["msgtype"] == "markdown"
    assert bots.received["dingtalk"][0]["msgtype"] == "markdown"
    assert bots.received["dingtalk"][0]["markdown"]["title"] == "运营管家日报 · 2026年12月7日（周一）"
    assert bots.received["feishu"][0]["msg_type"] == "interactive"
    for kind in ("wecom", "dingtalk", "feishu"):
        (text,) = bots.texts(kind)  # once each
        assert text.startswith("**运营管家日报 · 2026年12月7日（周一）**"), kind
        assert "小红书「茶小铺」：观看 +320（前一天 +250），点赞 +25（前一天 +10），粉丝 +20（前一天 +10）" in text
        assert "审批：小红书「桂花乌龙冷泡茶」" in text
        assert "12:00 小红书「周末茶会」" in text
        assert "抖音「茶小铺抖音」需要重新登录" in text
    with db() as s:
        (b,) = s.query(Bulletin).filter_by(workspace_id=ws).all()
        assert b.kind == "brief" and "【昨天的数据】" in b.text and "晚了" not in b.text
    assert "secret" not in caplog.text


def test_a_reminder_fires_once_at_its_time_to_every_bot(core_settings, bots):
    db = session_factory(core_settings.db_url)
    ws = butler_workspace(db)
    _three_bots(db, core_settings, ws, bots)
    said = wording.read("明天下午3点提醒我给李姐回电话", TODAY + timedelta(hours=10))
    with transaction(db) as s:
        r = due.create(s, s.get(Workspace, ws), said, "明天下午3点提醒我给李姐回电话", "owner")
        rid = r.id
    at = datetime(2026, 12, 8, 15, tzinfo=SH).astimezone(timezone.utc)
    _butler(core_settings, db, at - timedelta(seconds=1))
    assert all(not got for got in bots.received.values())
    for seconds in (0, 0, 3):
        _butler(core_settings, db, at + timedelta(seconds=seconds))
    for kind in ("wecom", "dingtalk", "feishu"):
        assert bots.texts(kind) == ["提醒：给李姐回电话"], kind
    with db() as s:
        assert s.get(Reminder, rid).status == "done"


def test_a_deadline_is_reminded_the_morning_before_and_on_the_day(core_settings, bots):
    db = session_factory(core_settings.db_url)
    ws = butler_workspace(db)
    add_channel(db, core_settings, ws, "wecom", bots.url("wecom"))
    said = wording.read("下周三前给张总报价", datetime(2026, 12, 6, 18, tzinfo=SH))  # a Sunday evening
    assert said.confirm_text() == ("将在 2026年12月8日（周二）09:00、2026年12月9日（周三）09:00 提醒："
                                   "给张总报价（截止 2026年12月9日（周三））")
    with transaction(db) as s:
        due.create(s, s.get(Workspace, ws), said, "下周三前给张总报价", "owner")
    for day in (8, 9, 10):
        _butler(core_settings, db, datetime(2026, 12, day, 9, 0, 5, tzinfo=SH).astimezone(timezone.utc))
    assert bots.texts("wecom") == ["提醒：给张总报价（截止 2026年12月9日（周三））"] * 2


def test_a_monthly_reminder_missed_while_nothing_ran_fires_once_late_and_says_so(core_settings, bots):
    db = session_factory(core_settings.db_url)
    ws = butler_workspace(db)
    add_channel(db, core_settings, ws, "feishu", bots.url("feishu"), SIGNING["feishu"])
    said = wording.read("每月5号提醒我交房租", datetime(2026, 12, 1, 12, tzinfo=SH))
    with transaction(db) as s:
        r = due.create(s, s.get(Workspace, ws), said, "每月5号提醒我交房租", "owner")
        rid = r.id
    back = datetime(2026, 12, 5, 13, 5, tzinfo=SH).astimezone(timezone.utc)  # 3h05 after 10:00
    _butler(core_settings, db, back)
    _butler(core_settings, db, back + timedelta(seconds=2))
    assert bots.texts("feishu") == ["提醒：交房租（本应在12月5日 10:00送达，晚了3小时5分钟：当时服务没有运行）"]
    with db() as s:
        assert s.get(Reminder, rid).next_at == datetime(2027, 1, 5, 10, tzinfo=SH)


def test_a_bot_that_fails_is_tried_again_and_the_others_are_not_told_twice(core_settings, bots, caplog):
    db = session_factory(core_settings.db_url)
    ws = butler_workspace(db)
    add_channel(db, core_settings, ws, "wecom", bots.url("wecom"))
    add_channel(db, core_settings, ws, "dingtalk", bots.url("dingtalk"), SIGNING["dingtalk"])
    said = wording.read("明天早上9点提醒我盘点库存", TODAY)
    with transaction(db) as s:
        due.create(s, s.get(Workspace, ws), said, "明天早上9点提醒我盘点库存", "owner")
    at = datetime(2026, 12, 8, 9, tzinfo=SH).astimezone(timezone.utc)
    bots.fail_next["wecom"] = 2  # 502 to the push and to the same tick's retry of it
    _butler(core_settings, db, at)
    assert bots.texts("wecom") == [] and bots.texts("dingtalk") == ["提醒：盘点库存"]
    _butler(core_settings, db, at + timedelta(seconds=5))
    assert bots.texts("wecom") == ["提醒：盘点库存"] and bots.texts("dingtalk") == ["提醒：盘点库存"]
    assert "secret" not in caplog.text and "answered 502" in caplog.text


def test_a_card_waiting_is_pushed_once_to_the_workspaces_own_bot_without_a_deployment_webhook(core_settings, bots):
    db = session_factory(core_settings.db_url)
    ws = butler_workspace(db)
    brief_fixture(db, ws, TODAY.astimezone(timezone.utc))
    other = butler_workspace(db)  # no bot of its own, no deployment webhook: nothing told, nothing recorded
    brief_fixture(db, other, TODAY.astimezone(timezone.utc))
    add_channel(db, core_settings, ws, "dingtalk", bots.url("dingtalk"), SIGNING["dingtalk"])
    settings = core_settings.model_copy(update={"public_url": "http://192.168.1.5:8000"})
    assert settings.notify_webhook_url is None
    workspace_bots = WorkspaceBots(db, Vault(settings))
    for _ in range(2):
        notify.send_due(settings, db, datetime.now(timezone.utc), workspace_bots)
    (text,) = bots.texts("dingtalk")
    assert text.startswith("营销专员请你审批：小红书「桂花乌龙冷泡茶」\nhttp://192.168.1.5:8000/approvals/")
    with db() as s:
        assert s.query(Notice).filter_by(workspace_id=other).count() == 0


def test_a_brief_missed_while_nothing_ran_comes_late_saying_so_and_not_at_all_after_three_hours(core_settings, bots):
    db = session_factory(core_settings.db_url)
    ws = butler_workspace(db, brief_time="08:00")
    add_channel(db, core_settings, ws, "wecom", bots.url("wecom"))
    _butler(core_settings, db, (TODAY + timedelta(hours=9, minutes=30)).astimezone(timezone.utc))
    _butler(core_settings, db, (TODAY + timedelta(days=1, hours=11, minutes=1)).astimezone(timezone.utc))
    (text,) = bots.texts("wecom")
    assert text.startswith("**运营管家日报 · 2026年12月7日（周一）（本应在12月7日 08:00送达，晚了1小时30分钟：当时服务没有运行）**")
    assert "还没有从平台读到数据" in text and "所有账号都在登录状态" in text
