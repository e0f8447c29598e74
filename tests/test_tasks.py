"""Tasks in plain Chinese over real HTTP (uvicorn, Redis, SQLite): the employee answers with a plan grounded
in the uploaded knowledge and checked for compliance; nothing is queued until the owner confirms it with
images; a confirmed plan becomes scheduled runs through the same path as a written note. With a model
configured, the only fake is ``tests/fake_llm.py``'s local OpenAI-compatible server."""
from __future__ import annotations

import re
from contextlib import closing
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from rq import Queue

from books.periods import Quarter
from core.db import transaction
from core.models import Account, Approval, Employee, Run
from planning.models import TaskPlan
from core.queue import redis_for
from core.seed import seed_demo
from core.settings import Settings
from errands.task import NO_MODEL
from serve import Stack, free_port
from sites.xiaohongshu.limits import title_length
from tests.factories import make_image
from tests.fake_llm import FAKE_MODEL, fake_llm, fake_llm_server  # noqa: F401
from tests.sandbox_fixtures import chromium  # noqa: F401  (module-scoped real Chromium)
from tests.story_fixtures import PHONE, tab
from tests.task_fixtures import SHEET, STORY, TZ, next_monday_10
from tests.web_fixtures import Web, web  # noqa: F401  (module-scoped web server, no model)


def label(dt: datetime) -> str:
    return f"{dt.month}月{dt.day}日 周一 10:00"


@pytest.fixture
def client(web):
    with closing(web.client()) as c:
        yield c


@pytest.fixture(scope="module")
def marketing(web):
    """The marketing employee's id, and a Douyin account next to the seeded Xiaohongshu one."""
    with transaction(web.db) as s:
        emp = s.query(Employee).filter_by(role="marketing").one()
        if not s.query(Account).filter_by(workspace_id=emp.workspace_id, site="douyin").count():
            s.add(Account(workspace_id=emp.workspace_id, site="douyin", name="我的抖音", status="active"))
        return emp.id


@pytest.fixture(scope="module")
def sheet(web):
    with closing(web.client()) as c:
        resp = c.post("/api/knowledge", files={"file": (SHEET[0], SHEET[1], "text/plain")})
        assert resp.status_code == 201, resp.text
        return resp.json()


def _queue(web) -> Queue:
    return Queue(web.settings.queue_name, connection=redis_for(web.settings))


def _runs(web) -> int:
    with web.db() as s:
        return s.query(Run).count()


def _images(tmp_path, n: int, prefix: str) -> list:
    return [("x", (f"{prefix}{i}.jpg", make_image(tmp_path / f"{prefix}{i}.jpg", size=(600, 800)).read_bytes(),
                   "image/jpeg")) for i in range(n)]


def _confirm_files(tmp_path, runs: int) -> list:
    return [(f"images_{i}", f) for i in range(runs) for _, f in _images(tmp_path, 2, f"r{i}-")]


