"""The offline writer judged against the demo workspace's own knowledge (core/seed.py: a summer cold-brew
tea and an autumn gift box that share words): 20 requests, each with the facts a reader must find in the
draft and the facts that must not be there (the other product's, a season that is over, what the owner
asked to leave out, her 「我们的」). Requests go through the real path: the seeded database, the knowledge
search and ``employees.tasking.plan_task`` with no model configured, on a Sunday in December."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.db import session_factory
from core.models import Employee, Workspace
from core.seed import GIFT_DOC, SAMPLE_DOC, seed_demo
from core.settings import Settings
from employees.tasking import plan_task
from planning.plan import content_errors

NOW = datetime(2026, 12, 6, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Sunday in winter
TEA, GIFT = "桂花乌龙冷泡茶", "桂花红茶礼盒"
TEA_ONLY = ["安溪", "500毫升", "冷藏", "12包", "39元"]
GIFT_ONLY = ["正山小种", "武夷山", "两罐", "168元", "90度", "贺卡"]
STALE = ["今年夏天", "夏天的新品", "今年秋天", "秋天的新品"]
FACT_MARKS = "✨🌿💡📌✅·"
"""How each template marks a line quoted from the knowledge."""
ALWAYS = ["我们的", "我们", "到淘宝", "关于桂花"]
"""The owner's own words are no product name: 「我们的」「关于」 never reach a title, a topic or the body."""


@dataclass
class Case:
    role: str
    request: str
    sites: list[str]
    expect: list[str]
    """Each must appear in every run's title or body."""
    forbid: list[str]
    """None may appear in any run's title, body or topics."""
    title_has: list[str] = field(default_factory=list)
    price: float | None = None
    doc: str = SAMPLE_DOC
    """The only document every run may cite."""
    leads: str = ""
    """What the owner asked to stress: the draft's first fact says it."""


