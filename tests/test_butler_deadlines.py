"""The brief's 截止日期 names the quarter's 经营所得 A表 for the owners who file it (个体工商户, 个人独资企业, 合伙企业),
with the VAT return's date (the bureau's calendar moves both for holidays), overdue ones too, and never for a
有限公司; a return filed here drops out. It reaches each kind of group bot with the A表 in it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from butler.brief import build
from core.db import session_factory, transaction
from core.models import Employee, Run, Workspace
from scheduler import _butler
from tests.butler_fixtures import SIGNING, add_channel, bots, butler_workspace, taxpayer  # noqa: F401

SH = ZoneInfo("Asia/Shanghai")


def _deadlines(db, ws_id: str, local: datetime) -> list[str]:
    with db() as s:
        brief = build(s, s.get(Workspace, ws_id), local.astimezone(timezone.utc))
    (section,) = [sec for sec in brief.sections if sec.title == "截止日期"]
    return section.lines


def test_an_individual_business_is_told_the_a_form_deadline_and_a_company_is_not(core_settings):
    db = session_factory(core_settings.db_url)
    shop, company = butler_workspace(db), butler_workspace(db)
    taxpayer(db, shop, "individual_business")
    taxpayer(db, company, "company")
    morning = datetime(2027, 1, 12, 8, 0, tzinfo=SH)  # the fourth quarter's returns are due 15 January
    assert _deadlines(db, shop, morning) == ["2026年第4季度增值税申报截止2027年01月15日，还有3天",
                                             "2026年第4季度经营所得预缴申报（A表）截止2027年01月15日，还有3天"]
    assert _deadlines(db, company, morning) == ["2026年第4季度增值税申报截止2027年01月15日，还有3天"]


def test_an_overdue_a_form_keeps_the_holiday_date_until_it_is_filed_here(core_settings):
    db = session_factory(core_settings.db_url)
    ws = butler_workspace(db)
    tax = taxpayer(db, ws, "sole_proprietorship")
    morning = datetime(2026, 11, 3, 8, 0, tzinfo=SH)  # the third quarter's were due 26 October (after 国庆)
    assert _deadlines(db, ws, morning) == ["2026年第3季度增值税申报截止2026年10月26日，已逾期8天",
                                           "2026年第3季度经营所得预缴申报（A表）截止2026年10月26日，已逾期8天"]
    with transaction(db) as s:
        finance = s.query(Employee).filter_by(workspace_id=ws, role="finance").one()
        s.add(Run(workspace_id=ws, account_id=tax, employee_id=finance.id, graph="tax_filing", site="etax",
                  mode="semi_auto", status="published", content={"period": "2026Q3", "form": "pit_business"}))
    assert _deadlines(db, ws, morning) == ["2026年第3季度增值税申报截止2026年10月26日，已逾期8天"]


def test_the_a_form_deadline_reaches_each_kind_of_group_bot(core_settings, bots):  # noqa: F811 - the fixture
    db = session_factory(core_settings.db_url)
    ws = butler_workspace(db, brief_time="08:00")
    taxpayer(db, ws, "individual_business")
    for kind in ("wecom", "dingtalk", "feishu"):
        add_channel(db, core_settings, ws, kind, bots.url(kind), SIGNING.get(kind, ""))
    today = datetime(2027, 1, 12, tzinfo=SH)
    for minute in (0, 1):
        _butler(core_settings, db, (today + timedelta(hours=8, minutes=minute)).astimezone(timezone.utc))
    for kind in ("wecom", "dingtalk", "feishu"):
        (text,) = bots.texts(kind)
        assert "**截止日期**" in text, kind
        assert "- 2026年第4季度经营所得预缴申报（A表）截止2027年01月15日，还有3天" in text, kind


def test_the_brief_names_the_annual_business_income_return_and_the_annual_report_in_their_last_week(core_settings):
    db = session_factory(core_settings.db_url)
    shop, company = butler_workspace(db), butler_workspace(db)
    taxpayer(db, shop, "individual_business")
    taxpayer(db, company, "company")
    march = datetime(2027, 3, 26, 8, 0, tzinfo=SH)
    assert "2026年度经营所得汇算清缴（B表）截止2027年03月31日，还有5天" in _deadlines(db, shop, march)
    assert not any("汇算" in line for line in _deadlines(db, company, march))
    june = datetime(2027, 6, 28, 8, 0, tzinfo=SH)
    assert "2026年度工商年报截止2027年06月30日，还有2天" in _deadlines(db, company, june)
    assert not any("工商年报" in line for line in _deadlines(db, company, datetime(2027, 6, 1, 8, 0, tzinfo=SH)))