def _plan(client, employee_id: str, text: str = STORY) -> dict:
    resp = client.post("/api/tasks", json={"employee_id": employee_id, "text": text})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_the_story_without_a_model_is_planned_offline_and_runs_only_after_confirming(web, client, marketing, sheet,
                                                                                      tmp_path):
    runs_before = _runs(web)
    plan = _plan(client, marketing)

    assert plan["author"] == "离线模板" and plan["usage"] is None and plan["status_label"] == "待确认"
    assert [r["site"] for r in plan["runs"]] == ["xiaohongshu", "douyin"]
    when = next_monday_10()
    for run in plan["runs"]:
        assert run["at_label"] == label(when)
        assert datetime.fromisoformat(run["at"]) == when
        assert run["author"] == "离线模板" and run["account"]  # one account per site: picked
        assert SHEET[0] in [c["doc_name"] for c in run["citations"]]
        cited = next(c for c in run["citations"] if c["doc_name"] == SHEET[0])
        assert "金桂" in cited["text"]
        assert not run["blocking"], run["findings"]
        assert "桂花乌龙冷泡茶" in run["title"] + run["body"]
    xhs, douyin = plan["runs"]
    assert title_length(xhs["title"]) <= 20 and len(xhs["body"]) <= 1000 and len(xhs["topics"]) <= 10
    assert len(douyin["title"]) <= 20 and len(douyin["topics"]) <= 5  # an image-text post: images are attached
    assert _runs(web) == runs_before and _queue(web).count == 0  # a plan queues nothing

    page = client.get(f"/tasks/{plan['id']}").text
    assert label(when) in page and SHEET[0] in page and "离线模板" in page

    url = f"/api/tasks/{plan['id']}/confirm"
    no_images = client.post(url, files=[("placeholder", ("", b"", "application/octet-stream"))])
    assert no_images.status_code == 422, no_images.text
    fields = {e["field"] for e in no_images.json()["detail"]}
    assert {"runs.0.images", "runs.1.images"} <= fields
    assert "第2项（抖音）" in " ".join(e["message"] for e in no_images.json()["detail"])
    assert _runs(web) == runs_before and _queue(web).count == 0

    ok = client.post(url, files=_confirm_files(tmp_path, 2))
    assert ok.status_code == 201, ok.text
    created = ok.json()["created"]
    assert [r["site"] for r in created] == ["xiaohongshu", "douyin"]
    assert {r["status_label"] for r in created} == {"已排期"}
    assert {r["not_before"] for r in created} == {when.strftime("%Y-%m-%d %H:%M")}
    assert ok.json()["status_label"] == "已确认" and _queue(web).count == 0  # the scheduler starts them on time
    with web.db() as s:
        stored = [s.get(Run, r["id"]) for r in created]
        assert all(r.not_before == when.astimezone(timezone.utc) for r in stored)
        assert [len(r.content["images"]) for r in stored] == [2, 2]
        assert {r.mode for r in stored} == {"semi_auto"}  # the employee's mode
        assert stored[0].content["task"]["author"] == "离线模板"

    again = client.post(url, files=_confirm_files(tmp_path, 2))
    assert again.status_code == 409
    assert _runs(web) == runs_before + 2
    assert client.patch(f"/api/tasks/{plan['id']}/runs/0", json={"title": "改"}).status_code == 409


def test_a_draft_edited_to_an_absolute_claim_is_blocked_and_a_warning_reaches_the_approval_card(
        web, client, marketing, sheet, tmp_path):
    plan = _plan(client, marketing)
    edit = client.patch(f"/api/tasks/{plan['id']}/runs/0", json={"body": "桂花乌龙冷泡茶，全网第一好喝！"})
    assert edit.status_code == 200
    finding = next(f for f in edit.json()["runs"][0]["findings"] if f["text"] == "全网第一")
    assert (finding["rule"], finding["severity"], finding["start"]) == ("ad_law.absolute", "blocking", 8)
    assert edit.json()["runs"][0]["blocking"]

    before = _runs(web)
    blocked = client.post(f"/api/tasks/{plan['id']}/confirm", files=_confirm_files(tmp_path, 2))
    assert blocked.status_code == 422
    err = next(e for e in blocked.json()["detail"] if e["field"] == "runs.0.body")
    assert (err["rule"], err["span"], err["text"]) == ("ad_law.absolute", [8, 12], "全网第一")
    assert "广告法" in err["message"] and err["suggestion"]
    assert _runs(web) == before and _queue(web).count == 0

    # The same words in a note written by hand are refused by POST /api/runs too.
    with web.db() as s:
        xhs = s.query(Account).filter_by(site="xiaohongshu").first().id
    hand = client.post("/api/runs", data={"account_id": xhs, "employee_id": marketing, "title": "全网第一冷泡茶",
                                          "body": "清香", "timing": "now"},
                       files=[("images", f) for _, f in _images(tmp_path, 1, "hand")])
    assert hand.status_code == 422
    err = next(e for e in hand.json()["detail"] if e["rule"] == "ad_law.absolute")
    assert (err["field"], err["span"]) == ("title", [0, 4])
    assert _runs(web) == before

    # A warning (a superlative that may be harmless) does not block: it is stored and shown at approval.
    client.patch(f"/api/tasks/{plan['id']}/runs/0", json={"body": "桂花乌龙冷泡茶，今年最新的夏日茶饮。"})
    ok = client.post(f"/api/tasks/{plan['id']}/confirm", files=_confirm_files(tmp_path, 2))
    assert ok.status_code == 201, ok.text
    run_id = ok.json()["created"][0]["id"]
    with transaction(web.db) as s:
        run = s.get(Run, run_id)
        assert [w["text"] for w in run.content["compliance"]] == ["最新"]
        run.status = "awaiting_approval"
        approval = Approval(run_id=run_id, fields={"title": run.content["title"]})
        s.add(approval)
        s.flush()
        approval_id = approval.id
    card = client.get(f"/approvals/{approval_id}").text
    assert "合规提醒" in card and "<mark>最新</mark>" in card and "绝对化用语" in card