CASES = [
    Case("marketing", "下周一上午10点在小红书和抖音发一篇新品上市的帖子，产品是桂花乌龙冷泡茶", ["xiaohongshu", "douyin"],
         [TEA, "500毫升", "12包"], GIFT_ONLY + STALE, title_has=[TEA]),
    Case("marketing", "推广一下我们的桂花乌龙冷泡茶，发小红书", ["xiaohongshu"], [TEA, "安溪"], GIFT_ONLY + STALE,
         title_has=[TEA]),
    Case("marketing", "在小红书发一篇桂花红茶礼盒的笔记，突出礼盒送人", ["xiaohongshu"], ["送人", "拜访长辈"],
         TEA_ONLY + STALE, title_has=["送礼", GIFT], doc=GIFT_DOC, leads="送人"),
    Case("marketing", "明天晚上8点在抖音发桂花红茶礼盒的视频", ["douyin"], ["正山小种", "168元"], TEA_ONLY + STALE,
         title_has=[GIFT], doc=GIFT_DOC),
    Case("marketing", "小红书发一篇关于桂花乌龙冷泡茶的笔记，不要提价格", ["xiaohongshu"], ["500毫升"],
         ["39元", "到手价", *GIFT_ONLY]),
    Case("marketing", "在小红书介绍一下桂花乌龙冷泡茶的冲泡方法", ["xiaohongshu"], ["500毫升", "冷藏4到6小时"],
         GIFT_ONLY + ["的冲泡方法来啦"], title_has=[TEA], leads="500毫升"),
    Case("marketing", "抖音发个桂花乌龙冷泡茶的视频，重点写口感", ["douyin"], ["桂花的甜香"], GIFT_ONLY + STALE,
         title_has=[TEA], leads="桂花的甜香"),
    Case("marketing", "这周五晚上8点在小红书发桂花红茶礼盒的笔记，多写写冲泡方法", ["xiaohongshu"], ["90度", "200毫升"],
         TEA_ONLY + STALE + ["写冲泡方法"], title_has=["冲泡方法"], doc=GIFT_DOC, leads="90度"),
    Case("marketing", "在小红书和抖音发一篇中秋送礼的帖子，产品是桂花红茶礼盒", ["xiaohongshu", "douyin"],
         [GIFT, "中秋"], TEA_ONLY + STALE + ["冷泡茶"], doc=GIFT_DOC),
    Case("marketing", "在小红书发桂花乌龙冷泡茶", ["xiaohongshu"], [TEA, "金桂窨制"], GIFT_ONLY + STALE + ["本店今年"]),
    Case("marketing", "帮我在抖音发一条桂花乌龙冷泡茶的视频，突出冰镇清爽", ["douyin"], ["冰镇后更加清爽"],
         GIFT_ONLY + STALE, leads="冰镇"),
    Case("marketing", "在小红书发一篇关于桂花红茶礼盒的笔记，不要写价格", ["xiaohongshu"], ["正山小种"],
         ["168元", "礼盒价", *TEA_ONLY], doc=GIFT_DOC),
    Case("marketing", "后天上午在抖音发一条桂花乌龙冷泡茶的视频，说说规格", ["douyin"], ["12包", "3克"],
         GIFT_ONLY + STALE, leads="12包"),
    Case("marketing", "在抖音发桂花红茶礼盒的视频，重点讲讲怎么泡", ["douyin"], ["90度"], TEA_ONLY + STALE + ["讲怎么泡"],
         title_has=["怎么泡"], doc=GIFT_DOC, leads="90度"),
    Case("marketing", "在小红书和抖音发一篇桂花乌龙冷泡茶的笔记", ["xiaohongshu", "douyin"], [TEA, "焙火香"],
         GIFT_ONLY + STALE),
    Case("sales", "明天下午把桂花乌龙冷泡茶上架到淘宝，39元一盒", ["taobao"], ["500毫升"], GIFT_ONLY + STALE,
         title_has=[TEA, "12包/盒"], price=39),
    Case("sales", "上架桂花红茶礼盒，售价168元", ["taobao"], ["正山小种"], TEA_ONLY + STALE,
         title_has=[GIFT, "2罐/盒"], price=168, doc=GIFT_DOC),
    Case("sales", "在淘宝上架我们的桂花红茶礼盒，突出送礼", ["taobao"], ["送人"], TEA_ONLY + STALE,
         title_has=[GIFT, "送礼"], doc=GIFT_DOC, leads="送人"),
    Case("sales", "上架一款桂花乌龙冷泡茶，定价39元", ["taobao"], ["安溪"], GIFT_ONLY + STALE,
         title_has=[TEA, "12包/盒"], price=39),
    Case("sales", "淘宝上新桂花红茶礼盒，不要写价格", ["taobao"], ["武夷山"], ["168元", "礼盒价", *TEA_ONLY, *STALE],
         title_has=[GIFT], doc=GIFT_DOC),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo workspace as ``python -m core.seed`` makes it, with no model configured."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("demo"), sandbox=True, llm_base_url=None, llm_model=None)
    seed_demo(settings)
    return settings, session_factory(settings.db_url)


def _plan(demo, case: Case):
    settings, sessions = demo
    with sessions() as s:
        ws = s.query(Workspace).one()
        employee = s.query(Employee).filter_by(workspace_id=ws.id, role=case.role).one()
        plan, _passages = plan_task(s, settings, ws, employee, case.request, now=NOW)
    return plan


def test_the_judged_set_is_twenty_requests():
    assert len(CASES) == 20 and len({c.request for c in CASES}) == 20


@pytest.mark.parametrize("case", CASES, ids=[c.request for c in CASES])
def test_an_offline_draft_holds_the_requested_products_facts_and_nothing_it_must_not(demo, case):
    plan = _plan(demo, case)
    assert [r.site for r in plan.runs] == case.sites, plan.unknown
    for run in plan.runs:
        text = f"{run.content.title}\n{run.content.body}"
        everything = f"{text}\n{' '.join(run.content.topics)}"
        missing = [fact for fact in case.expect if fact not in text]
        assert not missing, f"{run.site} draft lacks {missing}:\n{everything}"
        present = [fact for fact in case.forbid + ALWAYS if fact in everything]
        assert not present, f"{run.site} draft has {present}:\n{everything}"
        assert all(part in run.content.title for part in case.title_has), run.content.title
        assert {c.doc_name for c in run.citations} == {case.doc}
        assert content_errors(run.site, run.content, NOW) == []  # postable as it stands
        facts = [line for line in run.content.body.splitlines() if line and line[0] in FACT_MARKS]
        assert facts and case.leads in facts[0], run.content.body
        if case.price is not None:
            assert run.content.price_yuan == case.price
    assert not [u for u in plan.unknown if u.startswith("没看懂")], plan.unknown
