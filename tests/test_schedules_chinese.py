"""Repeating posts in plain Chinese: 「每周一上午10点」 as well as cron, read back in Chinese; an unreadable rule
or one that never comes round is refused naming the field; a stopped schedule has no next time, and stopping
asks first on the phone."""
from __future__ import annotations

import re
from contextlib import closing
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from core.models import Account, Employee, Schedule
from planning.recurrence import RecurrenceError, describe, parse
from scheduler import next_slot
from tests.factories import make_image
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.web_fixtures import web  # noqa: F401  (module-scoped web server on the demo workspace)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUNDAY_NOON = datetime(2026, 12, 6, 4, 0, tzinfo=timezone.utc)  # Sunday 12:00 in Shanghai


def _next(rule: str, after: datetime = SUNDAY_NOON) -> datetime:
    return next_slot(parse(rule).cron, "Asia/Shanghai", after).astimezone(SHANGHAI)


@pytest.mark.parametrize("words, label, first", [
    ("每周一上午10点", "每周一 10:00", "2026-12-07 10:00"),
    ("每天晚上8点", "每天 20:00", "2026-12-06 20:00"),
    ("每月5号上午9点", "每月5日 09:00", "2027-01-05 09:00"),
    ("工作日早上9点", "工作日（周一至周五） 09:00", "2026-12-07 09:00"),
    ("周末上午10点", "周末（周六、周日） 10:00", "2026-12-12 10:00"),
    ("每周二、四晚上8点半", "每周二、四 20:30", "2026-12-08 20:30"),
    ("每周一三五下午三点", "每周一、三、五 15:00", "2026-12-07 15:00"),
    ("每月1号和15号中午12点", "每月1日、15日 12:00", "2026-12-15 12:00"),
    ("每月最后一天下午5点", "每月最后一天 17:00", "2026-12-31 17:00"),
    ("每天 21:15 发", "每天 21:15", "2026-12-06 21:15"),
    ("0 10 * * 1", "每周一 10:00", "2026-12-07 10:00"),
])
def test_a_rule_in_plain_chinese_or_cron_reads_back_in_chinese_and_fires_when_it_says(words, label, first):
    assert parse(words).label == label
    assert _next(words).strftime("%Y-%m-%d %H:%M") == first


@pytest.mark.parametrize("words, named", [
    ("every monday", "没有说每天、每周几还是每月几号"),
    ("明天上午10点", "没有说每天、每周几还是每月几号"),
    ("每周八上午10点", "没有说每天、每周几还是每月几号"),
    ("每月32号", "没有这样的日子"),
    ("每天上午10点和下午3点", "里的时间「上午10点和下午3点」看不懂"),
    ("每天晚上12点", "是第二天的0点"),
])
def test_a_rule_that_cannot_be_read_says_what_was_not_understood(words, named):
    with pytest.raises(RecurrenceError) as refused:
        parse(words)
    assert f"重复规则「{words}」" in str(refused.value) and named in str(refused.value)


def test_a_cron_beyond_words_is_shown_as_a_custom_rule():
    assert describe("*/30 9-18 * * *") == "自定义规则（*/30 9-18 * * *）"
    assert describe("0 9 31 * *") == "每月31日 09:00（没有这一天的月份不发）"


# -- through the API and the phone ---------------------------------------------------------------------

@pytest.fixture
def ids(web):  # noqa: F811
    with web.db() as s:
        acc = s.query(Account).filter_by(site="xiaohongshu").first()
        return {"account": acc.id, "employee": s.query(Employee).first().id}


@pytest.fixture
def client(web):  # noqa: F811
    with closing(web.client()) as c:
        yield c


def _create(client, ids, tmp_path, rule: str):
    image = make_image(tmp_path / "a.jpg", size=(400, 500))
    return client.post("/api/schedules", data={"account_id": ids["account"], "employee_id": ids["employee"],
                                               "cron": rule, "title": "每周上新", "body": "本周新品"},
                       files=[("images", ("a.jpg", image.read_bytes(), "image/jpeg"))])