def test_a_task_the_operations_steward_cannot_read_is_refused_saying_what_is_missing(web, client):
    with web.db() as s:
        operations = s.query(Employee).filter_by(role="operations").one().id
        plans = s.query(TaskPlan).count()
    before = _runs(web)
    resp = client.post("/api/tasks", json={"employee_id": operations, "text": "整理一下今天的数据"})
    assert resp.status_code == 422
    (err,) = resp.json()["detail"]
    assert err["field"] == "text" and err["message"].startswith("「整理一下今天的数据」没看出要提醒什么：请说什么时候提醒你做什么")
    assert _runs(web) == before
    with web.db() as s:
        assert s.query(TaskPlan).count() == plans


@pytest.fixture(scope="module")
def finance(web):
    """The finance assistant's id, and the workspace's one tax-bureau account."""
    with transaction(web.db) as s:
        emp = s.query(Employee).filter_by(role="finance").one()
        if not s.query(Account).filter_by(workspace_id=emp.workspace_id, site="etax").count():
            s.add(Account(workspace_id=emp.workspace_id, site="etax", name="我的电子税务局", status="active"))
        return emp.id


def test_the_finance_assistant_plans_last_quarters_vat_and_confirming_starts_the_filing(web, client, finance):
    last = Quarter.containing(datetime.now(TZ).date()).previous()
    plan = _plan(client, finance, "把上季度增值税报了")
    (run,) = plan["runs"]
    assert (run["kind"], run["site"], run["account"]) == ("file_tax", "etax", "我的电子税务局")
    assert run["title"] == f"{last.label} 增值税及附加税费申报表（小规模纳税人）" and plan["confirmable"]
    assert plan["unknown"] == [] and "即将推出" not in str(plan)
    page = client.get(f"/tasks/{plan['id']}").text
    assert "申报表" in page and 'name="images_0"' not in page  # nothing to attach: the figures are the books'

    before = _runs(web)
    ok = client.post(f"/api/tasks/{plan['id']}/confirm", files=[("placeholder", ("", b"", "application/octet-stream"))])
    assert ok.status_code == 201, ok.text
    (created,) = ok.json()["created"]
    with web.db() as s:
        stored = s.get(Run, created["id"])
        assert (stored.graph, stored.site, stored.status, stored.mode) == ("tax_filing", "etax", "queued", "semi_auto")
        assert (stored.content["period"], stored.content["form"]) == (str(last), "vat")
    assert _runs(web) == before + 1 and _queue(web).count == 1

    again = _plan(client, finance, "把上季度增值税报了")  # the same return twice: refused, nothing created
    twice = client.post(f"/api/tasks/{again['id']}/confirm", files=[("placeholder", ("", b"", "application/octet-stream"))])
    assert twice.status_code == 422
    assert "不会重复申报" in twice.json()["detail"][0]["message"] and _runs(web) == before + 1
    _queue(web).empty()  # no worker in this module: leave the queue as the next test expects it


def test_business_income_is_planned_as_the_a_form_and_the_owner_picks_the_taxpayer_kind(web, client, finance):
    plan = _plan(client, finance, "报一下经营所得")
    (run,) = plan["runs"]
    assert run["title"].endswith("个人所得税经营所得申报表（A表）")
    assert any("按上季度" in n for n in plan["notes"])
    assert 'name="individual_business_0"' in client.get(f"/tasks/{plan['id']}").text
    ok = client.post(f"/api/tasks/{plan['id']}/confirm", data={"individual_business_0": "false"})
    assert ok.status_code == 201, ok.text
    with web.db() as s:
        stored = s.get(Run, ok.json()["created"][0]["id"])
        assert (stored.content["form"], stored.content["individual_business"]) == ("pit_business", False)
    _queue(web).empty()


