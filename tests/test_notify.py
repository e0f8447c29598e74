"""Pushes to the owner's group bot: a card waiting, a code the site asks for, the return coming due. Each is
told once, even with two schedulers running; a webhook that fails is tried again; its address (its key) never
shows in a log."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from pydantic import SecretStr

from core import notify
from core.db import session_factory, transaction
from core.models import Account, Approval, Employee, HumanStep, Notice, Workspace
from core.runs import create_run
from serve import ROOT
from tests.core_fixtures import wait_until
from tests.factories import make_post, seed_workspace
from tests.pg_fixtures import database_env
from tests.webhook_fixtures import bot  # noqa: F401  (the group bot's webhook on a local port)


def _waiting_card_and_code(db, tmp_path):
    """A publish run waiting for approval and an account login waiting for an SMS code."""
    ws, emp, acc = seed_workspace(db)
    with transaction(db) as s:
        run = create_run(s, account=s.get(Account, acc), employee=s.get(Employee, emp), post=make_post(tmp_path))
        run.status = "awaiting_approval"
        s.flush()
        s.add(Approval(run_id=run.id, fields={"title": run.content["title"]}))
        s.add(HumanStep(account_id=acc, kind="code", prompt="请输入小红书发到 138****0000 的验证码",
                        expires_at=datetime.now(timezone.utc) + timedelta(minutes=5)))
    return ws


def test_two_schedulers_tell_each_waiting_card_and_code_once_with_a_link(core_settings, redis_conn, bot, tmp_path):
    db = session_factory(core_settings.db_url)
    _waiting_card_and_code(db, tmp_path)
    env = dict(os.environ, OPC_DATA_DIR=str(core_settings.data_dir), OPC_REDIS_URL=core_settings.redis_url,
               **database_env(core_settings.database_url),
               OPC_SCHEDULER_TICK_S="0.2", OPC_NOTIFY_WEBHOOK_URL=bot.url, OPC_PUBLIC_URL="http://192.168.1.5:8000")
    procs = [subprocess.Popen([sys.executable, str(ROOT / "scheduler.py")], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        wait_until(lambda: len(bot.received) >= 2, timeout=90, what="two pushes")  # two processes start first
        with db() as s:  # a few more ticks of both schedulers: nothing may be told again
            wait_until(lambda: s.query(Notice).count() == 2 and len(bot.received) == 2, timeout=5, what="quiet")
        import time; time.sleep(1.5)  # noqa: E702 - both schedulers keep ticking meanwhile
    finally:
        for p in procs:
            p.terminate()
    logs = "".join(p.communicate(timeout=10)[1] for p in procs)
    texts = sorted(bot.texts())
    assert len(texts) == 2, texts
    assert texts[0].startswith("营销专员请你审批：小红书「桂花乌龙冷泡茶」\nhttp://192.168.1.5:8000/approvals/")
    assert texts[1].startswith("需要你在手机上操作：请输入小红书发到 138****0000 的验证码\nhttp://192.168.1.5:8000/accounts/")
    assert "secret-bot-key" not in logs


def test_the_return_due_soon_is_told_once_then_again_when_it_is_overdue(core_settings, bot):
    db = session_factory(core_settings.db_url)
    settings = core_settings.model_copy(update={"notify_webhook_url": SecretStr(bot.url), "notify_format": "feishu"})
    with transaction(db) as s:
        ws = Workspace(name="报税工作区")
        s.add(ws)
        s.flush()
        s.add(Account(workspace_id=ws.id, site="etax", name="公司报税", status="active"))
    # Q3 2026 is due on 2026-10-26 (National Day moves it, see books/deadlines.py).
    due_soon = datetime(2026, 10, 20, 2, tzinfo=timezone.utc)
    assert notify.send_due(settings, db, due_soon) == ["tax:2026Q3:due_soon"]
    assert notify.send_due(settings, db, due_soon) == []
    overdue = datetime(2026, 11, 23, 2, tzinfo=timezone.utc)
    assert notify.send_due(settings, db, overdue) == ["tax:2026Q3:overdue"]
    soon, late = (m["content"]["text"] for m in bot.received)
    assert soon.startswith("财务助手提醒：2026年第3季度增值税申报截止10月") and "还有" in soon
    assert late.startswith("财务助手提醒：2026年第3季度增值税申报已逾期") and "请尽快申报" in late


def test_a_failed_push_is_sent_at_the_next_tick_and_its_address_is_never_logged(core_settings, bot, tmp_path,
                                                                                 caplog):
    db = session_factory(core_settings.db_url)
    _waiting_card_and_code(db, tmp_path)
    settings = core_settings.model_copy(update={"notify_webhook_url": SecretStr(bot.url)})
    bot.fail_next = 2
    now = datetime.now(timezone.utc)
    assert notify.send_due(settings, db, now) == []
    assert bot.received == [] and "secret-bot-key" not in caplog.text and "not sent" in caplog.text
    assert len(notify.send_due(settings, db, now)) == 2
    assert notify.send_due(settings, db, now) == [] and len(bot.received) == 2


def test_without_a_webhook_nothing_is_sent_or_recorded(core_settings, tmp_path):
    db = session_factory(core_settings.db_url)
    _waiting_card_and_code(db, tmp_path)
    assert notify.send_due(core_settings, db, datetime.now(timezone.utc)) == []
    with db() as s:
        assert s.query(Notice).count() == 0