def _schedules(web) -> int:  # noqa: F811
    with web.db() as s:
        return s.query(Schedule).count()


def test_a_schedule_written_in_chinese_is_saved_as_its_rule_with_its_next_time(web, client, ids, tmp_path):  # noqa: F811
    resp = _create(client, ids, tmp_path, "每周一上午10点")
    assert resp.status_code == 201, resp.text
    shown = resp.json()
    assert shown["rule_label"] == "每周一 10:00" and shown["cron"] == "0 10 * * 1"
    next_at = datetime.strptime(shown["next_at"], "%Y-%m-%d %H:%M")
    assert (next_at.weekday(), next_at.hour, next_at.minute) == (0, 10, 0)


@pytest.mark.parametrize("rule, message", [
    ("每周八上午10点", "重复规则「每周八上午10点」看不懂"),
    ("0 0 31 2 *", "重复规则「0 0 31 2 *」永远不会到来"),
])
def test_a_rule_that_is_unreadable_or_never_comes_round_is_refused_naming_the_field(web, client, ids, tmp_path,  # noqa: F811
                                                                                    rule, message):
    before = _schedules(web)
    resp = _create(client, ids, tmp_path, rule)
    assert resp.status_code == 422, resp.text
    (err,) = resp.json()["detail"]
    assert err["field"] == "cron" and err["message"].startswith(message)
    assert _schedules(web) == before


def test_a_stopped_schedule_shows_no_next_time(web, client, ids, tmp_path):  # noqa: F811
    sc = _create(client, ids, tmp_path, "每天晚上8点").json()
    stopped = client.delete(f"/api/schedules/{sc['id']}").json()
    assert stopped["enabled"] is False and stopped["next_at"] is None
    listed = {x["id"]: x for x in client.get("/api/schedules").json()["schedules"]}
    assert listed[sc["id"]]["next_at"] is None


@pytest.fixture
def phone(chromium, web):  # noqa: F811
    ctx = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                               locale="zh-CN", timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    page.goto(f"{web.url}/login")
    page.get_by_label("用户名").fill("owner")
    page.get_by_label("密码").fill(web.password)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login$"))
    yield page
    ctx.close()


def test_the_owner_writes_a_rule_in_chinese_on_the_phone_and_stopping_it_asks_first(web, phone, tmp_path):  # noqa: F811
    phone.goto(f"{web.url}/schedules")
    form = phone.locator("form[data-api='/api/schedules']")
    form.get_by_label("重复规则").fill("每周八早上9点")
    form.get_by_label("标题").fill("早安冷泡茶")
    form.get_by_label("正文").fill("每天一杯")
    form.get_by_label("图片").set_input_files(str(make_image(tmp_path / "m.jpg", size=(400, 500))))
    form.get_by_role("button", name="保存").click()
    expect(form.get_by_role("alert")).to_contain_text("重复规则「每周八早上9点」看不懂")
    expect(form.get_by_label("重复规则")).to_have_attribute("aria-invalid", "true")

    form.get_by_label("重复规则").fill("工作日早上9点")
    form.get_by_role("button", name="保存").click()
    item = phone.locator(".list .item", has_text="早安冷泡茶")
    expect(item).to_contain_text("工作日（周一至周五） 09:00")
    expect(item).to_contain_text("下次")

    asked = []
    phone.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    item.get_by_role("button", name="停用").click()
    expect(item.get_by_role("button", name="停用")).to_be_visible()  # said no: still running
    assert asked and "确定停用吗" in asked[0] and "工作日（周一至周五） 09:00" in asked[0]

    phone.once("dialog", lambda d: d.accept())
    item.get_by_role("button", name="停用").click()
    expect(item.locator(".badge")).to_have_text("已停用")
    expect(item).not_to_contain_text("下次")