def test_a_reprice_for_the_sales_assistant_without_a_model_says_why_and_plans_no_listing(web, client, sales):
    plan = _plan(client, sales, "去淘宝后台把桂花图案手机壳改价到19.9元")
    assert plan["runs"] == []  # an errand needs a model to work on the site; none is configured here
    assert plan["unknown"] == [f"「改价」：{NO_MODEL}"]
    assert "我们的新品" not in str(plan)
    page = client.get(f"/tasks/{plan['id']}").text
    assert "没有接入大模型" in page and "确认并排期" not in page


LISTING = "明天上午10点上架一款手机壳，倍思的磁吸透明款，售价39元"
FACTS = {"category_0": "手机壳", "brand_0": "倍思", "model_0": "磁吸透明款", "stock_0": "200"}


def tomorrow_10() -> datetime:
    tomorrow = datetime.now(TZ).date() + timedelta(days=1)
    return datetime(tomorrow.year, tomorrow.month, tomorrow.day, 10, 0, tzinfo=TZ)


@pytest.fixture(scope="module")
def sales(web):
    """The sales assistant's id, and the workspace's one Taobao shop."""
    with transaction(web.db) as s:
        emp = s.query(Employee).filter_by(role="sales").one()
        if not s.query(Account).filter_by(workspace_id=emp.workspace_id, site="taobao").count():
            s.add(Account(workspace_id=emp.workspace_id, site="taobao", name="我的淘宝店", status="active"))
        return emp.id


def test_the_sales_assistant_plans_a_listing_that_confirming_with_the_product_facts_schedules(web, client, sales,
                                                                                              tmp_path):
    plan = _plan(client, sales, LISTING)
    (run,) = plan["runs"]
    assert (run["site"], run["kind"]) == ("taobao", "list_product") and "手机壳" in run["title"]
    assert datetime.fromisoformat(run["at"]) == tomorrow_10() and run["account"] == "我的淘宝店"
    assert plan["confirmable"]
    page = client.get(f"/tasks/{plan['id']}").text
    assert "确认并排期" in page
    assert all(f'name="{name}"' in page for name in ("category_0", "brand_0", "model_0", "price_0", "stock_0",
                                                     "images_0"))

    url = f"/api/tasks/{plan['id']}/confirm"
    before = _runs(web)
    missing = client.post(url, files=_confirm_files(tmp_path, 1))  # images, but no product facts
    assert missing.status_code == 422, missing.text
    errors = {e["field"]: e["message"] for e in missing.json()["detail"]}
    assert {"runs.0.category_keyword", "runs.0.properties.品牌", "runs.0.stock"} <= set(errors)
    assert "runs.0.price" not in errors  # 售价39元 was in the sentence
    assert errors["runs.0.properties.品牌"].startswith("第1项（淘宝）")

    long_title = client.patch(f"/api/tasks/{plan['id']}/runs/0", json={"title": "倍思磁吸透明手机壳" * 4})
    assert long_title.status_code == 200
    too_long = client.post(url, data={**FACTS, "stock_0": "很多"}, files=_confirm_files(tmp_path, 1))
    assert too_long.status_code == 422
    assert {e["field"] for e in too_long.json()["detail"]} == {"runs.0.title", "runs.0.stock"}
    assert _runs(web) == before and _queue(web).count == 0

    client.patch(f"/api/tasks/{plan['id']}/runs/0", json={"title": "倍思磁吸透明手机壳 防摔全包"})
    ok = client.post(url, data=FACTS, files=_confirm_files(tmp_path, 1))
    assert ok.status_code == 201, ok.text
    (created,) = ok.json()["created"]
    assert created["status_label"] == "已排期" and _queue(web).count == 0  # the scheduler starts it at 10:00
    with web.db() as s:
        stored = s.get(Run, created["id"])
        assert (stored.graph, stored.site, stored.status) == ("listing", "taobao", "scheduled")
        assert stored.not_before == tomorrow_10().astimezone(timezone.utc)
        product = stored.content
        assert product["title"] == "倍思磁吸透明手机壳 防摔全包" and product["category_keyword"] == "手机壳"
        assert product["properties"] == {"品牌": "倍思", "型号": "磁吸透明款"}
        assert float(product["price"]) == 39 and product["stock"] == 200 and len(product["main_images"]) == 2
        assert product["task"]["description"] == run["body"]  # the drafted 描述 is kept with the run
    assert _runs(web) == before + 1


def test_a_site_the_employee_does_not_work_on_is_left_out_and_said(web, client, marketing, sheet):
    plan = _plan(client, marketing, "明天下午3点在淘宝和小红书发桂花乌龙冷泡茶的笔记")
    assert [r["site"] for r in plan["runs"]] == ["xiaohongshu"]
    assert any("淘宝" in u for u in plan["unknown"]), plan["unknown"]


# -- with a model -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def web_llm(tmp_path_factory, fake_llm_server):
    """The web server with a model configured (the fake one), priced so the cost is not zero."""
    data = tmp_path_factory.mktemp("web-llm")
    stack = Stack(data, web_port=free_port(), redis_port=free_port(), xhs_port=free_port(),
                  douyin_port=free_port(), workers=0, replica_delays=False,
                  extra_env={"OPC_LLM_BASE_URL": fake_llm_server.base_url, "OPC_LLM_MODEL": FAKE_MODEL,
                             "OPC_LLM_API_KEY": "sk-test-9f8e7d6c5b4a", "OPC_LLM_MAX_RETRIES": "1",
                             "OPC_LLM_TIMEOUT_S": "5", "OPC_LLM_PRICE_IN_PER_MTOK": "2",
                             "OPC_LLM_PRICE_OUT_PER_MTOK": "8"})
    _user, password = seed_demo(Settings(data_dir=data, sandbox=True))
    stack.start_redis()
    stack.start_web()
    w = Web(stack, password)
    with transaction(w.db) as s:
        emp = s.query(Employee).filter_by(role="marketing").one()
        s.add(Account(workspace_id=emp.workspace_id, site="douyin", name="我的抖音", status="active"))
    yield w
    stack.stop()


def _publish_call(site: str, title: str, citations: list[int]) -> tuple[str, dict]:
    return ("publish_post", {"site": site, "time_text": "下周一上午10点", "title": title,
                             "body": "桂花香遇上乌龙茶，冷泡6小时，清甜不苦涩。", "topics": ["冷泡茶", "新品上市"],
                             "citations": citations})


def test_with_a_model_the_plan_comes_from_its_tool_calls_and_the_cost_is_recorded(web_llm, fake_llm, tmp_path):
    with closing(web_llm.client()) as c:
        for sample in c.get("/api/knowledge").json()["docs"]:  # the seeded example: only the owner's sheet stays
            assert c.delete(f"/api/knowledge/{sample['id']}").status_code == 200
        assert c.post("/api/knowledge", files={"file": (SHEET[0], SHEET[1], "text/plain")}).status_code == 201
        with web_llm.db() as s:
            marketing = s.query(Employee).filter_by(role="marketing").one().id
        c.patch(f"/api/employees/{marketing}", json={"tone": "温暖走心", "banned_words": "某某茶"})
        fake_llm.reply_tool_calls(_publish_call("xiaohongshu", "桂花乌龙冷泡茶上新啦", [1]),
                                  _publish_call("douyin", "夏天的第一杯冷泡茶", [1]), usage=(1200, 300))
        plan = _plan(c, marketing)

        (request,) = fake_llm.requests
        assert request.body["model"] == FAKE_MODEL
        assert request.tool_names == ["publish_post", "list_product"]
        prompt = request.prompt_text
        assert "营销专员" in prompt and "温暖走心" in prompt and "某某茶" in prompt  # persona + settings
        assert SHEET[0] in prompt and "金桂窨制" in prompt  # the passages
        assert STORY in prompt

        assert plan["author"] == f"模型 {FAKE_MODEL}"
        assert plan["usage"] == {"prompt_tokens": 1200, "completion_tokens": 300, "cost_yuan": 0.0048}
        assert [r["title"] for r in plan["runs"]] == ["桂花乌龙冷泡茶上新啦", "夏天的第一杯冷泡茶"]
        assert {r["at_label"] for r in plan["runs"]} == {label(next_monday_10())}
        assert [c["doc_name"] for c in plan["runs"][0]["citations"]] == [SHEET[0]]
        assert "第一" not in [f["text"] for f in plan["runs"][1]["findings"]]  # 第一杯 is an allowed ordinal
        page = c.get(f"/tasks/{plan['id']}").text
        assert FAKE_MODEL in page and "1500 词元" in page and "¥0.0048" in page

        ok = c.post(f"/api/tasks/{plan['id']}/confirm", files=_confirm_files(tmp_path, 2))
        assert ok.status_code == 201, ok.text
        with web_llm.db() as s:
            for r in ok.json()["created"]:
                task = s.get(Run, r["id"]).content["task"]
                assert task["usage"]["cost_yuan"] == 0.0048 and task["shared_by"] == 2


def test_when_the_model_is_down_the_offline_writer_plans_and_says_why(web_llm, fake_llm):
    with closing(web_llm.client()) as c:
        with web_llm.db() as s:
            marketing = s.query(Employee).filter_by(role="marketing").one().id
        fake_llm.fail(503, times=2)
        plan = _plan(c, marketing)
        assert plan["author"] == "离线模板" and len(plan["runs"]) == 2
        assert "模型暂时用不了" in plan["notes"][0]


# -- on the phone ---------------------------------------------------------------------------------------

@pytest.fixture
def phone(chromium):
    ctx = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                               timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(15_000)
    yield ctx.new_page()
    ctx.close()


def test_owner_types_a_task_on_the_phone_reviews_the_plan_and_confirms_it(web, marketing, sheet, phone, tmp_path):
    page = phone
    page.goto(f"{web.url}/login")
    page.get_by_label("用户名").fill("owner")
    page.get_by_label("密码").fill(web.password)
    page.get_by_role("button", name="登录").click()
    tab(page, "派活")

    page.get_by_label("交给").select_option(label="营销专员")
    expect(page.get_by_role("option", name="运营管家", exact=True)).to_be_enabled()
    expect(page.get_by_role("option", name="财务助手", exact=True)).to_be_enabled()
    page.get_by_label(re.compile("^任务")).fill(STORY)
    page.get_by_role("button", name="让员工出计划").click()
    expect(page).to_have_url(re.compile(r"/tasks/\w+$"))

    when = label(next_monday_10())
    runs = page.locator(".plan-run")
    expect(runs).to_have_count(2)
    expect(runs.nth(0).get_by_role("heading")).to_have_text("第1项 · 小红书")
    expect(runs.nth(1).get_by_role("heading")).to_have_text("第2项 · 抖音")
    expect(runs.nth(0).locator("dd[data-field=at]")).to_have_text(when)
    expect(runs.nth(0).locator(".citations cite", has_text=SHEET[0]).first).to_be_visible()
    expect(page.locator("#task-author")).to_contain_text("离线模板")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling

    runs.nth(0).get_by_text("修改草稿").click()
    runs.nth(0).get_by_label("标题").fill("桂花乌龙冷泡茶上新")
    runs.nth(0).get_by_role("button", name="保存修改").click()
    expect(runs.nth(0).locator("dd[data-field=title]")).to_have_text("桂花乌龙冷泡茶上新")

    confirm = page.locator("#confirm")
    confirm.get_by_role("button", name="确认并排期").click()  # without images: refused, naming the run
    expect(confirm.locator(".errors [data-field='runs.0.images']")).to_contain_text("第1项（小红书）")
    files = [str(make_image(tmp_path / f"phone{i}.jpg", size=(600, 800))) for i in range(2)]
    confirm.get_by_label("第1项图片（小红书）").set_input_files(files)
    confirm.get_by_label("第2项图片（抖音）").set_input_files(files[:1])
    confirm.get_by_role("button", name="确认并排期").click()

    expect(page.locator("#task-status")).to_have_text("已确认")
    expect(page.get_by_role("link", name=re.compile("桂花乌龙冷泡茶上新"))).to_be_visible()
    scheduled = page.locator(".list .item", has_text=next_monday_10().strftime("%Y-%m-%d 10:00"))
    expect(scheduled).to_have_count(2)
    expect(page.locator(".badge.s-scheduled")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_owner_hands_a_filing_to_the_finance_assistant_on_the_phone(web, finance, phone):
    page = phone
    page.goto(f"{web.url}/login")
    page.get_by_label("用户名").fill("owner")
    page.get_by_label("密码").fill(web.password)
    page.get_by_role("button", name="登录").click()
    tab(page, "派活")
    page.get_by_label("交给").select_option(label="财务助手")
    page.get_by_label(re.compile("^任务")).fill("去年第四季度的增值税报了")
    page.get_by_role("button", name="让员工出计划").click()
    expect(page).to_have_url(re.compile(r"/tasks/\w+$"))

    year = datetime.now(TZ).year - 1
    item = page.locator(".plan-run")
    expect(item).to_have_count(1)
    expect(item.get_by_role("heading")).to_have_text("第1项 · 电子税务局")
    expect(item.locator("dd[data-field=title]")).to_have_text(f"{year}年第4季度 增值税及附加税费申报表（小规模纳税人）")
    expect(page.get_by_text("即将推出")).to_have_count(0)
    page.locator("#confirm").get_by_role("button", name="确认并排期").click()
    expect(page.locator("#task-status")).to_have_text("已确认")
    expect(page.locator(".list .item", has_text="电子税务局")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _queue(web).empty()


def test_with_a_model_the_owner_plans_edits_and_confirms_on_the_phone(web_llm, fake_llm, phone, tmp_path):
    """The story through the phone with the (fake) model writing: the model's drafts, edited, confirmed."""
    fake_llm.reply_tool_calls(_publish_call("xiaohongshu", "桂花乌龙冷泡茶上新啦", [1]),
                              _publish_call("douyin", "夏天的第一杯冷泡茶", [1]), usage=(900, 200))
    page = phone
    page.goto(f"{web_llm.url}/login")
    page.get_by_label("用户名").fill("owner")
    page.get_by_label("密码").fill(web_llm.password)
    page.get_by_role("button", name="登录").click()
    tab(page, "派活")
    page.get_by_label("交给").select_option(label="营销专员")
    page.get_by_label(re.compile("^任务")).fill(STORY)
    page.get_by_role("button", name="让员工出计划").click()
    expect(page).to_have_url(re.compile(r"/tasks/\w+$"))
    expect(page.locator("#task-author")).to_contain_text(FAKE_MODEL)
    expect(page.locator("#task-author")).to_contain_text("用量 1100 词元（输入900，输出200）")
    runs = page.locator(".plan-run")
    expect(runs).to_have_count(2)
    expect(runs.nth(0).locator("dd[data-field=title]")).to_have_text("桂花乌龙冷泡茶上新啦")
    expect(runs.nth(1).locator("dd[data-field=at]")).to_have_text(label(next_monday_10()))
    assert fake_llm.requests[-1].tool_names == ["publish_post", "list_product"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    runs.nth(1).get_by_role("heading").click()  # only the first run's section starts open
    runs.nth(1).get_by_text("修改草稿").click()
    runs.nth(1).get_by_label("标题").fill("冷泡茶，夏天就喝这一杯")
    runs.nth(1).get_by_role("button", name="保存修改").click()
    expect(runs.nth(1).locator("dd[data-field=title]")).to_have_text("冷泡茶，夏天就喝这一杯")

    files = [str(make_image(tmp_path / f"llm{i}.jpg", size=(600, 800))) for i in range(2)]
    confirm = page.locator("#confirm")
    confirm.get_by_label("第1项图片（小红书）").set_input_files(files)
    confirm.get_by_label("第2项图片（抖音）").set_input_files(files[:1])
    confirm.get_by_role("button", name="确认并排期").click()
    expect(page.locator("#task-status")).to_have_text("已确认")
    scheduled = page.locator(".list .item", has_text=next_monday_10().strftime("%Y-%m-%d 10:00"))
    expect(scheduled).to_have_count(2)
